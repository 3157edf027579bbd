"""Twilio's signed inbound webhook (CONTRACT.md, R-11, R-16, R-16a, R-17)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from api_support import WEBHOOK_URL, twilio_form, twilio_signature
from starlette.datastructures import MultiDict
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from heed.bootstrap import Heed
from heed.services import accounts
from heed.services.accounts import NewAccount

FROM = "+15128675309"


@pytest.fixture
def token(account: NewAccount, business_number: str) -> str:
    """The test account's Twilio auth token (see tests/conftest.py)."""
    return "test-token-" + business_number[-4:]


def _post(client: TestClient, params: dict[str, str], signature: str | None, **kw: Any) -> Any:
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return client.post("/webhooks/twilio/sms", data=params, headers=headers, **kw)


def _events(client: TestClient, auth: dict[str, str], number: str = FROM) -> list[Any]:
    events: list[Any] = client.get(f"/v1/consent/{number}", headers=auth).json()["events"]
    return events


def test_a_signed_stop_is_recorded_and_answered_with_one_twiml_message(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    params = twilio_form(FROM, business_number, "STOP")
    response = _post(client, params, twilio_signature(token, params))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
        "Acme Plumbing: You're unsubscribed and will get no more texts from us. "
        "Reply START to resubscribe.</Message></Response>"
    )
    [event] = _events(client, auth)
    assert (event["action"], event["provider_message_id"]) == ("opt_out", params["MessageSid"])


def test_a_reply_is_xml_escaped(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    client.patch("/v1/account", json={"help_text": "Tom & Jerry's <Plumbing>"}, headers=auth)
    params = twilio_form(FROM, business_number, "help")
    response = _post(client, params, twilio_signature(token, params))
    assert "<Message>Tom &amp; Jerry's &lt;Plumbing&gt;</Message>" in response.text


def test_a_message_that_is_not_a_keyword_gets_an_empty_response(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    params = twilio_form(FROM, business_number, "See you at 3, thanks!")
    response = _post(client, params, twilio_signature(token, params))
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    assert _events(client, auth) == []


@pytest.mark.parametrize(("body", "entries"), [("STOP", 1), ("START", 1), ("HELP", 0)])
def test_a_retried_message_sid_gets_the_same_twiml_and_records_once(
    client: TestClient,
    auth: dict[str, str],
    business_number: str,
    token: str,
    body: str,
    entries: int,
) -> None:
    """Twilio retries a webhook whose answer it did not see; the confirmation is in that
    answer, so the retry must carry it again (R-16)."""
    params = twilio_form(FROM, business_number, body)
    first = _post(client, params, twilio_signature(token, params))
    retry = _post(client, params, twilio_signature(token, params))
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.content == first.content
    assert first.text.count("<Message>") == 1
    assert len(_events(client, auth)) == entries


def test_a_retried_advanced_opt_out_stays_quiet(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    params = twilio_form(FROM, business_number, "STOP", OptOutType="STOP")
    first = _post(client, params, twilio_signature(token, params))
    retry = _post(client, params, twilio_signature(token, params))
    assert first.text == retry.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    assert len(_events(client, auth)) == 1


def test_twilio_advanced_opt_out_is_recorded_without_a_second_reply(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    params = twilio_form(FROM, business_number, "STOP", OptOutType="STOP")
    response = _post(client, params, twilio_signature(token, params))
    assert response.status_code == 200
    assert "<Message>" not in response.text
    [event] = _events(client, auth)
    assert event["action"] == "opt_out"
    assert client.get(f"/v1/consent/{FROM}", headers=auth).json()["opted_out"] is True


def test_a_signature_made_with_another_token_is_refused_and_records_nothing(
    client: TestClient, auth: dict[str, str], business_number: str
) -> None:
    params = twilio_form(FROM, business_number, "STOP")
    response = _post(client, params, twilio_signature("someone-elses-token", params))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert _events(client, auth) == []


def test_a_tampered_body_is_refused_and_records_nothing(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    signed = twilio_form(FROM, business_number, "Thanks!")
    signature = twilio_signature(token, signed)
    response = _post(client, {**signed, "Body": "STOP"}, signature)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert _events(client, auth) == []


def test_a_signature_over_another_url_is_refused(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    params = twilio_form(FROM, business_number, "STOP")
    signature = twilio_signature(token, params, url=WEBHOOK_URL.replace("8000", "9000"))
    assert _post(client, params, signature).status_code == 403
    assert _events(client, auth) == []


def test_a_missing_signature_is_refused_and_records_nothing(
    client: TestClient, auth: dict[str, str], business_number: str
) -> None:
    response = _post(client, twilio_form(FROM, business_number, "STOP"), None)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert _events(client, auth) == []


def test_an_account_without_an_auth_token_accepts_no_webhook(
    client: TestClient,
    heed: Heed,
    account: NewAccount,
    auth: dict[str, str],
    business_number: str,
    token: str,
) -> None:
    accounts.set_twilio_auth_token(heed.uow, account.account_id, None)
    params = twilio_form(FROM, business_number, "STOP")
    assert _post(client, params, twilio_signature(token, params)).status_code == 403
    assert _events(client, auth) == []


def test_a_text_to_a_number_no_business_uses_answers_404(client: TestClient) -> None:
    params = twilio_form(FROM, "+15129990000", "STOP")
    response = _post(client, params, twilio_signature("anything", params))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_signed_request_without_a_message_sid_answers_422(
    client: TestClient, business_number: str, token: str
) -> None:
    params = {"From": FROM, "To": business_number, "Body": "STOP"}
    response = _post(client, params, twilio_signature(token, params))
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "MessageSid"


def test_a_stop_from_abroad_is_acknowledged_and_records_nothing(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    """heed never texts a number outside the US and Canada (R-1), so there is no consent
    to keep; answering an error would only make Twilio retry."""
    params = twilio_form("+447700900123", business_number, "STOP")
    response = _post(client, params, twilio_signature(token, params))
    assert response.status_code == 200
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    assert client.get("/v1/consent/events", headers=auth).json()["events"] == []


def test_a_form_with_accents_plus_signs_and_repeated_fields_is_read_as_twilio_signed_it(
    client: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    params = twilio_form(FROM, business_number, "ARRÊT")
    fields = [*params.items(), ("Note", "a+b & c=d"), ("Note", "50% off")]
    signature = RequestValidator(token).compute_signature(WEBHOOK_URL, MultiDict(fields))
    response = client.post(
        "/webhooks/twilio/sms",
        content=urlencode(fields),
        headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 200, response.text
    [event] = _events(client, auth)
    assert (event["action"], event["body"]) == ("opt_out", "ARRÊT")
