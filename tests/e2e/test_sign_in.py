"""Staff sign-in through a real `heed serve`: the lock under parallel guessing, the
per-client throttle, sessions the server can end, and STOPs that keep flowing while
someone sprays the login form."""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from api_support import (
    free_port,
    heed_serve,
    twilio_form,
    twilio_signature,
    wait_until_up,
)
from typer.testing import CliRunner

from heed.bootstrap import Heed
from heed.entrypoints.cli import app
from heed.services import accounts
from heed.services.accounts import NewAccount
from unique_values import unique_email

PASSWORD = "correct-horse-battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def environment(db_url: str, heed: Heed) -> dict[str, str]:
    return {**os.environ, "HEED_DATABASE_URL": db_url, "HEED_SECRET_KEY": secrets.token_hex(16)}


@pytest.fixture(scope="module")
def served(environment: dict[str, str]) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with heed_serve({**environment, "HEED_PUBLIC_URL": url}, port) as process:
        wait_until_up(url, process)
        yield url


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, db_url: str) -> CliRunner:
    """heed's command line, run in this process against the server's database."""
    monkeypatch.setenv("HEED_DATABASE_URL", db_url)
    return CliRunner()


@pytest.fixture
def email(heed: Heed, account: NewAccount) -> str:
    address = unique_email("office", "acme.example")
    accounts.create_user(heed.uow, account.account_id, address, PASSWORD, "office")
    return address


def _address() -> str:
    """A client address of its own; heed trusts X-Forwarded-For from the local proxy."""
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _client(url: str, address: str | None = None) -> httpx.Client:
    headers = {"X-Forwarded-For": address or _address()}
    return httpx.Client(base_url=url, headers=headers, timeout=30)


def _csrf(page: str) -> str:
    found = _CSRF.search(page)
    assert found is not None, "the page carries no CSRF token"
    return found[1]


def _sign_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    token = _csrf(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _signed_in(url: str, email: str) -> tuple[httpx.Client, str]:
    client = _client(url)
    assert _sign_in(client, email).status_code == 303
    cookie = client.cookies["heed_session"]
    return client, cookie


def _cookie_works(url: str, cookie: str) -> bool:
    with _client(url) as other:
        other.cookies.set("heed_session", cookie)
        page = other.get("/")
        return page.status_code == 200 and "Find a customer" in page.text


def test_forty_parallel_wrong_passwords_lock_the_login_and_the_right_one_is_refused(
    served: str, email: str
) -> None:
    clients = [_client(served) for _ in range(40)]
    tokens = [_csrf(client.get("/login").text) for client in clients]
    start = threading.Barrier(len(clients))

    def guess(i: int) -> int:
        start.wait()
        data = {"email": email, "password": f"wrong-{i}-guess", "csrf_token": tokens[i]}
        while True:
            answer = clients[i].post("/login", data=data)
            # Every guess is to be judged: one turned away while all hashing slots were
            # taken is sent again, as an attacker would.
            if "busy checking other sign-ins" not in answer.text:
                return answer.status_code
            time.sleep(float(answer.headers["Retry-After"]))

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(guess, range(len(clients))))
    for client in clients:
        client.close()
    assert set(statuses) <= {401, 429} and statuses.count(401) <= 4
    with _client(served) as fresh:
        right = _sign_in(fresh, email)
    assert right.status_code == 429
    assert "This login is locked" in right.text
    assert int(right.headers["Retry-After"]) > 0


def test_a_client_that_keeps_failing_is_throttled_whichever_login_it_tries(
    served: str, email: str, heed: Heed, account: NewAccount
) -> None:
    locked = unique_email("locked", "acme.example")
    accounts.create_user(heed.uow, account.account_id, locked, PASSWORD, "office")
    for _ in range(5):
        with _client(served) as guesser:
            _sign_in(guesser, locked, "wrong-guess")
    # A locked login is refused before any hashing, so these attempts are quick; they
    # still count against the address that makes them.
    with _client(served, _address()) as client:
        token = _csrf(client.get("/login").text)
        data = {"email": locked, "password": "wrong-guess", "csrf_token": token}
        refusals = [client.post("/login", data=data).text for _ in range(21)]
        assert all("This login is locked" in text for text in refusals[:20])
        assert "Too many sign-in attempts from this address" in refusals[20]
        throttled = _sign_in(client, email)
        assert throttled.status_code == 429
        assert "Too many sign-in attempts from this address" in throttled.text
        assert int(throttled.headers["Retry-After"]) > 0
    with _client(served) as elsewhere:
        assert _sign_in(elsewhere, email).status_code == 303


def test_a_cookie_is_refused_after_logout(served: str, email: str) -> None:
    client, cookie = _signed_in(served, email)
    try:
        assert _cookie_works(served, cookie)
        token = _csrf(client.get("/").text)
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    finally:
        client.close()
    assert not _cookie_works(served, cookie)


def test_every_session_ends_when_the_password_is_changed(
    served: str, email: str, cli: CliRunner
) -> None:
    first, cookie_one = _signed_in(served, email)
    second, cookie_two = _signed_in(served, email)
    first.close()
    second.close()
    changed = cli.invoke(
        app, ["user", "set-password", "--email", email, "--password", "a-new-password"]
    )
    assert changed.exit_code == 0, changed.output
    assert not _cookie_works(served, cookie_one)
    assert not _cookie_works(served, cookie_two)
    with _client(served) as client:
        assert _sign_in(client, email).status_code == 401
        assert _sign_in(client, email, "a-new-password").status_code == 303


def test_removing_a_user_ends_their_sessions(served: str, email: str, cli: CliRunner) -> None:
    client, cookie = _signed_in(served, email)
    client.close()
    removed = cli.invoke(app, ["user", "remove", "--email", email])
    assert removed.exit_code == 0, removed.output
    assert not _cookie_works(served, cookie)
    with _client(served) as again:
        assert _sign_in(again, email).status_code == 401


def test_no_stop_waits_five_seconds_while_the_login_form_is_sprayed(
    served: str, account: NewAccount, business_number: str
) -> None:
    webhook = served + "/webhooks/twilio/sms"
    auth_token = "test-token-" + business_number[-4:]
    spraying = threading.Event()
    spraying.set()

    def spray() -> None:
        # Each request from an address of its own, as from a botnet: the throttle does
        # not save the server here, the bound on hashing does.
        with _client(served) as client:
            token = _csrf(client.get("/login").text)
            while spraying.is_set():
                client.post(
                    "/login",
                    data={
                        "email": unique_email("guess", "acme.example"),
                        "password": "hunter22",
                        "csrf_token": token,
                    },
                    headers={"X-Forwarded-For": _address()},
                )

    sprayers = [threading.Thread(target=spray) for _ in range(12)]
    for sprayer in sprayers:
        sprayer.start()
    slowest = 0.0
    try:
        time.sleep(0.5)
        with httpx.Client(timeout=30) as client:
            for i in range(40):
                form = twilio_form(
                    f"+1512{300 + i:03d}{secrets.randbelow(10000):04d}", business_number, "STOP"
                )
                signature = twilio_signature(auth_token, form, url=webhook)
                began = time.monotonic()
                answer = client.post(webhook, data=form, headers={"X-Twilio-Signature": signature})
                slowest = max(slowest, time.monotonic() - began)
                assert answer.status_code == 200
    finally:
        spraying.clear()
        for sprayer in sprayers:
            sprayer.join()
    assert slowest < 5.0, f"a STOP took {slowest:.1f} s during the spray"
