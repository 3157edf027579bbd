"""The audit trail through HTTP (R-23, R-33): GET /v1/audit, the record page's History
panel and its full page, and the staff's "stop texting us" button."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import accounts, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerChanges, CustomerInput
from unique_values import unique_email, unique_number

PASSWORD = "correct horse battery"


def _page(client: TestClient, auth: dict[str, str], **query: Any) -> Any:
    response = client.get("/v1/audit", params=query, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_customers_trail_pages_newest_first_old_to_new(
    client: TestClient, auth: dict[str, str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    made = make_customer("Maria Alvarez", contacts=[{"kind": "mobile", "value": unique_number()}])
    for name in ("Maria A.", "Maria Alvarez-Ruiz"):
        patched = client.patch(f"/v1/customers/{made['id']}", json={"name": name}, headers=auth)
        assert patched.status_code == 200, patched.text

    first = _page(client, auth, customer_id=made["id"], limit=2)
    assert [i["changes"] for i in first["items"]] == [
        {"name": ["Maria A.", "Maria Alvarez-Ruiz"]},
        {"name": ["Maria Alvarez", "Maria A."]},
    ]
    assert first["items"][0]["actor"]["type"] == "key"
    assert first["items"][0]["target"] == {
        "type": "customer",
        "id": made["id"],
        "label": "Maria Alvarez-Ruiz",
    }
    rest = _page(client, auth, customer_id=made["id"], cursor=first["next_cursor"])
    assert rest["next_cursor"] is None
    assert {i["action"] for i in rest["items"]} == {"created"}
    assert {i["target"]["type"] for i in rest["items"]} == {"customer", "contact"}


@pytest.mark.parametrize(
    ("query", "field"),
    [({"cursor": "bogus"}, "cursor"), ({"limit": 0}, "limit"), ({"limit": 500}, "limit")],
)
def test_a_bad_cursor_or_limit_is_a_422_naming_the_field(
    client: TestClient,
    auth: dict[str, str],
    make_customer: Callable[..., dict[str, Any]],
    query: dict[str, Any],
    field: str,
) -> None:
    made = make_customer()
    response = client.get("/v1/audit", params={"customer_id": made["id"], **query}, headers=auth)
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == field


def test_another_accounts_customer_is_404_and_a_key_without_customer_view_403(
    client: TestClient,
    auth: dict[str, str],
    other_auth: dict[str, str],
    key_with: Callable[..., dict[str, str]],
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    made = make_customer()
    response = client.get("/v1/audit", params={"customer_id": made["id"]}, headers=other_auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    narrow = key_with("location:view")
    refused = client.get(
        "/v1/audit", params={"customer_id": made["id"], "limit": 0}, headers=narrow
    )
    assert refused.status_code == 403


def test_the_api_opt_out_takes_the_phone_call_as_its_method(
    client: TestClient, auth: dict[str, str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    phone = unique_number()
    made = make_customer(contacts=[{"kind": "mobile", "value": phone}])
    response = client.post(
        f"/v1/consent/{phone}/opt-out",
        json={"note": "Called in", "method": "phone_call"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    entry = response.json()["events"][-1]
    assert (entry["source"], entry["body"]) == ("staff_phone_call", "Called in")
    assert entry["via"].startswith("api_key:")
    newest = _page(client, auth, customer_id=made["id"])["items"][0]
    assert (newest["action"], newest["changes"]) == ("opted_out", {"sms_opt_out": [False, True]})
    bad = client.post(f"/v1/consent/{phone}/opt-out", json={"method": "fax"}, headers=auth)
    assert bad.status_code == 422


@pytest.fixture
def signed_in(heed: Heed, account: NewAccount, api_app: FastAPI) -> Iterator[TestClient]:
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
    client.headers["X-Email"] = email
    yield client


def test_the_record_page_shows_history_and_a_staff_phone_revocation_without_javascript(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    phone = unique_number()
    made = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Lou Moss",
                "contacts": [{"kind": "mobile", "value": phone}],
                "locations": [{"name": "Shop"}],
            }
        ),
    )
    contact_id = made["contacts"][0]["id"]
    page = signed_in.get(f"/customers/{made['id']}").text
    assert 'id="history-' + made["id"] + '"' in page
    assert 'id="history-' + made["locations"][0]["id"] + '"' in page
    assert "Customer added: Lou Moss" in page
    assert "office@acme.example" in page
    assert f'action="/contacts/{contact_id}/stop-texting"' in page

    stopped = signed_in.post(
        f"/contacts/{contact_id}/stop-texting",
        data={
            "csrf_token": signed_in.headers["X-CSRF-Token"],
            "back": f"/customers/{made['id']}",
            "note": "Said so on the phone",
        },
    )
    assert stopped.status_code == 303
    assert stopped.headers["location"] == f"/customers/{made['id']}"
    after = signed_in.get(f"/customers/{made['id']}").text
    assert "This contact has opted out of SMS communication." in after
    assert f'action="/contacts/{contact_id}/stop-texting"' not in after
    assert "SMS opt-out of" in after
    assert signed_in.headers["X-Email"] in after

    full = signed_in.get(f"/customers/{made['id']}/history")
    assert full.status_code == 200
    assert "History of Lou Moss" in full.text
    assert re.search(
        r"<time datetime=\"[^\"]+\" title=\"America/Chicago\">"
        r"\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T</time>",
        full.text,
    )
    assert signed_in.get(f"/customers/{made['id']}/history?cursor=x").status_code == 422
    assert signed_in.get("/customers/cus_nobody/history").status_code == 404


def test_the_panels_older_link_opens_the_next_page_without_javascript(
    signed_in: TestClient, heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(
        heed.uow, staff, CustomerInput.parse({"name": "Ida Page", "locations": [{"name": "Barn"}]})
    )
    for n in range(11):
        customers.update_customer(
            heed.uow, staff, made["id"], CustomerChanges.parse({"name": f"Ida Page {n}"})
        )
    record = signed_in.get(f"/customers/{made['id']}").text
    older = re.search(r'<a class="older" href="([^"]+)"', record)
    assert older is not None and older[1].startswith(f"/customers/{made['id']}/history?cursor=")
    following = signed_in.get(older[1].replace("&amp;", "&"))
    assert following.status_code == 200
    assert "Customer added: Ida Page" in following.text
    assert 'class="older"' not in following.text

    location_id = made["locations"][0]["id"]
    location_page = signed_in.get(f"/locations/{location_id}").text
    assert f'id="history-{location_id}"' in location_page
    assert f'id="history-{made["id"]}"' not in location_page
    assert "Location added: Barn" in location_page
