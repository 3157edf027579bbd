"""Who may call what (R-22, R-25): 401 without a valid key, 403 without the route's
permission, 404 for another account's ids, on every /v1 route of CONTRACT.md; inbound
routes for gateway keys alone, and gateway keys for nothing else."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from api_support import bearer, message_sid
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import accounts
from heed.services.common import PERMISSIONS, ROLES

Route = tuple[str, str, str | None, dict[str, Any] | None]

# method, path, permission, body; {customer}, {location}, {contact}, {location_contact},
# {message}, {phone}, {business_number} and {sid} are filled from the world below.
STAFF_ROUTES: list[Route] = [
    ("GET", "/v1/account", "settings:view", None),
    ("PATCH", "/v1/account", "settings:manage", {"help_text": "Call us."}),
    ("POST", "/v1/customers", "customer:edit", {"name": "Bob Nguyen"}),
    ("GET", "/v1/customers", "customer:view", None),
    ("GET", "/v1/customers/{customer}", "customer:view", None),
    ("PATCH", "/v1/customers/{customer}", "customer:edit", {"name": "Maria A."}),
    ("POST", "/v1/customers/{customer}/locations", "location:edit", {"name": "Shop"}),
    ("GET", "/v1/locations/{location}", "location:view", None),
    ("PATCH", "/v1/locations/{location}", "location:edit", {"name": "Cabin"}),
    (
        "POST",
        "/v1/customers/{customer}/contacts",
        "customer:edit",
        {"kind": "email", "value": "maria@alvarez-family.com"},
    ),
    (
        "POST",
        "/v1/locations/{location}/contacts",
        "location:edit",
        {"kind": "phone", "value": "512-474-2200"},
    ),
    ("GET", "/v1/contacts/{contact}", "customer:view", None),
    ("PATCH", "/v1/contacts/{contact}", "customer:edit", {"memo": "cell"}),
    ("DELETE", "/v1/contacts/{contact}", "customer:edit", None),
    ("POST", "/v1/contacts/{contact}/sync", "customer:edit", {"targets": ["{contact}"]}),
    ("GET", "/v1/contacts/{contact}/history", "customer:view", None),
    ("GET", "/v1/contacts/{location_contact}", "location:view", None),
    ("PATCH", "/v1/contacts/{location_contact}", "location:edit", {"memo": "tenant"}),
    ("DELETE", "/v1/contacts/{location_contact}", "location:edit", None),
    ("POST", "/v1/customers/{customer}/merge", "customer:edit", {"from_customer_id": "{customer}"}),
    (
        "POST",
        "/v1/customers/{customer}/notifications",
        "customer:edit",
        {"category": "job", "on": True},
    ),
    ("GET", "/v1/lookup?phone={phone}", "customer:view", None),
    (
        "POST",
        "/v1/decisions",
        "customer:view",
        {"channel": "sms", "contact_id": "{contact}", "category": "job"},
    ),
    (
        "POST",
        "/v1/decisions/batch",
        "customer:view",
        {"items": [{"channel": "sms", "contact_id": "{contact}", "category": "job"}]},
    ),
    ("POST", "/v1/recipients", "customer:view", {"customer_id": "{customer}", "category": "job"}),
    (
        "POST",
        "/v1/recipients",
        "customer:view",
        {"customer_id": "{customer}", "location_id": "{location}", "category": "job"},
    ),
    (
        "POST",
        "/v1/messages",
        "messages:send",
        {"channel": "sms", "contact_id": "{contact}", "body": "On our way.", "manual": True},
    ),
    ("GET", "/v1/messages/{message}", "messages:send", None),
    ("GET", "/v1/consent/{phone}", "consent:export", None),
    ("POST", "/v1/consent/{phone}/opt-out", "customer:edit", {"note": "asked by phone"}),
    ("GET", "/v1/consent/events", "consent:export", None),
    ("GET", "/v1/consent/events?format=csv", "consent:export", None),
    (
        "POST",
        "/v1/consent/{phone}/marketing",
        "consent:record",
        {"method": "written", "reference": "Form 7", "disclosure": "Yes to marketing texts."},
    ),
    ("DELETE", "/v1/consent/{phone}/marketing", "customer:edit", None),
    ("GET", "/v1/consent/marketing/not-on-record", "customer:view", None),
]

# Posted by a gateway key (heed key create --gateway), and by nothing else.
INBOUND_ROUTES: list[Route] = [
    (
        "POST",
        "/v1/inbound/sms",
        "inbound:record",
        {"from": "{phone}", "to": "{business_number}", "body": "START", "message_id": "{sid}"},
    ),
    (
        "POST",
        "/v1/inbound/email",
        "inbound:record",
        {"email": "maria@alvarez-family.com", "event": "bounce"},
    ),
]

ROUTES = STAFF_ROUTES + INBOUND_ROUTES
# A permission that also lets its holder through: managing settings includes seeing them.
INCLUDED_IN = {"settings:view": ("settings:manage",)}

# Routes whose path or body names one of the account's records.
TAKES_AN_ID = [
    r
    for r in STAFF_ROUTES
    if re.search(
        r"\{(customer|location|contact|location_contact|message|business_number)\}",
        r[1] + json.dumps(r[3]),
    )
]


def _name(route: tuple[str, str, str | None, dict[str, Any] | None]) -> str:
    method, path, _, body = route
    return f"{method} {path}" + (" (location)" if body and "location_id" in body else "")


@pytest.fixture
def world(
    client: TestClient, auth: dict[str, str], business_number: str
) -> Callable[[str, dict[str, Any] | None], tuple[str, Any]]:
    """One customer with a mobile, a location with a mobile, and a sent message."""
    customer = client.post(
        "/v1/customers",
        json={"name": "Maria Alvarez", "contacts": [{"kind": "mobile", "value": "512-867-5309"}]},
        headers=auth,
    ).json()
    location = client.post(
        f"/v1/customers/{customer['id']}/locations",
        json={"name": "Home", "contacts": [{"kind": "mobile", "value": "737-209-4411"}]},
        headers=auth,
    ).json()
    contact = customer["contacts"][0]["id"]
    message = client.post(
        "/v1/messages",
        json={"channel": "sms", "contact_id": contact, "body": "Hi", "manual": True},
        headers=auth,
    ).json()
    ids = {
        "customer": customer["id"],
        "location": location["id"],
        "contact": contact,
        "location_contact": location["contacts"][0]["id"],
        "message": message["id"],
        "phone": "+15128675309",
        "business_number": business_number,
    }

    def fill(path: str, body: dict[str, Any] | None) -> tuple[str, Any]:
        values = {**ids, "sid": message_sid()}
        filled = json.loads(_format(json.dumps(body), values)) if body else None
        return _format(path, values), filled

    return fill


def _format(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


@pytest.mark.parametrize("route", ROUTES, ids=_name)
def test_every_route_answers_401_without_a_key(
    client: TestClient, route: tuple[str, str, str | None, Any]
) -> None:
    method, path, _, body = route
    response = client.request(method, path.replace("{", "x").replace("}", ""), json=body)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("route", ROUTES[:6], ids=_name)
@pytest.mark.parametrize(
    "header", ["Bearer heed_not-a-key", "Basic dXNlcjpwYXNz", "Bearer", "heed_not-a-key"]
)
def test_a_bad_key_answers_401(
    client: TestClient, route: tuple[str, str, str | None, Any], header: str
) -> None:
    method, path, _, body = route
    response = client.request(
        method,
        path.replace("{", "x").replace("}", ""),
        json=body,
        headers={"Authorization": header},
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("route", [r for r in STAFF_ROUTES if r[2]], ids=_name)
def test_a_key_without_the_routes_permission_answers_403(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    key_with: Callable[..., dict[str, str]],
    route: tuple[str, str, str, Any],
) -> None:
    method, path, permission, body = route
    others = {permission, *INCLUDED_IN.get(permission, ())}
    headers = key_with(*(p for p in PERMISSIONS if p not in others))
    path, body = world(path, body)
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == {
        "code": "forbidden",
        "message": f"This action needs the {permission} permission.",
        "details": {"permission": permission},
    }


@pytest.mark.parametrize("route", [r for r in STAFF_ROUTES if r[2]], ids=_name)
def test_a_key_with_only_the_routes_permission_is_let_through(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    key_with: Callable[..., dict[str, str]],
    route: tuple[str, str, str, Any],
) -> None:
    method, path, permission, body = route
    path, body = world(path, body)
    response = client.request(method, path, json=body, headers=key_with(permission))
    # Some calls are refused on their merits (a sync with nothing to sync), never for access.
    assert response.status_code not in (401, 403, 404), response.text


@pytest.mark.parametrize("route", TAKES_AN_ID, ids=_name)
def test_another_accounts_id_answers_404_on_every_route_that_takes_one(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    other_auth: dict[str, str],
    route: tuple[str, str, str | None, Any],
) -> None:
    method, path, _, body = route
    path, body = world(path, body)
    response = client.request(method, path, json=body, headers=other_auth)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("route", INBOUND_ROUTES, ids=_name)
@pytest.mark.parametrize("which", ["the account's own key", "a key with every staff permission"])
def test_no_staff_key_may_post_an_inbound_message(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    auth: dict[str, str],
    key_with: Callable[..., dict[str, str]],
    route: Route,
    which: str,
) -> None:
    method, path, _, body = route
    headers = auth if which == "the account's own key" else key_with(*PERMISSIONS)
    path, body = world(path, body)
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("forbidden", {"permission": "inbound:record"})
    assert "gateway key" in error["message"]
    assert client.get("/v1/consent/events", headers=auth).json() == {"events": []}


@pytest.mark.parametrize("route", INBOUND_ROUTES, ids=_name)
def test_a_gateway_key_is_let_through_on_the_inbound_routes(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    gateway: dict[str, str],
    route: Route,
) -> None:
    method, path, _, body = route
    path, body = world(path, body)
    response = client.request(method, path, json=body, headers=gateway)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=_name)
def test_a_gateway_key_answers_403_on_every_other_route(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    gateway: dict[str, str],
    route: Route,
) -> None:
    method, path, _, body = route
    path, body = world(path, body)
    response = client.request(method, path, json=body, headers=gateway)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"
    assert "gateway key" in response.json()["error"]["message"]


def test_another_accounts_gateway_key_cannot_post_to_this_accounts_number(
    client: TestClient,
    heed: Heed,
    world: Callable[[str, Any], tuple[str, Any]],
    auth: dict[str, str],
) -> None:
    other = accounts.create_account(heed.uow, "Other Heating Co")
    theirs = bearer(accounts.create_gateway_key(heed.uow, other.account_id).api_key)
    _, sms_path, _, sms_body = INBOUND_ROUTES[0]
    path, body = world(sms_path, sms_body)
    response = client.post(path, json=body, headers=theirs)
    assert response.status_code == 404, response.text
    assert client.get("/v1/consent/events", headers=auth).json() == {"events": []}


def test_another_accounts_records_stay_untouched_after_its_attempts(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    auth: dict[str, str],
    other_auth: dict[str, str],
) -> None:
    path, _ = world("/v1/contacts/{contact}", None)
    assert client.delete(path, headers=other_auth).status_code == 404
    assert client.patch(path, json={"memo": "mine now"}, headers=other_auth).status_code == 404
    mine = client.get(path, headers=auth).json()
    assert mine["memo"] is None


def test_another_accounts_customers_are_not_listed_or_found_by_phone(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    other_auth: dict[str, str],
) -> None:
    world("/", None)
    assert client.get("/v1/customers", headers=other_auth).json() == {
        "items": [],
        "next_cursor": None,
    }
    found = client.get("/v1/lookup", params={"phone": "512-867-5309"}, headers=other_auth)
    assert found.json()["customers"] == [] and found.json()["locations"] == []


def test_the_account_settings_are_shown_to_keys_that_may_view_or_manage_them(
    client: TestClient, key_with: Callable[..., dict[str, str]]
) -> None:
    refused = client.get("/v1/account", headers=key_with("consent:export", "customer:edit"))
    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == {"permission": "settings:view"}
    for permission in ("settings:view", "settings:manage"):
        response = client.get("/v1/account", headers=key_with(permission))
        assert response.status_code == 200, permission
        assert response.json()["name"] == "Acme Plumbing"


def test_the_admin_role_may_view_the_settings() -> None:
    assert "settings:view" in ROLES["admin"]
    assert "settings:view" not in ROLES["office"] + ROLES["viewer"]


def test_lookup_lists_locations_only_to_keys_that_may_view_them(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    key_with: Callable[..., dict[str, str]],
) -> None:
    world("/", None)
    both = client.get(
        "/v1/lookup?phone=7372094411", headers=key_with("customer:view", "location:view")
    )
    only = client.get("/v1/lookup?phone=7372094411", headers=key_with("customer:view"))
    assert len(both.json()["locations"]) == 1
    assert only.json()["locations"] == []


def test_creating_a_customer_with_locations_needs_location_edit_too(
    client: TestClient, key_with: Callable[..., dict[str, str]]
) -> None:
    body = {"name": "Hill Country Dental", "locations": [{"name": "Clinic"}]}
    refused = client.post("/v1/customers", json=body, headers=key_with("customer:edit"))
    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == {"permission": "location:edit"}
    made = client.post(
        "/v1/customers", json=body, headers=key_with("customer:edit", "location:edit")
    )
    assert made.status_code == 201


def test_syncing_onto_a_location_contact_needs_location_edit(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    key_with: Callable[..., dict[str, str]],
) -> None:
    path, body = world("/v1/contacts/{contact}/sync", {"targets": ["{location_contact}"]})
    refused = client.post(path, json=body, headers=key_with("customer:edit"))
    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == {"permission": "location:edit"}


def test_a_customer_shows_its_locations_only_to_keys_that_may_view_them(
    client: TestClient,
    world: Callable[[str, Any], tuple[str, Any]],
    key_with: Callable[..., dict[str, str]],
) -> None:
    path, _ = world("/v1/customers/{customer}", None)
    both = client.get(path, headers=key_with("customer:view", "location:view"))
    only = client.get(path, headers=key_with("customer:view"))
    assert len(both.json()["locations"]) == 1
    assert only.status_code == 200
    assert only.json()["locations"] == []
    assert len(only.json()["contacts"]) == 1
