"""Every send goes through the decision; a blocked one reaches nobody (R-21, R-16a)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from integration_support import MakeRecord, ReceiveText, SetClock, ledger, random_number
from sqlalchemy import func, select

from heed.adapters.db import tables as t
from heed.adapters.transports import TWILIO_OPTED_OUT, Delivery, LogTransport, Outbound
from heed.bootstrap import Heed
from heed.domain.errors import Conflict
from heed.services import messages
from heed.services.common import Principal

LATE_EVENING_CENTRAL = datetime(2026, 5, 6, 3, 30, tzinfo=UTC)  # 22:30 in Austin
EIGHT_AM_CENTRAL = datetime(2026, 5, 6, 13, 0, tzinfo=UTC)


def _message_rows(heed: Heed, account_id: str) -> int:
    with heed.uow.read() as tx:
        return (
            tx.session.scalar(
                select(func.count())
                .select_from(t.Message)
                .where(t.Message.account_id == account_id)
            )
            or 0
        )


def _transport() -> LogTransport:
    return LogTransport(stream=io.StringIO())


def _sent_ids(transport: LogTransport) -> list[str]:
    return [m.message_id for m in transport.sent]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [("stop", "sms_opt_out"), ("preference_off", "preference_off"), ("fax", "fax")],
)
def test_a_blocked_send_is_refused_with_its_reason_and_stored_nowhere_r21(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
    frozen_clock: SetClock,
    setup: str,
    reason: str,
) -> None:
    customer = make_customer()
    kind = "fax" if setup == "fax" else "mobile"
    contact = add_contact(
        customer["id"],
        kind,
        random_number(),
        **({"notifications": {"job": False}} if setup == "preference_off" else {}),
    )
    if setup == "stop":
        inbound(contact["value"], "STOP")
    with pytest.raises(Conflict) as refused:
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(
                channel="sms", contact_id=contact["id"], body="Your tech is on the way"
            ),
        )
    assert refused.value.code == reason
    assert refused.value.details["reason"] == reason
    assert _message_rows(heed, staff.account_id) == 0


def test_an_international_to_is_refused_and_never_queued_r21_r1(
    heed: Heed, staff: Principal, frozen_clock: SetClock
) -> None:
    with pytest.raises(Conflict) as refused:
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(channel="sms", to="+44 20 7946 0958", body="Hello", manual=True),
        )
    assert refused.value.code == "invalid_address"
    assert _message_rows(heed, staff.account_id) == 0


def test_an_allowed_send_is_queued_then_delivered_once_r21(
    heed: Heed,
    staff: Principal,
    business_number: str,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    frozen_clock: SetClock,
) -> None:
    contact = add_contact(make_customer()["id"], "phone", random_number())
    queued = messages.send_message(
        heed.uow,
        staff,
        messages.SendMessage(channel="sms", contact_id=contact["id"], body="Booked for 9"),
    )
    assert queued["status"] == "queued"
    assert queued["warnings"] == ["saved_as_landline"]
    assert queued["from"] == business_number
    transport = _transport()
    messages.deliver_due(heed.uow, transport)
    assert _sent_ids(transport).count(queued["id"]) == 1
    delivered = messages.get_message(heed.uow, staff, queued["id"])
    assert delivered["status"] == "sent"
    assert delivered["provider_id"] == f"log-{queued['id']}"
    messages.deliver_due(heed.uow, transport)
    assert _sent_ids(transport).count(queued["id"]) == 1


def test_a_deferred_send_waits_and_goes_when_due_r21_r18(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    frozen_clock: SetClock,
) -> None:
    contact = add_contact(make_customer()["id"], "mobile", random_number("512"))
    frozen_clock(LATE_EVENING_CENTRAL)
    deferred = messages.send_message(
        heed.uow,
        staff,
        messages.SendMessage(channel="sms", contact_id=contact["id"], body="Reminder"),
    )
    assert deferred["status"] == "deferred"
    assert datetime.fromisoformat(deferred["not_before"]) == EIGHT_AM_CENTRAL
    transport = _transport()
    messages.deliver_due(heed.uow, transport, at=EIGHT_AM_CENTRAL - timedelta(minutes=1))
    assert deferred["id"] not in _sent_ids(transport)
    assert messages.get_message(heed.uow, staff, deferred["id"])["status"] == "deferred"

    frozen_clock(EIGHT_AM_CENTRAL + timedelta(minutes=5))
    messages.deliver_due(heed.uow, transport, at=EIGHT_AM_CENTRAL + timedelta(minutes=5))
    assert _sent_ids(transport).count(deferred["id"]) == 1
    assert messages.get_message(heed.uow, staff, deferred["id"])["status"] == "sent"


def test_a_stop_while_a_message_waits_deferred_blocks_it_before_the_transport_r21_r12(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
    frozen_clock: SetClock,
) -> None:
    contact = add_contact(make_customer()["id"], "mobile", random_number("512"))
    frozen_clock(LATE_EVENING_CENTRAL)
    deferred = messages.send_message(
        heed.uow,
        staff,
        messages.SendMessage(channel="sms", contact_id=contact["id"], body="Reminder"),
    )
    inbound(contact["value"], "STOP")
    transport = _transport()
    frozen_clock(EIGHT_AM_CENTRAL + timedelta(minutes=5))
    messages.deliver_due(heed.uow, transport, at=EIGHT_AM_CENTRAL + timedelta(minutes=5))
    assert deferred["id"] not in _sent_ids(transport)
    assert all(m.to != contact["value"] for m in transport.sent)
    stored = messages.get_message(heed.uow, staff, deferred["id"])
    assert (stored["status"], stored["reason"]) == ("blocked", "sms_opt_out")


class _CarrierSaysOptedOut:
    """A provider that refuses sends to ``number``: its owner texted STOP to the carrier.

    deliver_due serves every account, so other tests' messages go through untouched.
    """

    name = "fake"

    def __init__(self, number: str) -> None:
        self.number = number

    def send(self, message: Outbound) -> Delivery:
        if message.to != self.number:
            return Delivery(provider_id=f"fake-{message.message_id}")
        return Delivery(None, TWILIO_OPTED_OUT, "Attempt to send to unsubscribed recipient")


def test_a_provider_opt_out_on_send_is_recorded_in_the_ledger_r16a(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
    frozen_clock: SetClock,
) -> None:
    contact = add_contact(make_customer()["id"], "mobile", random_number())
    queued = messages.send_message(
        heed.uow,
        staff,
        messages.SendMessage(channel="sms", contact_id=contact["id"], body="On our way"),
    )
    messages.deliver_due(heed.uow, _CarrierSaysOptedOut(contact["value"]))
    stored = messages.get_message(heed.uow, staff, queued["id"])
    assert (stored["status"], stored["reason"]) == ("blocked", "sms_opt_out")
    (entry,) = ledger(heed, staff.account_id)
    assert (entry.address, entry.action, entry.source) == (contact["value"], "opt_out", "provider")
    assert decide(contact_id=contact["id"], manual=True)["reason"] == "sms_opt_out"
