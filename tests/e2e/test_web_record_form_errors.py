"""The customer record's own forms over HTTP, without JavaScript: adding and editing a
contact, adding and editing a location. Each checks every field, shows every problem at
once beside its field in plain words, keeps what was typed and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import accounts, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from unique_values import unique_email, unique_number

PASSWORD = "correct horse battery"
AUSTIN = {
    "street": "4100 Speedway",
    "unit": "",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78751",
    "country": "US",
}


@pytest.fixture
def signed_in(heed: Heed, account: NewAccount, api_app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client signed in as office staff; its header carries the form token."""
    email = unique_email("office", "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "office")
    client = TestClient(api_app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    login = {"email": email, "password": PASSWORD, "csrf_token": token[1]}
    assert client.post("/login", data=login).status_code == 303
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/customers/new").text)
    assert fresh is not None
    client.headers["X-CSRF-Token"] = fresh[1]
    yield client


def csrf(client: TestClient) -> dict[str, str]:
    return {"csrf_token": client.headers["X-CSRF-Token"]}


def made(heed: Heed, staff: Principal, **data: Any) -> dict[str, Any]:
    return customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Lou", **data}))


def error_at(page: str, error_id: str) -> str:
    """The message shown under the error paragraph ``error_id``, or ""."""
    found = re.search(rf'<p class="field-error" id="{error_id}"[^>]*>([^<]*)</p>', page)
    return found[1] if found else ""


def assert_plain(message: str) -> None:
    assert message, "no message beside the field"
    for api_name in ("value ", "memo ", "address.", "contacts.", "name ", "time_zone "):
        assert not message.startswith(api_name), message


def test_adding_a_contact_with_no_value_and_an_unknown_type_shows_both_and_adds_nothing(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff)
    response = signed_in.post(
        f"/customers/{customer['id']}/contacts",
        data={"kind": "pager", "value": " ", "memo": "Night line", **csrf(signed_in)},
    )
    assert response.status_code == 422
    page = response.text
    assert error_at(page, "add-customer-value-error") == "The number or email is required."
    kind = error_at(page, "add-customer-kind-error")
    assert_plain(kind)
    assert kind.startswith("The type must be one of")
    assert 'value="Night line"' in page
    kind_select = re.search(r'<select id="add-customer-kind"[^>]*>', page)
    assert kind_select is not None
    assert 'aria-invalid="true"' in kind_select[0] and "autofocus" in kind_select[0]
    assert 'aria-describedby="add-customer-value-error"' in page
    assert customers.get_customer(heed.uow, staff, str(customer["id"]))["contacts"] == []


def test_adding_a_contact_with_a_short_number_says_so_beside_it_and_keeps_the_memo(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff)
    response = signed_in.post(
        f"/customers/{customer['id']}/contacts",
        data={"kind": "mobile", "value": "512-55", "memo": "Cell", **csrf(signed_in)},
    )
    assert response.status_code == 422
    assert "10 digits" in error_at(response.text, "add-customer-value-error")
    assert 'value="512-55"' in response.text and 'value="Cell"' in response.text
    assert customers.get_customer(heed.uow, staff, str(customer["id"]))["contacts"] == []


def test_editing_a_contact_with_no_value_and_an_unknown_type_shows_both_and_changes_nothing(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    number = unique_number()
    customer = made(heed, staff, contacts=[{"kind": "phone", "value": number}])
    contact_id = customer["contacts"][0]["id"]
    response = signed_in.post(
        f"/contacts/{contact_id}",
        data={"kind": "pager", "value": "", "memo": "Front desk", "back": "", **csrf(signed_in)},
    )
    assert response.status_code == 422
    page = response.text
    assert error_at(page, f"value-{contact_id}-error") == "The number or email is required."
    assert_plain(error_at(page, f"kind-{contact_id}-error"))
    assert 'value="Front desk"' in page
    (kept,) = customers.get_customer(heed.uow, staff, str(customer["id"]))["contacts"]
    assert (kept["kind"], kept["value"], kept["memo"]) == ("phone", number, None)


def test_adding_a_location_with_no_name_and_a_wrong_zip_and_zone_shows_every_problem(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff)
    response = signed_in.post(
        f"/customers/{customer['id']}/locations",
        data={
            "name": "",
            **AUSTIN,
            "city": "",
            "postal_code": "7875",
            "time_zone": "Mars/Olympus",
            **csrf(signed_in),
        },
    )
    assert response.status_code == 422
    page = response.text
    for error_id in ("l-name-error", "l-address-city-error", "l-address-postal_code-error"):
        assert_plain(error_at(page, error_id))
    assert_plain(error_at(page, "l-tz-error"))
    assert "is not a US ZIP code" in error_at(page, "l-address-postal_code-error")
    assert 'value="7875"' in page and 'value="4100 Speedway"' in page
    name_input = re.search(r'<input id="l-name"[^>]*>', page)
    assert name_input is not None and "autofocus" in name_input[0]
    assert page.count("autofocus") == 1
    assert customers.get_customer(heed.uow, staff, str(customer["id"]))["locations"] == []


def test_editing_a_location_with_a_wrong_state_and_postal_code_shows_both_and_keeps_it(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff, locations=[{"name": "Shop", "address": AUSTIN}])
    location_id = customer["locations"][0]["id"]
    response = signed_in.post(
        f"/locations/{location_id}/details",
        data={"name": "Store", **AUSTIN, "state": "", "postal_code": "ABC", **csrf(signed_in)},
    )
    assert response.status_code == 422
    page = response.text
    assert error_at(page, "e-address-state-error") == "The state or province is required."
    assert "is not a US ZIP code" in error_at(page, "e-address-postal_code-error")
    assert 'value="Store"' in page and 'value="ABC"' in page
    state_select = re.search(r'<select id="e-address-state"[^>]*>', page)
    assert state_select is not None and "autofocus" in state_select[0]
    read = customers.get_location(heed.uow, staff, location_id)
    assert (read["name"], read["jurisdiction"]) == ("Shop", "US-TX")


def test_a_contact_typed_well_is_still_added_after_the_checks(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff)
    number = unique_number()
    response = signed_in.post(
        f"/customers/{customer['id']}/contacts",
        data={"kind": "mobile", "value": number, "memo": "Cell", **csrf(signed_in)},
    )
    assert response.status_code == 200, response.text
    (added,) = customers.get_customer(heed.uow, staff, str(customer["id"]))["contacts"]
    assert added["memo"] == "Cell"
