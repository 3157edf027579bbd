"""Customers, locations, contacts and caller ID over HTTP (R-1 … R-10, R-20)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

Customer = Callable[..., dict[str, Any]]


def test_a_customer_is_created_with_its_contacts_and_read_back(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer(
        "Maria Alvarez",
        invoice_delivery=["email", "mail"],
        billing_address="4100 Speedway, Austin, TX 78751",
        contacts=[
            {"kind": "mobile", "value": "(512) 867-5309", "memo": "cell"},
            {"kind": "email", "value": "Maria.Alvarez@Gmail.com"},
        ],
    )
    assert made["invoice_delivery"] == ["mail", "email"]
    mobile, email = made["contacts"]
    assert mobile["value"] == "+15128675309" and mobile["display"] == "(512) 867-5309"
    assert mobile["owner"] == {"type": "customer", "id": made["id"]}
    assert mobile["notifications"] == {"job": True, "invoice_statement": False, "marketing": False}
    assert mobile["bell"] == "on"
    assert email["value"] == "maria.alvarez@gmail.com"
    assert made["flags"] == ["email_delivery_without_invoice_contact"]
    assert client.get(f"/v1/customers/{made['id']}", headers=auth).json() == made


def test_a_customer_is_changed_with_patch_and_unset_fields_stay(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer("Bob Nguyen", billing_address="88 Lakeshore Dr")
    changed = client.patch(
        f"/v1/customers/{made['id']}", json={"invoice_delivery": ["email"]}, headers=auth
    ).json()
    assert changed["invoice_delivery"] == ["email"]
    assert changed["billing_address"] == "88 Lakeshore Dr" and changed["name"] == "Bob Nguyen"


def test_do_not_mail_turns_every_notification_off_and_locks_it(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer("Priya Raman", contacts=[{"kind": "mobile", "value": "737-555-2199"}])
    location = client.post(
        f"/v1/customers/{made['id']}/locations",
        json={"name": "Home", "contacts": [{"kind": "email", "value": "priya@raman.org"}]},
        headers=auth,
    ).json()
    changed = client.patch(
        f"/v1/customers/{made['id']}", json={"do_not_mail": True}, headers=auth
    ).json()
    contacts = changed["contacts"] + changed["locations"][0]["contacts"]
    assert [c["bell"] for c in contacts] == ["locked", "locked"]
    assert not any(any(c["notifications"].values()) for c in contacts)
    refused = client.patch(
        f"/v1/contacts/{location['contacts'][0]['id']}",
        json={"notifications": {"job": True}},
        headers=auth,
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "do_not_mail"
    assert refused.json()["error"]["details"] == {"field": "notifications.job"}


def test_customers_are_listed_a_page_at_a_time_with_a_cursor(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    names = [f"Customer {i:02d}" for i in range(5)]
    for name in reversed(names):
        make_customer(name)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/customers", params=params, headers=auth).json()
        seen += [item["name"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == names
    assert pages == 3


def test_customers_are_found_by_name_phone_or_email(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer(
        "Hill Country Dental",
        contacts=[
            {"kind": "phone", "value": "(512) 474-2200"},
            {"kind": "email", "value": "ap@hillcountrydental.com"},
        ],
    )
    make_customer("Someone Else")
    for q in ("country dent", "512.474.2200", "AP@hillcountrydental.com"):
        items = client.get("/v1/customers", params={"q": q}, headers=auth).json()["items"]
        assert [i["id"] for i in items] == [made["id"]], q


def test_the_ar_list_filters_by_invoice_delivery_and_flags_missing_invoice_emails(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    flagged = make_customer("Email No Contact", invoice_delivery=["email"])
    fine = make_customer(
        "Email With Contact",
        invoice_delivery=["email"],
        contacts=[
            {
                "kind": "email",
                "value": "billing@withcontact.com",
                "notifications": {"invoice_statement": True},
            }
        ],
    )
    make_customer("Mail Only")
    make_customer("Both", invoice_delivery=["mail", "email"])
    email = client.get("/v1/customers?invoice_delivery=email", headers=auth).json()["items"]
    assert [(c["id"], c["flags"]) for c in email] == [
        (flagged["id"], ["email_delivery_without_invoice_contact"]),
        (fine["id"], []),
    ]
    both = client.get("/v1/customers?invoice_delivery=both", headers=auth).json()["items"]
    assert [c["name"] for c in both] == ["Both"]
    only_flagged = client.get("/v1/customers?flagged=true", headers=auth).json()["items"]
    assert {c["name"] for c in only_flagged} == {"Email No Contact", "Both"}


def test_a_location_is_created_read_and_changed(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer()
    created = client.post(
        f"/v1/customers/{made['id']}/locations",
        json={
            "name": "Rental duplex",
            "address": "2207 E 12th St, Austin, TX 78702",
            "time_zone": "America/Chicago",
            "contacts": [{"kind": "mobile", "value": "737-209-4411", "memo": "tenant"}],
        },
        headers=auth,
    )
    assert created.status_code == 201
    location = created.json()
    assert location["customer_id"] == made["id"]
    assert location["contacts"][0]["owner"] == {"type": "location", "id": location["id"]}
    assert client.get(f"/v1/locations/{location['id']}", headers=auth).json() == location
    changed = client.patch(
        f"/v1/locations/{location['id']}", json={"time_zone": "America/Denver"}, headers=auth
    ).json()
    assert changed["time_zone"] == "America/Denver" and changed["name"] == "Rental duplex"
    bad = client.patch(
        f"/v1/locations/{location['id']}", json={"time_zone": "Mars/Olympus"}, headers=auth
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "time_zone"


def test_contacts_are_added_to_customers_and_locations(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer()
    location = client.post(
        f"/v1/customers/{made['id']}/locations", json={"name": "Home"}, headers=auth
    ).json()
    on_customer = client.post(
        f"/v1/customers/{made['id']}/contacts",
        json={"kind": "email", "value": "maria@gmail.com", "notifications": {"marketing": True}},
        headers=auth,
    )
    on_location = client.post(
        f"/v1/locations/{location['id']}/contacts",
        json={"kind": "fax", "value": "512-474-2299"},
        headers=auth,
    )
    assert on_customer.status_code == on_location.status_code == 201
    assert on_customer.json()["notifications"]["marketing"] is True
    assert on_location.json()["owner"] == {"type": "location", "id": location["id"]}
    assert on_location.json()["customer_id"] == made["id"]
    assert on_location.json()["notifications"] == {
        "job": False,
        "invoice_statement": False,
        "marketing": False,
    }


def test_a_contact_is_read_changed_and_deleted(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    contact = made["contacts"][0]
    url = f"/v1/contacts/{contact['id']}"
    assert client.get(url, headers=auth).json() == contact
    changed = client.patch(
        url, json={"kind": "phone", "memo": "home", "value": "512 867 5310"}, headers=auth
    ).json()
    assert changed["contact"]["kind"] == "phone"
    assert changed["contact"]["value"] == "+15128675310"
    assert changed["sync_candidates"] == []
    history = client.get(f"{url}/history", headers=auth).json()
    assert [(h["old_value"], h["new_value"]) for h in history] == [("+15128675309", "+15128675310")]
    assert client.delete(url, headers=auth).status_code == 204
    assert client.get(url, headers=auth).status_code == 404
    assert client.get("/v1/lookup?phone=5128675310", headers=auth).json()["customers"] == []


def test_caller_id_finds_every_record_that_lists_a_number(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    one = make_customer("Maria Alvarez", contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    two = make_customer("Devin Tenant")
    location = client.post(
        f"/v1/customers/{two['id']}/locations",
        json={"name": "Duplex", "contacts": [{"kind": "mobile", "value": "+1 512 867 5309"}]},
        headers=auth,
    ).json()
    found = client.get("/v1/lookup", params={"phone": "(512) 867-5309"}, headers=auth).json()
    assert found == {
        "phone": "+15128675309",
        "customers": [{"id": one["id"], "name": "Maria Alvarez"}],
        "locations": [{"id": location["id"], "customer_id": two["id"], "name": "Duplex"}],
    }


def _shared_number(client: TestClient, auth: dict[str, str], make_customer: Customer) -> Any:
    """The same number on two customers; the first one's record changes it."""
    one = make_customer("Maria Alvarez", contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    two = make_customer("Devin Tenant", contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    source, target = one["contacts"][0]["id"], two["contacts"][0]["id"]
    changed = client.patch(
        f"/v1/contacts/{source}", json={"value": "512-867-5310"}, headers=auth
    ).json()
    return source, target, changed


def test_a_changed_number_offers_its_other_records_and_syncs_them_once_confirmed(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    source, target, changed = _shared_number(client, auth, make_customer)
    assert [(c["contact_id"], c["other_customer"]) for c in changed["sync_candidates"]] == [
        (target, True)
    ]
    refused = client.post(f"/v1/contacts/{source}/sync", json={"targets": [target]}, headers=auth)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "confirmation_required"
    assert [c["contact_id"] for c in error["details"]["contacts"]] == [target]
    done = client.post(
        f"/v1/contacts/{source}/sync",
        json={"targets": [target], "confirm_other_customers": True},
        headers=auth,
    )
    assert done.json() == {"synced": [target]}
    assert client.get(f"/v1/contacts/{target}", headers=auth).json()["value"] == "+15128675310"


def test_a_placeholder_value_is_never_synced(
    client: TestClient, auth: dict[str, str], make_customer: Customer
) -> None:
    source, target, _ = _shared_number(client, auth, make_customer)
    # The business learns the old number was a stand-in it used for "no phone".
    client.patch("/v1/account", json={"placeholders": ["512-867-5309"]}, headers=auth)
    refused = client.post(
        f"/v1/contacts/{source}/sync",
        json={"targets": [target], "confirm_other_customers": True},
        headers=auth,
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "placeholder_sync_forbidden"


def test_turning_a_notification_on_for_an_opted_out_number_is_refused(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    make_customer: Customer,
    business_number: str,
) -> None:
    made = make_customer(contacts=[{"kind": "mobile", "value": "512-867-5309"}])
    client.post(
        "/v1/inbound/sms",
        json={"from": "+15128675309", "to": business_number, "body": "STOP", "message_id": "m1"},
        headers=gateway,
    )
    contact = client.get(f"/v1/contacts/{made['contacts'][0]['id']}", headers=auth).json()
    assert contact["bell"] == "opted_out" and contact["sms_opted_out"] is True
    refused = client.patch(
        f"/v1/contacts/{contact['id']}", json={"notifications": {"marketing": True}}, headers=auth
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "sms_opt_out",
        "message": "This contact has opted out of SMS communication. "
        "Only the customer can opt back in by texting START.",
        "details": {"field": "notifications.marketing"},
    }


def test_turning_a_notification_on_for_a_suppressed_email_is_refused(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], make_customer: Customer
) -> None:
    made = make_customer(contacts=[{"kind": "email", "value": "maria@gmail.com"}])
    client.post(
        "/v1/inbound/email", json={"email": "maria@gmail.com", "event": "bounce"}, headers=gateway
    )
    refused = client.patch(
        f"/v1/contacts/{made['contacts'][0]['id']}",
        json={"notifications": {"invoice_statement": True}},
        headers=auth,
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "email_suppressed"


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("mobile", "512-86-5309", "invalid_phone"),
        ("phone", "+44 20 7946 0958", "international_number"),
        ("email", "maria@@gmail", "invalid_email"),
        ("mobile", "(123) 456-7890", "placeholder_contact"),
        ("email", "noemail@gmail.com", "placeholder_contact"),
    ],
)
def test_a_refused_contact_value_answers_422_with_its_code(
    client: TestClient,
    auth: dict[str, str],
    make_customer: Customer,
    kind: str,
    value: str,
    code: str,
) -> None:
    made = make_customer()
    response = client.post(
        f"/v1/customers/{made['id']}/contacts", json={"kind": kind, "value": value}, headers=auth
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["details"]["field"] == "value"


def test_an_international_number_is_refused_with_a_reason(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(
        "/v1/customers",
        json={"name": "Abroad", "contacts": [{"kind": "mobile", "value": "+33 1 42 68 53 00"}]},
        headers=auth,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "international_number"
    assert "International numbers are not supported" in error["message"]
    assert error["details"]["field"] == "contacts[0].value"


def test_malformed_json_answers_422_validation_error(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(
        "/v1/customers",
        content=b'{"name": "Maria",',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"]["field"] == "body"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": 42}, "name"),
        ({"name": "Maria", "do_not_mail": "yes"}, "do_not_mail"),
        ({"name": "Maria", "invoice_delivery": "email"}, "invoice_delivery"),
        ({"name": "Maria", "invoice_delivery": ["fax"]}, "invoice_delivery[0]"),
        ({"name": "Maria", "contacts": [{"kind": "pager", "value": "1"}]}, "contacts[0].kind"),
        (
            {"name": "Maria", "contacts": [{"kind": "mobile", "value": 5128675309}]},
            "contacts[0].value",
        ),
        ({"name": "Maria", "colour": "blue"}, "colour"),
        ({}, "name"),
        ([], "body"),
    ],
)
def test_a_wrong_json_type_answers_422_naming_the_field(
    client: TestClient, auth: dict[str, str], body: Any, field: str
) -> None:
    response = client.post("/v1/customers", json=body, headers=auth)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["field"] == field


def test_a_bad_query_parameter_answers_422(client: TestClient, auth: dict[str, str]) -> None:
    for query in ("limit=0", "limit=many", "invoice_delivery=fax", "cursor=nonsense"):
        response = client.get(f"/v1/customers?{query}", headers=auth)
        assert response.status_code == 422, query
        assert response.json()["error"]["code"] == "validation_error"


def test_an_unknown_route_answers_404_in_the_error_body(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
