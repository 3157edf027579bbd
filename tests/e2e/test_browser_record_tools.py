"""The record's tools and the account's lists in Chromium against a real ``heed serve``:
an opt-out's scope and the From choice, merging two customers (without JavaScript too),
set all bells, the opted-out and placeholder lists and caller ID."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    Server,
    open_page,
    sign_in,
)
from playwright.sync_api import Browser, Page, expect

from heed.bootstrap import Heed
from heed.domain.contacts import ContactInput
from heed.services import accounts, consent, contacts, customers, messages
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput, LocationInput
from heed.services.senders import business_display
from unique_values import unique_email, unique_number

pytestmark = pytest.mark.browser


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, java_script_enabled=False)


def customer(heed: Heed, staff: Principal, **data: Any) -> dict[str, Any]:
    return customers.create_customer(heed.uow, staff, CustomerInput.parse(data))


def text_stop(heed: Heed, account: NewAccount, number: str, to: str) -> None:
    consent.record_inbound_sms(
        heed.uow,
        account.account_id,
        from_number=number,
        to_number=to,
        body="STOP",
        message_id="SM" + number[2:] + to[-4:],
        via="twilio_webhook",
    )


def fits(page: Page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width} px ({scroll} px wide)"


def test_a_per_number_opt_out_shows_its_scope_and_the_text_leaves_from_another_number(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
    artifacts: Path,
) -> None:
    second = unique_number("737")
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(
            sms_opt_out_scope="number", business_numbers=[business_number, second]
        ),
    )
    mobile = unique_number()
    made = customer(
        heed,
        staff,
        name="Maria Alvarez",
        contacts=[
            {"kind": "mobile", "value": mobile},
            {"kind": "email", "value": unique_email("maria", "gmail.com")},
        ],
    )
    contact_id = made["contacts"][0]["id"]
    text_stop(heed, account, mobile, business_number)

    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    note = page.locator(f"#contact-{contact_id} .opted-out-note")
    expect(note).to_contain_text(
        f"Opted out of texts from {business_display(business_number)} only"
    )
    blocked = page.locator(f"#send-from-number option[value='{business_number}']")
    expect(blocked).to_be_disabled()
    expect(blocked).to_contain_text("not allowed: opted out of texts from this number")
    expect(page.get_by_label("From", exact=True)).to_have_value(second)
    page.screenshot(path=artifacts / "ui-per-number-opt-out.png", full_page=True)

    # Another To: the From choice follows it (an email has none), and comes back.
    page.get_by_label("To", exact=True).select_option(index=1)
    expect(page.locator("#send-from-number")).to_have_count(0)
    page.get_by_label("To", exact=True).select_option(contact_id)
    expect(page.get_by_label("From", exact=True)).to_have_value(second)

    page.get_by_label("Message", exact=True).fill("Your part came in.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("queued")
    (sent,) = messages.list_messages(heed.uow, staff, contact_ids=[contact_id])
    assert sent["from"] == second


def test_merging_two_customers_without_javascript_shows_what_moves_then_moves_it(
    page_without_js: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
    artifacts: Path,
) -> None:
    page = page_without_js
    keep = customer(
        heed, staff, name="Dana Whitfield", contacts=[{"kind": "mobile", "value": unique_number()}]
    )
    duplicate_phone = unique_number()
    other = customer(
        heed,
        staff,
        name="Dana Whitfield-Old",
        contacts=[{"kind": "mobile", "value": duplicate_phone}],
        locations=[{"name": "Lake house", "contacts": []}],
    )
    text_stop(heed, account, duplicate_phone, business_number)

    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{keep['id']}")
    page.get_by_role("link", name="Merge another customer into this one").click()
    page.get_by_label("Other customer: name, phone or email").fill("Whitfield-Old")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name=re.compile("Merge Dana Whitfield-Old"))).to_have_count(1)
    page.get_by_role("link", name=re.compile("Merge Dana Whitfield-Old")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Merge Dana Whitfield-Old into Dana Whitfield?"
    )
    expect(page.locator("main")).to_contain_text("Lake house")
    expect(page.locator("main")).to_contain_text("Consent stays with each address")
    page.screenshot(path=artifacts / "ui-merge-confirm.png", full_page=True)
    assert customers.get_customer(heed.uow, staff, other["id"])["id"] == other["id"]

    page.get_by_role("button", name="Merge Dana Whitfield-Old into Dana Whitfield").click()
    expect(page.get_by_role("status")).to_contain_text("1 contact method and 1 location moved")
    expect(page.locator(".contacts").first).to_contain_text(
        f"({duplicate_phone[2:5]}) {duplicate_phone[5:8]}-{duplicate_phone[8:]}"
    )
    expect(page.locator(".opted-out-note")).to_have_count(1)
    expect(page.get_by_role("link", name="Lake house", exact=True)).to_be_visible()


def test_set_all_bells_turns_job_off_then_on_and_lists_the_opted_out_number(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
) -> None:
    stopped = unique_number()
    made = customer(
        heed,
        staff,
        name="Lou Moss",
        contacts=[
            {"kind": "mobile", "value": unique_number()},
            {"kind": "mobile", "value": stopped},
        ],
    )
    first, second = (c["id"] for c in made["contacts"])
    text_stop(heed, account, stopped, business_number)

    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    tools = page.locator("#all-bells")
    tools.get_by_text("Set all bells").first.click()
    tools.get_by_label("Notification").select_option("job")
    tools.get_by_label("Off").check()
    tools.get_by_role("button", name="Set all bells").click()
    expect(page.get_by_role("status")).to_contain_text("Job notifications turned off for 2")
    expect(page.locator(f"#contact-{first} [data-bell=job]")).to_have_attribute("data-state", "off")

    tools.get_by_text("Set all bells").first.click()
    tools.get_by_label("On", exact=True).check()
    tools.get_by_role("button", name="Set all bells").click()
    expect(page.get_by_role("status")).to_contain_text("turned on for 1 contact. 1 skipped")
    skipped = page.locator(f"#all-bells li[data-contact='{second}']")
    expect(skipped).to_contain_text("opted out of SMS")
    expect(page.locator(f"#contact-{first} [data-bell=job]")).to_have_attribute("data-state", "on")


def test_the_opted_out_list_the_placeholder_list_and_caller_id(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
    artifacts: Path,
) -> None:
    stopped = unique_number()
    made = customer(heed, staff, name="Carla Diaz", contacts=[{"kind": "mobile", "value": stopped}])
    customers.create_location(heed.uow, staff, made["id"], LocationInput.parse({"name": "Shop"}))
    text_stop(heed, account, stopped, business_number)
    placeholder = contacts.add_contact(
        heed.uow,
        staff,
        ContactInput.parse({"kind": "email", "value": "noemail@gmail.com"}),
        customer_id=made["id"],
        imported=True,
    )
    display = f"({stopped[2:5]}) {stopped[5:8]}-{stopped[8:]}"

    sign_in(page, server, heed, account)
    page.get_by_role("link", name="Opted out").click()
    row = page.locator(f"li[data-address='{stopped}']")
    expect(row).to_contain_text("texted a stop word")
    expect(row.get_by_role("link", name="Carla Diaz")).to_be_visible()
    page.get_by_label("Number or email").fill(stopped[5:])
    page.get_by_role("button", name="Search").click()
    expect(page.locator("ul.opted-out li")).to_have_count(1)
    page.screenshot(path=artifacts / "ui-opted-out.png", full_page=True)

    page.get_by_role("link", name="Placeholders").click()
    fix = page.locator(f"li[data-contact='{placeholder['id']}'] a")
    expect(fix).to_contain_text("Carla Diaz")
    fix.click()
    expect(page.get_by_role("heading", name="Carla Diaz", level=1)).to_be_visible()
    expect(page.locator(f"#panel-{placeholder['id']}")).to_be_visible()

    page.get_by_role("link", name="Caller ID").click()
    page.get_by_label("Number that is calling").fill(f"{stopped[2:5]}.{stopped[5:8]}.{stopped[8:]}")
    page.get_by_role("main").get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name=display)).to_be_visible()
    expect(page.locator("#lookup-consent")).to_contain_text("Opted out of texts from every")
    page.screenshot(path=artifacts / "ui-caller-id.png", full_page=True)
    page.get_by_role("link", name="Carla Diaz").click()
    expect(page).to_have_url(re.compile(f"/customers/{made['id']}$"))


@pytest.mark.parametrize("width", [375, 1280])
def test_the_new_pages_fit_a_phone_and_a_laptop(
    browser: Browser,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
    artifacts: Path,
    width: int,
) -> None:
    stopped = unique_number()
    made = customer(heed, staff, name="Ana Ruiz", contacts=[{"kind": "mobile", "value": stopped}])
    other = customer(heed, staff, name="Ana Ruiz (2)")
    text_stop(heed, account, stopped, business_number)
    for page in open_page(browser, viewport={"width": width, "height": 900}):
        sign_in(page, server, heed, account)
        for path, name in [
            ("/opted-out", "opted-out"),
            ("/placeholders", "placeholders"),
            (f"/lookup?phone={stopped[2:]}", "caller-id"),
            (f"/customers/{made['id']}/merge?q=Ruiz", "merge-search"),
            (f"/customers/{made['id']}/merge?other={other['id']}", "merge-confirm"),
        ]:
            page.goto(server.url + path)
            expect(page.locator("main h1")).to_be_visible()
            fits(page, width)
            page.screenshot(path=artifacts / f"ui-{name}-{width}px.png", full_page=True)
