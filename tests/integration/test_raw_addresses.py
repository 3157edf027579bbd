"""A message addressed by raw number or email obeys the same records as one by contact id
(R-8, R-10, R-13, R-18)."""

from __future__ import annotations

import pytest

from heed.bootstrap import Heed
from heed.domain.errors import Conflict, Invalid
from heed.services import accounts, consent, contacts, customers, decisions, messages
from heed.services.common import Principal


def test_a_raw_number_of_a_do_not_mail_customer_gets_no_automated_message_r8(
    heed: Heed, staff: Principal
) -> None:
    customers.create_customer(
        heed.uow,
        staff,
        {
            "name": "Dana DNM",
            "do_not_mail": True,
            "contacts": [
                {"kind": "mobile", "value": "512-621-7001"},
                {"kind": "email", "value": "dana@dnm-family.com"},
            ],
        },
    )
    for channel, to in (("sms", "(512) 621-7001"), ("email", "Dana@DNM-family.com")):
        automated = decisions.decide_one(
            heed.uow, staff, {"channel": channel, "to": to, "category": "job"}
        )
        assert automated["reason"] == "do_not_mail", channel
        manual = decisions.decide_one(
            heed.uow, staff, {"channel": channel, "to": to, "category": "job", "manual": True}
        )
        assert manual["outcome"] != "blocked", channel


def test_a_raw_number_goes_only_where_a_record_has_the_category_on_r10(
    heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(
        heed.uow,
        staff,
        {"name": "Otto Off", "contacts": [{"kind": "mobile", "value": "512-621-7002"}]},
    )
    contacts.update_contact(
        heed.uow, staff, made["contacts"][0]["id"], {"notifications": {"job": False}}
    )
    refused = decisions.decide_one(
        heed.uow,
        staff,
        {"channel": "sms", "to": "5126217002", "category": "job", "at": "2026-06-01T17:00:00Z"},
    )
    assert refused["reason"] == "preference_off"
    unknown = decisions.decide_one(
        heed.uow,
        staff,
        {"channel": "sms", "to": "5126217999", "category": "job", "at": "2026-06-01T17:00:00Z"},
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
        decisions.decide_one(heed.uow, staff, {**request, "from": "+15125550199"})
    assert refused.value.details["field"] == "from"
    with pytest.raises(Invalid):
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(
                "sms", "hi", to="5126217003", category="job", manual=True, sender="+15125550199"
            ),
        )
    own = decisions.decide_one(heed.uow, staff, {**request, "from": business_number})
    assert own["reason"] == "sms_opt_out"
