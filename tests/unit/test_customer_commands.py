"""What callers may ask of customers and locations, checked where it arrives."""

from __future__ import annotations

import inspect

import pytest

from heed.domain.errors import Invalid
from heed.services import customer_lists, customer_record, customers, imports
from heed.services.customer_commands import (
    CustomerChanges,
    CustomerInput,
    LocationChanges,
    LocationInput,
)
from heed.services.imports import ImportBatch
from heed.services.permissions import DECLARED


def test_a_new_customer_gets_mail_delivery_and_no_do_not_mail_unless_asked() -> None:
    data = CustomerInput.parse({"name": "  Maria Alvarez  "})
    assert (data.name, data.invoice_delivery, data.do_not_mail) == ("Maria Alvarez", "mail", False)
    assert (data.contacts, data.locations) == ([], [])


def test_invoice_delivery_is_stored_mail_first_whatever_order_it_was_given_in() -> None:
    data = CustomerInput.parse({"name": "Bob", "invoice_delivery": ["email", "mail"]})
    assert data.invoice_delivery == "mail,email"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "Bob", "do_not_mail": None}, "do_not_mail"),
        ({"name": "Bob", "invoice_delivery": []}, "invoice_delivery"),
        ({"name": "Bob", "contacts": [{"kind": "mobile", "value": " "}]}, "contacts[0].value"),
        (
            {"name": "Bob", "locations": [{"name": "Home", "time_zone": "Mars/Base"}]},
            "locations[0].time_zone",
        ),
        (
            {"name": "Bob", "locations": [{"name": "Home", "contacts": [{"kind": "pager"}]}]},
            "locations[0].contacts[0].value",
        ),
    ],
)
def test_a_refused_new_customer_names_the_field_as_the_caller_spelled_it(
    body: dict[str, object], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        CustomerInput.parse(body)
    assert refused.value.details["field"] == field


def test_changes_hold_only_the_fields_that_were_given() -> None:
    changes = CustomerChanges.parse({"billing_address": None, "do_not_mail": True})
    assert changes.given == {"billing_address", "do_not_mail"}
    assert changes.billing_address is None and changes.do_not_mail is True
    assert LocationChanges.parse({}).given == frozenset()


def test_a_change_cannot_empty_a_name_or_set_an_unknown_time_zone() -> None:
    with pytest.raises(Invalid, match="name is required"):
        CustomerChanges.parse({"name": None})
    with pytest.raises(Invalid) as refused:
        LocationChanges.parse({"time_zone": "Nowhere/Land"})
    assert refused.value.details["field"] == "time_zone"


def test_an_empty_time_zone_means_none() -> None:
    assert LocationInput.parse({"name": "Shop", "time_zone": ""}).time_zone is None


def test_an_import_batch_names_the_row_and_keeps_what_arrived_opted_out() -> None:
    batch = ImportBatch.parse(
        [
            {"name": "Ann", "contacts": [{"kind": "mobile", "value": "512-621-3346"}]},
            {
                "name": "Olive",
                "locations": [
                    {
                        "name": "Home",
                        "contacts": [
                            {"kind": "email", "value": "o@acme-mail.com", "opted_out": True},
                            {"kind": "fax", "value": "512-621-3347", "opted_out": True},
                        ],
                    }
                ],
            },
        ]
    )
    assert [c.name for c in batch.customers] == ["Ann", "Olive"]
    assert batch.opted_out == [("email", "o@acme-mail.com")]
    assert batch.locations
    with pytest.raises(Invalid) as refused:
        ImportBatch.parse([{"name": "Ok"}, {"name": ""}])
    assert refused.value.details["field"] == "customers[1].name"


@pytest.mark.parametrize("module", [customers, customer_lists, customer_record, imports])
def test_every_customer_verb_declares_its_permission(module: object) -> None:
    for name, verb in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or verb.__module__ != getattr(module, "__name__", ""):
            continue
        parameters = list(inspect.signature(verb).parameters)
        if parameters[:2] == ["uow", "principal"]:
            assert f"{verb.__module__}.{verb.__qualname__}" in DECLARED, name
