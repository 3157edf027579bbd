"""The customer's preference page in Chromium on a phone's width, without JavaScript (R-31)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from api_support import bearer
from browser_support import (
    Server,
    open_page,
)
from playwright.sync_api import Browser, Page, expect

from heed.bootstrap import Heed
from heed.services import consent
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from unique_values import unique_email, unique_number

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page with JavaScript off: the page must work without it."""
    yield from open_page(
        browser, viewport={"width": PHONE_WIDTH, "height": 740}, java_script_enabled=False
    )


def _fits(page: Page, selector: str) -> None:
    for element in page.locator(selector).all():
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0, box
        assert box["x"] + box["width"] <= PHONE_WIDTH, (selector, box)


def test_a_customer_stops_texts_on_a_phone_without_javascript(
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    server: Server,
    phone_page: Page,
    artifacts: Path,
) -> None:
    phone, email = unique_number(), unique_email("maria", "gmail.com")
    key = bearer(account.api_key)
    made = httpx.post(
        f"{server.url}/v1/customers",
        json={
            "name": "Maria Alvarez",
            "contacts": [{"kind": "mobile", "value": phone}, {"kind": "email", "value": email}],
        },
        headers=key,
    ).json()
    link = httpx.post(
        f"{server.url}/v1/customers/{made['id']}/preference-link", json={}, headers=key
    ).json()["url"]
    assert urlsplit(link).netloc == urlsplit(server.url).netloc

    phone_page.goto(link)
    expect(phone_page.get_by_role("heading", name="Your message preferences")).to_be_visible()
    expect(phone_page.get_by_text("Acme Plumbing").first).to_be_visible()
    expect(phone_page.get_by_text(f"•••-•••-{phone[-4:]}")).to_be_visible()
    expect(phone_page.get_by_text("m•••@gmail.com")).to_be_visible()
    expect(phone_page.get_by_text(phone)).to_have_count(0)
    _fits(phone_page, "fieldset, label.check, button.save, h1, p")
    phone_page.screenshot(path=artifacts / "preference-page-375px.png", full_page=True)

    # The marketing box: the disclosure beside it, ticked and saved without script.
    expect(phone_page.get_by_text("reply YES to get marketing texts").first).to_be_visible()
    phone_page.get_by_label("Yes, send me marketing texts").check()
    phone_page.get_by_role("button", name="Save my choices").click()
    expect(phone_page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(phone_page.get_by_label("Yes, send me marketing texts")).to_be_checked()
    _fits(phone_page, "fieldset, label.check, p.disclosure")
    marketing = consent.address_consent(heed.uow, staff, phone)["marketing"]
    assert (marketing["consented"], marketing["method"]) == (True, "web_form")
    assert "Chrome" in marketing["user_agent"] and marketing["ip"]

    phone_page.get_by_label("Stop all texts to this number").check()
    phone_page.get_by_role("button", name="Save my choices").click()
    expect(phone_page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(phone_page.get_by_text("to resubscribe")).to_be_visible()
    expect(phone_page.get_by_label("Stop all texts to this number")).to_have_count(0)
    _fits(phone_page, "fieldset, p.stopped, button.save")
    phone_page.screenshot(path=artifacts / "preference-page-375px-stopped.png", full_page=True)

    given, entry = consent.consent_history(heed.uow, staff, phone)["events"]
    assert (given["action"], given["via"]) == ("marketing_consent", "preference_page")
    assert (entry["action"], entry["via"]) == ("opt_out", "preference_page")
    expect(phone_page.get_by_label("Yes, send me marketing texts")).to_have_count(0)
