"""Inbound credentials through a real `heed serve` (R-12, R-25, CONTRACT v2).

Only a gateway key and Twilio's signed webhook deliver a customer's words: the key
`heed account create` prints, a staff key and a staff login are refused, so none of
them can lift a STOP; a gateway key can do nothing else; the Twilio auth token is the
operator's to set, and each ledger entry names the credential that delivered it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from api_support import (
    bearer,
    free_port,
    heed_command,
    heed_serve,
    message_sid,
    twilio_form,
    twilio_signature,
    wait_until_up,
)
from sqlalchemy import select
from starlette.testclient import TestClient

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.entrypoints.api.app import create_app
from heed.services import accounts
from heed.services.common import ROLES
from unique_values import unique_number

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Served:
    url: str
    environment: dict[str, str]


@pytest.fixture(scope="module")
def served(db_url: str, heed: Heed) -> Iterator[Served]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The heed fixture has migrated db_url already; the server migrates again, a no-op.
    environment = {**os.environ, "HEED_DATABASE_URL": db_url, "HEED_PUBLIC_URL": url}
    environment.pop("HEED_TWILIO_AUTH_TOKEN", None)
    with heed_serve(environment, port) as process:
        wait_until_up(url, process)
        yield Served(url, environment)


def _heed(served: Served, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        heed_command(*args),
        env=served.environment,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@dataclass(frozen=True)
class Business:
    account_id: str
    number: str
    admin: dict[str, str]
    gateway: dict[str, str]
    gateway_id: str


@pytest.fixture(scope="module")
def business(served: Served, heed: Heed) -> Business:
    """An account made by the CLI, as an operator would, and its gateway key (the CLI's
    --gateway is tested in tests/integration/test_cli.py; a process each costs seconds)."""
    number = unique_number()
    created = json.loads(
        _heed(
            served,
            *("account", "create", "--name", "Acme Plumbing"),
            *("--business-number", number, "--json"),
        )
    )
    key = accounts.create_gateway_key(heed.uow, created["account_id"])
    return Business(
        created["account_id"], number, bearer(created["api_key"]), bearer(key.api_key), key.key_id
    )


def _inbound(
    http: httpx.Client, business: Business, customer: str, body: str, **kw: object
) -> httpx.Response:
    return http.post(
        "/v1/inbound/sms",
        json={"from": customer, "to": business.number, "body": body, "message_id": message_sid()},
        **kw,  # type: ignore[arg-type]
    )


def _consent(http: httpx.Client, business: Business, customer: str) -> dict[str, object]:
    state: dict[str, object] = http.get(f"/v1/consent/{customer}", headers=business.admin).json()
    return state


def _staff_login(http: httpx.Client, heed: Heed, business: Business) -> None:
    email = f"office-{business.account_id[-6:]}@acme.example"
    accounts.create_user(heed.uow, business.account_id, email, PASSWORD, "admin")
    form = http.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    signed_in = http.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token[1]}
    )
    assert signed_in.status_code == 303, signed_in.text


def _token(heed: Heed, business: Business) -> str | None:
    with heed.uow.read() as tx:
        stored = tx.session.get(t.Account, business.account_id)
        assert stored is not None
        return stored.twilio_auth_token


def _settings_page_cannot_set_the_twilio_token(
    http: httpx.Client, heed: Heed, business: Business
) -> None:
    """The staff settings form has no token field, and a forged one changes nothing."""
    page = http.get("/settings")
    assert page.status_code == 200
    assert 'name="twilio_auth_token"' not in page.text
    assert "heed account set-twilio-token" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    before = _token(heed, business)
    saved = http.post(
        "/settings",
        data={
            "csrf_token": csrf[1],
            "customer_notifications_enabled": "on",
            "sms_opt_out_scope": "account",
            "business_numbers": business.number,
            "window_start": "08:00",
            "window_end": "21:00",
            "twilio_auth_token": "attacker-token",
        },
    )
    assert saved.status_code == 200, saved.text
    assert _token(heed, business) == before


def test_only_the_gateway_key_lifts_a_stop_and_the_ledger_names_it(
    served: Served, heed: Heed, business: Business
) -> None:
    customer = "+15128675309"
    staff_key = bearer(
        accounts.create_api_key(heed.uow, business.account_id, list(ROLES["office"]))
    )
    with httpx.Client(base_url=served.url, timeout=10) as http:
        stop = _inbound(http, business, customer, "STOP", headers=business.gateway)
        assert (stop.status_code, stop.json()["action"]) == (200, "opted_out")

        for forger in (business.admin, staff_key):
            forged = _inbound(http, business, customer, "START", headers=forger)
            assert forged.status_code == 403, forged.text
            assert forged.json()["error"]["code"] == "forbidden"
        _staff_login(http, heed, business)
        by_login = _inbound(http, business, customer, "START")
        assert by_login.status_code == 403, by_login.text
        assert by_login.json()["error"]["code"] == "forbidden"
        assert _consent(http, business, customer)["opted_out"] is True
        _settings_page_cannot_set_the_twilio_token(http, heed, business)

        assert http.get("/v1/customers", headers=business.gateway).status_code == 403
        assert http.get("/v1/account", headers=business.gateway).status_code == 403

        start = _inbound(http, business, customer, "START", headers=business.gateway)
        assert (start.status_code, start.json()["action"]) == (200, "opted_in")
        events = _consent(http, business, customer)["events"]
        assert isinstance(events, list)
        assert [(e["action"], e["actor"], e["via"]) for e in events] == [
            (action, f"customer:{customer}", f"gateway_key:{business.gateway_id}")
            for action in ("opt_out", "opt_in")
        ]


def test_the_operator_sets_the_twilio_token_and_a_settings_key_cannot_replace_it(
    served: Served, heed: Heed, business: Business
) -> None:
    customer = "+15122449021"
    operator_token = "operator-token-" + business.number[-4:]
    said = _heed(
        served,
        *("account", "set-twilio-token", "--account", business.account_id),
        stdin=operator_token + "\n",
    )
    assert said.strip() == "Twilio auth token set" and operator_token not in said
    webhook = served.url + "/webhooks/twilio/sms"
    settings_key = bearer(
        accounts.create_api_key(heed.uow, business.account_id, ["settings:manage"])
    )
    with httpx.Client(base_url=served.url, timeout=10) as http:
        stop = twilio_form(customer, business.number, "STOP")
        signed = http.post(
            "/webhooks/twilio/sms",
            data=stop,
            headers={"X-Twilio-Signature": twilio_signature(operator_token, stop, url=webhook)},
        )
        assert signed.status_code == 200 and "<Message>" in signed.text

        patched = http.patch(
            "/v1/account", json={"twilio_auth_token": "attacker-token"}, headers=settings_key
        )
        assert patched.status_code == 403, patched.text
        assert patched.json()["error"]["code"] == "forbidden"
        assert patched.json()["error"]["details"] == {"field": "twilio_auth_token"}

        start = twilio_form(customer, business.number, "START")
        forged = http.post(
            "/webhooks/twilio/sms",
            data=start,
            headers={"X-Twilio-Signature": twilio_signature("attacker-token", start, url=webhook)},
        )
        assert forged.status_code == 403
        assert forged.json()["error"]["code"] == "invalid_signature"
        state = _consent(http, business, customer)
        assert state["opted_out"] is True
        events = state["events"]
        assert isinstance(events, list)
        assert [(e["action"], e["via"]) for e in events] == [("opt_out", "twilio_webhook")]

        exported = http.get("/v1/consent/events?format=csv", headers=business.admin)
        rows = csv.DictReader(io.StringIO(exported.text))
        assert [r["via"] for r in rows if r["address"] == customer] == ["twilio_webhook"]

    with heed.uow.read() as tx:
        [row_written] = tx.session.scalars(
            select(t.AuditEntry).where(
                t.AuditEntry.account_id == business.account_id,
                t.AuditEntry.field == "twilio_auth_token",
            )
        ).all()
        assert row_written.actor.startswith("operator")
        assert (row_written.old, row_written.new) == (None, "set")
        every_value = " ".join(
            f"{r.old} {r.new}"
            for r in tx.session.scalars(
                select(t.AuditEntry).where(t.AuditEntry.account_id == business.account_id)
            )
        )
    assert operator_token not in every_value and "attacker" not in every_value


def test_heed_twilio_auth_token_verifies_webhooks_of_accounts_without_their_own(
    heed: Heed, account: accounts.NewAccount, business_number: str
) -> None:
    accounts.set_twilio_auth_token(heed.uow, account.account_id, None)
    shared = dataclasses.replace(
        heed,
        settings=heed.settings.model_copy(update={"twilio_auth_token": "installation-token"}),
        extras={},
    )
    client = TestClient(create_app(shared))
    params = twilio_form("+15128675309", business_number, "STOP")
    url = "http://127.0.0.1:8000/webhooks/twilio/sms"
    for token, status in (("someone-else", 403), ("installation-token", 200)):
        answer = client.post(
            "/webhooks/twilio/sms",
            data=params,
            headers={"X-Twilio-Signature": twilio_signature(token, params, url=url)},
        )
        assert answer.status_code == status, answer.text
