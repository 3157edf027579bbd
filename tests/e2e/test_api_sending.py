"""Decisions, recipients and messages over HTTP, and the outbox that delivers (R-18 … R-21)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed
from heed.domain.sending_rules import sending_rules
from heed.entrypoints.api.app import create_app
from heed.services import common

Customer = Callable[..., dict[str, Any]]

# 13:00 in Austin on a Tuesday: inside every sending window.
NOON_CENTRAL = "2026-05-05T18:00:00Z"
# 03:00 in Austin: outside them.
NIGHT_CENTRAL = "2026-05-05T08:00:00Z"


def _stop(client: TestClient, gateway: dict[str, str], number: str, business_number: str) -> None:
    client.post(
        "/v1/inbound/sms",
        json={"from": number, "to": business_number, "body": "STOP", "message_id": number},
        headers=gateway,
    )


def test_a_decision_allows_blocks_or_defers_with_a_reason(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    make_customer: Customer,
    business_number: str,
) -> None:
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    contact = made["contacts"][0]["id"]
    ask = {"channel": "sms", "contact_id": contact, "category": "job"}
    allowed = client.post("/v1/decisions", json={**ask, "at": NOON_CENTRAL}, headers=auth).json()
    assert allowed == {
        "outcome": "allowed",
        "reason": "ok",
        "message": "This message may be sent.",
        "not_before": None,
        "warnings": [],
        # A job text: no row of the rules table covers it, but the version is said.
        "rule": {"jurisdiction": None, "name": None, "rules_version": sending_rules().version},
    }
    deferred = client.post("/v1/decisions", json={**ask, "at": NIGHT_CENTRAL}, headers=auth).json()
    assert (deferred["outcome"], deferred["reason"]) == ("deferred", "outside_sending_window")
    assert deferred["not_before"] == "2026-05-05T13:00:00+00:00"
    _stop(client, gateway, "+15128675309", business_number)
    blocked = client.post("/v1/decisions", json={**ask, "manual": True}, headers=auth).json()
    assert (blocked["outcome"], blocked["reason"]) == ("blocked", "sms_opt_out")


def test_a_decision_on_a_raw_address_and_a_landline_warns(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer(contacts=[{"kind": "phone", "value": "512-244-9021"}])
    landline = client.post(
        "/v1/decisions",
        json={
            "channel": "sms",
            "contact_id": made["contacts"][0]["id"],
            "category": "job",
            "at": NOON_CENTRAL,
        },
        headers=auth,
    ).json()
    assert landline["outcome"] == "allowed" and landline["warnings"] == ["saved_as_landline"]
    raw = client.post(
        "/v1/decisions",
        json={"channel": "email", "to": "Someone@Example-Shop.com", "category": "marketing"},
        headers=auth,
    ).json()
    assert (raw["outcome"], raw["reason"]) == ("blocked", "preference_off")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "fax", "to": "+15128675309", "category": "job"}, "channel"),
        ({"channel": "sms", "category": "job"}, "contact_id"),
        ({"channel": "sms", "to": "+15128675309", "category": "job", "at": "tomorrow"}, "at"),
        ({"channel": "sms", "to": "+15128675309", "category": "job", "manual": 1}, "manual"),
        ({"channel": "sms", "to": "+15128675309"}, "category"),
    ],
)
def test_a_malformed_decision_request_answers_422(
    client: TestClient, auth: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/decisions", json=body, headers=auth)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"]["field"] == field


def test_a_batch_of_decisions_answers_in_the_order_asked(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    _stop(client, gateway, "+15128675309", business_number)
    items = [
        {"channel": "sms", "to": "+15128675309", "category": "job", "at": NOON_CENTRAL},
        {"channel": "sms", "to": "+15122449021", "category": "job", "at": NOON_CENTRAL},
        {"channel": "email", "to": "not an email", "category": "job"},
        {"channel": "sms", "to": "+15122449021", "category": "job", "at": NIGHT_CENTRAL},
    ]
    results = client.post("/v1/decisions/batch", json={"items": items}, headers=auth).json()
    assert [(r["outcome"], r["reason"]) for r in results["results"]] == [
        ("blocked", "sms_opt_out"),
        ("allowed", "ok"),
        ("blocked", "invalid_address"),
        ("deferred", "outside_sending_window"),
    ]
    empty = client.post("/v1/decisions/batch", json={"items": []}, headers=auth)
    assert empty.status_code == 422 and empty.json()["error"]["details"]["field"] == "items"


# 11:30 in Austin on a Sunday: Texas holds marketing texts until noon.
SUNDAY_MORNING_CENTRAL = "2026-12-06T17:30:00Z"


def test_single_batch_and_recipients_answers_name_the_rule_and_the_tables_version(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    written = {"method": "written", "reference": "Form 1", "disclosure": "Marketing texts: yes."}
    client.post("/v1/consent/+15128675309/marketing", json=written, headers=auth)
    made = make_customer(
        contacts=[{"kind": "mobile", "value": "512-867-5309", "notifications": {"marketing": True}}]
    )
    ask = {
        "channel": "sms",
        "contact_id": made["contacts"][0]["id"],
        "category": "marketing",
        "at": SUNDAY_MORNING_CENTRAL,
    }
    texas = {"jurisdiction": "US-TX", "name": "us-tx", "rules_version": sending_rules().version}
    one = client.post("/v1/decisions", json=ask, headers=auth).json()
    assert (one["outcome"], one["reason"], one["rule"]) == (
        "deferred",
        "outside_sending_window",
        texas,
    )
    assert one["not_before"] == "2026-12-06T18:00:00+00:00"
    assert one["message"] == (
        "Texas: marketing texts only 12:00–21:00 on Sundays; deferred until Sunday 12:00 CST."
    )
    batch = client.post("/v1/decisions/batch", json={"items": [ask]}, headers=auth).json()
    assert batch["results"] == [one]
    recipients = client.post(
        "/v1/recipients", json={"customer_id": made["id"], "category": "marketing"}, headers=auth
    ).json()["recipients"]
    assert [r["rule"] for r in recipients] == [texas]


def test_recipients_merge_the_customers_and_locations_numbers(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer(
        contacts=[
            {"kind": "mobile", "value": "512-867-5309"},
            {"kind": "email", "value": "maria@gmail.com"},
            {"kind": "fax", "value": "512-474-2299"},
        ]
    )
    location = client.post(
        f"/v1/customers/{made['id']}/locations",
        json={
            "name": "Home",
            "contacts": [
                {"kind": "mobile", "value": "(512) 867-5309"},
                {"kind": "mobile", "value": "737-209-4411", "notifications": {"job": False}},
            ],
        },
        headers=auth,
    ).json()
    answer = client.post(
        "/v1/recipients",
        json={"customer_id": made["id"], "location_id": location["id"], "category": "job"},
        headers=auth,
    ).json()
    assert [(r["channel"], r["to"], len(r["contact_ids"])) for r in answer["recipients"]] == [
        ("sms", "+15128675309", 2),
        ("email", "maria@gmail.com", 1),
    ]
    texts = client.post(
        "/v1/recipients",
        json={"customer_id": made["id"], "category": "job", "channel": "sms"},
        headers=auth,
    ).json()
    assert [r["to"] for r in texts["recipients"]] == ["+15128675309"]


def test_a_message_is_accepted_with_202_and_read_back(
    client: TestClient, auth: dict[str, str], make_customer: Customer, business_number: str
) -> None:
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    response = client.post(
        "/v1/messages",
        json={
            "channel": "sms",
            "contact_id": made["contacts"][0]["id"],
            "body": "Luis is on the way.",
            "manual": True,
        },
        headers=auth,
    )
    assert response.status_code == 202
    sent = response.json()
    assert sent["status"] == "queued" and sent["from"] == business_number
    read = client.get(f"/v1/messages/{sent['id']}", headers=auth).json()
    assert read["body"] == "Luis is on the way." and read["to"] == "+15128675309"


@pytest.mark.parametrize(
    ("setup", "message", "code"),
    [
        ("stop", {"channel": "sms", "to": "+15128675309", "manual": True}, "sms_opt_out"),
        (
            "bounce",
            {"channel": "email", "to": "maria@gmail.com", "manual": True},
            "email_suppressed",
        ),
        ("do_not_mail", {"channel": "sms", "contact": True}, "do_not_mail"),
        ("fax", {"channel": "sms", "contact": True}, "fax"),
        ("none", {"channel": "sms", "to": "+15124567"}, "invalid_address"),
    ],
)
def test_a_blocked_message_answers_409_with_the_reason_and_is_not_stored(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    make_customer: Customer,
    business_number: str,
    heed: Heed,
    setup: str,
    message: dict[str, Any],
    code: str,
) -> None:
    if setup == "stop":
        _stop(client, gateway, "+15128675309", business_number)
    if setup == "bounce":
        client.post(
            "/v1/inbound/email",
            json={"email": "maria@gmail.com", "event": "bounce"},
            headers=gateway,
        )
    body: dict[str, Any] = {"body": "Hello", **message}
    if body.pop("contact", False):
        made = make_customer(
            do_not_mail=setup == "do_not_mail",
            contacts=[{"kind": "fax" if setup == "fax" else "mobile", "value": "512-867-5309"}],
        )
        body["contact_id"] = made["contacts"][0]["id"]
    response = client.post("/v1/messages", json=body, headers=auth)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["details"] == {"reason": code}


def test_an_automated_text_at_night_is_deferred_until_the_window_opens(
    client: TestClient,
    auth: dict[str, str],
    make_customer: Customer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    monkeypatch.setattr(common, "clock", lambda: datetime(2026, 5, 5, 8, 0, tzinfo=UTC))
    response = client.post(
        "/v1/messages",
        json={"channel": "sms", "contact_id": made["contacts"][0]["id"], "body": "Reminder"},
        headers=auth,
    )
    assert response.status_code == 202
    assert response.json()["status"] == "deferred"
    assert response.json()["not_before"] == "2026-05-05T13:00:00+00:00"


@pytest.fixture
def served(heed: Heed) -> Iterator[tuple[TestClient, LogTransport]]:
    """The app with its lifespan running: the outbox worker delivers behind the requests."""
    transport = LogTransport(stream=open("/dev/null", "w"))  # noqa: SIM115
    quick = dataclasses.replace(
        heed,
        settings=heed.settings.model_copy(update={"outbox_interval": 0.05}),
        transport=transport,
    )
    app: FastAPI = create_app(quick)
    with TestClient(app) as client:
        yield client, transport
    assert transport._stream is not None
    transport._stream.close()


def _wait_for(client: TestClient, auth: dict[str, str], message_id: str, status: str) -> Any:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        message = client.get(f"/v1/messages/{message_id}", headers=auth).json()
        if message["status"] == status:
            return message
        time.sleep(0.02)
    raise AssertionError(f"{message_id} never became {status}: {message}")


def test_the_outbox_delivers_a_queued_message_through_the_transport(
    served: tuple[TestClient, LogTransport], auth: dict[str, str], make_customer: Customer
) -> None:
    client, transport = served
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    queued = client.post(
        "/v1/messages",
        json={
            "channel": "sms",
            "contact_id": made["contacts"][0]["id"],
            "body": "Hi",
            "manual": True,
        },
        headers=auth,
    ).json()
    sent = _wait_for(client, auth, queued["id"], "sent")
    assert sent["provider_id"] == f"log-{queued['id']}" and sent["sent_at"]
    assert [m.body for m in transport.sent if m.message_id == queued["id"]] == ["Hi"]


def test_the_outbox_releases_a_deferred_message_when_it_comes_due(
    served: tuple[TestClient, LogTransport],
    auth: dict[str, str],
    make_customer: Customer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, transport = served
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    night = datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    monkeypatch.setattr(common, "clock", lambda: night)
    deferred = client.post(
        "/v1/messages",
        json={"channel": "sms", "contact_id": made["contacts"][0]["id"], "body": "Reminder"},
        headers=auth,
    ).json()
    assert deferred["status"] == "deferred"
    time.sleep(0.2)
    assert client.get(f"/v1/messages/{deferred['id']}", headers=auth).json()["status"] == (
        "deferred"
    )
    monkeypatch.setattr(common, "clock", lambda: night + timedelta(hours=5, minutes=1))
    _wait_for(client, auth, deferred["id"], "sent")
    assert any(m.message_id == deferred["id"] for m in transport.sent)


def test_a_stop_that_arrives_while_a_message_waits_still_stops_it(
    served: tuple[TestClient, LogTransport],
    auth: dict[str, str],
    gateway: dict[str, str],
    make_customer: Customer,
    business_number: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, transport = served
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    night = datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    monkeypatch.setattr(common, "clock", lambda: night)
    deferred = client.post(
        "/v1/messages",
        json={"channel": "sms", "contact_id": made["contacts"][0]["id"], "body": "Reminder"},
        headers=auth,
    ).json()
    _stop(client, gateway, "+15128675309", business_number)
    monkeypatch.setattr(common, "clock", lambda: night + timedelta(hours=6))
    blocked = _wait_for(client, auth, deferred["id"], "blocked")
    assert blocked["reason"] == "sms_opt_out"
    assert not any(m.message_id == deferred["id"] for m in transport.sent)
