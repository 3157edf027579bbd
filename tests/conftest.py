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
from sqlalchemy import URL, Engine, create_engine, make_url
from sqlalchemy.pool import NullPool

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
        return _worker_database(normalize_database_url(url))
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'heed.sqlite3'}"


def _worker_database(url: str) -> str:
    """Each test process (pytest-xdist worker) on a PostgreSQL database of its own,
    made afresh beside the named one: a server a test starts runs the outbox for every
    account of its database, and must not deliver another process's messages while
    that process's test counts what its own provider was handed."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or not url.startswith("postgresql"):
        return url
    named = make_url(url)
    own = f"{named.database}_{worker}"
    with _maintenance(named).connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{own}"')
    return named.set(database=own).render_as_string(hide_password=False)


def _maintenance(named: URL) -> Engine:
    return create_engine(
        named.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = database_url(tmp_path_factory)
    yield url
    named = normalize_database_url(os.environ.get("HEED_TEST_DATABASE_URL", "") or url)
    if url.startswith("postgresql") and url != named:
        # This process's own database: gone with it (servers it started have stopped).
        with _maintenance(make_url(url)).connect() as connection:
            connection.exec_driver_sql(
                f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
            )


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
