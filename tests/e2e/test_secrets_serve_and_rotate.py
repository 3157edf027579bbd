"""Secrets at rest through the real `heed serve` and `heed secrets rotate`.

Each test has a database and a key file of its own: a rotation re-seals every
secret of a database, and must not touch the one the other tests share.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import (
    free_port,
    heed_command,
    heed_serve,
    twilio_form,
    twilio_signature,
    wait_until_up,
)
from sqlalchemy import create_engine, make_url, text
from typer.testing import CliRunner, Result

from heed.adapters.crypto import SEALED
from heed.adapters.db.instance import instance_secret
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.entrypoints.cli import app
from heed.services import accounts, consent
from heed.services.common import PERMISSIONS, Principal

TOKEN = "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"
NUMBER = "+15125550111"


@pytest.fixture
def own_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A database for this test alone: a SQLite file, or a PostgreSQL database made and dropped."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'own.sqlite3'}"
        return
    name = f"{url.database}_own_{uuid.uuid4().hex[:8]}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


@pytest.fixture
def environment(own_db_url: str, tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HEED_")}
    return {
        **environ,
        "HEED_DATABASE_URL": own_db_url,
        "HEED_KEY_FILE": str(tmp_path / "heed.key"),
    }


@pytest.fixture
def own(environment: dict[str, str]) -> Iterator[Heed]:
    heed = build(
        Settings(
            database_url=environment["HEED_DATABASE_URL"],
            key_file=environment["HEED_KEY_FILE"],
            secret_key="",
        ),
        migrate=True,
    )
    yield heed
    heed.engine.dispose()


def _raw(heed: Heed) -> tuple[str, str]:
    with heed.engine.connect() as connection:
        token = connection.execute(text("SELECT twilio_auth_token FROM accounts")).scalar_one()
        secret = connection.execute(
            text("SELECT value FROM instance_settings WHERE name = 'secret_key'")
        ).scalar_one()
    return token, secret


def _stop(url: str, sender: str, token: str = TOKEN) -> httpx.Response:
    webhook = url + "/webhooks/twilio/sms"
    form = twilio_form(sender, NUMBER, "STOP")
    signature = twilio_signature(token, form, url=webhook)
    return httpx.post(webhook, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)


def _run(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        heed_command(*args), env=environment, capture_output=True, text=True, timeout=120
    )


def test_a_sealed_token_still_verifies_webhooks_and_a_rotation_keeps_every_secret_readable(
    own: Heed, environment: dict[str, str]
) -> None:
    account = accounts.create_account(own.uow, "Sealed Plumbing", [NUMBER], TOKEN)
    signing_secret = own.settings.secret_key
    token_before, secret_before = _raw(own)
    assert token_before.startswith(SEALED) and TOKEN not in token_before
    assert secret_before.startswith(SEALED) and signing_secret not in secret_before
    key_before = Path(environment["HEED_KEY_FILE"]).read_text()
    assert Path(environment["HEED_KEY_FILE"]).stat().st_mode & 0o777 == 0o600

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    served = {**environment, "HEED_PUBLIC_URL": url}
    with heed_serve(served, port) as process:
        wait_until_up(url, process)
        assert _stop(url, "+15122440001").status_code == 200
        assert _stop(url, "+15122440002", token="not-the-token").status_code == 403

        rotated = _run(environment, "secrets", "rotate")
        assert rotated.returncode == 0, rotated.stderr
        assert "2 secrets sealed again" in rotated.stdout
        key_after = Path(environment["HEED_KEY_FILE"]).read_text()
        assert key_after != key_before and len(key_after.split()) == 1

        # The server started before the rotation reads the new key from the file.
        assert _stop(url, "+15122440003").status_code == 200

    token_after, secret_after = _raw(own)
    assert token_after.startswith(SEALED) and token_after != token_before
    assert secret_after.startswith(SEALED) and secret_after != secret_before
    restarted = build(Settings(**own.settings.model_dump()), migrate=True)
    try:
        owner = consent.accounts_by_number(restarted.uow, [NUMBER])[NUMBER]
        assert owner.twilio_auth_token == TOKEN
        assert instance_secret(restarted.engine) == signing_secret
        stops = consent.ledger_events(restarted.uow, _principal(account.account_id))
        assert [e["address"] for e in stops] == ["+15122440001", "+15122440003"]
    finally:
        restarted.engine.dispose()


def _principal(account_id: str) -> Principal:
    return Principal(account_id, "user:test", frozenset(PERMISSIONS))


def test_a_server_given_another_key_file_refuses_to_start_and_says_why(
    own: Heed, environment: dict[str, str], tmp_path: Path
) -> None:
    accounts.create_account(own.uow, "Sealed Plumbing", [NUMBER], TOKEN)
    port = free_port()
    started = subprocess.run(
        heed_command("serve", "--port", str(port)),
        env={**environment, "HEED_KEY_FILE": str(tmp_path / "another.key")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 2
    assert "sealed with another key than the key file" in started.stderr
    assert "Traceback" not in started.stderr


def _cli(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], *args: str) -> Result:
    for name in [n for n in os.environ if n.startswith("HEED_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        if name.startswith("HEED_"):
            monkeypatch.setenv(name, value)
    return CliRunner().invoke(app, list(args))


def test_moving_to_a_new_heed_secret_key_through_rotate_keeps_every_secret_readable(
    own_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No key file anywhere this database could find one: HEED_SECRET_KEY alone holds the key.
    env = {"HEED_DATABASE_URL": own_db_url, "HEED_KEY_FILE": str(tmp_path / "none.key")}
    old = {**env, "HEED_SECRET_KEY": "the-old-secret-key-long-and-random"}
    new = {**env, "HEED_SECRET_KEY": "the-new-secret-key-long-and-random"}
    created = _cli(
        monkeypatch, old, "account", "create", "--name", "Acme",
        "--business-number", NUMBER, "--twilio-auth-token", TOKEN, "--json",
    )  # fmt: skip
    assert created.exit_code == 0, created.output

    refused = _cli(monkeypatch, new, "db", "upgrade")
    assert refused.exit_code == 2
    assert "sealed with another key than HEED_SECRET_KEY" in refused.output

    both = {**new, "HEED_OLD_SECRET_KEYS": old["HEED_SECRET_KEY"]}
    rotated = _cli(monkeypatch, both, "secrets", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "1 secrets sealed again with the new key (HEED_SECRET_KEY)" in rotated.output

    assert _cli(monkeypatch, new, "db", "upgrade").exit_code == 0
    assert _cli(monkeypatch, old, "db", "upgrade").exit_code == 2
    fields: dict[str, Any] = {k[5:].lower(): v for k, v in new.items()}
    heed = build(Settings(**fields))
    try:
        owner = consent.accounts_by_number(heed.uow, [NUMBER])[NUMBER]
        assert owner.twilio_auth_token == TOKEN
    finally:
        heed.engine.dispose()
