"""Twilio's webhook takes whatever a carrier relays (R-15, R-16, R-34): a signed STOP is
recorded whatever else the form carries — NULs, ids and bodies of any length, fields heed
does not know — and every signed form is answered, never with a 500.

The texts go through the app's batched inbound writer (the client runs the app's
lifespan), as they do under ``heed serve``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from api_support import twilio_signature
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from heed.services.accounts import NewAccount

_senders = itertools.count(1)
_sids = itertools.count(1)


def sender() -> str:
    """A North American mobile number no other example of this session has used."""
    n = next(_senders)
    return f"+1737{300 + n // 10_000}{n % 10_000:04d}"


@pytest.fixture
def token(account: NewAccount, business_number: str) -> str:
    """The test account's Twilio auth token (see tests/conftest.py)."""
    return "test-token-" + business_number[-4:]


@pytest.fixture
def served(api_app: FastAPI) -> Iterator[TestClient]:
    """The app with its lifespan: webhook texts go through the batched inbound writer."""
    with TestClient(api_app) as client:
        assert api_app.state.inbound.running
        yield client


def _post(client: TestClient, token: str, params: dict[str, str]) -> Any:
    signature = twilio_signature(token, params)
    return client.post(
        "/webhooks/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )


def _events(client: TestClient, auth: dict[str, str], number: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/consent/{number}", headers=auth)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def test_a_stop_with_a_nul_in_its_body_is_recorded_and_confirmed(
    served: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    number = sender()
    params = {
        "From": number,
        "To": business_number,
        "Body": "please stop texting me\x00",
        "MessageSid": "SM0123456789abcdef0123456789abc001",
    }
    response = _post(served, token, params)
    assert response.status_code == 200, response.text
    assert "<Message>" in response.text and "unsubscribed" in response.text
    [event] = _events(served, auth, number)
    assert (event["action"], event["source"]) == ("opt_out", "natural_language")
    assert event["body"] == "please stop texting me"


def test_a_stop_with_a_300_character_message_sid_is_recorded_and_its_retry_is_a_replay(
    served: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    number = sender()
    sid = "SM" + "a1" * 149
    params = {"From": number, "To": business_number, "Body": "STOP", "MessageSid": sid}
    first = _post(served, token, params)
    retry = _post(served, token, params)
    assert first.status_code == retry.status_code == 200, (first.text, retry.text)
    assert "<Message>" in first.text
    [event] = _events(served, auth, number)
    assert (event["action"], event["provider_message_id"]) == ("opt_out", sid)
    assert served.get(f"/v1/consent/{number}", headers=auth).json()["opted_out"] is True


def test_a_stop_with_a_5000_character_body_and_unknown_fields_is_recorded(
    served: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    number = sender()
    params = {
        "From": number,
        "To": business_number,
        "Body": "STOP" + "\n" * 4996,
        "MessageSid": "SM" + "b" * 1500,
        "NumSegments": "34",
        "FromCity": "AUSTIN\x00",
        "SmsStatus": "received",
    }
    first = _post(served, token, params)
    retry = _post(served, token, params)
    assert first.status_code == retry.status_code == 200, (first.text, retry.text)
    [event] = _events(served, auth, number)
    assert event["action"] == "opt_out" and len(event["body"]) == 5000
    assert len(event["provider_message_id"]) <= 500


# ---- fuzzing: validly signed forms carrying arbitrary text --------------------------------

# Any text a form can carry: every code point but surrogates, NULs and other controls
# included, sometimes very long.
ANY_TEXT = st.one_of(st.text(max_size=40), st.text(min_size=300, max_size=2500))
NULS = st.text(alphabet="\x00", max_size=3)
EXTRA_FIELDS = st.dictionaries(
    st.text(min_size=1, max_size=20).filter(
        lambda name: name not in ("From", "To", "Body", "MessageSid", "OptOutType")
    ),
    ANY_TEXT,
    max_size=3,
)
FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_any_signed_stop_is_recorded_once_whatever_else_the_form_carries(
    served: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    @given(
        before=NULS,
        after=NULS,
        sid=ANY_TEXT,
        extra=EXTRA_FIELDS,
        stop=st.sampled_from(["STOP", "stop", "Stop.", "please stop texting me", "UNSUBSCRIBE"]),
    )
    @FUZZ
    def check(before: str, after: str, sid: str, extra: dict[str, str], stop: str) -> None:
        number = sender()
        # Each example's id is its own: a repeated id would rightly record nothing.
        params = {
            **extra,
            "From": number,
            "To": business_number,
            "Body": before + stop + after,
            "MessageSid": f"SM{next(_sids):08d}{sid}",
        }
        first = _post(served, token, params)
        assert first.status_code == 200, first.text
        assert "<Message>" in first.text
        retry = _post(served, token, params)
        assert retry.status_code == 200, retry.text
        events = _events(served, auth, number)
        assert [e["action"] for e in events] == ["opt_out"]
        assert "\x00" not in (events[0]["body"] or "")

    check()


def test_any_signed_form_is_answered_without_a_server_error(
    served: TestClient, auth: dict[str, str], business_number: str, token: str
) -> None:
    @given(
        frm=st.one_of(st.just("sender"), ANY_TEXT.filter(bool)),
        body=ANY_TEXT,
        sid=ANY_TEXT,
        opt_out_type=st.one_of(st.none(), st.sampled_from(["STOP", "START", "HELP"]), ANY_TEXT),
        extra=EXTRA_FIELDS,
    )
    @FUZZ
    def check(
        frm: str, body: str, sid: str, opt_out_type: str | None, extra: dict[str, str]
    ) -> None:
        params = {
            **extra,
            "From": sender() if frm == "sender" else frm,
            "To": business_number,
            "Body": body,
            "MessageSid": f"SM{next(_sids):08d}{sid}",
        }
        if opt_out_type is not None:
            params["OptOutType"] = opt_out_type
        response = _post(served, token, params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")

    check()
