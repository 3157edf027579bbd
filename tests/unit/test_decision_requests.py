"""A decision request is checked once, where it comes in; the verbs take it as it is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

import pytest

from heed.domain.decision import Category, Channel
from heed.domain.errors import Invalid
from heed.services.decisions import DecisionRequest


class Recipients(TypedDict, total=False):
    """The recipient keywords of DecisionRequest.of, as a test may pass them."""

    contact_id: str
    to: str


def test_a_request_names_exactly_one_recipient() -> None:
    neither: Recipients = {}
    both: Recipients = {"contact_id": "con_1", "to": "+15128675309"}
    for both_or_none in (neither, both):
        with pytest.raises(Invalid) as refused:
            DecisionRequest.of(Channel.SMS, **both_or_none)
        assert refused.value.message == "contact_id or to is required (exactly one)."
        assert refused.value.details["field"] == "contact_id"


def test_a_refusal_in_a_batch_names_the_item() -> None:
    with pytest.raises(Invalid) as refused:
        DecisionRequest.of(Channel.SMS, field="items[3]")
    assert refused.value.details["field"] == "items[3].contact_id"
    assert refused.value.message.startswith("items[3].contact_id ")


def test_a_text_sender_is_read_as_a_number_and_an_email_sender_as_an_address() -> None:
    text = DecisionRequest.of(Channel.SMS, to="5128675309", sender="(512) 555-0142")
    assert text.sender == "+15125550142"
    email = DecisionRequest.of(Channel.EMAIL, to="a@b.org", sender=" Office@Acme.Example ")
    assert email.sender == "office@acme.example"
    with pytest.raises(Invalid) as refused:
        DecisionRequest.of(Channel.SMS, to="5128675309", sender="the office")
    assert refused.value.message == "from must be one of the business's numbers."


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ([], "body", "body must be an object."),
        ({"channel": "fax", "to": "x"}, "channel", "channel must be sms or email."),
        ({"channel": True, "to": "x"}, "channel", "channel must be sms or email."),
        (
            {"channel": "sms", "to": "x", "category": "news"},
            "category",
            "category must be job, invoice_statement or marketing.",
        ),
        ({"channel": "sms", "to": "x", "manual": 1}, "manual", "manual must be true or false."),
        ({"channel": "sms", "to": 5}, "to", "to must be text."),
        ({"channel": "sms", "contact_id": 5}, "contact_id", "contact_id must be text."),
        ({"channel": "sms", "to": "x", "from": 5}, "from", "from must be a business number."),
        (
            {"channel": "sms", "to": "x", "at": "tomorrow"},
            "at",
            "at must be an ISO-8601 time such as 2026-05-01T14:00:00Z.",
        ),
        (
            {"channel": "sms", "to": "x", "at": "2026-05-01T14:00:00"},
            "at",
            "at must carry a time zone offset (e.g. Z).",
        ),
    ],
)
def test_plain_data_is_refused_field_by_field(data: Any, field: str, says: str) -> None:
    with pytest.raises(Invalid) as refused:
        DecisionRequest.parse(data)
    assert (refused.value.details["field"], refused.value.message) == (field, says)


def test_plain_data_reads_as_the_same_request_the_typed_one_is() -> None:
    parsed = DecisionRequest.parse(
        {"channel": "sms", "contact_id": "con_1", "manual": True, "at": "2026-05-01T14:00:00Z"}
    )
    typed = DecisionRequest.of(
        Channel.SMS, contact_id="con_1", manual=True, at=datetime(2026, 5, 1, 14, tzinfo=UTC)
    )
    assert parsed == typed
    assert parsed.category is Category.JOB
