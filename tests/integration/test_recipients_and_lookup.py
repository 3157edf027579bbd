"""Who hears about a job (R-19) and caller ID (R-20)."""

from __future__ import annotations

import pytest
from integration_support import MakeRecord, ReceiveText, Record, SetClock, random_number

from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit
from heed.domain.decision import Category, Channel
from heed.domain.errors import NotFound
from heed.services import contacts, customers
from heed.services import recipients as job_recipients
from heed.services.common import Principal


@pytest.fixture
def job_site(
    make_customer: MakeRecord, make_location: MakeRecord, add_contact: MakeRecord
) -> Record:
    number = random_number()
    customer = make_customer("Dana Whitfield")
    lake = make_location(customer["id"], "Lake house")
    office = make_location(customer["id"], "Office")
    return {
        "number": number,
        "customer": customer,
        "lake": lake,
        "on_customer": add_contact(customer["id"], "mobile", number),
        "on_lake": add_contact(lake["id"], "mobile", f"{number[2:5]}.{number[5:8]}.{number[8:]}"),
        "email": add_contact(customer["id"], "email", "dana@whitfield.org"),
        "disabled": add_contact(
            lake["id"], "mobile", random_number(), notifications={"job": False}
        ),
        "fax": add_contact(customer["id"], "fax", random_number()),
        "other_site": add_contact(office["id"], "mobile", random_number()),
    }


def test_one_number_on_customer_and_location_is_one_recipient_with_both_ids_r19(
    heed: Heed, staff: Principal, job_site: Record, frozen_clock: SetClock
) -> None:
    recipients = job_recipients.recipients_for(
        heed.uow,
        staff,
        customer_id=job_site["customer"]["id"],
        location_id=job_site["lake"]["id"],
        category=Category.JOB,
    )
    by_to = {r["to"]: r for r in recipients}
    assert set(by_to) == {job_site["number"], "dana@whitfield.org"}
    merged = by_to[job_site["number"]]
    assert merged["channel"] == "sms"
    assert sorted(merged["contact_ids"]) == sorted(
        [job_site["on_customer"]["id"], job_site["on_lake"]["id"]]
    )
    assert (merged["outcome"], merged["reason"]) == ("allowed", "ok")
    assert by_to["dana@whitfield.org"]["channel"] == "email"


def test_recipients_leave_out_disabled_contacts_faxes_and_other_locations_r19(
    heed: Heed, staff: Principal, job_site: Record, frozen_clock: SetClock
) -> None:
    recipients = job_recipients.recipients_for(
        heed.uow,
        staff,
        customer_id=job_site["customer"]["id"],
        location_id=job_site["lake"]["id"],
        category=Category.JOB,
    )
    listed = {cid for r in recipients for cid in r["contact_ids"]}
    for left_out in ("disabled", "fax", "other_site"):
        assert job_site[left_out]["id"] not in listed
    # Without a location, only the customer's own contacts.
    own = job_recipients.recipients_for(
        heed.uow,
        staff,
        customer_id=job_site["customer"]["id"],
        location_id=None,
        category=Category.JOB,
    )
    assert {cid for r in own for cid in r["contact_ids"]} == {
        job_site["on_customer"]["id"],
        job_site["email"]["id"],
    }
    sms_only = job_recipients.recipients_for(
        heed.uow,
        staff,
        customer_id=job_site["customer"]["id"],
        location_id=job_site["lake"]["id"],
        category=Category.JOB,
        channel=Channel.SMS,
    )
    assert [r["to"] for r in sms_only] == [job_site["number"]]


def test_an_opted_out_recipient_is_listed_with_its_block_r19_r12(
    heed: Heed, staff: Principal, job_site: Record, inbound: ReceiveText, frozen_clock: SetClock
) -> None:
    inbound(job_site["number"], "STOP")
    recipients = job_recipients.recipients_for(
        heed.uow,
        staff,
        customer_id=job_site["customer"]["id"],
        location_id=job_site["lake"]["id"],
        category=Category.JOB,
    )
    merged = next(r for r in recipients if r["to"] == job_site["number"])
    assert (merged["outcome"], merged["reason"]) == ("blocked", "sms_opt_out")


def test_recipients_for_another_customers_location_is_not_found_r19(
    heed: Heed, staff: Principal, job_site: Record, make_customer: MakeRecord
) -> None:
    stranger = make_customer("Someone Else")
    with pytest.raises(NotFound):
        job_recipients.recipients_for(
            heed.uow,
            staff,
            customer_id=stranger["id"],
            location_id=job_site["lake"]["id"],
            category=Category.JOB,
        )


def test_invoice_recipients_are_the_emails_with_invoices_on_r19(
    heed: Heed, staff: Principal, job_site: Record, frozen_clock: SetClock
) -> None:
    assert (
        job_recipients.recipients_for(
            heed.uow,
            staff,
            customer_id=job_site["customer"]["id"],
            location_id=None,
            category=Category.INVOICE_STATEMENT,
        )
        == []
    )
    contacts.update_contact(
        heed.uow,
        staff,
        job_site["email"]["id"],
        ContactEdit(notifications={"invoice_statement": True}),
    )
    (recipient,) = job_recipients.recipients_for(
        heed.uow,
        staff,
        customer_id=job_site["customer"]["id"],
        location_id=None,
        category=Category.INVOICE_STATEMENT,
    )
    assert (recipient["to"], recipient["outcome"]) == ("dana@whitfield.org", "allowed")


@pytest.mark.parametrize(
    "written",
    [
        "{area}-{exchange}-{line}",
        "({area}) {exchange}-{line}",
        "+1 {area} {exchange} {line}",
        "1{area}{exchange}{line}",
        "{area}.{exchange}.{line}",
    ],
)
def test_caller_id_finds_every_customer_and_location_by_any_format_r20(
    heed: Heed,
    staff: Principal,
    job_site: Record,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    written: str,
) -> None:
    number = job_site["number"]
    cousin = make_customer("Lee Whitfield")
    add_contact(cousin["id"], "phone", number)
    parts = {"area": number[2:5], "exchange": number[5:8], "line": number[8:]}
    found = customers.lookup_phone(heed.uow, staff, written.format(**parts))
    assert found["phone"] == number
    assert sorted(c["id"] for c in found["customers"]) == sorted(
        [job_site["customer"]["id"], cousin["id"]]
    )
    assert found["locations"] == [
        {
            "id": job_site["lake"]["id"],
            "customer_id": job_site["customer"]["id"],
            "name": "Lake house",
        }
    ]


def test_caller_id_of_an_unknown_number_finds_nothing_r20(
    heed: Heed, staff: Principal, job_site: Record
) -> None:
    found = customers.lookup_phone(heed.uow, staff, random_number("737"))
    assert (found["customers"], found["locations"]) == ([], [])


def test_caller_id_finds_an_imported_placeholder_for_clean_up_r20_r2(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    add_contact(customer["id"], "mobile", "555-555-5555", imported=True)
    found = customers.lookup_phone(heed.uow, staff, "(555) 555-5555")
    assert [c["id"] for c in found["customers"]] == [customer["id"]]
