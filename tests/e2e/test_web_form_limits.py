"""The staff UI's forms hold to the same input rules as the API (R-34): a field over its
limit or holding a NUL is refused with a 422 page naming it, and nothing is stored, on
SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import accounts, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from unique_values import unique_email

PASSWORD = "correct horse battery"


@pytest.fixture
def signed_in(heed: Heed, account: NewAccount, api_app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client signed in as office staff; ``client.csrf`` is its form token."""
    email = unique_email("office", "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "office")
    client = TestClient(api_app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    login = {"email": email, "password": PASSWORD, "csrf_token": token[1]}
    assert client.post("/login", data=login).status_code == 303
    page = client.get("/customers/new").text
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert fresh is not None
    client.headers["X-CSRF-Token"] = fresh[1]
    yield client


def _csrf(client: TestClient) -> dict[str, str]:
    return {"csrf_token": client.headers["X-CSRF-Token"]}


def test_a_new_customer_named_with_a_nul_is_refused_and_not_stored(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    response = signed_in.post(
        "/customers/new", data={"name": "Maria\x00Alvarez", "mobile": "", **_csrf(signed_in)}
    )
    assert response.status_code == 422, response.text
    assert "Name (name) must not contain a NUL character" in response.text
    assert customers.list_customers(heed.uow, staff, limit=10)["items"] == []


def test_an_over_long_memo_or_message_is_refused_naming_the_field(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Lou Moss"}))
    response = signed_in.post(
        f"/customers/{made['id']}/contacts",
        data={"kind": "mobile", "value": "512-867-5309", "memo": "m" * 201, **_csrf(signed_in)},
    )
    assert response.status_code == 422, response.text
    assert "Memo (memo) must be at most 200 characters" in response.text
    assert customers.get_customer(heed.uow, staff, made["id"])["contacts"] == []


def test_a_billing_address_keeps_its_line_breaks(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Lou Moss"}))
    address = "4100 Speedway\r\nAustin, TX 78751"
    response = signed_in.post(
        f"/customers/{made['id']}/details",
        data={"name": "Lou Moss", "billing_address": address, **_csrf(signed_in)},
    )
    assert response.status_code == 200, response.text
    saved = customers.get_customer(heed.uow, staff, made["id"])["billing_address"]
    assert saved is not None and "Austin" in saved
