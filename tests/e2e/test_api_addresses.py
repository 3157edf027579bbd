"""Structured addresses over HTTP (CONTRACT v2 "Addresses", R-26, R-27): locations and
billing take an object or a string, answer what they were given, and a location's state
and postal code time its texts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from unique_values import unique_number

Customer = Callable[..., dict[str, Any]]
AUSTIN = {
    "street": "4100 Speedway",
    "unit": "Apt 2",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78751",
    "country": "US",
}
SUNDAY_TEN_CENTRAL = datetime(2026, 12, 6, 16, tzinfo=UTC)


def test_a_location_given_an_address_object_answers_zone_source_and_jurisdiction(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer("Maria Alvarez", locations=[{"name": "Home", "address": AUSTIN}])
    (home,) = made["locations"]
    assert home["address"] == AUSTIN
    assert (home["time_zone"], home["time_zone_source"], home["jurisdiction"]) == (
        "America/Chicago",
        "postal_code",
        "US-TX",
    )
    read = client.get(f"/v1/locations/{home['id']}", headers=auth).json()
    assert read["address"] == AUSTIN and read["jurisdiction"] == "US-TX"


def test_a_plain_string_address_is_still_accepted_and_answered_as_given(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer("Bob Nguyen", billing_address="88 Lakeshore Dr")
    response = client.post(
        f"/v1/customers/{made['id']}/locations",
        json={"name": "Lake", "address": "88 Lakeshore Dr", "time_zone": "America/Denver"},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    lake = response.json()
    assert (lake["address"], lake["time_zone"], lake["time_zone_source"]) == (
        "88 Lakeshore Dr",
        "America/Denver",
        "given",
    )
    assert lake["jurisdiction"] is None
    assert client.get(f"/v1/customers/{made['id']}", headers=auth).json()["billing_address"] == (
        "88 Lakeshore Dr"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postal_code": "7875"}, "address.postal_code"),
        ({"state": "ZZ"}, "address.state"),
        ({"country": "MX"}, "address.country"),
        ({"street": "s" * 201}, "address.street"),
        ({"city": None}, "address.city"),
    ],
)
def test_a_wrong_address_part_is_a_422_naming_it_and_nothing_is_stored(
    client: TestClient,
    auth: dict[str, str],
    make_customer: Customer,
    change: dict[str, Any],
    field: str,
) -> None:
    made = make_customer("Priya Raman")
    response = client.post(
        f"/v1/customers/{made['id']}/locations",
        json={"name": "Home", "address": {**AUSTIN, **change}},
        headers=auth,
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == ("validation_error", field)
    assert client.get(f"/v1/customers/{made['id']}", headers=auth).json()["locations"] == []


def test_a_billing_address_object_is_checked_and_answered(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer("Lou Moss", billing_address={**AUSTIN, "postal_code": "78751-0001"})
    assert made["billing_address"]["postal_code"] == "78751-0001"
    refused = client.patch(
        f"/v1/customers/{made['id']}",
        json={"billing_address": {**AUSTIN, "state": "QC"}},
        headers=auth,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["field"] == "billing_address.state"


def test_patching_a_location_s_postal_code_moves_its_zone(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer("Ann Lee", locations=[{"name": "Home", "address": AUSTIN}])
    location_id = made["locations"][0]["id"]
    el_paso = {
        **AUSTIN,
        "street": "1 Civic Center Plaza",
        "city": "El Paso",
        "postal_code": "79901",
    }
    changed = client.patch(
        f"/v1/locations/{location_id}", json={"address": el_paso}, headers=auth
    ).json()
    assert (changed["time_zone"], changed["time_zone_source"]) == ("America/Denver", "postal_code")


def test_a_location_is_deleted_only_once_it_has_no_contacts(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer(
        "Kim Ortiz",
        locations=[
            {"name": "Home", "contacts": [{"kind": "mobile", "value": unique_number("512")}]},
            {"name": "Shed"},
        ],
    )
    home, shed = made["locations"]
    refused = client.delete(f"/v1/locations/{home['id']}", headers=auth)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "location_has_contacts"
    assert client.delete(f"/v1/locations/{shed['id']}", headers=auth).status_code == 204
    assert client.get(f"/v1/locations/{shed['id']}", headers=auth).status_code == 404
    remaining = client.get(f"/v1/customers/{made['id']}", headers=auth).json()["locations"]
    assert [loc["name"] for loc in remaining] == ["Home"]


def test_a_location_key_without_location_edit_cannot_delete(
    client: TestClient, key_with: Callable[..., dict[str, str]], make_customer: Customer
) -> None:
    made = make_customer("Sam Reyes", locations=[{"name": "Shed"}])
    viewer = key_with("customer:view", "location:view")
    response = client.delete(f"/v1/locations/{made['locations'][0]['id']}", headers=viewer)
    assert response.status_code == 403


def test_a_texas_location_defers_a_sunday_morning_marketing_text_over_http(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    number = unique_number("303")
    written = {"method": "written", "reference": "Form 7", "disclosure": "Marketing texts: yes."}
    assert client.post(f"/v1/consent/{number}/marketing", json=written, headers=auth).is_success
    made = make_customer(
        "Dee Park",
        locations=[
            {
                "name": "Home",
                "address": AUSTIN,
                "contacts": [
                    {
                        "kind": "mobile",
                        "value": number,
                        "notifications": {"marketing": True},
                    }
                ],
            }
        ],
    )
    contact_id = made["locations"][0]["contacts"][0]["id"]
    answer = client.post(
        "/v1/decisions",
        json={
            "contact_id": contact_id,
            "channel": "sms",
            "category": "marketing",
            "at": SUNDAY_TEN_CENTRAL.isoformat(),
        },
        headers=auth,
    ).json()
    assert (answer["outcome"], answer["rule"]["jurisdiction"]) == ("deferred", "US-TX")
    assert answer["not_before"].startswith("2026-12-06T18:00")


def test_a_location_s_address_is_removed_with_null_and_its_postal_zone_goes_with_it(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer("Ray Cole", locations=[{"name": "Home", "address": AUSTIN}])
    location_id = made["locations"][0]["id"]
    cleared = client.patch(f"/v1/locations/{location_id}", json={"address": None}, headers=auth)
    assert cleared.status_code == 200, cleared.text
    body = cleared.json()
    assert (body["address"], body["time_zone"], body["jurisdiction"]) == (None, None, None)
    too_long = client.patch(
        f"/v1/locations/{location_id}", json={"address": "a" * 501}, headers=auth
    )
    assert too_long.status_code == 422
    assert too_long.json()["error"]["details"]["field"] == "address"
