"""The staff header's Caller ID box in Chromium at 375 px (issue 16): typed from any
page, it finds the customer whose number is calling, with no sideways scroll; the
header names the signed-in staff member."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    AFTERNOON_IN_CHICAGO,
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    require_chromium,
    start_server,
)
from playwright.sync_api import Browser, Page, expect, sync_playwright

from heed.bootstrap import Heed
from heed.services import accounts, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from unique_values import unique_email, unique_number

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_chromium()
    with start_server(db_url, tmp_path_factory.mktemp("serve"), AFTERNOON_IN_CHICAGO) as running:
        yield running


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _no_sideways_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_the_header_caller_id_box_finds_a_customer_by_number_at_375_px(
    phone_page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    artifacts: Path,
) -> None:
    phone = unique_number()
    made = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {"name": "Rita Caller", "contacts": [{"kind": "mobile", "value": phone}]}
        ),
    )
    email = unique_email("office", "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "office", "Ann Ortega")
    page = phone_page
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find a customer")).to_be_visible()
    expect(page.locator("header .who .user")).to_contain_text("Ann Ortega")
    page.goto(server.url + "/opted-out")
    assert _no_sideways_scroll(page)

    box = page.get_by_role("searchbox", name="Caller ID")
    box.fill(phone)
    box.press("Enter")

    expect(page.get_by_role("heading", name="Caller ID", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Rita Caller")).to_have_attribute(
        "href", f"/customers/{made['id']}"
    )
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "caller-id-375.png"), full_page=True)
