"""The decision's reader: each statement's rows come back by name, the same on both
databases (heed.adapters.db.decision_facts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from integration_support import random_number

from heed.adapters.db import decision_facts as read
from heed.bootstrap import Heed
from heed.domain.decision import Category
from heed.services import accounts
from heed.services.common import Principal
from heed.services.views import fold_consent


def test_stored_contacts_come_back_by_name_with_their_consent_rows(
    heed: Heed,
    staff: Principal,
    make_customer: Callable[..., dict[str, Any]],
    make_location: Callable[..., dict[str, Any]],
    add_contact: Callable[..., dict[str, Any]],
    inbound: Callable[..., Any],
) -> None:
    customer = make_customer()
    dnm = make_customer(do_not_mail=True, contacts=[{"kind": "email", "value": "dnm@acme.org"}])
    dnm_contact = dnm["contacts"][0]["id"]
    cabin = make_location(customer["id"], "Cabin", time_zone="America/Denver")
    number = random_number("512")
    on_cabin = add_contact(cabin["id"], "mobile", number, notifications={"marketing": True})
    inbound(number, "STOP")

    with heed.uow.read() as tx:
        found = read.stored_contacts(
            tx, staff.account_id, [on_cabin["id"], dnm_contact, "con_unknown"]
        )

    assert set(found.contacts) == {on_cabin["id"], dnm_contact}
    assert found.contacts[dnm_contact].do_not_mail is True
    contact = found.contacts[on_cabin["id"]]
    assert (contact.kind, contact.value, contact.time_zone) == ("mobile", number, "America/Denver")
    assert contact.do_not_mail is False and contact.placeholder is False
    assert [contact.notified(category) for category in Category] == [True, False, True]
    assert fold_consent(found.consent_rows)[on_cabin["id"]].sms_opted_out


def test_one_contact_reads_the_account_settings_alongside(
    heed: Heed,
    staff: Principal,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(
            sending_window=accounts.Window("09:00", "18:30"),
            placeholders=["none@acme.example"],
        ),
    )
    contact = make_customer(contacts=[{"kind": "mobile", "value": random_number()}])["contacts"][0]

    found = read.one_contact(heed.engine, staff.account_id, contact["id"])

    assert found is not None
    assert list(found.stored.contacts) == [contact["id"]]
    assert found.stored.consent_rows == []
    assert found.rules.placeholders == ("none@acme.example",)
    assert (found.rules.window.describe(), found.rules.notifications_enabled) == (
        "9:00 AM–6:30 PM",
        True,
    )
    assert read.one_contact(heed.engine, staff.account_id, "con_unknown") is None


def test_a_raw_address_is_held_to_every_record_that_lists_it(
    heed: Heed, staff: Principal, make_customer: Callable[..., dict[str, Any]]
) -> None:
    number = random_number()
    make_customer(contacts=[{"kind": "mobile", "value": number}])
    make_customer(
        do_not_mail=True,
        contacts=[{"kind": "mobile", "value": number, "notifications": {"job": False}}],
    )

    with heed.uow.read() as tx:
        records = read.raw_records(tx, staff.account_id, [number, random_number()])

    assert list(records) == [number]
    assert records[number].do_not_mail is True
    assert records[number].enabled == {Category.JOB}
