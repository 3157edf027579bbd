"""The staff UI as a CSR meets it in Chromium: every form error at once, search that says
what matched, confirmations, notices and focus, the account-off banner, the 404 page;
and every page checked by axe-core at a phone's and a laptop's width, with screenshots
for CI to keep (artifacts/screenshots/)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from browser_support import (
    NIGHT_IN_CHICAGO,
    Server,
    open_page,
    sign_in,
)
from playwright.sync_api import Browser, Page, expect

from heed.bootstrap import Heed
from heed.services import accounts, consent, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput, LocationInput
from unique_values import unique_email, unique_number

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "fixtures" / "axe.min.js"
WIDTHS = (375, 1280)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # axe is injected by the test, past the pages' Content-Security-Policy.
    yield from open_page(browser, bypass_csp=True)


@pytest.fixture
def screenshots(artifacts: Path) -> Path:
    path = artifacts / "screenshots"
    path.mkdir(exist_ok=True)
    return path


def customer(heed: Heed, staff: Principal, **data: Any) -> dict[str, Any]:
    return customers.create_customer(heed.uow, staff, CustomerInput.parse(data))


def dashed(e164: str) -> str:
    return f"{e164[2:5]}-{e164[5:8]}-{e164[8:]}"


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


# ---- flows -------------------------------------------------------------------------------


def test_the_new_customer_form_shows_every_error_at_once_and_focuses_the_first(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    sign_in(page, server, heed, account)
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Mobile number").fill("512-55")
    page.get_by_label("Memo for this mobile").fill("Cell")
    page.get_by_label("Email address").fill("noemail@gmail.com")
    page.get_by_label("Mail", exact=True).uncheck()
    page.get_by_role("button", name="Create customer").click()

    expect(page.locator("#nc-summary")).to_contain_text("4 fields need attention")
    expect(page.locator("#nc-name-error")).to_have_text("Enter the customer's name.")
    expect(page.locator("#nc-mobile-error")).to_contain_text("10 digits")
    expect(page.locator("#nc-email-error")).to_contain_text("placeholder")
    expect(page.locator("#nc-invoice_delivery-error")).to_have_text("Choose Mail, Email or both.")
    expect(page.locator("#nc-name")).to_be_focused()
    expect(page.locator("#nc-mobile")).to_have_value("512-55")
    expect(page.locator("#nc-mobile")).to_have_attribute("aria-describedby", "nc-mobile-error")
    expect(page.get_by_label("Memo for this mobile")).to_have_value("Cell")
    assert "contacts" not in page.locator("main").inner_text()

    mobile = unique_number("512")
    page.get_by_label("Name").fill("Nora Quinn")
    page.get_by_label("Mobile number").fill(dashed(mobile))
    page.get_by_label("Email address").fill("")
    page.get_by_label("Mail", exact=True).check()
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", name="Nora Quinn", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Customer created.")
    expect(page.locator(".contact .memo")).to_have_text("Cell")


def test_a_number_on_another_record_is_warned_and_can_still_be_saved(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    mobile = unique_number("512")
    customer(heed, staff, name="Olga Reyes", contacts=[{"kind": "mobile", "value": mobile}])
    sign_in(page, server, heed, account)
    page.goto(server.url + "/customers/new")
    page.get_by_label("Name").fill("Olga Reyes (rental)")
    page.get_by_label("Mobile number").fill(dashed(mobile))
    page.get_by_role("button", name="Create customer").click()
    warning = page.locator("#nc-duplicates")
    expect(warning).to_contain_text("Already on another record")
    expect(warning.get_by_role("link", name="Olga Reyes")).to_be_visible()
    page.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_role("heading", name="Olga Reyes (rental)", level=1)).to_be_visible()


def test_search_finds_by_last_digits_and_domain_and_marks_what_matched(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    mobile = unique_number("512")
    customer(
        heed,
        staff,
        name="Pia Stone",
        contacts=[
            {"kind": "mobile", "value": mobile},
            {"kind": "email", "value": unique_email("pia", "gmail.com")},
        ],
    )
    sign_in(page, server, heed, account)
    search = page.get_by_label("Name, phone or email")
    search.fill(mobile[-4:])
    page.get_by_role("button", name="Search").click()
    result = page.locator(".results li", has_text="Pia Stone")
    expect(result.locator("mark")).to_have_text(mobile[-4:])
    page.get_by_label("Name, phone or email").fill("gmail")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".results li", has_text="Pia Stone").locator("mark")).to_have_text("gmail")


def test_removing_a_number_asks_first_then_says_it_was_removed(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    mobile, landline = unique_number("512"), unique_number("512")
    made = customer(
        heed,
        staff,
        name="Quinn Tate",
        contacts=[{"kind": "mobile", "value": mobile}, {"kind": "phone", "value": landline}],
    )
    contact_id = made["contacts"][0]["id"]
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    page.locator(f"#contact-{contact_id}").get_by_role("button", name="Edit").click()
    # The htmx swap puts the focus in the panel it opened.
    expect(page.locator(f"#value-{contact_id}")).to_be_focused()
    page.get_by_role("button", name=re.compile(r"^Remove ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove (")
    expect(page.get_by_role("button", name=re.compile(r"^Yes, remove"))).to_be_focused()
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator(f"#contact-{contact_id}")).to_be_visible()

    page.locator(f"#contact-{contact_id}").get_by_role("button", name="Edit").click()
    page.get_by_role("button", name=re.compile(r"^Remove ")).click()
    page.get_by_role("button", name=re.compile(r"^Yes, remove")).click()
    expect(page.get_by_role("status")).to_contain_text("Removed")
    expect(page.locator(f"#contact-{contact_id}")).to_have_count(0)
    assert len(customers.get_customer(heed.uow, staff, made["id"])["contacts"]) == 1


def test_after_an_htmx_save_the_focus_lands_on_the_notice(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customer(
        heed, staff, name="Rex Udall", contacts=[{"kind": "mobile", "value": unique_number()}]
    )
    contact_id = made["contacts"][0]["id"]
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    page.locator(f"#contact-{contact_id} [data-bell=job]").click()
    page.locator(f"#panel-{contact_id}").get_by_label("Job notifications").uncheck()
    page.locator(f"#panel-{contact_id}").get_by_role("button", name="Save").click()
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("saved")
    expect(notice).to_be_focused()


def test_do_not_mail_asks_first_and_gives_advice_for_email_invoices(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customer(
        heed,
        staff,
        name="Sal Vance",
        invoice_delivery=["email"],
        contacts=[{"kind": "email", "value": unique_email("sal", "vance.net")}],
    )
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    page.get_by_role("switch", name="Do Not Mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set Do Not Mail for Sal Vance?")
    expect(page.locator("#dnm-invoice-advice")).to_contain_text("change Invoice & statement")
    page.get_by_role("button", name="Yes, set Do Not Mail").click()
    expect(page.locator("#dnm-banner")).to_be_visible()
    expect(page.locator("#invoice-warning")).to_contain_text("Untick Email and tick Mail")
    # The advice can be followed: delivery by mail clears the warning.
    page.get_by_label("Email", exact=True).uncheck()
    page.get_by_label("Mail", exact=True).check()
    page.get_by_role("button", name="Save delivery").click()
    expect(page.get_by_role("status")).to_contain_text("delivery saved")
    expect(page.locator("#invoice-warning")).to_have_count(0)


def test_the_account_off_banner_and_the_404_page(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(customer_notifications_enabled=False)
    )
    sign_in(page, server, heed, account)
    expect(page.locator("#notifications-off")).to_contain_text(
        "Automated notifications are off for the whole account"
    )
    answer = page.goto(server.url + "/customers/x/y/z")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("#notifications-off")).to_be_visible()
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon == "/static/favicon.svg"


# ---- every page: axe-core, no sideways scroll, screenshots ----------------------------------


def axe_problems(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
        }"""
    )
    return found


