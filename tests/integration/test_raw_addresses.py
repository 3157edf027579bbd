"""A message addressed by raw number or email obeys the same records as one by contact id
(R-8, R-10, R-13, R-18)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit
from heed.domain.decision import Channel
from heed.domain.errors import Conflict, Invalid
from heed.services import accounts, consent, contacts, customers, decisions, messages
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from heed.services.decisions import DecisionRequest

JUNE_FIRST_NOON = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)  # noon in Austin


def test_a_raw_number_of_a_do_not_mail_customer_gets_no_automated_message_r8(
    heed: Heed, staff: Principal
) -> None:
    customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Dana DNM",
                "do_not_mail": True,
                "contacts": [
                    {"kind": "mobile", "value": "512-621-7001"},
                    {"kind": "email", "value": "dana@dnm-family.com"},
                ],
            }
        ),
    )
    for channel, to in ((Channel.SMS, "(512) 621-7001"), (Channel.EMAIL, "Dana@DNM-family.com")):
        automated = decisions.decide_one(heed.uow, staff, DecisionRequest.of(channel, to=to))
        assert automated["reason"] == "do_not_mail", channel
        manual = decisions.decide_one(
            heed.uow, staff, DecisionRequest.of(channel, to=to, manual=True)
        )
        assert manual["outcome"] != "blocked", channel


def test_a_raw_number_goes_only_where_a_record_has_the_category_on_r10(
    heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {"name": "Otto Off", "contacts": [{"kind": "mobile", "value": "512-621-7002"}]}
        ),
    )
    contacts.update_contact(
        heed.uow, staff, made["contacts"][0]["id"], ContactEdit(notifications={"job": False})
    )
    refused = decisions.decide_one(
        heed.uow, staff, DecisionRequest.of(Channel.SMS, to="5126217002", at=JUNE_FIRST_NOON)
    )
    assert refused["reason"] == "preference_off"
    unknown = decisions.decide_one(
        heed.uow, staff, DecisionRequest.of(Channel.SMS, to="5126217999", at=JUNE_FIRST_NOON)
    )
    assert unknown["outcome"] == "allowed", "a number no record lists has no setting to obey"
    with pytest.raises(Conflict) as blocked:
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(channel="sms", to="5126217002", body="Reminder", category="job"),
        )
    assert blocked.value.code == "preference_off"


def test_a_text_may_leave_only_from_the_business_own_numbers_r13(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    accounts.update_account(heed.uow, staff, accounts.AccountChanges(sms_opt_out_scope="number"))
    consent.record_inbound_sms(
        heed.uow,
        staff.account_id,
        from_number="5126217003",
        to_number=business_number,
        body="STOP",
        message_id="stop-7003",
    )
    request = {"channel": "sms", "to": "5126217003", "category": "job", "manual": True}
    with pytest.raises(Invalid) as refused:
        decisions.decide_one(
            heed.uow, staff, DecisionRequest.parse({**request, "from": "+15125550199"})
        )
    assert refused.value.details["field"] == "from"
    with pytest.raises(Invalid):
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(
                "sms", "hi", to="5126217003", category="job", manual=True, sender="+15125550199"
            ),
        )
    own = decisions.decide_one(
        heed.uow, staff, DecisionRequest.parse({**request, "from": business_number})
    )
    assert own["reason"] == "sms_opt_out"
