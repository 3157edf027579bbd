"""Marketing consent through the API (R-24): the double opt-in answered by a signed Twilio
webhook, written consent, withdrawal, the receipt, the gates and the not-on-record list."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from api_support import twilio_form, twilio_signature
from starlette.testclient import TestClient

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.services.accounts import NewAccount

FROM = "+15128675309"
SIGNED = "I agree to get marketing texts from Acme Plumbing, up to 4 a month."
WRITTEN = {"method": "written", "reference": "Form 2026-114", "disclosure": SIGNED}


def _text(client: TestClient, business_number: str, body: str) -> str:
    params = twilio_form(FROM, business_number, body)
    token = "test-token-" + business_number[-4:]
    response = client.post(
        "/webhooks/twilio/sms",
        data=params,
        headers={"X-Twilio-Signature": twilio_signature(token, params)},
    )
    assert response.status_code == 200
    return response.text


def _marketing(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"/v1/consent/{FROM}", headers=auth)
    assert response.status_code == 200
    found: dict[str, Any] = response.json()["marketing"]
    return found


def test_a_double_opt_in_answered_yes_by_signed_webhook_gives_consent_and_one_confirmation(
    client: TestClient, auth: dict[str, str], business_number: str
) -> None:
    asked = client.post(
        f"/v1/consent/{FROM}/marketing", json={"method": "sms_double_opt_in"}, headers=auth
    )
    assert asked.status_code == 202, asked.text
    assert asked.json()["status"] == "pending"
    request_id = asked.json()["request_message_id"]
    queued = client.get(f"/v1/messages/{request_id}", headers=auth).json()
    assert queued["to"] == FROM
    assert queued["status"] == "queued"
    assert "Reply STOP to opt out, HELP for help" in queued["body"]
    assert _marketing(client, auth)["pending_since"] is not None

    twiml = _text(client, business_number, "YES")

    assert twiml.count("<Message>") == 1
    assert "subscribed to marketing texts" in twiml
    receipt = _marketing(client, auth)
    assert receipt["consented"] is True
    assert receipt["method"] == "sms_double_opt_in"
    assert receipt["disclosure"] == queued["body"]
    assert receipt["disclosure_version"].startswith("sha256:")
    assert receipt["captured_via"] == "twilio_webhook"
    assert receipt["pending_since"] is None
    assert _text(client, business_number, "YES") == (
        '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    )


def test_a_written_consent_is_201_with_its_evidence_in_the_ledger_and_its_exports(
    client: TestClient, auth: dict[str, str]
) -> None:
    recorded = client.post(f"/v1/consent/{FROM}/marketing", json=WRITTEN, headers=auth)

    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["status"] == "consented"
    receipt = _marketing(client, auth)
    assert (receipt["reference"], receipt["disclosure"]) == ("Form 2026-114", SIGNED)
    assert receipt["event_id"] == recorded.json()["event_id"]
    ledger = client.get("/v1/consent/events", headers=auth).json()["events"]
    assert '"reference":"Form 2026-114"' in ledger[-1]["evidence"]
    exported = client.get("/v1/consent/events?format=csv", headers=auth).text
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert row["evidence"] == ledger[-1]["evidence"]
    assert row["hash"] == receipt["hash"]


def test_a_written_consent_without_its_reference_is_422_naming_the_field(
    client: TestClient, auth: dict[str, str]
) -> None:
    missing = {"method": "written", "disclosure": SIGNED}
    response = client.post(f"/v1/consent/{FROM}/marketing", json=missing, headers=auth)
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "reference"
    assert _marketing(client, auth)["consented"] is False


def test_a_stopped_number_cannot_be_given_consent_by_staff(
    client: TestClient, auth: dict[str, str], business_number: str
) -> None:
    _text(client, business_number, "STOP")
    for body in (WRITTEN, {"method": "sms_double_opt_in"}):
        refused = client.post(f"/v1/consent/{FROM}/marketing", json=body, headers=auth)
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "sms_opt_out"


def test_recording_consent_needs_consent_record_and_withdrawing_needs_customer_edit(
    client: TestClient, key_with: Callable[..., dict[str, str]], auth: dict[str, str]
) -> None:
    editor = key_with("customer:edit")
    refused = client.post(f"/v1/consent/{FROM}/marketing", json=WRITTEN, headers=editor)
    assert refused.status_code == 403
    recorder = key_with("consent:record")
    assert client.post(f"/v1/consent/{FROM}/marketing", json=WRITTEN, headers=recorder).is_success
    assert client.delete(f"/v1/consent/{FROM}/marketing", headers=recorder).status_code == 403

    withdrawn = client.delete(f"/v1/consent/{FROM}/marketing", headers=editor)

    assert withdrawn.status_code == 200
    assert (withdrawn.json()["consented"], withdrawn.json()["withdrawn"]) == (False, True)
    assert _marketing(client, auth)["consented"] is False


def test_marketing_on_for_a_phone_without_consent_is_409_and_a_marketing_text_is_blocked(
    client: TestClient, auth: dict[str, str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    customer = make_customer(contacts=[{"kind": "mobile", "value": FROM}])
    contact = customer["contacts"][0]
    assert contact["marketing_consent"] == "none"
    on = {"notifications": {"marketing": True}}

    refused = client.patch(f"/v1/contacts/{contact['id']}", json=on, headers=auth)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "consent_evidence_required"
    decision = client.post(
        "/v1/decisions",
        json={
            "contact_id": contact["id"],
            "channel": "sms",
            "category": "marketing",
            "manual": True,
        },
        headers=auth,
    ).json()
    assert decision["reason"] == "no_marketing_consent"

    client.post(f"/v1/consent/{FROM}/marketing", json=WRITTEN, headers=auth)
    changed = client.patch(f"/v1/contacts/{contact['id']}", json=on, headers=auth)
    assert changed.status_code == 200
    assert changed.json()["contact"]["marketing_consent"] == "consented"


def test_contacts_with_marketing_from_before_the_evidence_are_listed(
    client: TestClient,
    auth: dict[str, str],
    heed: Heed,
    account: NewAccount,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    customer = make_customer(contacts=[{"kind": "mobile", "value": FROM}])
    contact_id = customer["contacts"][0]["id"]
    with heed.uow.write() as tx:
        row = tx.session.get(t.Contact, (account.account_id, contact_id))
        assert row is not None
        row.notify_marketing = True
        tx.commit()

    listed = client.get("/v1/consent/marketing/not-on-record", headers=auth)

    assert listed.status_code == 200
    assert [item["contact_id"] for item in listed.json()["items"]] == [contact_id]
    shown = client.get(f"/v1/contacts/{contact_id}", headers=auth).json()
    assert shown["marketing_consent"] == "not_on_record"


def test_the_disclosure_and_the_casl_dates_are_settable_and_bounded(
    client: TestClient, auth: dict[str, str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    own = "Acme deals, 2 msgs/mo. Msg & data rates may apply. Reply STOP to opt out, HELP for help."
    assert client.patch("/v1/account", json={"marketing_disclosure": own}, headers=auth).is_success
    assert client.get("/v1/account", headers=auth).json()["marketing_disclosure"] == own
    too_long = client.patch("/v1/account", json={"marketing_disclosure": "x" * 481}, headers=auth)
    assert too_long.status_code == 422

    customer = make_customer()
    changed = client.patch(
        f"/v1/customers/{customer['id']}",
        json={"consent_country": "CA", "last_purchase_at": "2026-05-01T12:00:00Z"},
        headers=auth,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["consent_country"] == "CA"
    assert changed.json()["last_purchase_at"].startswith("2026-05-01T12:00:00")
    naive = client.patch(
        f"/v1/customers/{customer['id']}",
        json={"last_inquiry_at": "2026-05-01T12:00:00"},
        headers=auth,
    )
    assert naive.status_code == 422
    assert naive.json()["error"]["details"]["field"] == "last_inquiry_at"
