"""The review list over HTTP (R-29): unsure texts wait for a person, who opts out or dismisses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from starlette.testclient import TestClient

from unique_values import unique_number

SENDER = "+15128675309"
NOON_CENTRAL = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


def _text(
    client: TestClient, gateway: dict[str, str], to: str, body: str, sid: str, frm: str = SENDER
) -> Any:
    response = client.post(
        "/v1/inbound/sms",
        json={"from": frm, "to": to, "body": body, "message_id": sid},
        headers=gateway,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _reviews(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/consent/review", headers=auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _consented(client: TestClient, auth: dict[str, str], to: str = SENDER) -> None:
    """The customer's signed marketing consent, recorded (R-24)."""
    written = {"method": "written", "reference": "Form 1", "disclosure": "Marketing texts: yes."}
    recorded = client.post(f"/v1/consent/{to}/marketing", json=written, headers=auth)
    assert recorded.status_code == 201, recorded.text


def _marketing(client: TestClient, auth: dict[str, str], to: str = SENDER) -> Any:
    with time_machine.travel(NOON_CENTRAL, tick=False):
        return client.post(
            "/v1/messages",
            json={
                "channel": "sms",
                "to": to,
                "category": "marketing",
                "manual": True,
                "body": "Fall tune-up: 15% off this week.",
            },
            headers=auth,
        )


