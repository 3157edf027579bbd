"""Phone numbers typed with letters are refused at the API, not read as a keypad (R-1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

Customer = Callable[..., dict[str, Any]]


def test_a_vanity_number_answers_422_invalid_phone_saying_letters_are_not_accepted(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer()
    response = client.post(
        f"/v1/customers/{made['id']}/contacts",
        json={"kind": "mobile", "value": "512-TRY-HEED"},
        headers=auth,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_phone"
    assert error["details"]["field"] == "value"
    assert "Letters are not accepted in a phone number" in error["message"]
    assert client.get(f"/v1/customers/{made['id']}", headers=auth).json()["contacts"] == []


def test_a_number_with_an_extension_is_still_stored_without_it(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer()
    response = client.post(
        f"/v1/customers/{made['id']}/contacts",
        json={"kind": "phone", "value": "(512) 879-4333 ext. 12"},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    assert response.json()["value"] == "+15128794333"
