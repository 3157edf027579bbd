"""The staff UI works in Chromium with heed's Content-Security-Policy in force: no page
or htmx swap needs an inline script, style or handler the policy refuses."""

from __future__ import annotations

import pytest
from browser_support import (
    PASSWORD,
    Server,
    staff_user,
)
from playwright.sync_api import ConsoleMessage, Page, expect

from heed.bootstrap import Heed
from heed.services import customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput

pytestmark = pytest.mark.browser

# Recorded by the page itself: the browser fires this event for every refused resource.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def watched(page: Page) -> tuple[Page, list[str]]:
    """A page and the console's complaints about the policy, as they come."""
    complaints: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            complaints.append(message.text)

    page.add_init_script(LISTEN)
    page.on("console", note)
    return page, complaints


def _violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__violations")
    return found


def test_the_main_pages_and_an_htmx_change_run_without_a_policy_violation(
    watched: tuple[Page, list[str]],
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
) -> None:
    page, complaints = watched
    email = staff_user(heed, account, "admin")
    made = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {"name": "Rosa Diaz", "contacts": [{"kind": "mobile", "value": "+15125552177"}]}
        ),
    )
    contact_id = made["contacts"][0]["id"]
    seen: list[str] = []

    page.goto(server.url + "/login")
    seen += _violations(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Find a customer")).to_be_visible()
    seen += _violations(page)

    page.goto(f"{server.url}/customers/{made['id']}")
    bell = page.locator(f"#contact-{contact_id} [data-bell=job]")
    bell.click()
    panel = page.locator(f"#panel-{contact_id}")
    panel.get_by_label("Job notifications").uncheck()
    panel.get_by_role("button", name="Save").click()
    # The swap itself proves htmx ran under the policy.
    expect(bell).to_have_attribute("data-state", "off")
    seen += _violations(page)

    for path in ("/ar", "/consent", "/settings", "/customers/new"):
        response = page.goto(server.url + path)
        assert response is not None
        assert "script-src 'self';" in response.headers["content-security-policy"]
        expect(page.locator("main h1")).to_be_visible()
        seen += _violations(page)

    assert seen == [] and complaints == []
    # The watch itself works: an inline script, which the policy refuses, is reported.
    with pytest.raises(Exception):  # noqa: B017 - Playwright's error for a refused script tag
        page.add_script_tag(content="document.title = 'inline'")
    assert _violations(page) and page.title() != "inline"
