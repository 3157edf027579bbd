"""POST /v1/customers/{id}/merge and /v1/customers/{id}/notifications over HTTP, and the
From of a manual text (R-13, R-17, R-21)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import consent
from heed.services.accounts import NewAccount
from unique_values import unique_email, unique_number


def test_merging_moves_the_other_customers_records_and_removes_it(
    client: TestClient, auth: dict[str, str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    keep = make_customer("Maria Alvarez")
    other = make_customer(
        "Maria Alvarez (duplicate)",
        contacts=[{"kind": "mobile", "value": unique_number()}],
        locations=[
            {
                "name": "Rental duplex",
                "contacts": [{"kind": "email", "value": unique_email("m", "duplex.org")}],
            }
        ],
    )

    response = client.post(
        f"/v1/customers/{keep['id']}/merge", json={"from_customer_id": other["id"]}, headers=auth
    )

    assert response.status_code == 200, response.text
    merged = response.json()
    assert merged["id"] == keep["id"]
    assert [c["id"] for c in merged["contacts"]] == [other["contacts"][0]["id"]]
    assert [loc["name"] for loc in merged["locations"]] == ["Rental duplex"]
    gone = client.get(f"/v1/customers/{other['id']}", headers=auth)
    assert gone.status_code == 404


def test_a_merge_keeps_the_numbers_opt_out_and_its_ledger(
    client: TestClient,
    auth: dict[str, str],
    heed: Heed,
    account: NewAccount,
    business_number: str,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    number = unique_number()
    keep = make_customer("Dana Whitfield")
    other = make_customer("Dana W.", contacts=[{"kind": "mobile", "value": number}])
    consent.record_inbound_sms(
        heed.uow,
        account.account_id,
        from_number=number,
        to_number=business_number,
        body="STOP",
        message_id="SM" + number[2:],
        via="twilio_webhook",
    )
    before = client.get(f"/v1/consent/{number}", headers=auth).json()

    client.post(
        f"/v1/customers/{keep['id']}/merge", json={"from_customer_id": other["id"]}, headers=auth
    )

    after = client.get(f"/v1/consent/{number}", headers=auth).json()
    assert after == before
    (contact,) = client.get(f"/v1/customers/{keep['id']}", headers=auth).json()["contacts"]
    assert contact["sms_opted_out"] is True


def test_merging_refuses_itself_a_missing_field_and_another_accounts_customer(
    client: TestClient,
    auth: dict[str, str],
    other_auth: dict[str, str],
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    keep = make_customer("Ann Lee")
    path = f"/v1/customers/{keep['id']}/merge"
    itself = client.post(path, json={"from_customer_id": keep["id"]}, headers=auth)
    assert itself.status_code == 422
    assert itself.json()["error"]["details"]["field"] == "from_customer_id"
    missing = client.post(path, json={}, headers=auth)
    assert missing.status_code == 422
    theirs = client.post("/v1/customers", json={"name": "Ann Lee"}, headers=other_auth).json()
    across = client.post(path, json={"from_customer_id": theirs["id"]}, headers=auth)
    assert across.status_code == 404
    assert client.get(f"/v1/customers/{theirs['id']}", headers=other_auth).status_code == 200
    too_long = client.post(path, json={"from_customer_id": "c" * 41}, headers=auth)
    assert too_long.status_code == 422


def test_setting_all_bells_reports_what_changed_and_what_was_skipped(
    client: TestClient, auth: dict[str, str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    customer = make_customer(
        "Lou Moss",
        contacts=[
            {"kind": "mobile", "value": unique_number()},
            {"kind": "email", "value": unique_email("lou", "moss-family.org")},
            {"kind": "fax", "value": unique_number()},
        ],
    )
    mobile, email, fax = (c["id"] for c in customer["contacts"])

    response = client.post(
        f"/v1/customers/{customer['id']}/notifications",
        json={"category": "invoice_statement", "on": True},
        headers=auth,
    )

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["changed"] == [email]
    assert {s["contact_id"]: s["reason"] for s in report["skipped"]} == {
        mobile: "not_carried",
        fax: "not_carried",
    }
    bad = client.post(
        f"/v1/customers/{customer['id']}/notifications",
        json={"category": "weather", "on": True},
        headers=auth,
    )
    assert bad.status_code == 422


def test_a_manual_text_leaves_from_the_chosen_business_number(
    client: TestClient,
    auth: dict[str, str],
    business_number: str,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    second = unique_number("737")
    patched = client.patch(
        "/v1/account",
        json={"sms_opt_out_scope": "number", "business_numbers": [business_number, second]},
        headers=auth,
    )
    assert patched.status_code == 200, patched.text
    customer = make_customer("Ana Ruiz", contacts=[{"kind": "mobile", "value": unique_number()}])
    contact = customer["contacts"][0]["id"]
    sent = client.post(
        "/v1/messages",
        json={
            "channel": "sms",
            "contact_id": contact,
            "body": "Hi",
            "manual": True,
            "from": second,
        },
        headers=auth,
    )
    assert sent.status_code == 202, sent.text
    assert sent.json()["from"] == second
    stranger = client.post(
        "/v1/messages",
        json={
            "channel": "sms",
            "contact_id": contact,
            "body": "Hi",
            "manual": True,
            "from": unique_number("214"),
        },
        headers=auth,
    )
    assert stranger.status_code == 422
