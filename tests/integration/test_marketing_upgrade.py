"""Upgrading to marketing consent with evidence (migration 0010, R-24): a contact whose
marketing was on keeps the setting, reads "consent not on record", is listed and gets
no marketing text; the account's first key gains consent:record."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from tamper_support import private_database

from heed.adapters.db import migrate
from heed.adapters.transports import LogTransport
from heed.bootstrap import build
from heed.config import Settings
from heed.services import consent, contacts, decisions
from heed.services.common import PERMISSIONS, Principal

BEFORE = [p for p in PERMISSIONS if p != "consent:record"]
AT = datetime(2026, 5, 5, 18, 0, tzinfo=UTC).replace(tzinfo=None)


def _older_heed(url: str) -> None:
    """An account as heed 0009 left it: a mobile with marketing on and two keys."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (id, name, customer_notifications_enabled, "
                "sms_opt_out_scope, window_start, window_end, placeholders, ledger_seq, "
                "ledger_head, created_at) VALUES ('acc_old', 'Acme Plumbing', true, "
                "'account', '08:00', '21:00', '[]', 0, :head, :at)"
            ),
            {"head": "0" * 64, "at": AT},
        )
        connection.execute(
            text(
                "INSERT INTO customers (account_id, id, name, name_key, do_not_mail, "
                "invoice_delivery, created_at) VALUES ('acc_old', 'cus_old', 'Casey Old', "
                "'casey old', false, 'mail', :at)"
            ),
            {"at": AT},
        )
        connection.execute(
            text(
                "INSERT INTO contacts (account_id, id, customer_id, kind, value, notify_job, "
                "notify_invoice_statement, notify_marketing, placeholder, created_at) VALUES "
                "('acc_old', 'con_old', 'cus_old', 'mobile', '+15124729301', true, false, "
                "true, false, :at)"
            ),
            {"at": AT},
        )
        for key_id, permissions in (("key_first", BEFORE), ("key_view", ["customer:view"])):
            connection.execute(
                text(
                    "INSERT INTO api_keys (account_id, id, key_hash, permissions, created_at, "
                    "kind) VALUES ('acc_old', :id, :hash, :permissions, :at, 'standard')"
                ),
                {"id": key_id, "hash": key_id, "permissions": json.dumps(permissions), "at": AT},
            )
    engine.dispose()


def test_marketing_on_before_the_upgrade_is_kept_flagged_and_blocked(
    db_url: str, tmp_path: Path
) -> None:
    with private_database(db_url, tmp_path, "marketing_upgrade") as url:
        migrate.upgrade(url, "0009")
        _older_heed(url)
        migrate.upgrade(url)
        with open(os.devnull, "w") as quiet:
            heed = build(Settings(database_url=url), migrate=False, transport=LogTransport(quiet))
        try:
            staff = Principal("acc_old", "user:office", frozenset(PERMISSIONS))
            contact = contacts.get_contact(heed.uow, staff, "con_old")
            assert contact["notifications"]["marketing"] is True
            assert contact["marketing_consent"] == "not_on_record"
            listed = consent.marketing_not_on_record(heed.uow, staff)
            assert [item["contact_id"] for item in listed] == ["con_old"]
            asked = {"channel": "sms", "category": "marketing", "contact_id": "con_old"}
            answer = decisions.decide_one(heed.uow, staff, decisions.DecisionRequest.parse(asked))
            assert answer["reason"] == "no_marketing_consent"
            with heed.engine.connect() as connection:
                rows = connection.execute(text("SELECT id, permissions FROM api_keys")).all()
            held: dict[str, list[str]] = {
                str(key_id): found if isinstance(found, list) else json.loads(found)
                for key_id, found in rows
            }
            assert "consent:record" in held["key_first"]
            assert held["key_view"] == ["customer:view"]
        finally:
            heed.engine.dispose()
