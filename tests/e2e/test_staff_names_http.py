"""Staff names over HTTP (issue 16): GET /v1/audit labels a named staff member by their
name, the signed-in header shows it, and the header's Caller ID box is a plain GET form
to /lookup that works without JavaScript."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import accounts, customers
from heed.services.accounts import NewAccount
from heed.services.common import GRANTABLE, Principal
from heed.services.customer_commands import CustomerChanges, CustomerInput
from unique_values import unique_email, unique_number

PASSWORD = "correct horse battery"


def test_v1_audit_labels_a_named_staff_member_by_name(
    client: TestClient, auth: dict[str, str], heed: Heed, account: NewAccount
) -> None:
    email = unique_email("ann", "acme.example")
    user_id = accounts.create_user(
        heed.uow, account.account_id, email, PASSWORD, "office", "Ann Ortega"
    )
    member = Principal(account.account_id, f"user:{email}", frozenset(GRANTABLE))
    made = customers.create_customer(heed.uow, member, CustomerInput.parse({"name": "Lou Moss"}))
    customers.update_customer(
        heed.uow, member, made["id"], CustomerChanges.parse({"do_not_mail": True})
    )

    response = client.get("/v1/audit", params={"customer_id": made["id"]}, headers=auth)

    assert response.status_code == 200, response.text
    newest = response.json()["items"][0]
    assert newest["actor"] == {"type": "user", "id": user_id, "label": "Ann Ortega"}


def test_the_header_shows_the_name_and_its_caller_id_box_finds_a_number_without_javascript(
    heed: Heed, account: NewAccount, api_app: FastAPI, staff: Principal
) -> None:
    email = unique_email("ann", "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "office", "Ann Ortega")
    phone = unique_number()
    made = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {"name": "Rita Caller", "contacts": [{"kind": "mobile", "value": phone}]}
        ),
    )
    browser = TestClient(api_app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text)
    assert token is not None
    login = {"email": email, "password": PASSWORD, "csrf_token": token[1]}
    assert browser.post("/login", data=login).status_code == 303

    home = browser.get("/").text
    assert re.search(r'<span class="user">Ann Ortega <span class="role">', home)
    box = re.search(r'<form method="get" action="/lookup" role="search" class="caller-id"', home)
    assert box is not None
    assert '<label for="caller-id-phone">Caller ID</label>' in home
    found = browser.get("/lookup", params={"phone": phone})
    assert found.status_code == 200
    assert f'href="/customers/{made["id"]}">Rita Caller</a>' in found.text
