"""The accounts a batch of inbound texts reads beside its stripe lock are opened with
their own engine's keyring (adapters/db/accounts.py ``settings_of``)."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.fernet import Fernet
from sqlalchemy import create_engine

from heed.adapters.crypto import Keyring
from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import sealed


def _row(token: str) -> tuple[object, ...]:
    """An account's row as psycopg hands it over, in ``settings_read``'s column order."""
    values = {
        "id": "acc_settings",
        "name": "Rowan Plumbing",
        "customer_notifications_enabled": True,
        "sms_opt_out_scope": "account",
        "window_start": "08:00",
        "window_end": "21:00",
        "placeholders": ["TBD"],
        "help_text": None,
        "reply_texts": {"es": {"opt_out": "Listo."}},
        "marketing_disclosure": None,
        "twilio_auth_token": token,
        "ledger_seq": 0,
        "ledger_head": "0" * 64,
        "created_at": datetime(2026, 3, 1, 12, 0),
    }
    return tuple(values[key] for key in stored_accounts._KEYS)


def test_two_engines_open_the_sealed_token_each_with_its_own_keyring() -> None:
    first_ring, second_ring = Keyring([Fernet.generate_key()]), Keyring([Fernet.generate_key()])
    first = create_engine("postgresql+psycopg://heed@127.0.0.1/first")
    second = create_engine("postgresql+psycopg://heed@127.0.0.1/second")
    sealed.attach(first, first_ring)
    sealed.attach(second, second_ring)
    [read_first] = stored_accounts.settings_of(
        first.dialect, [_row(first_ring.seal("first-token"))]
    ).values()
    # The first engine's processing is not reused for the second: its keyring could
    # not open this token.
    [read_second] = stored_accounts.settings_of(
        second.dialect, [_row(second_ring.seal("second-token"))]
    ).values()
    assert (read_first.twilio_auth_token, read_second.twilio_auth_token) == (
        "first-token",
        "second-token",
    )
    assert read_second.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert read_second.reply_texts == {"es": {"opt_out": "Listo."}}
