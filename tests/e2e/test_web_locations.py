"""The staff pages' location forms over HTTP, without JavaScript (R-27): address fields,
the time-zone picker, editing, and deleting with a confirmation page."""

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


def test_the_new_customer_form_takes_a_first_location_with_its_address(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    form = signed_in.get("/customers/new").text
    assert 'name="location_state"' in form and 'name="location_time_zone"' in form
    assert '<option value="" selected>From the postal code</option>' in form
    posted = {f"location_{k}": v for k, v in AUSTIN.items()}
    response = signed_in.post(
        "/customers/new",
        data={"name": "Nora Newcomer", "invoice_delivery": "mail", **posted, **csrf(signed_in)},
    )
    assert response.status_code == 303, response.text
    customer_id = response.headers["location"].split("?")[0].rsplit("/", 1)[1]
    (home,) = customers.get_customer(heed.uow, staff, customer_id)["locations"]
    assert home["name"] == "4100 Speedway"
    assert (home["jurisdiction"], home["time_zone_source"]) == ("US-TX", "postal_code")


def test_a_wrong_postal_code_on_the_new_customer_form_is_shown_at_its_field(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    posted = {f"location_{k}": v for k, v in {**AUSTIN, "postal_code": "7875"}.items()}
    response = signed_in.post(
        "/customers/new",
        data={"name": "Nora Newcomer", "invoice_delivery": "mail", **posted, **csrf(signed_in)},
    )
    assert response.status_code == 422
    assert 'id="nc-location-address-postal_code-error"' in response.text
    assert 'value="4100 Speedway"' in response.text
    assert customers.list_customers(heed.uow, staff, limit=10)["items"] == []


def test_a_location_is_added_with_address_fields_and_a_chosen_zone(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff)
    page = signed_in.get(f"/customers/{customer['id']}").text
    assert 'id="l-address-street"' in page and 'id="l-tz"' in page
    response = signed_in.post(
        f"/customers/{customer['id']}/locations",
        data={"name": "Shop", **AUSTIN, "time_zone": "America/Denver", **csrf(signed_in)},
    )
    assert response.status_code == 200, response.text
    assert "Mountain (America/Denver), chosen" in response.text
    (shop,) = customers.get_customer(heed.uow, staff, str(customer["id"]))["locations"]
    assert (shop["time_zone"], shop["time_zone_source"]) == ("America/Denver", "given")


def test_a_refused_state_keeps_what_was_typed_and_says_why_next_to_it(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff)
    response = signed_in.post(
        f"/customers/{customer['id']}/locations",
        data={"name": "Shop", **AUSTIN, "state": "QC", **csrf(signed_in)},
    )
    assert response.status_code == 422
    assert 'id="l-address-state-error"' in response.text
    assert "is not a USPS state code" in response.text
    assert '<option value="QC" selected>' in response.text


def test_a_location_is_edited_on_its_page_and_a_text_address_stays_until_replaced(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(heed, staff, locations=[{"name": "Cabin", "address": "Old road 5"}])
    location_id = customer["locations"][0]["id"]
    page = signed_in.get(f"/locations/{location_id}").text
    assert "Recorded as text" in page
    renamed = signed_in.post(
        f"/locations/{location_id}/details",
        data={"name": "Lodge", "keep_text_address": "on", "country": "US", **csrf(signed_in)},
    )
    assert renamed.status_code == 200, renamed.text
    read = customers.get_location(heed.uow, staff, location_id)
    assert (read["name"], read["address"]) == ("Lodge", "Old road 5")
    replaced = signed_in.post(
        f"/locations/{location_id}/details",
        data={"name": "Lodge", "keep_text_address": "on", **AUSTIN, **csrf(signed_in)},
    )
    assert replaced.status_code == 200
    assert customers.get_location(heed.uow, staff, location_id)["jurisdiction"] == "US-TX"


def test_deleting_a_location_asks_first_and_works_without_javascript(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    customer = made(
        heed,
        staff,
        locations=[
            {"name": "Shed"},
            {"name": "Home", "contacts": [{"kind": "mobile", "value": unique_number("512")}]},
        ],
    )
    shed, home = customer["locations"]
    confirm = signed_in.get(f"/locations/{shed['id']}/delete").text
    assert "Delete Shed?" in confirm and 'id="delete-confirm"' in confirm
    done = signed_in.post(f"/locations/{shed['id']}/delete", data=csrf(signed_in))
    assert done.status_code == 303
    assert done.headers["location"] == f"/customers/{customer['id']}?deleted=location"
    assert "Location deleted." in signed_in.get(done.headers["location"]).text
    refused_page = signed_in.get(f"/locations/{home['id']}/delete").text
    assert 'id="delete-refused"' in refused_page and 'id="delete-confirm"' not in refused_page
    refused = signed_in.post(f"/locations/{home['id']}/delete", data=csrf(signed_in))
    assert refused.status_code == 409
    assert "still has 1 contact method" in refused.text
    read = customers.get_customer(heed.uow, staff, customer["id"])
    names = [loc["name"] for loc in read["locations"]]
    assert names == ["Home"]
