"""The customer's preference page through the real HTTP app (R-31, R-12, R-13).

The link is made through the API; the page is read and posted as a browser without
JavaScript would: plain GET, plain form POST with the page's token and cookie.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from api_support import message_sid
from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.entrypoints.web import preferences as pages
from heed.services import accounts, common
from heed.services.accounts import NewAccount
from unique_values import unique_email, unique_number

MakeCustomer = Callable[..., dict[str, Any]]


@pytest.fixture
def browser(api_app: FastAPI) -> TestClient:
    """A client that keeps cookies and does not follow redirects, like a browser's history."""
    return TestClient(api_app, follow_redirects=False)


@pytest.fixture(autouse=True)
def roomy_limits(heed: Heed) -> None:
    """Each test starts with fresh limits, so tests never count against each other."""
    heed.extras[pages._LIMITS] = pages.PageLimits()


def _link(client: TestClient, auth: dict[str, str], customer_id: str, **body: Any) -> str:
    made = client.post(f"/v1/customers/{customer_id}/preference-link", json=body, headers=auth)
    assert made.status_code == 201, made.text
    url: str = made.json()["url"]
    return urlsplit(url).path


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def _customer(make_customer: MakeCustomer) -> tuple[dict[str, Any], str, str]:
    phone, email = unique_number(), unique_email("maria", "gmail.com")
    customer = make_customer(
        contacts=[{"kind": "mobile", "value": phone}, {"kind": "email", "value": email}]
    )
    return customer, phone, email


def _events(client: TestClient, auth: dict[str, str], address: str) -> list[dict[str, Any]]:
    answer = client.get(f"/v1/consent/{address}", headers=auth)
    events: list[dict[str, Any]] = answer.json()["events"]
    return events


