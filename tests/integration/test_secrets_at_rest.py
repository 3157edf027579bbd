"""Secrets are stored sealed: a copy of the database gives away no Twilio token or
signing secret, and service code still reads them as plain text."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from heed.adapters.crypto import SEALED, Keyring, SecretKeyError, derive_key
from heed.adapters.db.instance import instance_secret
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.services import accounts, consent


def _raw_token(heed: Heed, account_id: str) -> str:
    with heed.engine.connect() as connection:
        stored: str = connection.execute(
            text("SELECT twilio_auth_token FROM accounts WHERE id = :id"), {"id": account_id}
        ).scalar_one()
    return stored


def test_a_twilio_token_is_stored_sealed_and_read_back_as_plain_text(
    heed: Heed, business_number: str
) -> None:
    token = "f3a1c0ffee" + business_number[-4:] + "0" * 18
    made = accounts.create_account(heed.uow, "Sealed Plumbing", [business_number], token)
    stored = _raw_token(heed, made.account_id)
    assert stored.startswith(SEALED) and token not in stored
    owner = consent.accounts_by_number(heed.uow, [business_number])[business_number]
    assert owner.twilio_auth_token == token


def test_the_signing_secret_is_stored_sealed_and_read_back_as_plain_text(heed: Heed) -> None:
    with heed.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT value FROM instance_settings WHERE name = 'secret_key'")
        ).scalar_one()
    assert stored.startswith(SEALED)
    assert instance_secret(heed.engine) == heed.settings.secret_key
    assert heed.settings.secret_key not in stored


def test_a_token_stored_plain_by_an_older_heed_reads_as_is_then_is_sealed_at_the_next_start(
    heed: Heed, db_url: str, business_number: str
) -> None:
    made = accounts.create_account(heed.uow, "Old Plumbing", [business_number])
    with heed.engine.begin() as connection:
        connection.execute(
            text("UPDATE accounts SET twilio_auth_token = 'plain-old-token' WHERE id = :id"),
            {"id": made.account_id},
        )
    owner = consent.accounts_by_number(heed.uow, [business_number])[business_number]
    assert owner.twilio_auth_token == "plain-old-token"

    restarted = build(Settings(database_url=db_url), migrate=True)
    try:
        stored = _raw_token(restarted, made.account_id)
        assert stored.startswith(SEALED) and "plain-old-token" not in stored
        owner = consent.accounts_by_number(restarted.uow, [business_number])[business_number]
        assert owner.twilio_auth_token == "plain-old-token"
    finally:
        restarted.engine.dispose()


def test_a_value_sealed_with_another_key_is_refused_with_a_sentence_not_read_as_garbage() -> None:
    sealed = Keyring([Fernet.generate_key()]).seal("token")
    with pytest.raises(SecretKeyError, match="sealed with another key than HEED_SECRET_KEY"):
        Keyring([derive_key("another secret")]).open(sealed)


def test_an_old_key_still_opens_what_it_sealed_while_the_new_one_seals() -> None:
    old, new = derive_key("old secret"), derive_key("new secret")
    sealed_before = Keyring([old]).seal("token")
    during = Keyring([new], [old])
    assert during.open(sealed_before) == "token"
    resealed = during.reseal(sealed_before)
    assert Keyring([new]).open(resealed) == "token"
    with pytest.raises(SecretKeyError):
        Keyring([old]).open(resealed)


def test_a_process_starting_while_another_writes_the_key_file_reads_the_finished_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ``heed serve`` workers on a first start both make the key file: the one that
    looks while the other is still writing it never finds it empty, and both end with
    the one key the file holds."""
    key_file = tmp_path / "heed.key"
    generate = Fernet.generate_key
    inside: list[Keyring] = []
    started: list[bool] = []

    def generate_while_another_starts() -> bytes:
        if not started:
            started.append(True)
            # The other worker starts now, between this one's deciding to make the file
            # and its key being written.
            inside.append(Keyring.load(secret_key="", old_secret_keys="", key_file=key_file))
        return generate()

    monkeypatch.setattr(Fernet, "generate_key", generate_while_another_starts)
    first = Keyring.load(secret_key="", old_secret_keys="", key_file=key_file)
    (second,) = inside
    keys = key_file.read_text().split()
    assert len(keys) == 1
    sealed = first.seal("ACtoken")
    assert second.open(sealed) == "ACtoken"
    assert first.open(second.seal("ACother")) == "ACother"
    assert [p.name for p in tmp_path.iterdir()] == ["heed.key"]