def staff_pages(heed: Heed, staff: Principal) -> dict[str, str]:
    """The staff pages to check, named for their screenshots, with records to show."""
    mobile = unique_number("512")
    made = customer(
        heed,
        staff,
        name="Maria Alvarez",
        billing_address="4100 Speedway, Austin, TX 78751",
        invoice_delivery=["email"],
        contacts=[
            {"kind": "mobile", "value": mobile, "memo": "cell"},
            {"kind": "email", "value": unique_email("maria.alvarez", "gmail.com")},
        ],
    )
    customers.create_location(
        heed.uow,
        staff,
        made["id"],
        LocationInput.parse(
            {
                "name": "Rental duplex",
                "address": "2207 E 12th St, Austin, TX",
                "time_zone": "America/Chicago",
                "contacts": [{"kind": "mobile", "value": unique_number("512"), "memo": "tenant"}],
            }
        ),
    )
    consent.record_opt_out(heed.uow, staff, consent.OptOut(mobile, "Asked on the phone"))
    other = customer(heed, staff, name="Maria Alvarez (old record)")
    marketed = unique_number("512")
    signed = consent.RecordMarketing(
        marketed, "written", disclosure="Acme offers by text, 2 a month.", reference="Form 12"
    )
    consent.record_marketing_consent(heed.uow, staff, signed)
    return {
        "search": f"/?q={mobile[-4:]}",
        "new-customer": "/customers/new",
        "record": f"/customers/{made['id']}",
        "history": f"/customers/{made['id']}/history",
        "merge": f"/customers/{made['id']}/merge?other={other['id']}",
        "consent-latest": "/consent",
        "consent": f"/consent/{mobile}",
        "receipt": f"/consent/{marketed}/receipt",
        "opted-out": "/opted-out",
        "placeholders": "/placeholders",
        "caller-id": f"/lookup?phone={mobile}",
        "messages": "/messages",
        "imports": "/imports",
        "settings": "/settings",
        "replies": "/settings/replies",
        "review": "/review",
        "ar": "/ar",
        "not-found": "/no-such-page",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_every_staff_page_passes_axe_and_fits_the_width_at_night(
    page: Page,
    server_at: Callable[[datetime], Server],
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    screenshots: Path,
    width: int,
) -> None:
    """At night in Chicago the record carries deferral badges: the widest it gets."""
    server = server_at(NIGHT_IN_CHICAGO)
    pages = staff_pages(heed, staff)
    # The customer's own page too, by the signed link the server itself makes.
    record_id = pages["record"].rsplit("/", 1)[1]
    link = httpx.post(
        f"{server.url}/v1/customers/{record_id}/preference-link",
        json={},
        headers={"Authorization": f"Bearer {account.api_key}"},
    ).json()["url"]
    pages["preference-page"] = urlsplit(link).path
    page.set_viewport_size({"width": width, "height": 900})
    problems: dict[str, list[dict[str, Any]]] = {}
    too_wide: dict[str, int] = {}

    def check(name: str) -> None:
        found = axe_problems(page)
        if found:
            problems[name] = found
        scroll = int(page.evaluate("document.documentElement.scrollWidth"))
        if scroll > width:
            too_wide[name] = scroll
        page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)

    page.goto(server.url + "/login")
    check("login")
    sign_in(page, server, heed, account, "admin")
    for name, path in pages.items():
        shown = page.goto(server.url + path)
        assert shown is not None and (shown.ok or name == "not-found"), (name, path)
        check(name)
    # A form refused: the errors beside their fields.
    page.goto(server.url + "/customers/new")
    page.get_by_label("Mobile number").fill("12")
    page.get_by_role("button", name="Create customer").click()
    check("new-customer-errors")
    assert problems == {}, json.dumps(problems, indent=1)
    assert too_wide == {}
    if width == 375:
        expect(page.locator("#nc-name")).to_be_focused()
