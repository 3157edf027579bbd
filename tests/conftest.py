"""Fixtures shared by every test: a migrated database and a fresh account per test.

``HEED_TEST_DATABASE_URL`` picks the database (default: a SQLite file in a
temporary folder). Each test gets its own account, and accounts never see each
other's rows, so tests need no clean-up between them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed, build
from heed.config import Settings, normalize_database_url
from heed.services import accounts
from heed.services.common import PERMISSIONS, Principal
from unique_values import unique_number

# Timing belongs in bench/, not in tests: a loaded CI machine must not fail a
# property because one example was slow.
settings.register_profile("heed", deadline=None, print_blob=True)
settings.load_profile("heed")


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("HEED_TEST_DATABASE_URL", "")
    if url:
        return normalize_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'heed.sqlite3'}"


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def heed(db_url: str) -> Iterator[Heed]:
    with open(os.devnull, "w") as quiet:
        app = build(
            Settings(database_url=db_url), migrate=True, transport=LogTransport(stream=quiet)
        )
        yield app
        app.engine.dispose()


@pytest.fixture
def is_postgres(heed: Heed) -> bool:
    return heed.engine.dialect.name == "postgresql"


def random_number(area: str = "512") -> str:
    """A valid number in ``area`` no test has drawn in this database (unique_values)."""
    return unique_number(area)


@pytest.fixture
def business_number() -> str:
    return random_number()


@pytest.fixture
def account(heed: Heed, business_number: str) -> accounts.NewAccount:
    return accounts.create_account(
        heed.uow,
        "Acme Plumbing",
        [business_number],
        twilio_auth_token="test-token-" + business_number[-4:],
    )


@pytest.fixture
def staff(account: accounts.NewAccount) -> Principal:
    return Principal(account.account_id, "user:office@acme.example", frozenset(PERMISSIONS))


@pytest.fixture
def other_staff(heed: Heed) -> Principal:
    other = accounts.create_account(heed.uow, "Other Business", [random_number("214")])
    return Principal(other.account_id, "user:else@other.example", frozenset(PERMISSIONS))


@pytest.fixture
def artifacts() -> Path:
    path = Path(__file__).resolve().parents[1] / "artifacts"
    path.mkdir(exist_ok=True)
    return path
