"""Fixtures for the end-to-end tests: heed's ASGI app over HTTP, keys and customers.

API tests drive create_app(heed) through Starlette's TestClient: every request
crosses the real routing, authentication, validation and error mapping. Browser
tests drive a real ``heed serve`` (``server``) through Chromium (``browser``,
``page``); a module that needs another page or server overrides that one fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from typing import Any

import pytest
from api_support import bearer
from browser_support import (
    AFTERNOON_IN_CHICAGO,
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    open_page,
    require_chromium,
    start_server,
)
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.entrypoints.api.app import create_app
from heed.services import accounts

# What a page shows after a click may take a loaded CI machine more than Playwright's
# default 5 seconds: assertions wait as long as actions do (open_page's 10 s).
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def api_app(heed: Heed) -> FastAPI:
    return create_app(heed)


@pytest.fixture
def client(api_app: FastAPI) -> TestClient:
    """A client without the app's lifespan: no outbox worker runs behind the test."""
    return TestClient(api_app)


@pytest.fixture
def auth(account: accounts.NewAccount) -> dict[str, str]:
    """Headers for the test account's key, which has every permission."""
    return bearer(account.api_key)


@pytest.fixture
def gateway_key(heed: Heed, account: accounts.NewAccount) -> accounts.NewKey:
    """The test account's gateway key: the only key that may post inbound messages."""
    return accounts.create_gateway_key(heed.uow, account.account_id)


@pytest.fixture
def gateway(gateway_key: accounts.NewKey) -> dict[str, str]:
    """Headers for the test account's gateway key."""
    return bearer(gateway_key.api_key)


@pytest.fixture
def other_auth(heed: Heed) -> dict[str, str]:
    """Headers for a key of another business, with every permission."""
    return bearer(accounts.create_account(heed.uow, "Other Heating Co").api_key)


@pytest.fixture
def key_with(heed: Heed, account: accounts.NewAccount) -> Callable[..., dict[str, str]]:
    """``key_with("customer:view", ...)``: headers for a key limited to those permissions."""

    def make(*permissions: str) -> dict[str, str]:
        return bearer(accounts.create_api_key(heed.uow, account.account_id, list(permissions)))

    return make


@pytest.fixture
def make_customer(client: TestClient, auth: dict[str, str]) -> Callable[..., dict[str, Any]]:
    """``make_customer(name, **fields)``: POST /v1/customers and answer the created customer."""

    def make(name: str = "Maria Alvarez", **fields: Any) -> dict[str, Any]:
        response = client.post("/v1/customers", json={"name": name, **fields}, headers=auth)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make


@pytest.fixture(scope="module")
def server_at(
    heed: Heed, db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[datetime], Server]]:
    """``server_at(moment)``: a ``heed serve`` on the tests' (migrated) database whose clock
    started at ``moment``, started the first time it is asked for and kept for the module."""
    servers: dict[datetime, Server] = {}
    with ExitStack() as running:

        def at(moment: datetime) -> Server:
            if moment not in servers:
                log_dir = tmp_path_factory.mktemp("serve")
                servers[moment] = running.enter_context(start_server(db_url, log_dir, moment))
            return servers[moment]

        yield at


@pytest.fixture(scope="module")
def server(server_at: Callable[[datetime], Server]) -> Server:
    """The server most tests use: a working afternoon, inside every sending window."""
    return server_at(AFTERNOON_IN_CHICAGO)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Browser]:
    """Chromium, launched once the server is up; a test that needs it skips without it
    (and fails on CI, which must install it)."""
    require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A laptop-sized page of its own, in a fresh context (no cookies from other tests)."""
    yield from open_page(browser)
