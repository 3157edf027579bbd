"""The staff search box (services/search.py): any part of a name, any four or more digits
of a number, an email or its domain, each result saying what matched; the same answers on
SQLite and PostgreSQL. And the new-customer form's checks (services/new_customer.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from heed.bootstrap import Heed
from heed.domain.errors import Forbidden, Invalid
from heed.services import customers, search
from heed.services.common import Principal
from heed.services.new_customer import ContactFields, NewCustomerForm, add_customer_from_form
from unique_values import unique_email, unique_number

Maker = Callable[..., dict[str, Any]]


def names(found: dict[str, Any]) -> list[str]:
    return [item["name"] for item in found["items"]]


def test_any_part_of_a_name_finds_the_customer_in_any_case(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    make_customer("Margaret O'Hara")
    make_customer("Tom Harding")
    make_customer("Lena Park")
    found = search.search_customers(heed.uow, staff, "HAR")
    assert names(found) == ["Margaret O'Hara", "Tom Harding"]
    assert all(item["name_matched"] for item in found["items"])


def test_the_last_four_digits_of_a_number_find_its_customer_and_say_which_number(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    mobile = unique_number("512")
    make_customer("Ruth Cole", contacts=[{"kind": "mobile", "value": mobile}])
    make_customer("Nobody Else", contacts=[{"kind": "mobile", "value": unique_number("737")}])
    found = search.search_customers(heed.uow, staff, mobile[-4:])
    ruth = next(item for item in found["items"] if item["name"] == "Ruth Cole")
    assert ruth["matched"] == [
        {
            "kind": "mobile",
            "value": mobile,
            "display": f"({mobile[2:5]}) {mobile[5:8]}-{mobile[8:]}",
            "on_location": False,
        }
    ]
    assert not ruth["name_matched"]
    assert found["digits"] == mobile[-4:]


def test_a_number_typed_in_any_format_finds_it_also_on_a_location(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    phone = unique_number("214")
    made = make_customer(
        "Sam Ortiz",
        locations=[{"name": "Shop", "contacts": [{"kind": "phone", "value": phone}]}],
    )
    typed = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    found = search.search_customers(heed.uow, staff, typed)
    assert [item["id"] for item in found["items"]] == [made["id"]]
    assert found["items"][0]["matched"][0]["on_location"] is True
    # Digits in the middle of the number, with a dash, find it too.
    middle = f"{phone[4:6]}-{phone[6:9]}"
    assert made["id"] in [
        i["id"] for i in search.search_customers(heed.uow, staff, middle)["items"]
    ]


def test_three_digits_are_not_enough_to_search_numbers(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    mobile = unique_number("512")
    make_customer("Vic Dunn", contacts=[{"kind": "mobile", "value": mobile}])
    found = search.search_customers(heed.uow, staff, mobile[-3:])
    assert found["items"] == []
    assert found["digits"] is None


def test_an_email_its_local_part_or_its_domain_finds_the_customer(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    email = unique_email("june.bright", "gmail.com")
    make_customer("June Bright", contacts=[{"kind": "email", "value": email}])
    make_customer("Otto Kern", contacts=[{"kind": "email", "value": unique_email("o", "ok.net")}])
    for typed in (email.upper(), "GMAIL", "june.bright", "@gmail.com"):
        found = search.search_customers(heed.uow, staff, typed)
        assert names(found) == ["June Bright"], typed
        assert found["items"][0]["matched"][0]["value"] == email


def test_search_text_with_like_wildcards_matches_them_literally(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    make_customer("100% Heating")
    make_customer("Ten Heating")
    assert names(search.search_customers(heed.uow, staff, "100%")) == ["100% Heating"]
    assert names(search.search_customers(heed.uow, staff, "_")) == []


def test_search_never_finds_another_accounts_customers(
    heed: Heed, staff: Principal, other_staff: Principal, make_customer: Maker
) -> None:
    mobile = unique_number("512")
    make_customer("Kept Apart", contacts=[{"kind": "mobile", "value": mobile}])
    assert search.search_customers(heed.uow, other_staff, mobile[-4:])["items"] == []
    assert search.search_customers(heed.uow, other_staff, "Kept")["items"] == []


def test_search_pages_run_in_name_order_with_a_cursor(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    for name in ("Ada Smith", "Bea Smith", "Cal Smith"):
        make_customer(name)
    first = search.search_customers(heed.uow, staff, "smith", limit=2)
    assert names(first) == ["Ada Smith", "Bea Smith"]
    rest = search.search_customers(heed.uow, staff, "smith", limit=2, cursor=first["next_cursor"])
    assert names(rest) == ["Cal Smith"]
    assert rest["next_cursor"] is None


def test_an_overlong_search_is_refused_naming_the_box(heed: Heed, staff: Principal) -> None:
    with pytest.raises(Invalid) as refused:
        search.search_customers(heed.uow, staff, "x" * 400)
    assert refused.value.details["field"] == "q"


# ---- the new-customer form ---------------------------------------------------------------


def test_the_form_names_every_problem_at_once_and_writes_nothing(
    heed: Heed, staff: Principal
) -> None:
    form = NewCustomerForm(
        name=" ",
        invoice_delivery=(),
        contacts=(
            ContactFields("mobile", "mobile", "123"),
            ContactFields("email", "email", "test@example.com", memo="m" * 201),
        ),
    )
    answer = add_customer_from_form(heed.uow, staff, form)
    assert answer.customer_id is None
    assert set(answer.problems) == {"name", "mobile", "email", "email_memo", "invoice_delivery"}
    assert answer.problems["name"] == "Enter the customer's name."
    assert "10 digits" in answer.problems["mobile"]
    assert "placeholder" in answer.problems["email"]
    for message in answer.problems.values():
        assert "contacts" not in message and "value:" not in message
    assert customers.list_customers(heed.uow, staff, limit=10)["items"] == []


def test_the_form_warns_of_a_number_on_another_record_and_saves_when_told(
    heed: Heed, staff: Principal, make_customer: Maker
) -> None:
    mobile = unique_number("512")
    first = make_customer("Ann Fox", contacts=[{"kind": "mobile", "value": mobile}])
    typed = f"{mobile[2:5]}.{mobile[5:8]}.{mobile[8:]}"
    form = NewCustomerForm(name="Ann Fox Jr", contacts=(ContactFields("mobile", "mobile", typed),))
    warned = add_customer_from_form(heed.uow, staff, form)
    assert warned.customer_id is None and warned.problems == {}
    assert [(d.slot, d.customers) for d in warned.duplicates] == [
        ("mobile", ((first["id"], "Ann Fox"),))
    ]
    saved = add_customer_from_form(
        heed.uow,
        staff,
        NewCustomerForm(name="Ann Fox Jr", contacts=form.contacts, save_anyway=True),
    )
    assert saved.customer_id is not None
    assert customers.get_customer(heed.uow, staff, saved.customer_id)["contacts"][0]["value"] == (
        mobile
    )


def test_the_form_saves_memo_bells_and_do_not_mail(heed: Heed, staff: Principal) -> None:
    email = unique_email("pat", "example.org")
    form = NewCustomerForm(
        name="Pat Lane",
        invoice_delivery=("email",),
        contacts=(
            ContactFields(
                "email",
                "email",
                email.replace("example.org", "lane.net"),
                "Billing",
                {"job": False, "invoice_statement": True},
            ),
            ContactFields("mobile", "mobile", unique_number("512"), "", {"job": True}),
        ),
    )
    saved = add_customer_from_form(heed.uow, staff, form)
    assert saved.customer_id is not None
    made = customers.get_customer(heed.uow, staff, saved.customer_id)
    by_kind = {c["kind"]: c for c in made["contacts"]}
    assert by_kind["email"]["memo"] == "Billing"
    assert by_kind["email"]["notifications"] == {
        "job": False,
        "invoice_statement": True,
        "marketing": False,
    }
    assert by_kind["mobile"]["notifications"]["job"] is True
    assert made["flags"] == []

    locked = add_customer_from_form(
        heed.uow,
        staff,
        NewCustomerForm(
            name="Quiet Customer",
            do_not_mail=True,
            contacts=(ContactFields("mobile", "mobile", unique_number("512"), "", {"job": True}),),
        ),
    )
    assert locked.customer_id is not None
    quiet = customers.get_customer(heed.uow, staff, locked.customer_id)
    assert quiet["do_not_mail"] is True
    assert not any(quiet["contacts"][0]["notifications"].values())


def test_the_form_needs_the_edit_permission(heed: Heed, staff: Principal) -> None:
    viewer = Principal(staff.account_id, "user:viewer", frozenset({"customer:view"}))
    with pytest.raises(Forbidden):
        add_customer_from_form(heed.uow, viewer, NewCustomerForm(name="Nope"))
