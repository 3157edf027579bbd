"""The History panel and the staff's "stop texting us" button in Chromium, against a real
``heed serve`` (R-23, R-33, R-15)."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    AFTERNOON_IN_CHICAGO,
    Server,
    sign_in,
)
from playwright.sync_api import Page, expect

from heed.bootstrap import Heed
from heed.domain.addresses import display_phone
from heed.services import common, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerChanges, CustomerInput
from unique_values import unique_number

pytestmark = pytest.mark.browser


@pytest.fixture
def earlier(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the test sets up in-process happened the day before the server's afternoon, a
    second apart, so the changes made in the browser are the newest."""
    seconds = itertools.count()
    start = AFTERNOON_IN_CHICAGO - timedelta(days=1)
    monkeypatch.setattr(common, "clock", lambda: start + timedelta(seconds=next(seconds)))


def _customer(heed: Heed, staff: Principal, **data: Any) -> dict[str, Any]:
    return customers.create_customer(heed.uow, staff, CustomerInput.parse(data))


def test_the_history_panel_shows_a_change_by_name_in_local_time_and_pages_older_changes(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    earlier: None,
    artifacts: Path,
) -> None:
    made = _customer(heed, staff, name="Lou Moss", locations=[{"name": "Shop"}])
    for n in range(12):
        customers.update_customer(
            heed.uow, staff, made["id"], CustomerChanges.parse({"name": f"Lou Moss {n}"})
        )
    email = sign_in(page, server, heed, account)

    page.goto(f"{server.url}/customers/{made['id']}")
    panel = page.locator(f"#history-{made['id']}")
    expect(panel.get_by_role("heading", name="History")).to_be_visible()
    expect(page.locator(f"#history-{made['locations'][0]['id']}")).to_contain_text(
        "Location added: Shop"
    )
    page.get_by_role("switch", name="Do Not Mail").click()
    page.get_by_role("button", name="Yes, set Do Not Mail").click()
    expect(page.get_by_role("switch", name="Do Not Mail")).to_have_attribute("aria-checked", "true")
    # The confirm step answers on its own address; the record, as staff come back to it.
    page.goto(f"{server.url}/customers/{made['id']}")

    newest = panel.locator(".history-item").first
    expect(newest).to_contain_text("Do Not Mail: off → on")
    expect(newest.locator(".history-who")).to_have_text(email)
    expect(newest.locator("time")).to_have_text(
        # The server's clock started at 15:00 in Chicago and runs on: minutes past it.
        re.compile(r"^2026-05-05 15:\d\d CDT$")
    )
    expect(panel.locator(".history-item")).to_have_count(10)
    page.screenshot(path=artifacts / "ui-history-panel.png", full_page=True)

    panel.get_by_role("link", name="Older changes").click()
    expect(panel.locator(".history-item")).to_have_count(15)
    expect(panel.locator(".history-item").last).to_contain_text("Customer added: Lou Moss")
    expect(panel.get_by_role("link", name="Older changes")).to_have_count(0)
    assert page.url.endswith(f"/customers/{made['id']}"), "older changes load in place"


def test_staff_record_a_phone_call_asking_to_stop_texts_after_confirming(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    earlier: None,
    artifacts: Path,
) -> None:
    mobile = unique_number("512")
    made = _customer(heed, staff, name="Ana Ruiz", contacts=[{"kind": "mobile", "value": mobile}])
    contact_id = made["contacts"][0]["id"]
    email = sign_in(page, server, heed, account)

    page.goto(f"{server.url}/customers/{made['id']}")
    row = page.locator(f"#contact-{contact_id}")
    confirm = row.get_by_role("button", name=f"Confirm: stop texting {display_phone(mobile)}")
    expect(confirm).to_be_hidden()
    row.get_by_text("Customer asked to stop texts").click()
    row.get_by_label("Note").fill("Called the office")
    page.screenshot(path=artifacts / "ui-stop-texting-confirm.png", full_page=True)
    confirm.click()

    expect(row.locator(".opted-out-note")).to_contain_text("opted out of SMS")
    expect(row.locator("[data-bell=job]")).to_have_attribute("data-state", "opted_out")
    expect(row.get_by_text("Customer asked to stop texts")).to_have_count(0)
    newest = page.locator(f"#history-{made['id']} .history-item").first
    expect(newest).to_contain_text(f"SMS opt-out of {display_phone(mobile)}: off → on")
    expect(newest.locator(".history-who")).to_have_text(email)

    page.goto(f"{server.url}/consent/{mobile}")
    expect(page.get_by_text("source: staff phone call")).to_be_visible()
    expect(page.get_by_text("Called the office")).to_be_visible()
