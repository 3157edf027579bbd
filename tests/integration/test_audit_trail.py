"""The audit trail made visible (R-23, R-33): a record's history, newest first, a page at
a time, old → new, with who by name; never a row of another account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from integration_support import NOON_CENTRAL, MakeRecord, random_number

from heed.adapters.db import tables as t
from heed.adapters.db.audit import AuditRow, add_audit_row
from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit
from heed.domain.errors import Forbidden, Invalid, NotFound
from heed.services import accounts, consent, contacts, customers, display
from heed.services.audit_trail import AuditQuery, audit_trail
from heed.services.common import PERMISSIONS, Principal
from heed.services.customer_commands import CustomerChanges, LocationChanges
from unique_values import unique_email


def _history(heed: Heed, principal: Principal, **query: Any) -> list[dict[str, Any]]:
    return audit_trail(heed.uow, principal, AuditQuery.parse(**query)).items


def _all_pages(heed: Heed, principal: Principal, limit: int, **query: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = audit_trail(
            heed.uow, principal, AuditQuery.parse(limit=limit, cursor=cursor, **query)
        )
        pages.append([item["id"] for item in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_a_customers_history_shows_its_locations_and_contacts_changes_old_to_new_newest_first(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    frozen_clock: Any,
) -> None:
    customer = make_customer("Dana Whitfield")
    frozen_clock(NOON_CENTRAL + timedelta(minutes=1))
    location = make_location(customer["id"], "Lake house")
    frozen_clock(NOON_CENTRAL + timedelta(minutes=2))
    phone = add_contact(location["id"], "mobile", random_number(), notifications={"job": False})
    frozen_clock(NOON_CENTRAL + timedelta(minutes=3))
    customers.update_customer(
        heed.uow, staff, customer["id"], CustomerChanges.parse({"do_not_mail": True})
    )
    frozen_clock(NOON_CENTRAL + timedelta(minutes=4))
    customers.update_location(
        heed.uow, staff, location["id"], LocationChanges.parse({"name": "Cabin"})
    )

    items = _history(heed, staff, customer_id=customer["id"])

    assert [(i["target"]["type"], i["action"], i["changes"]) for i in items] == [
        ("location", "updated", {"name": ["Lake house", "Cabin"]}),
        ("customer", "updated", {"do_not_mail": [False, True]}),
        ("contact", "created", {"value": [None, phone["value"]]}),
        ("location", "created", {"name": [None, "Lake house"]}),
        ("customer", "created", {"name": [None, "Dana Whitfield"]}),
    ]
    assert items[0]["at"] == (NOON_CENTRAL + timedelta(minutes=4)).isoformat()
    assert items[0]["actor"] == {"type": "user", "id": None, "label": "office@acme.example"}
    located = _history(heed, staff, location_id=location["id"])
    assert [i["target"]["type"] for i in located] == ["location", "contact", "location"]
    assert _history(heed, staff, contact_id=phone["id"])[0]["target"]["id"] == phone["id"]


def test_history_pages_by_cursor_without_gaps_or_repeats_even_within_one_moment(
    heed: Heed, staff: Principal, make_customer: MakeRecord, frozen_clock: Any
) -> None:
    customer = make_customer("Ruth Ames")
    for n in range(6):  # seven changes, all at the same frozen moment
        customers.update_customer(
            heed.uow, staff, customer["id"], CustomerChanges.parse({"name": f"Ruth {n}"})
        )

    pages = _all_pages(heed, staff, 3, customer_id=customer["id"])

    assert [len(page) for page in pages] == [3, 3, 1]
    everything = [i["id"] for i in _history(heed, staff, customer_id=customer["id"])]
    assert [row for page in pages for row in page] == everything
    assert len(set(everything)) == 7


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "WzEsMl0"}, "cursor"),  # base64 of [1,2]: a list, but no moment in it
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"location_id": "loc_x"}, "location_id"),
    ],
)
def test_a_bad_query_is_refused_naming_the_field(
    heed: Heed, staff: Principal, make_customer: MakeRecord, query: dict[str, Any], field: str
) -> None:
    customer = make_customer()
    with pytest.raises(Invalid) as refused:
        _history(heed, staff, customer_id=customer["id"], **query)
    assert refused.value.details["field"] == field


def test_another_accounts_records_are_not_found_and_its_rows_never_shown(
    heed: Heed,
    staff: Principal,
    other_staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    mine = make_customer("Mine")
    theirs = make_customer("Theirs", principal=other_staff)
    their_phone = add_contact(theirs["id"], "mobile", random_number(), principal=other_staff)
    for query in (
        {"customer_id": theirs["id"]},
        {"contact_id": their_phone["id"]},
        {"location_id": "loc_nowhere"},
    ):
        with pytest.raises(NotFound):
            _history(heed, staff, **query)
    everything = _history(heed, staff, limit=200)
    assert theirs["id"] not in {i["target"]["id"] for i in everything}
    assert mine["id"] in {i["target"]["id"] for i in everything}
    viewer_less = Principal(staff.account_id, "api_key:narrow", frozenset({"location:view"}))
    with pytest.raises(Forbidden):
        _history(heed, viewer_less, customer_id=mine["id"])


def test_a_removed_contact_keeps_its_rows_in_the_customers_and_its_own_history(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    phone = add_contact(customer["id"], "mobile", random_number())
    contacts.update_contact(heed.uow, staff, phone["id"], ContactEdit.parse({"memo": "Cell"}))
    contacts.delete_contact(heed.uow, staff, phone["id"])

    own = _history(heed, staff, contact_id=phone["id"])
    assert [(i["action"], i["changes"]) for i in own] == [
        ("removed", {"value": [phone["value"], None]}),
        ("updated", {"memo": [None, "Cell"]}),
        ("created", {"value": [None, phone["value"]]}),
    ]
    assert [i["id"] for i in _history(heed, staff, customer_id=customer["id"])][:3] == [
        i["id"] for i in own
    ]


def test_rows_written_without_their_record_are_found_through_the_contact(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    frozen_clock: Any,
) -> None:
    customer = make_customer()
    phone = add_contact(customer["id"], "mobile", random_number())
    with heed.uow.write() as tx:  # as rows written before audit rows named their record
        add_audit_row(
            tx,
            AuditRow(
                staff.account_id,
                "aud_unplaced" + phone["id"][-10:],
                "api_key:key_1",
                "contact",
                phone["id"],
                "notifications.job",
                "off",
                "on",
                NOON_CENTRAL + timedelta(days=1),
            ),
        )
        tx.commit()
    newest = _history(heed, staff, customer_id=customer["id"])[0]
    assert newest["changes"] == {"notifications.job": [False, True]}
    assert newest["actor"] == {"type": "key", "id": "key_1", "label": "API key key_1"}


def test_a_phone_revocation_taken_by_staff_names_the_member_and_the_call_and_acts_at_once(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: Any,
) -> None:
    email = unique_email("ann", "acme.example")
    user_id = accounts.create_user(heed.uow, staff.account_id, email, "a-long-password", "office")
    member = Principal(
        staff.account_id, f"user:{email}", frozenset(PERMISSIONS), credential=f"user:{user_id}"
    )
    customer = make_customer()
    phone = add_contact(customer["id"], "mobile", random_number(), notifications={"job": True})

    answer = consent.record_staff_opt_out(
        heed.uow, member, consent.OptOut(phone["value"], "Called the office", method="phone_call")
    )

    entry = answer["events"][-1]
    assert (entry["action"], entry["source"], entry["via"], entry["actor"]) == (
        "opt_out",
        "staff_phone_call",
        f"user:{user_id}",
        f"user:{email}",
    )
    assert entry["body"] == "Called the office"
    assert decide(contact_id=phone["id"])["reason"] == "sms_opt_out"
    newest = _history(heed, staff, customer_id=customer["id"])[0]
    assert newest["action"] == "opted_out"
    assert newest["target"] == {"type": "consent", "id": phone["value"], "label": phone["value"]}
    assert newest["changes"] == {"sms_opt_out": [False, True]}
    assert newest["actor"] == {"type": "user", "id": user_id, "label": email}
    with pytest.raises(Invalid) as refused:
        consent.record_opt_out(heed.uow, member, consent.OptOut(phone["value"], method="fax"))  # type: ignore[arg-type]
    assert refused.value.details["field"] == "method"


def test_times_show_in_the_accounts_local_zone_with_its_abbreviation(heed: Heed) -> None:
    texas = accounts.create_account(heed.uow, "Austin Air", [random_number("512")])
    with heed.uow.read() as tx:
        zone = display.account_zone(tx, texas.account_id)
    assert str(zone) == "America/Chicago"
    assert display.local_time(NOON_CENTRAL, zone) == "2026-05-05 13:00 CDT"
    assert display.local_time(NOON_CENTRAL - timedelta(days=150), zone).endswith("CST")


def test_every_audit_row_written_for_a_contact_names_its_customer_and_location(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    customer = make_customer()
    location = make_location(customer["id"])
    phone = add_contact(location["id"], "mobile", random_number())
    contacts.set_notifications(heed.uow, staff, phone["id"], ["job"])
    customers.update_customer(
        heed.uow, staff, customer["id"], CustomerChanges.parse({"do_not_mail": True})
    )
    with heed.uow.read() as tx:
        rows = list(
            tx.session.query(t.AuditEntry).filter(
                t.AuditEntry.account_id == staff.account_id,
                t.AuditEntry.entity_id.in_([phone["id"], location["id"]]),
            )
        )
    assert len(rows) == 3  # location added, contact added, job turned off by Do Not Mail
    assert {(r.customer_id, r.location_id) for r in rows} == {(customer["id"], location["id"])}
