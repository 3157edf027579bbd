"""The staff pages over HTTP, without a browser: every error of the new-customer form at
once, the duplicate warning, search that says what matched, the confirm pages, the
account-off banner, local times, notices after a redirect, the 404 page and the favicon."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import accounts, consent, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from unique_values import unique_email, unique_number

PASSWORD = "correct horse battery"


def sign_in(api_app: FastAPI, heed: Heed, account: NewAccount, role: str) -> TestClient:
    email = unique_email(role, "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, role)
    client = TestClient(api_app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    login = {"email": email, "password": PASSWORD, "csrf_token": token[1]}
    assert client.post("/login", data=login).status_code == 303
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert fresh is not None
    client.headers["X-CSRF-Token"] = fresh[1]
    return client


@pytest.fixture
def office(heed: Heed, account: NewAccount, api_app: FastAPI) -> Iterator[TestClient]:
    yield sign_in(api_app, heed, account, "office")


@pytest.fixture
def admin(heed: Heed, account: NewAccount, api_app: FastAPI) -> Iterator[TestClient]:
    yield sign_in(api_app, heed, account, "admin")


def csrf(client: TestClient) -> dict[str, str]:
    return {"csrf_token": client.headers["X-CSRF-Token"]}


def dotted(e164: str) -> str:
    return f"{e164[2:5]}.{e164[5:8]}.{e164[8:]}"


def error_of(page: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="nc-{field}-error"[^>]*>([^<]*)</p>', page)
    assert found is not None, f"no error shown for {field}"
    return found[1]


# ---- the new-customer form ---------------------------------------------------------------


def test_every_error_of_the_new_customer_form_shows_at_once_in_plain_words(
    office: TestClient, heed: Heed, staff: Principal
) -> None:
    sent = {
        "name": "",
        "mobile": "512-12",
        "mobile_memo": "Cell",
        "email": "test@example.com",
        "email_memo": "x" * 201,
        "billing_address": "4100 Speedway",
        **csrf(office),
    }
    response = office.post("/customers/new", data=sent)
    assert response.status_code == 422
    page = response.text
    assert error_of(page, "name") == "Enter the customer&#39;s name."
    assert "10 digits" in error_of(page, "mobile")
    assert "placeholder" in error_of(page, "email")
    assert "200 characters" in error_of(page, "email_memo")
    assert error_of(page, "invoice_delivery") == "Choose Mail, Email or both."
    for leak in ("value:", "contacts.0", "contacts[", "(name)"):
        assert leak not in page
    # Each field points at its error, what was typed stays, and the first is focused.
    assert re.search(
        r'id="nc-mobile"[^>]*value="512-12"[^>]*aria-invalid="true" '
        r'aria-describedby="nc-mobile-error"',
        page,
    )
    assert 'value="4100 Speedway"' in page and 'value="Cell"' in page
    assert re.search(r'id="nc-name"[^>]*aria-invalid="true"[^>]*autofocus', page)
    assert page.count(" autofocus") == 1
    assert customers.list_customers(heed.uow, staff, limit=5)["items"] == []


def test_a_new_customer_is_saved_with_memo_bells_and_do_not_mail_and_a_notice_says_so(
    office: TestClient, heed: Heed, staff: Principal
) -> None:
    mobile = unique_number("512")
    form = {
        "name": "Rosa Diaz",
        "mobile": dotted(mobile),
        "mobile_memo": "Cell",
        "do_not_mail": "on",
        "invoice_delivery": "mail",
        **csrf(office),
    }
    response = office.post("/customers/new", data=form)
    assert response.status_code == 303
    assert response.headers["location"].endswith("?done=created")
    record = office.get(response.headers["location"])
    assert '<p class="notice" role="status">Customer created.</p>' in record.text
    customer_id = response.headers["location"].split("/")[2].split("?")[0]
    made = customers.get_customer(heed.uow, staff, customer_id)
    assert made["do_not_mail"] is True
    assert made["contacts"][0]["memo"] == "Cell"
    assert not any(made["contacts"][0]["notifications"].values())


def test_the_new_customer_form_starts_with_job_bells_on_when_the_account_sends(
    office: TestClient,
) -> None:
    page = office.get("/customers/new").text
    assert re.search(r'id="nc-mobile_job" name="mobile_job" value="on" checked', page)
    assert re.search(
        r'id="nc-email_invoice_statement" name="email_invoice_statement" '
        r'value="on" >',
        page,
    )
    assert "_new_customer_location" not in page


def test_a_number_already_on_another_record_is_warned_with_a_link_and_can_be_saved(
    office: TestClient, heed: Heed, staff: Principal
) -> None:
    mobile = unique_number("512")
    first = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse({"name": "Ann Fox", "contacts": [{"kind": "mobile", "value": mobile}]}),
    )
    form = {"name": "Ann Fox Jr", "mobile": dotted(mobile), "invoice_delivery": "mail"}
    warned = office.post("/customers/new", data={**form, **csrf(office)})
    assert warned.status_code == 409
    assert f'<a href="/customers/{first["id"]}">Ann Fox</a>' in warned.text
    assert 'name="save_anyway" value="yes"' in warned.text
    assert f'value="{dotted(mobile)}"' in warned.text
    saved = office.post("/customers/new", data={**form, "save_anyway": "yes", **csrf(office)})
    assert saved.status_code == 303


# ---- search ------------------------------------------------------------------------------


def test_search_results_mark_what_matched(office: TestClient, heed: Heed, staff: Principal) -> None:
    mobile = unique_number("512")
    email = unique_email("lee", "gmail.com")
    customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {
                "name": "Lee Marsh",
                "contacts": [
                    {"kind": "mobile", "value": mobile},
                    {"kind": "email", "value": email},
                ],
            }
        ),
    )
    by_digits = office.get("/", params={"q": mobile[-4:]}).text
    assert f"-<mark>{mobile[-4:]}</mark>" in by_digits
    by_domain = office.get("/", params={"q": "gmail"}).text
    assert "@<mark>gmail</mark>.com" in by_domain
    by_name = office.get("/", params={"q": "mars"}).text
    assert "Lee <mark>Mars</mark>h" in by_name
    assert "Matched:" in by_name


# ---- confirmations -----------------------------------------------------------------------


def test_do_not_mail_asks_first_and_advises_on_email_invoices(
    office: TestClient, heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(
        heed.uow, staff, CustomerInput.parse({"name": "Ida Bell", "invoice_delivery": ["email"]})
    )
    record = office.get(f"/customers/{made['id']}").text
    assert f'method="get" action="/customers/{made["id"]}/do-not-mail/confirm"' in record
    confirm = office.get(f"/customers/{made['id']}/do-not-mail/confirm").text
    assert "Set Do Not Mail for Ida Bell?" in confirm
    assert "change <em>Invoice &amp; statement delivery</em> to <strong>Mail</strong>" in confirm
    assert customers.get_customer(heed.uow, staff, made["id"])["do_not_mail"] is False
    done = office.post(
        f"/customers/{made['id']}/do-not-mail",
        data={"do_not_mail": "on", "back": f"/customers/{made['id']}", **csrf(office)},
    )
    assert done.status_code == 200
    assert "Do Not Mail keeps every email off" in done.text
    assert "Click the bell of an email address" not in done.text


def test_removing_a_number_asks_first_on_a_page_that_needs_no_script(
    office: TestClient, heed: Heed, staff: Principal
) -> None:
    mobile = unique_number("512")
    made = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {"name": "Gus Hale", "contacts": [{"kind": "mobile", "value": mobile}]}
        ),
    )
    contact_id = made["contacts"][0]["id"]
    panel = office.get(f"/customers/{made['id']}", params={"open": f"edit:{contact_id}"}).text
    assert f'method="get" action="/contacts/{contact_id}/delete/confirm"' in panel
    confirm = office.get(f"/contacts/{contact_id}/delete/confirm").text
    assert f'action="/contacts/{contact_id}/delete"' in confirm
    assert "Its consent history stays" in confirm
    assert len(customers.get_customer(heed.uow, staff, made["id"])["contacts"]) == 1


# ---- the frame of every page -------------------------------------------------------------


def test_every_page_says_when_automated_notifications_are_off_for_the_account(
    admin: TestClient, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    assert 'id="notifications-off"' not in admin.get("/").text
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(customer_notifications_enabled=False)
    )
    for path in ("/", "/customers/new", "/consent", "/settings", "/review", "/ar"):
        page = admin.get(path).text
        assert "Automated notifications are off for the whole account." in page, path


def test_consent_times_show_in_the_accounts_zone_with_its_name(
    office: TestClient, heed: Heed, staff: Principal, business_number: str
) -> None:
    mobile = unique_number("512")
    with time_machine.travel(datetime(2026, 1, 15, 18, 30, tzinfo=UTC), tick=False):
        consent.record_opt_out(heed.uow, staff, consent.OptOut(mobile, "said so"))
    page = office.get(f"/consent/{mobile}").text
    # The account's number is a 512 (Austin): 18:30 UTC is 12:30 Central Standard Time.
    assert ">2026-01-15 12:30 CST</time>" in page
    assert "UTC</time>" not in page


def test_an_unknown_page_answers_html_and_an_unknown_api_path_json(
    office: TestClient,
) -> None:
    page = office.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    api = office.get("/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_the_favicon_is_linked_and_served(office: TestClient) -> None:
    assert (
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in office.get("/").text
    )
    icon = office.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.text.startswith("<svg")


def test_every_settings_error_shows_at_once_in_the_pages_words(
    admin: TestClient, heed: Heed, staff: Principal, business_number: str
) -> None:
    sent = {
        "customer_notifications_enabled": "on",
        "sms_opt_out_scope": "account",
        "business_numbers": f"{dotted(business_number)}\n512-12",
        "window_start": "21:00",
        "window_end": "08:00",
        "placeholders": "",
        "help_text": "Reply STOP to stop.",
        **csrf(admin),
    }
    response = admin.post("/settings", data=sent)
    assert response.status_code == 422
    page = response.text
    assert "2 fields need attention" in page
    assert "Number 2 of the list: A North American phone number has 10 digits" in page
    assert "Enter two times like 08:00 and 21:00, the start before the end." in page
    for leak in ("sending_window.", "business_numbers["):
        assert leak not in page
    assert re.search(r'id="business_numbers"[^>]*aria-invalid="true"[^>]*autofocus', page)
    assert "512-12" in page
    settings = accounts.settings_to_edit(heed.uow, staff)
    assert settings["sending_window"] == {"start": "08:00", "end": "21:00"}


def test_a_viewer_is_not_asked_to_confirm_do_not_mail(
    heed: Heed, account: NewAccount, api_app: FastAPI, staff: Principal
) -> None:
    viewer = sign_in(api_app, heed, account, "viewer")
    made = customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Al Ray"}))
    refused = viewer.get(f"/customers/{made['id']}/do-not-mail/confirm")
    assert refused.status_code == 403
    assert "customer:edit" in refused.text


def test_a_forms_address_opened_as_a_page_answers_a_page_not_json(
    office: TestClient, heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Bo Cray"}))
    page = office.get(f"/customers/{made['id']}/do-not-mail")
    assert page.status_code == 405
    assert page.headers["content-type"].startswith("text/html")
    assert "nothing was changed" in page.text
    assert "POST" in page.headers["allow"]
    assert (
        office.get("/v1/customers", headers={})
        .headers["content-type"]
        .startswith("application/json")
    )


def test_the_settings_page_shows_and_saves_the_marketing_disclosure(
    admin: TestClient, heed: Heed, staff: Principal
) -> None:
    page = admin.get("/settings").text
    assert '<textarea id="marketing_disclosure" name="marketing_disclosure"' in page
    assert "reply YES to get marketing texts from Acme Plumbing" in page
    current = accounts.settings_to_edit(heed.uow, staff)
    wording = "Acme Plumbing: offers by text, up to 2 a month. Reply STOP to end, HELP for help."
    sent = {
        "customer_notifications_enabled": "on",
        "sms_opt_out_scope": current["sms_opt_out_scope"],
        "business_numbers": "\n".join(current["business_numbers"]),
        "window_start": current["sending_window"]["start"],
        "window_end": current["sending_window"]["end"],
        "placeholders": "",
        "help_text": current["help_text"] or "",
        "marketing_disclosure": wording,
        **csrf(admin),
    }
    saved = admin.post("/settings", data=sent)
    assert saved.status_code == 200, saved.text
    assert "Settings saved." in saved.text and wording in saved.text
    assert accounts.settings_to_edit(heed.uow, staff)["marketing_disclosure"] == wording

    too_long = admin.post("/settings", data={**sent, "marketing_disclosure": "x" * 481})
    assert too_long.status_code == 422
    assert "The marketing disclosure can be at most 480 characters." in too_long.text
    assert re.search(
        r'id="marketing_disclosure"[^>]*aria-invalid="true"[^>]*autofocus', too_long.text
    )
    assert accounts.settings_to_edit(heed.uow, staff)["marketing_disclosure"] == wording

    # Emptied: heed's standard wording again.
    admin.post("/settings", data={**sent, "marketing_disclosure": ""})
    restored = accounts.settings_to_edit(heed.uow, staff)["marketing_disclosure"]
    assert restored.startswith("Acme Plumbing: reply YES to get marketing texts")
