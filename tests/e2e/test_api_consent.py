"""Consent over HTTP: inbound texts and email events, and the ledger as evidence (R-11 … R-17)."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from starlette.testclient import TestClient

from heed.domain.consent import LedgerEntry, verify_chain
from heed.services.accounts import NewAccount, NewKey


def _text(
    client: TestClient,
    gateway: dict[str, str],
    to: str,
    body: str,
    frm: str = "+15128675309",
    sid: str = "",
) -> Any:
    response = client.post(
        "/v1/inbound/sms",
        json={"from": frm, "to": to, "body": body, "message_id": sid or f"gw-{body}-{frm}"},
        headers=gateway,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_stop_opts_the_number_out_with_one_confirmation(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    answer = _text(client, gateway, business_number, "Stop.")
    assert answer["action"] == "opted_out" and answer["duplicate"] is False
    assert "Acme Plumbing" in answer["reply"] and "START" in answer["reply"]
    again = _text(client, gateway, business_number, "STOP", sid="gw-second-stop")
    assert again["reply"] is None
    state = client.get("/v1/consent/+15128675309", headers=auth).json()
    assert state["opted_out"] is True and state["scopes"] == ["*"]
    assert [(e["action"], e["source"], e["body"]) for e in state["events"]] == [
        ("opt_out", "keyword", "Stop.")
    ]


@pytest.mark.parametrize(
    ("body", "action", "entries"),
    [("STOP", "opted_out", 1), ("START", "opted_in", 1), ("HELP", "help", 0)],
)
def test_a_redelivered_message_id_changes_nothing_and_gets_the_same_reply(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    business_number: str,
    body: str,
    action: str,
    entries: int,
) -> None:
    """A gateway redelivers when it lost the answer: the reply it lost comes again (R-16)."""
    first = _text(client, gateway, business_number, body, sid="gw-1")
    second = _text(client, gateway, business_number, body, sid="gw-1")
    assert first["reply"] and first == {
        "action": action,
        "reply": first["reply"],
        "duplicate": False,
    }
    assert second == {"action": action, "reply": first["reply"], "duplicate": True}
    assert len(client.get("/v1/consent/+15128675309", headers=auth).json()["events"]) == entries


def test_start_opts_back_in_and_help_answers_with_the_help_text(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    client.patch("/v1/account", json={"help_text": "Acme: call (512) 555-0100."}, headers=auth)
    _text(client, gateway, business_number, "STOP")
    assert _text(client, gateway, business_number, "start")["action"] == "opted_in"
    assert client.get("/v1/consent/5128675309", headers=auth).json()["opted_out"] is False
    assert _text(client, gateway, business_number, "HELP") == {
        "action": "help",
        "reply": "Acme: call (512) 555-0100.",
        "duplicate": False,
    }


def test_a_plain_request_to_stop_is_an_opt_out_by_reasonable_means(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    assert (
        _text(client, gateway, business_number, "please stop texting me")["action"] == "opted_out"
    )
    events = client.get("/v1/consent/+15128675309", headers=auth).json()["events"]
    assert events[0]["source"] == "natural_language"


def test_an_inbound_text_to_a_number_the_business_does_not_use_answers_404(
    client: TestClient, gateway: dict[str, str]
) -> None:
    response = client.post(
        "/v1/inbound/sms",
        json={"from": "+15128675309", "to": "+15129990000", "body": "STOP", "message_id": "x"},
        headers=gateway,
    )
    assert response.status_code == 404


def test_an_inbound_text_from_abroad_is_refused_as_international(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    response = client.post(
        "/v1/inbound/sms",
        json={"from": "+447911123456", "to": business_number, "body": "STOP", "message_id": "x"},
        headers=gateway,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "international_number"


def test_email_events_suppress_the_address_once(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str]
) -> None:
    first = client.post(
        "/v1/inbound/email",
        json={"email": "Maria@Gmail.com", "event": "unsubscribe", "provider_message_id": "ev-1"},
        headers=gateway,
    )
    assert first.json() == {"email": "Maria@Gmail.com", "event": "unsubscribe", "changed": True}
    replay = client.post(
        "/v1/inbound/email",
        json={"email": "maria@gmail.com", "event": "unsubscribe", "provider_message_id": "ev-1"},
        headers=gateway,
    )
    assert replay.json()["changed"] is False
    bounce = client.post(
        "/v1/inbound/email", json={"email": "maria@gmail.com", "event": "bounce"}, headers=gateway
    )
    assert bounce.json()["changed"] is True
    state = client.get("/v1/consent/maria@gmail.com", headers=auth).json()
    assert state["channel"] == "email" and state["suppressed"] is True
    assert state["suppression"] == "all"
    assert [e["source"] for e in state["events"]] == ["email_link", "bounce"]


def test_a_malformed_email_event_answers_422(client: TestClient, gateway: dict[str, str]) -> None:
    wrong_event = client.post(
        "/v1/inbound/email", json={"email": "maria@gmail.com", "event": "opened"}, headers=gateway
    )
    assert (
        wrong_event.status_code == 422 and wrong_event.json()["error"]["code"] == "validation_error"
    )
    wrong_email = client.post(
        "/v1/inbound/email", json={"email": "maria", "event": "bounce"}, headers=gateway
    )
    assert wrong_email.status_code == 422 and wrong_email.json()["error"]["code"] == "invalid_email"


def test_consent_of_an_address_nobody_touched_is_empty(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert client.get("/v1/consent/(512) 244-9021", headers=auth).json() == {
        "address": "+15122449021",
        "channel": "sms",
        "opted_out": False,
        "suppressed": False,
        "suppression": "none",
        "scopes": [],
        "events": [],
        "marketing": {
            "consented": False,
            "method": None,
            "disclosure": None,
            "disclosure_version": None,
            "captured_at": None,
            "captured_via": None,
            "captured_by": None,
            "reference": None,
            "event_id": None,
            "hash": None,
            "withdrawn": False,
            "ip": None,
            "user_agent": None,
            "pending_since": None,
            "request_message_id": None,
        },
    }
    bad = client.get("/v1/consent/not-a-number", headers=auth)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_phone"


def _entries(account_id: str, events: list[dict[str, Any]]) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            account_id=account_id,
            seq=int(e["seq"]),
            address=e["address"],
            channel=e["channel"],
            scope=e["scope"],
            action=e["action"],
            source=e["source"],
            body=e["body"] or None,
            provider_message_id=e["provider_message_id"] or None,
            actor=e["actor"],
            at=datetime.fromisoformat(e["at"]),
            prev_hash=e["prev_hash"],
            hash=e["hash"],
            via=e["via"] or None,
            stripe=int(e["stripe"]) if e["stripe"] not in (None, "") else None,
        )
        for e in events
    ]


def test_the_ledger_exports_as_chains_that_verify_on_their_own(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    account: NewAccount,
    business_number: str,
) -> None:
    _text(client, gateway, business_number, "STOP")
    _text(client, gateway, business_number, "START")
    _text(client, gateway, business_number, "quit", frm="+15122449021")
    client.post(
        "/v1/inbound/email", json={"email": "m@gmail.com", "event": "complaint"}, headers=gateway
    )
    events = client.get("/v1/consent/events", headers=auth).json()["events"]
    assert [e["seq"] for e in events] == sorted({e["seq"] for e in events})
    assert len(events) == 4
    # One chain per stripe: each starts from the genesis hash and links its own entries.
    for stripe in {e["stripe"] for e in events}:
        chain = [e for e in events if e["stripe"] == stripe]
        assert chain[0]["prev_hash"] == "0" * 64
        assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(chain))
    assert verify_chain(_entries(account.account_id, events)) is None
    exported = client.get("/v1/consent/events?format=csv", headers=auth)
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert verify_chain(_entries(account.account_id, rows)) is None
    tampered = [{**rows[0], "action": "opt_in"}, *rows[1:]]
    assert verify_chain(_entries(account.account_id, tampered)) is not None


def test_the_ledger_can_start_at_a_moment(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    with time_machine.travel(datetime(2026, 5, 5, 18, 0, tzinfo=UTC), tick=False):
        _text(client, gateway, business_number, "STOP")

    def since(moment: str) -> list[Any]:
        answer = client.get("/v1/consent/events", params={"since": moment}, headers=auth)
        events: list[Any] = answer.json()["events"]
        return events

    assert [e["action"] for e in since("2026-05-05T18:00:00Z")] == ["opt_out"]
    assert [e["action"] for e in since("2026-05-05T13:00:00-05:00")] == ["opt_out"]
    assert since("2026-05-05T18:00:01Z") == []
    assert since("2026-05-05T18:00:01") == [], "a moment without an offset is UTC"
    bad = client.get("/v1/consent/events?since=yesterday", headers=auth)
    assert bad.status_code == 422


def test_only_a_gateway_key_may_post_inbound_texts_and_the_ledger_names_it(
    client: TestClient,
    auth: dict[str, str],
    key_with: Any,
    gateway: dict[str, str],
    gateway_key: NewKey,
    business_number: str,
) -> None:
    """A START can lift an opt-out, so staff keys cannot post one (R-12, R-25); the entry
    says which key delivered the customer's words (R-17)."""
    admin_like = key_with("settings:manage", "customer:edit", "consent:export")
    refused = client.post(
        "/v1/inbound/sms",
        json={
            "from": "+15128675309",
            "to": business_number,
            "body": "START",
            "message_id": "forged-start",
        },
        headers=admin_like,
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == {"permission": "inbound:record"}

    client.post(
        "/v1/inbound/sms",
        json={"from": "+15128675309", "to": business_number, "body": "STOP", "message_id": "gw-1"},
        headers=gateway,
    )
    (entry,) = client.get("/v1/consent/+15128675309", headers=auth).json()["events"]
    assert entry["actor"] == "customer:+15128675309"
    assert entry["via"] == f"gateway_key:{gateway_key.key_id}"


def test_staff_record_a_customers_spoken_opt_out_and_texts_stop(
    client: TestClient, auth: dict[str, str], make_customer: Any
) -> None:
    """R-15/R-17: a request to stop made by phone is recorded by staff, with their note;
    there is no staff route that opts back in (R-12)."""
    customer = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    contact_id = customer["contacts"][0]["id"]
    recorded = client.post(
        "/v1/consent/(512) 867-5309/opt-out", json={"note": "called the office"}, headers=auth
    )
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["opted_out"] is True
    (entry,) = recorded.json()["events"]
    assert (entry["source"], entry["body"]) == ("staff", "called the office")
    decision = client.post(
        "/v1/decisions",
        json={"channel": "sms", "contact_id": contact_id, "category": "job", "manual": True},
        headers=auth,
    ).json()
    assert decision["reason"] == "sms_opt_out", decision
    assert client.post("/v1/consent/(512) 867-5309/opt-in", json={}, headers=auth).status_code in (
        404,
        405,
    )
