"""A location's structured address (R-27) decides its time zone and its jurisdiction
(R-26). Times are explicit; December 2026 is standard time (CST is UTC-6, MST UTC-7,
EST UTC-5), and 2026-12-06 is a Sunday."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration_support import MakeRecord, audit_rows, marketing_sent, random_number

from heed.bootstrap import Heed
from heed.domain.errors import LocationHasContacts, NotFound
from heed.domain.sending_rules import sending_rules
from heed.services import customers
from heed.services.common import Principal
from heed.services.customer_commands import CustomerChanges, LocationChanges

VERSION = sending_rules().version
SUNDAY_TEN_CENTRAL = datetime(2026, 12, 6, 16, tzinfo=UTC)
TUESDAY_HALF_PAST_EIGHT_MOUNTAIN = datetime(2026, 12, 8, 15, 30, tzinfo=UTC)


def address(**parts: str) -> dict[str, str]:
    return {
        "street": "4100 Speedway",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78751",
        "country": "US",
        **parts,
    }


EL_PASO = address(street="1 Civic Center Plaza", city="El Paso", postal_code="79901")
BALTIMORE = address(street="100 Holliday St", city="Baltimore", state="MD", postal_code="21202")


def located_marketing_contact(
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    area: str,
    **location: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    customer = make_customer()
    place = make_location(customer["id"], "Home", **location)
    contact = add_contact(
        place["id"], "mobile", random_number(area), notifications={"marketing": True}
    )
    return place, contact


def test_a_location_answers_its_address_zone_from_the_postal_code_and_jurisdiction_r27(
    make_customer: MakeRecord, make_location: MakeRecord
) -> None:
    customer = make_customer()
    home = make_location(customer["id"], "Home", address=address(postal_code="78751-1234"))
    assert home["address"] == {
        "street": "4100 Speedway",
        "unit": None,
        "city": "Austin",
        "state": "TX",
        "postal_code": "78751-1234",
        "country": "US",
    }
    assert (home["time_zone"], home["time_zone_source"]) == ("America/Chicago", "postal_code")
    assert home["jurisdiction"] == "US-TX"
    given = make_location(customer["id"], "Shop", address=EL_PASO, time_zone="America/Chicago")
    assert (given["time_zone"], given["time_zone_source"]) == ("America/Chicago", "given")
    quebec = make_location(
        customer["id"],
        "Chalet",
        address={
            "street": "1 rue Sainte-Anne",
            "city": "Québec",
            "state": "QC",
            "postal_code": "G1R 3X2",
            "country": "CA",
        },
    )
    assert (quebec["time_zone"], quebec["jurisdiction"]) == ("America/Toronto", "CA-QC")


def test_a_plain_string_address_is_kept_and_decides_nothing_r27(
    make_customer: MakeRecord, make_location: MakeRecord
) -> None:
    customer = make_customer()
    cabin = make_location(customer["id"], "Cabin", address="4100 Speedway, Austin, TX 78751")
    assert cabin["address"] == "4100 Speedway, Austin, TX 78751"
    assert (cabin["time_zone"], cabin["time_zone_source"], cabin["jurisdiction"]) == (
        None,
        None,
        None,
    )


def test_a_location_without_zone_or_postal_code_answers_its_number_s_area_code_zone(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    customer = make_customer()
    cabin = make_location(customer["id"], "Cabin", address="Somewhere near Denver")
    add_contact(cabin["id"], "mobile", random_number("303"))
    read = customers.get_location(heed.uow, staff, cabin["id"])
    assert (read["time_zone"], read["time_zone_source"]) == ("America/Denver", "area_code")
    assert read["jurisdiction"] is None


def test_a_new_postal_code_moves_the_zone_unless_one_was_given_r27(
    heed: Heed, staff: Principal, make_customer: MakeRecord, make_location: MakeRecord
) -> None:
    customer = make_customer()
    home = make_location(customer["id"], "Home", address=address())

    def change(**fields: Any) -> dict[str, Any]:
        return customers.update_location(heed.uow, staff, home["id"], LocationChanges.parse(fields))

    moved = change(address=EL_PASO)
    assert (moved["time_zone"], moved["time_zone_source"]) == ("America/Denver", "postal_code")
    chosen = change(time_zone="America/Chicago")
    assert (chosen["time_zone"], chosen["time_zone_source"]) == ("America/Chicago", "given")
    kept = change(address=address(postal_code="80202", city="Denver", state="CO"))
    assert (kept["time_zone"], kept["jurisdiction"]) == ("America/Chicago", "US-CO")
    cleared = change(time_zone=None)
    assert (cleared["time_zone"], cleared["time_zone_source"]) == ("America/Denver", "postal_code")
    text = change(address="PO Box 12")
    assert (text["address"], text["time_zone"], text["jurisdiction"]) == ("PO Box 12", None, None)
    fields = [(r.field, r.new) for r in audit_rows(heed, staff.account_id, home["id"])]
    assert ("address", "1 Civic Center Plaza, El Paso, TX 79901, US") in fields
    assert ("time_zone", "America/Chicago") in fields
    assert ("address", "PO Box 12") in fields


def test_a_billing_address_is_structured_or_text_r27(
    heed: Heed, staff: Principal, make_customer: MakeRecord
) -> None:
    made = make_customer(billing_address=BALTIMORE)
    assert made["billing_address"]["state"] == "MD"
    changed = customers.update_customer(
        heed.uow, staff, made["id"], CustomerChanges.parse({"billing_address": "PO Box 9"})
    )
    assert changed["billing_address"] == "PO Box 9"
    listed = customers.list_customers(heed.uow, staff, q=made["name"], limit=200)["items"]
    assert "PO Box 9" in [c["billing_address"] for c in listed]


def test_a_location_with_contacts_is_not_deleted_and_an_empty_one_is(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    customer = make_customer()
    home = make_location(customer["id"], "Home", address=address())
    add_contact(home["id"], "mobile", random_number())
    with pytest.raises(LocationHasContacts) as refused:
        customers.delete_location(heed.uow, staff, home["id"])
    assert "1 contact method" in refused.value.message
    assert customers.get_location(heed.uow, staff, home["id"])["name"] == "Home"
    empty = make_location(customer["id"], "Shed")
    assert customers.delete_location(heed.uow, staff, empty["id"]) == customer["id"]
    with pytest.raises(NotFound):
        customers.get_location(heed.uow, staff, empty["id"])
    assert [(r.field, r.old) for r in audit_rows(heed, staff.account_id, empty["id"])][-1] == (
        "deleted",
        "Shed",
    )


# ---- the decision (R-26) ----------------------------------------------------------------


def test_a_texas_location_on_sunday_at_ten_is_deferred_whatever_the_area_code_r26(
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    # 303 is Colorado's: no Sunday rule there, and 9:00 in Denver is inside 8:00-21:00.
    _, contact = located_marketing_contact(
        make_customer, make_location, add_contact, "303", address=address()
    )
    answer = decide(contact_id=contact["id"], category="marketing", at=SUNDAY_TEN_CENTRAL)
    assert (answer["outcome"], answer["reason"]) == ("deferred", "outside_sending_window")
    assert datetime.fromisoformat(answer["not_before"]) == datetime(2026, 12, 6, 18, tzinfo=UTC)
    assert answer["message"].startswith("Texas: marketing texts only 12:00–21:00 on Sundays")
    assert answer["rule"] == {"jurisdiction": "US-TX", "name": "us-tx", "rules_version": VERSION}
    # The same number on the customer (no location) goes by its area code: allowed.
    customer_contact = add_contact(
        make_customer()["id"], "mobile", random_number("303"), notifications={"marketing": True}
    )
    colorado = decide(
        contact_id=customer_contact["id"], category="marketing", at=SUNDAY_TEN_CENTRAL
    )
    assert colorado["outcome"] == "allowed"
    assert colorado["rule"]["jurisdiction"] != "US-TX"


def test_a_plain_text_texas_address_leaves_the_area_code_s_jurisdiction_r26(
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    _, contact = located_marketing_contact(
        make_customer, make_location, add_contact, "303", address="4100 Speedway, Austin, TX"
    )
    answer = decide(contact_id=contact["id"], category="marketing", at=SUNDAY_TEN_CENTRAL)
    assert answer["outcome"] == "allowed"


def test_a_split_zone_code_with_a_location_in_one_zone_uses_that_zone_r26(
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    # 915 rings in Central and Mountain time; Texas opens marketing at 9:00 on weekdays.
    at = TUESDAY_HALF_PAST_EIGHT_MOUNTAIN  # 9:30 in Austin
    _, in_austin = located_marketing_contact(
        make_customer, make_location, add_contact, "915", address=address()
    )
    central = decide(contact_id=in_austin["id"], category="marketing", at=at)
    assert central["outcome"] == "allowed"
    assert central["rule"] == {"jurisdiction": "US-TX", "name": "us-tx", "rules_version": VERSION}
    _, in_el_paso = located_marketing_contact(
        make_customer, make_location, add_contact, "915", address=EL_PASO
    )
    mountain = decide(contact_id=in_el_paso["id"], category="marketing", at=at)
    assert (mountain["outcome"], mountain["reason"]) == ("deferred", "outside_sending_window")
    assert datetime.fromisoformat(mountain["not_before"]) == datetime(2026, 12, 8, 16, tzinfo=UTC)


def test_a_maryland_location_caps_marketing_to_a_texas_number_r26(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    _, contact = located_marketing_contact(
        make_customer, make_location, add_contact, "512", address=BALTIMORE
    )
    at = datetime(2026, 12, 8, 17, tzinfo=UTC)  # 12:00 in Baltimore
    sent = (at - timedelta(hours=20), at - timedelta(hours=5), at - timedelta(hours=1))
    marketing_sent(heed, staff.account_id, staff.actor, contact, *sent)
    answer = decide(contact_id=contact["id"], category="marketing", at=at)
    assert (answer["outcome"], answer["reason"]) == ("deferred", "state_limit")
    assert answer["rule"] == {"jurisdiction": "US-MD", "name": "us-md", "rules_version": VERSION}