def test_an_unsure_text_is_listed_for_review_with_its_language_and_why(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    answer = _text(client, gateway, business_number, "Número equivocado", "gw-unsure-1")
    assert answer["action"] == "none" and answer["reply"] is None
    _text(client, gateway, business_number, "ok see you at 3", "gw-plain-1")
    (item,) = _reviews(client, auth)
    assert item["from"] == SENDER and item["to"] == business_number
    assert item["body"] == "Número equivocado" and item["language"] == "es"
    assert "wrong number" in item["why"] and item["id"] and item["received_at"]


def test_a_redelivered_unsure_text_is_listed_once(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    _text(client, gateway, business_number, "Wrong number", "gw-twice")
    _text(client, gateway, business_number, "Wrong number", "gw-twice")
    assert len(_reviews(client, auth)) == 1


def test_deciding_opt_out_records_the_revocation_as_natural_language_by_the_reviewer(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    _text(client, gateway, business_number, "Wrong number", "gw-opt-out")
    (item,) = _reviews(client, auth)
    decided = client.post(
        f"/v1/consent/review/{item['id']}", json={"decision": "opt_out"}, headers=auth
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "opt_out"
    assert _reviews(client, auth) == []
    state = client.get(f"/v1/consent/{SENDER}", headers=auth).json()
    assert state["opted_out"] is True
    (entry,) = state["events"]
    assert entry["action"] == "opt_out" and entry["source"] == "natural_language"
    assert entry["body"] == "Wrong number"
    again = client.post(
        f"/v1/consent/review/{item['id']}", json={"decision": "opt_out"}, headers=auth
    )
    assert again.status_code == 200
    assert len(client.get(f"/v1/consent/{SENDER}", headers=auth).json()["events"]) == 1
    undo = client.post(
        f"/v1/consent/review/{item['id']}", json={"decision": "dismiss"}, headers=auth
    )
    assert undo.status_code == 409 and undo.json()["error"]["code"] == "conflict"


def test_dismissing_records_nothing_in_the_ledger(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    _text(client, gateway, business_number, "Wrong number", "gw-dismiss")
    (item,) = _reviews(client, auth)
    decided = client.post(
        f"/v1/consent/review/{item['id']}", json={"decision": "dismiss"}, headers=auth
    )
    assert decided.status_code == 200, decided.text
    assert _reviews(client, auth) == []
    assert client.get(f"/v1/consent/{SENDER}", headers=auth).json()["opted_out"] is False


def test_no_marketing_goes_to_a_number_under_review_until_it_is_decided(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    _consented(client, auth)
    _text(client, gateway, business_number, "Wrong number", "gw-hold")
    held = _marketing(client, auth)
    assert held.status_code == 409, held.text
    assert held.json()["error"]["code"] == "revocation_under_review"
    (item,) = _reviews(client, auth)
    client.post(f"/v1/consent/review/{item['id']}", json={"decision": "dismiss"}, headers=auth)
    assert _marketing(client, auth).status_code == 202


@pytest.mark.parametrize(
    ("permissions", "listing", "deciding"),
    [(("customer:view",), 200, 403), (("customer:view", "customer:edit"), 200, 200)],
)
def test_listing_needs_customer_view_and_deciding_needs_customer_edit(
    client: TestClient,
    gateway: dict[str, str],
    business_number: str,
    key_with: Callable[..., dict[str, str]],
    auth: dict[str, str],
    permissions: tuple[str, ...],
    listing: int,
    deciding: int,
) -> None:
    _text(client, gateway, business_number, "Wrong number", "gw-perm")
    (item,) = _reviews(client, auth)
    headers = key_with(*permissions)
    assert client.get("/v1/consent/review", headers=headers).status_code == listing
    decided = client.post(
        f"/v1/consent/review/{item['id']}", json={"decision": "dismiss"}, headers=headers
    )
    assert decided.status_code == deciding


def test_an_unknown_review_or_decision_is_refused_with_a_reason(
    client: TestClient,
    auth: dict[str, str],
    other_auth: dict[str, str],
    gateway: dict[str, str],
    business_number: str,
) -> None:
    _text(client, gateway, business_number, "Wrong number", "gw-unknown")
    (item,) = _reviews(client, auth)
    assert client.get("/v1/consent/review", headers=other_auth).json()["items"] == []
    other = client.post(
        f"/v1/consent/review/{item['id']}", json={"decision": "opt_out"}, headers=other_auth
    )
    assert other.status_code == 404
    odd = client.post(f"/v1/consent/review/{item['id']}", json={"decision": "undo"}, headers=auth)
    assert odd.status_code == 422


def test_decisions_say_a_marketing_text_waits_for_the_review_and_other_texts_do_not(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    _consented(client, auth)
    _text(client, gateway, business_number, "Wrong number", "gw-decisions")
    asked = {"channel": "sms", "to": SENDER, "manual": True, "at": NOON_CENTRAL.isoformat()}
    one = client.post("/v1/decisions", json={**asked, "category": "marketing"}, headers=auth)
    assert one.status_code == 200, one.text
    assert one.json()["outcome"] == "blocked"
    assert one.json()["reason"] == "revocation_under_review"
    batch = client.post(
        "/v1/decisions/batch",
        json={"items": [{**asked, "category": "marketing"}, {**asked, "category": "job"}]},
        headers=auth,
    )
    assert batch.status_code == 200, batch.text
    marketing, job = batch.json()["results"]
    assert marketing["reason"] == "revocation_under_review"
    assert job["outcome"] == "allowed"


def test_the_review_list_pages_oldest_first_and_every_text_is_listed_once(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    senders = [unique_number() for _ in range(5)]
    for n, sender in enumerate(senders):
        with time_machine.travel(NOON_CENTRAL + timedelta(minutes=n), tick=False):
            client.post(
                "/v1/inbound/sms",
                json={
                    "from": sender,
                    "to": business_number,
                    "body": "Número equivocado",
                    "message_id": f"gw-page-{n}",
                },
                headers=gateway,
            )
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/consent/review", params=params, headers=auth).json()
        seen += [item["from"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == senders and pages == 3


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WyJhIl0=", "WyIyMDI2IiwgIngiXQ=="])
def test_a_review_cursor_heed_did_not_give_out_is_refused_naming_it(
    client: TestClient, auth: dict[str, str], cursor: str
) -> None:
    refused = client.get("/v1/consent/review", params={"cursor": cursor}, headers=auth)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["field"] == "cursor"


def test_decided_texts_are_listed_latest_decision_first_with_who_decided_and_when(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    dismissed, opted_out, stopped = unique_number(), unique_number(), unique_number()
    for n, sender in enumerate((dismissed, opted_out, stopped)):
        _text(client, gateway, business_number, "Wrong number", f"gw-decided-{n}", sender)
    items = {item["from"]: item for item in _reviews(client, auth)}
    for n, (sender, decision) in enumerate(((dismissed, "dismiss"), (opted_out, "opt_out"))):
        with time_machine.travel(NOON_CENTRAL + timedelta(minutes=n), tick=False):
            decided = client.post(
                f"/v1/consent/review/{items[sender]['id']}",
                json={"decision": decision},
                headers=auth,
            )
        assert decided.status_code == 200, decided.text
    with time_machine.travel(NOON_CENTRAL + timedelta(minutes=2), tick=False):
        _text(client, gateway, business_number, "STOP", "gw-decided-stop", stopped)

    listed = client.get("/v1/consent/review/decided", headers=auth)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert [(i["from"], i["decision"]) for i in page["items"]] == [
        (stopped, "opt_out"),
        (opted_out, "opt_out"),
        (dismissed, "dismiss"),
    ]
    by_stop, by_staff, _ = page["items"]
    assert (by_stop["decided_by"], by_stop["decided_by_label"]) == (
        "customer",
        "The customer's STOP",
    )
    (entry,) = client.get(f"/v1/consent/{opted_out}", headers=auth).json()["events"]
    assert by_staff["decided_by"] == entry["actor"] != "customer"
    assert by_staff["decided_by_label"].startswith("API key ")
    assert by_staff["decided_at"] == "2026-11-24T18:01:00Z"
    assert by_staff["body"] == "Wrong number" and page["next_cursor"] is None
    assert _reviews(client, auth) == []


def test_the_decided_list_pages_without_repeating_a_text_and_refuses_a_bad_cursor(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    senders = [unique_number() for _ in range(3)]
    for n, sender in enumerate(senders):
        _text(client, gateway, business_number, "Wrong number", f"gw-decided-page-{n}", sender)
    for item in _reviews(client, auth):
        with time_machine.travel(NOON_CENTRAL, tick=False):  # one moment: ordered by id
            client.post(
                f"/v1/consent/review/{item['id']}", json={"decision": "dismiss"}, headers=auth
            )
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/consent/review/decided", params=params, headers=auth).json()
        seen += [item["from"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(senders) and len(seen) == 3
    refused = client.get(
        "/v1/consent/review/decided", params={"cursor": "not-a-cursor"}, headers=auth
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["field"] == "cursor"
