"""Who may post inbound messages, and the credential each ledger entry names (R-25).

Only a gateway key (and Twilio's signed webhook, tests/e2e) delivers a customer's
words: the account's first key, every other key and every staff login cannot, and
a gateway key can do nothing else. Upgrading takes ``inbound:record`` from every
existing staff key (migration 0004).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from integration_support import ledger, message_id, random_number
from sqlalchemy.engine import make_url

from heed.adapters.db import tables as t
from heed.adapters.db.engine import make_engine
from heed.adapters.db.migrate import MIGRATIONS, upgrade
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.domain.consent import GENESIS_HASH, LedgerEntry, entry_hash, verify_chain
from heed.domain.errors import Invalid
from heed.services import accounts, consent, imports, unsubscribe
from heed.services.accounts import NewAccount
from heed.services.common import INBOUND, PERMISSIONS, ROLES
from unique_values import unique_email


def test_the_accounts_own_key_cannot_post_inbound_messages(heed: Heed, account: NewAccount) -> None:
    admin = accounts.authenticate_api_key(heed.uow, account.api_key)
    assert INBOUND not in admin.permissions and not admin.is_gateway
    assert admin.permissions == frozenset(PERMISSIONS)
    assert admin.via.startswith("api_key:key_")


def test_inbound_record_is_granted_to_gateway_keys_alone(heed: Heed, account: NewAccount) -> None:
    for asked in ([INBOUND], ["customer:view", INBOUND]):
        with pytest.raises(Invalid) as refused:
            accounts.create_api_key(heed.uow, account.account_id, asked)
        assert refused.value.details == {"field": "permissions"}
        assert "--gateway" in refused.value.message
    made = accounts.create_gateway_key(heed.uow, account.account_id)
    gateway = accounts.authenticate_api_key(heed.uow, made.api_key)
    assert gateway.is_gateway and gateway.permissions == frozenset({INBOUND})
    assert gateway.via == f"gateway_key:{made.key_id}"


def test_no_staff_login_holds_inbound_record_whatever_its_role(
    heed: Heed, account: NewAccount
) -> None:
    for role in ROLES:
        email = unique_email(role, "acme.example")
        user_id = accounts.create_user(heed.uow, account.account_id, email, "correct horse", role)
        with heed.uow.read() as tx:
            user = tx.session.get(t.User, (account.account_id, user_id))
            assert user is not None
            login = accounts.principal_for_user(user)
        assert INBOUND not in login.permissions and not login.is_gateway
        assert login.via == f"user:{user_id}"


def test_a_staff_key_row_still_carrying_inbound_record_cannot_use_it(
    heed: Heed, account: NewAccount
) -> None:
    """A row the upgrade missed (restored from an old backup) grants nothing inbound."""
    raw = accounts.create_api_key(heed.uow, account.account_id, ["customer:view"])
    with heed.uow.write() as tx:
        key = tx.session.scalars(
            sa.select(t.ApiKey).where(t.ApiKey.key_hash == accounts.hash_api_key(raw))
        ).one()
        key.permissions = ["customer:view", INBOUND]
        tx.commit()
    accounts.forget_api_keys()
    principal = accounts.authenticate_api_key(heed.uow, raw)
    assert principal.permissions == frozenset({"customer:view"}) and not principal.is_gateway


# --- via: the credential behind each entry ------------------------------------------------


def _vias(heed: Heed, account_id: str) -> list[str | None]:
    return [e.via for e in ledger(heed, account_id)]


def test_each_path_into_the_ledger_names_its_credential_and_the_chain_verifies(
    heed: Heed, account: NewAccount, business_number: str
) -> None:
    account_id = account.account_id
    gateway = accounts.create_gateway_key(heed.uow, account_id)
    by_gateway = accounts.authenticate_api_key(heed.uow, gateway.api_key)
    consent.record_inbound_sms(
        heed.uow,
        account_id,
        from_number=random_number(),
        to_number=business_number,
        body="STOP",
        message_id=message_id(),
        via=by_gateway.via,
    )
    admin = accounts.authenticate_api_key(heed.uow, account.api_key)
    consent.record_opt_out_for_customer(heed.uow, admin, random_number(), note="called")
    user_id = accounts.create_user(
        heed.uow,
        account_id,
        unique_email("office", "acme.example"),
        "correct horse",
        "office",
    )
    with heed.uow.read() as tx:
        user = tx.session.get(t.User, (account_id, user_id))
        assert user is not None
    consent.record_opt_out_for_customer(heed.uow, accounts.principal_for_user(user), "a@b.org")
    imports.import_customers(
        heed.uow,
        admin,
        [
            {
                "name": "Otto Out",
                "contacts": [{"kind": "mobile", "value": random_number(), "opted_out": True}],
            }
        ],
    )
    link = unsubscribe.make_token(unsubscribe.signing_key(heed.settings), account_id, "c@d.org")
    unsubscribe.unsubscribe(heed.uow, heed.settings, link)
    consent.record_email_event(
        heed.uow, account_id, email="e@f.org", event="bounce", via=by_gateway.via
    )
    consent.record_provider_opt_out(
        heed.uow,
        account_id,
        address=random_number(),
        from_number=business_number,
        detail="21610: unsubscribed recipient",
    )
    # Each address is on its own stripe's chain: compared without the seq order.
    assert Counter(_vias(heed, account_id)) == Counter(
        [
            f"gateway_key:{gateway.key_id}",
            admin.via,
            f"user:{user_id}",
            "import",
            "unsubscribe_link",
            f"gateway_key:{gateway.key_id}",
            "provider_send",
        ]
    )
    assert consent.verify_ledger(heed.uow, account_id) is None
    shown = consent.ledger_events(heed.uow, admin)
    assert [e["via"] for e in shown] == _vias(heed, account_id)


# --- upgrading ----------------------------------------------------------------------------


def _migration() -> ModuleType:
    [path] = Path(MIGRATIONS, "versions").glob("*_gateway_keys.py")
    spec = importlib.util.spec_from_file_location("gateway_keys_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def _fresh_database(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database beside the test database, dropped afterwards."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    url = make_url(db_url)
    name = f"{url.database}_upgrade_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_upgrading_takes_inbound_record_from_staff_keys_and_keeps_old_entries_verifying(
    db_url: str, tmp_path: Path
) -> None:
    """From revision 0002: the account's first key (every permission and inbound:record)
    loses inbound:record, a key that held only inbound:record becomes a gateway key, a
    narrow key is untouched; a ledger entry written before ``via`` still verifies."""
    admin_raw, gateway_raw, narrow_raw = (f"heed_{secrets.token_urlsafe(16)}" for _ in range(3))
    at = datetime(2026, 11, 20, 15, 0, 0, 123456)
    entry: dict[str, Any] = {
        "account_id": "acc_old",
        "seq": 1,
        "address": "+15128675309",
        "channel": "sms",
        "scope": "*",
        "action": "opt_out",
        "source": "keyword",
        "body": "STOP",
        "provider_message_id": "SMold",
        "actor": "customer:+15128675309 via provider",
    }
    old_hash = entry_hash(GENESIS_HASH, **entry, at=at.replace(tzinfo=UTC))
    with _fresh_database(db_url, tmp_path) as url:
        upgrade(url, "0002")
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(
                sa.table(
                    "accounts",
                    *(sa.column(c) for c in _ACCOUNT_COLUMNS),
                    sa.column("placeholders", sa.JSON),
                ).insert(),
                [_old_account(at, old_hash)],
            )
            connection.execute(
                sa.table(
                    "api_keys",
                    sa.column("account_id"),
                    sa.column("id"),
                    sa.column("key_hash"),
                    sa.column("permissions", sa.JSON),
                    sa.column("created_at"),
                ).insert(),
                [
                    _old_key("key_admin", admin_raw, [*PERMISSIONS, INBOUND], at),
                    _old_key("key_gateway", gateway_raw, [INBOUND], at),
                    _old_key("key_narrow", narrow_raw, ["customer:view"], at),
                ],
            )
            connection.execute(
                sa.table(
                    "consent_events",
                    *(sa.column(c) for c in (*entry, "at", "prev_hash", "hash")),
                ).insert(),
                [{**entry, "at": at, "prev_hash": GENESIS_HASH, "hash": old_hash}],
            )
        engine.dispose()

        upgrade(url, "head")
        migrated = build(Settings(database_url=url))
        try:
            with migrated.engine.begin() as connection:
                _migration().move_inbound_to_gateway_keys(connection)  # a second run: no change
            with migrated.uow.read() as tx:
                keys = {
                    k.id: (k.kind, sorted(k.permissions))
                    for k in tx.session.scalars(sa.select(t.ApiKey)).all()
                }
                [row] = tx.session.scalars(sa.select(t.ConsentEvent)).all()
            assert keys == {
                "key_admin": ("standard", sorted(PERMISSIONS)),
                "key_gateway": ("gateway", [INBOUND]),
                "key_narrow": ("standard", ["customer:view"]),
            }
            admin = accounts.authenticate_api_key(migrated.uow, admin_raw)
            gateway = accounts.authenticate_api_key(migrated.uow, gateway_raw)
            assert INBOUND not in admin.permissions and not admin.is_gateway
            assert gateway.is_gateway and gateway.via == "gateway_key:key_gateway"
            assert row.via is None
            stored = LedgerEntry(
                **{f.name: getattr(row, f.name) for f in dataclasses.fields(LedgerEntry)}
            )
            assert verify_chain([stored]) is None
        finally:
            migrated.engine.dispose()


_ACCOUNT_COLUMNS = (
    "id",
    "name",
    "customer_notifications_enabled",
    "sms_opt_out_scope",
    "window_start",
    "window_end",
    "help_text",
    "twilio_auth_token",
    "ledger_seq",
    "ledger_head",
    "created_at",
)


def _old_account(at: datetime, head: str) -> dict[str, object]:
    return {
        "id": "acc_old",
        "name": "Acme Plumbing",
        "customer_notifications_enabled": True,
        "sms_opt_out_scope": "account",
        "window_start": "08:00",
        "window_end": "21:00",
        "placeholders": [],
        "help_text": None,
        "twilio_auth_token": "old-token",
        "ledger_seq": 1,
        "ledger_head": head,
        "created_at": at,
    }


def _old_key(key_id: str, raw: str, permissions: list[str], at: datetime) -> dict[str, object]:
    return {
        "account_id": "acc_old",
        "id": key_id,
        "key_hash": accounts.hash_api_key(raw),
        "permissions": permissions,
        "created_at": at,
    }