def test_the_api_makes_a_link_of_90_days_by_default_and_refuses_other_lengths(
    client: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    customer = make_customer()
    made = client.post(f"/v1/customers/{customer['id']}/preference-link", headers=auth)
    assert made.status_code == 201
    assert set(made.json()) == {"url", "expires_at"}
    assert "/p/" in made.json()["url"]
    short = client.post(
        f"/v1/customers/{customer['id']}/preference-link",
        json={"expires_in_days": 30},
        headers=auth,
    )
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "validation_error"
    assert "expires_in_days" in short.text


def test_the_api_needs_customer_edit_and_a_customer_of_the_account(
    client: TestClient,
    auth: dict[str, str],
    other_auth: dict[str, str],
    key_with: Callable[..., dict[str, str]],
    make_customer: MakeCustomer,
) -> None:
    url = f"/v1/customers/{make_customer()['id']}/preference-link"
    assert client.post(url, headers=key_with("customer:view")).status_code == 403
    assert client.post(url, headers=other_auth).status_code == 404
    assert client.post(url).status_code == 401


def test_the_page_shows_the_business_and_masked_addresses_without_script(
    client: TestClient, browser: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    customer, phone, email = _customer(make_customer)
    page = browser.get(_link(client, auth, customer["id"]))
    assert page.status_code == 200
    assert "Acme Plumbing" in page.text
    assert f"•••-•••-{phone[-4:]}" in page.text and "m•••@gmail.com" in page.text
    assert phone not in page.text and email not in page.text and phone[-10:] not in page.text
    assert "<script" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "samesite=lax" in page.headers["set-cookie"].lower()


def test_stopping_texts_on_the_page_is_a_ledger_entry_via_preference_page(
    client: TestClient, browser: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    customer, phone, email = _customer(make_customer)
    path = _link(client, auth, customer["id"])
    page = browser.get(path).text
    key = re.search(r'name="stop" value="([^"]+)"', page)
    assert key is not None
    saved = browser.post(path, data={"csrf_token": _csrf(page), "stop": key[1]})
    assert saved.status_code == 303
    [entry] = _events(client, auth, phone)
    assert (entry["action"], entry["via"], entry["source"]) == (
        "opt_out",
        "preference_page",
        "preference_page",
    )
    assert _events(client, auth, email) == []
    after = browser.get(saved.headers["location"]).text
    assert "Your choices are saved." in after
    assert "text <strong>START</strong> to" in after


def test_stop_all_email_suppresses_every_email_of_the_customer(
    client: TestClient, browser: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    customer, phone, email = _customer(make_customer)
    path = _link(client, auth, customer["id"])
    page = browser.get(path).text
    saved = browser.post(path, data={"csrf_token": _csrf(page), "stop_all_email": "on"})
    assert saved.status_code == 303
    assert [(e["action"], e["via"]) for e in _events(client, auth, email)] == [
        ("suppress", "preference_page")
    ]
    assert _events(client, auth, phone) == []


def test_a_post_without_the_pages_token_or_cookie_changes_nothing(
    client: TestClient,
    browser: TestClient,
    api_app: FastAPI,
    auth: dict[str, str],
    make_customer: MakeCustomer,
) -> None:
    customer, phone, _ = _customer(make_customer)
    path = _link(client, auth, customer["id"])
    page = browser.get(path).text
    token = _csrf(page)
    assert browser.post(path, data={"stop_all_texts": "on"}).status_code == 403
    assert (
        browser.post(path, data={"csrf_token": "x" * 64, "stop_all_texts": "on"}).status_code == 403
    )
    # Another site posting the form: the browser sends no SameSite=Lax cookie along.
    stranger = TestClient(api_app, follow_redirects=False)
    refused = stranger.post(path, data={"csrf_token": token, "stop_all_texts": "on"})
    assert refused.status_code == 403
    assert "Nothing was changed" in refused.text
    assert _events(client, auth, phone) == []


def test_a_token_from_one_link_does_not_post_another(
    client: TestClient, browser: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    first, _, _ = _customer(make_customer)
    second, phone, _ = _customer(make_customer)
    token = _csrf(browser.get(_link(client, auth, first["id"])).text)
    path = _link(client, auth, second["id"])
    browser.get(path)
    assert browser.post(path, data={"csrf_token": token, "stop_all_texts": "on"}).status_code == 403
    assert _events(client, auth, phone) == []


def test_an_expired_link_says_how_to_get_a_new_one(
    client: TestClient,
    browser: TestClient,
    auth: dict[str, str],
    make_customer: MakeCustomer,
    business_number: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _link(client, auth, make_customer()["id"], expires_in_days=60)
    later = common.now() + timedelta(days=61)
    monkeypatch.setattr(common, "clock", lambda: later)
    page = browser.get(path)
    assert page.status_code == 410
    assert "has expired" in page.text
    assert "Acme Plumbing" in page.text
    assert business_number[-4:] in page.text


def test_a_revoked_link_says_how_to_get_a_new_one_and_the_new_one_works(
    client: TestClient, browser: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    customer = make_customer()
    old = _link(client, auth, customer["id"])
    new = _link(client, auth, customer["id"])
    refused = browser.get(old)
    assert refused.status_code == 410
    assert "replaced by a newer one" in refused.text and "Acme Plumbing" in refused.text
    assert browser.get(new).status_code == 200


def test_a_forged_link_names_no_business(browser: TestClient) -> None:
    page = browser.get("/p/WyJhY2NfMSIsImN1c18xIiwxLDk5OTk5OTk5OTld.bm90LXNpZ25lZA")
    assert page.status_code == 404
    assert "Acme" not in page.text and "not valid" in page.text


def test_a_stopped_number_cannot_be_turned_back_on_from_the_page_r12(
    client: TestClient,
    browser: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    make_customer: MakeCustomer,
    account: NewAccount,
    business_number: str,
) -> None:
    customer, phone, _ = _customer(make_customer)
    path = _link(client, auth, customer["id"])
    phone_key = customer["contacts"][0]["id"]
    # The customer turns job texts off, then texts STOP.
    page = browser.get(path).text
    off = browser.post(path, data={"csrf_token": _csrf(page), "shown": phone_key})
    assert off.status_code == 303
    stop = {"from": phone, "to": business_number, "body": "STOP", "message_id": message_sid()}
    assert client.post("/v1/inbound/sms", json=stop, headers=gateway).status_code == 200
    page = browser.get(path).text
    assert "text <strong>START</strong> to" in page
    assert f'value="{phone_key}:job"' not in page
    # A hand-made form asking to switch texts back on is refused, and nothing changes.
    forged = {"csrf_token": _csrf(page), "shown": phone_key, "on": f"{phone_key}:job"}
    refused = browser.post(path, data=forged)
    assert refused.status_code == 409
    assert "Only the customer can opt back in by texting START" in refused.text
    assert [e["action"] for e in _events(client, auth, phone)] == ["opt_out"]


def test_the_page_is_limited_per_link(
    heed: Heed,
    client: TestClient,
    browser: TestClient,
    auth: dict[str, str],
    make_customer: MakeCustomer,
) -> None:
    heed.extras[pages._LIMITS] = pages.PageLimits(per_link=3, per_client=100)
    path = _link(client, auth, make_customer()["id"])
    assert [browser.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]
    busy = browser.get(path)
    assert int(busy.headers["retry-after"]) > 0
    other = _link(client, auth, make_customer("Lou Moss")["id"])
    assert browser.get(other).status_code == 200


def test_the_page_is_limited_per_client_address(heed: Heed, browser: TestClient) -> None:
    heed.extras[pages._LIMITS] = pages.PageLimits(per_link=100, per_client=2)
    answers = [browser.get(f"/p/guess-{i}").status_code for i in range(3)]
    assert answers == [404, 404, 429]


PASSWORD = "correct horse battery"


@pytest.fixture
def staff_browser(heed: Heed, account: NewAccount, api_app: FastAPI) -> TestClient:
    """A client signed in as office staff, with its form token in ``X-CSRF-Token``."""
    email = unique_email("office", "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "office")
    staff = TestClient(api_app, follow_redirects=False)
    login = {"email": email, "password": PASSWORD, "csrf_token": _csrf(staff.get("/login").text)}
    assert staff.post("/login", data=login).status_code == 303
    staff.headers["X-CSRF-Token"] = _csrf(staff.get("/customers/new").text)
    return staff


def test_staff_make_a_link_from_the_record_and_a_new_one_revokes_it(
    staff_browser: TestClient, browser: TestClient, make_customer: MakeCustomer
) -> None:
    customer = make_customer()
    record = staff_browser.get(f"/customers/{customer['id']}").text
    assert 'id="preference-link"' in record
    action = f"/customers/{customer['id']}/preference-link"
    form = {"csrf_token": staff_browser.headers["X-CSRF-Token"], "back": ""}
    first = staff_browser.post(action, data=form)
    assert first.status_code == 200
    url = re.search(r'id="preflink-url" value="([^"]+)"', first.text)
    assert url is not None
    assert browser.get(urlsplit(url[1]).path).status_code == 200
    second = staff_browser.post(action, data=form)
    assert "Make a new link" in second.text
    assert browser.get(urlsplit(url[1]).path).status_code == 410
    unsigned = staff_browser.post(action, data={"back": ""}, headers={"X-CSRF-Token": ""})
    assert unsigned.status_code == 403


def _form(page: str) -> dict[str, Any]:
    """What a browser posts for the page as it stands: its token, the disclosure's
    version, the addresses shown and every box already ticked."""
    fields: dict[str, Any] = {
        "csrf_token": _csrf(page),
        "disclosure_version": re.findall(r'name="disclosure_version" value="([^"]+)"', page)[0],
        "shown": re.findall(r'name="shown" value="([^"]+)"', page),
        "on": re.findall(r'name="on" value="([^"]+)" checked', page),
    }
    return fields


def test_ticking_the_marketing_box_records_web_form_consent_seen_by_the_api(
    client: TestClient, browser: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    customer, phone, _ = _customer(make_customer)
    path = _link(client, auth, customer["id"])
    page = browser.get(path).text
    assert "Yes, send me marketing texts" in page
    assert "reply YES to get marketing texts from Acme Plumbing" in page
    box = re.search(r'name="marketing" value="([^"]+)" aria-describedby="disclosure-', page)
    assert box is not None
    saved = browser.post(
        path, data={**_form(page), "marketing": box[1]}, headers={"User-Agent": "PhoneBrowser/1"}
    )
    assert saved.status_code == 303, saved.text
    marketing = client.get(f"/v1/consent/{phone}", headers=auth).json()["marketing"]
    assert marketing["consented"] is True
    assert (marketing["method"], marketing["captured_via"]) == ("web_form", "preference_page")
    assert marketing["user_agent"] == "PhoneBrowser/1" and marketing["ip"]
    after = browser.get(saved.headers["location"]).text
    assert re.search(rf'name="marketing" value="{box[1]}"[^>]* checked', after)

    # Saving the page with the box cleared withdraws it.
    cleared = browser.post(path, data=_form(after))
    assert cleared.status_code == 303
    marketing = client.get(f"/v1/consent/{phone}", headers=auth).json()["marketing"]
    assert (marketing["consented"], marketing["withdrawn"]) == (False, True)


def test_a_stopped_number_shows_no_marketing_box_and_a_made_up_one_is_refused(
    client: TestClient, browser: TestClient, auth: dict[str, str], make_customer: MakeCustomer
) -> None:
    customer = make_customer(contacts=[{"kind": "mobile", "value": unique_number()}])
    phone = customer["contacts"][0]["value"]
    path = _link(client, auth, customer["id"])
    page = browser.get(path).text
    key = re.findall(r'name="stop" value="([^"]+)"', page)[0]
    assert browser.post(path, data={**_form(page), "stop": key}).status_code == 303
    stopped = browser.get(path).text
    assert 'name="marketing"' not in stopped
    refused = browser.post(path, data={**_form(stopped), "marketing": key})
    assert refused.status_code == 409
    assert [e["action"] for e in _events(client, auth, phone)] == ["opt_out"]
