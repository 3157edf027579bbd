"""The staff record of a customer or location, the AR export, and who may read them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from integration_support import random_number
from sqlalchemy import event

from heed.bootstrap import Heed
from heed.domain.errors import Forbidden, NotFound
from heed.services import customer_record, customers
from heed.services.common import Principal

Maker = Callable[..., dict[str, Any]]
Household = dict[str, Any]


@contextmanager
def counting_transactions(heed: Heed) -> Iterator[list[object]]:
    """Every connection taken from the pool inside the block: one per transaction."""
    taken: list[object] = []

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        taken.append(dbapi_connection)

    event.listen(heed.engine, "checkout", checkout)
    try:
        yield taken
    finally:
        event.remove(heed.engine, "checkout", checkout)


@pytest.fixture
def household(make_customer: Maker, make_location: Maker, add_contact: Maker) -> dict[str, Any]:
    customer = make_customer("Rosa Delgado")
    lake = make_location(customer["id"], "Lake house")
    shop = make_location(customer["id"], "Shop")
    return {
        "customer": customer,
        "lake": lake,
        "shop": shop,
        "own": add_contact(customer["id"], "mobile", random_number()),
        "on_lake": add_contact(lake["id"], "mobile", random_number()),
        "on_shop": add_contact(shop["id"], "email", "shop@delgado-shop.com"),
    }


def test_a_customer_record_without_locations_is_read_in_one_transaction(
    heed: Heed, staff: Principal, make_customer: Maker, add_contact: Maker
) -> None:
    made = make_customer("Solo Sam")
    add_contact(made["id"], "mobile", random_number())
    with counting_transactions(heed) as taken:
        page = customer_record.customer_record(heed.uow, staff, made["id"])
    assert len(taken) == 1
    assert [c["id"] for c in page.sendable] == [page.customer["contacts"][0]["id"]]
    assert page.location is None and page.path == f"/customers/{made['id']}"


def test_a_customer_record_reads_each_locations_job_contacts_in_its_one_read(
    heed: Heed, staff: Principal, household: Household
) -> None:
    with counting_transactions(heed) as taken:
        page = customer_record.customer_record(heed.uow, staff, household["customer"]["id"])
    assert len(taken) == 1
    assert [loc["name"] for loc in page.locations] == ["Lake house", "Shop"]
    assert [r["to"] for r in page.locations[0]["job_contacts"]] == [
        household["own"]["value"],
        household["on_lake"]["value"],
    ]
    assert len(page.sendable) == 3


def test_a_location_record_shows_that_location_and_sends_only_to_its_contacts(
    heed: Heed, staff: Principal, household: Household
) -> None:
    page = customer_record.customer_record(heed.uow, staff, location_id=household["lake"]["id"])
    assert page.location is not None and page.location["id"] == household["lake"]["id"]
    assert [loc["id"] for loc in page.locations] == [household["lake"]["id"]]
    assert [c["id"] for c in page.sendable] == [household["on_lake"]["id"]]
    assert page.path == f"/locations/{household['lake']['id']}"


def test_a_record_asked_with_another_customers_location_answers_the_customers_page(
    heed: Heed, staff: Principal, household: Household, make_customer: Maker, make_location: Maker
) -> None:
    other = make_location(make_customer("Other Olga")["id"], "Barn")
    page = customer_record.customer_record(
        heed.uow, staff, household["customer"]["id"], other["id"]
    )
    assert page.location is None
    assert len(page.locations) == 2


def test_an_unknown_location_record_is_not_found(heed: Heed, staff: Principal) -> None:
    with pytest.raises(NotFound):
        customer_record.customer_record(heed.uow, staff, location_id="loc_nothing")


def test_a_location_record_needs_location_view_and_a_customer_record_customer_view(
    heed: Heed, staff: Principal, household: Household
) -> None:
    customers_only = Principal(staff.account_id, "user:c", frozenset({"customer:view"}))
    locations_only = Principal(staff.account_id, "user:l", frozenset({"location:view"}))
    with pytest.raises(Forbidden):
        customer_record.customer_record(
            heed.uow, customers_only, location_id=household["lake"]["id"]
        )
    with pytest.raises(Forbidden):
        customer_record.customer_record(heed.uow, locations_only, household["customer"]["id"])
    page = customer_record.customer_record(heed.uow, customers_only, household["customer"]["id"])
    assert page.locations == []


def test_the_record_lists_the_latest_messages_to_the_contacts_it_shows(
    heed: Heed, staff: Principal, household: Household, frozen_clock: object
) -> None:
    sent = customer_record.send_from_record(
        heed.uow, staff, household["customer"]["id"], household["on_lake"]["id"], "On our way."
    )
    assert sent.channel == "sms"
    whole = customer_record.customer_record(heed.uow, staff, household["customer"]["id"])
    shop = customer_record.customer_record(heed.uow, staff, location_id=household["shop"]["id"])
    assert [m["id"] for m in whole.messages] == [sent.message["id"]]
    assert whole.messages[0]["to_display"] == household["on_lake"]["display"]
    assert shop.messages == []


def test_a_message_from_a_record_goes_only_to_that_customers_contacts(
    heed: Heed, staff: Principal, household: Household, make_customer: Maker, add_contact: Maker
) -> None:
    stranger = make_customer("Stranger Stan")
    theirs = add_contact(stranger["id"], "mobile", random_number())
    with pytest.raises(NotFound) as refused:
        customer_record.send_from_record(
            heed.uow, staff, household["customer"]["id"], theirs["id"], "Hello"
        )
    assert refused.value.details["field"] == "contact_id"


def test_the_ar_export_gives_every_page_of_the_list_in_one_transaction(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    for n in range(5):
        make_customer(f"Ar Export {n}", invoice_delivery=["email"])
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = customers.list_customers(
            heed.uow, staff, invoice_delivery="email", flagged=True, limit=2, cursor=cursor
        )
        pages.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    with counting_transactions(heed) as taken:
        everything = customers.list_all_customers(
            heed.uow, staff, invoice_delivery="email", flagged=True
        )
    assert everything == pages
    assert len(taken) == 1
