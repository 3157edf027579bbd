"""The staff header's Caller ID box in Chromium at 375 px (issue 16): typed from any
page, it finds the customer whose number is calling, with no sideways scroll; the
header names the signed-in staff member."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    Server,
    open_page,
    sign_in_as,
    staff_user,
)
from playwright.sync_api import Browser, Page, expect

from heed.bootstrap import Heed
from heed.services import customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from unique_values import unique_number

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, viewport={"width": 375, "height": 800})


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
    page = phone_page
    sign_in_as(page, server, staff_user(heed, account, name="Ann Ortega"))
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
