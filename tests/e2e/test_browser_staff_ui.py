"""The staff UI in Chromium against a real ``heed serve``: what office staff do all day."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import (
    AFTERNOON_IN_CHICAGO,
    NIGHT_IN_CHICAGO,
    PASSWORD,
    Server,
    sign_in,
    sign_in_as,
    staff_user,
)
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text
from twilio.request_validator import RequestValidator

from heed.bootstrap import Heed
from heed.services import consent, customers, ledger_check, messages
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput, LocationInput
from unique_values import unique_email, unique_number

pytestmark = pytest.mark.browser

OPT_OUT_SENTENCE = (
    "This contact has opted out of SMS communication. "
    "Only the customer can opt back in by texting START."
)


def number(area: str = "512") -> str:
    return unique_number(area)


def dashed(e164: str) -> str:
    return f"{e164[2:5]}.{e164[5:8]}.{e164[8:]}"


def customer(heed: Heed, staff: Principal, **data: Any) -> dict[str, Any]:
    return customers.create_customer(heed.uow, staff, CustomerInput.parse(data))


def bell(page: Page, contact_id: str, category: str = "job") -> Any:
    return page.locator(f"#contact-{contact_id} [data-bell={category}]")


def test_staff_sign_in_and_find_a_customer_by_a_phone_typed_another_way(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    artifacts: Path,
) -> None:
    mobile = number()
    maria = customer(
        heed,
        staff,
        name="Maria Alvarez",
        billing_address="4100 Speedway, Austin, TX",
        invoice_delivery=["email"],
        contacts=[
            {"kind": "mobile", "value": mobile, "memo": "cell"},
            {"kind": "email", "value": unique_email("maria", "gmail.com")},
        ],
    )
    customers.create_location(
        heed.uow,
        staff,
        maria["id"],
        LocationInput.parse(
            {
                "name": "Rental duplex",
                "address": "2207 E 12th St",
                "contacts": [{"kind": "mobile", "value": number(), "memo": "tenant"}],
            }
        ),
    )
    email = staff_user(heed, account)

    page.goto(server.url + "/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.screenshot(path=artifacts / "ui-login.png", full_page=True)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")

    sign_in_as(page, server, email)
    page.get_by_label("Name, phone or email").fill(dashed(mobile))
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Maria Alvarez")).to_have_count(1)
    page.screenshot(path=artifacts / "ui-search.png", full_page=True)

    page.get_by_role("link", name="Maria Alvarez").click()
    expect(page.get_by_role("heading", name="Maria Alvarez", level=1)).to_be_visible()
    expect(page.locator("#invoice-warning")).to_contain_text("No invoice email")
    page.screenshot(path=artifacts / "ui-customer-record.png", full_page=True)


@pytest.mark.parametrize(
    ("moment", "deferred"),
    [(AFTERNOON_IN_CHICAGO, False), (NIGHT_IN_CHICAGO, True)],
    ids=["afternoon-no-badge", "night-deferral-badge"],
)
def test_a_record_never_scrolls_sideways_at_375_px_with_or_without_a_deferral_badge(
    page: Page,
    server_at: Callable[[datetime], Server],
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    artifacts: Path,
    moment: datetime,
    deferred: bool,
) -> None:
    """At night in Chicago each dispatch number carries a badge saying when texts may go
    again; the record must fit a phone's width with it as without it."""
    server = server_at(moment)
    made = customer(
        heed,
        staff,
        name="Maria Alvarez",
        billing_address="4100 Speedway, Austin, TX",
        contacts=[{"kind": "mobile", "value": number(), "memo": "cell"}],
    )
    customers.create_location(
        heed.uow,
        staff,
        made["id"],
        LocationInput.parse(
            {
                "name": "Rental duplex",
                "address": "2207 E 12th St",
                "time_zone": "America/Chicago",
                "contacts": [{"kind": "mobile", "value": number(), "memo": "tenant"}],
            }
        ),
    )
    sign_in(page, server, heed, account)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{server.url}/customers/{made['id']}")
    # Both numbers get job texts for the location: the customer's own and the tenant's.
    badges = page.locator(".job-contacts .badge")
    expect(badges).to_have_count(2 if deferred else 0)
    for badge in badges.all():
        expect(badge).to_contain_text("America/Chicago")
        box = badge.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 375, box
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the record scrolls sideways at 375 px ({width} px wide)"
    name = "deferral-badge" if deferred else "no-badge"
    page.screenshot(path=artifacts / f"ui-customer-record-375px-{name}.png", full_page=True)


def test_a_bell_turned_off_stays_off_after_reload(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customer(
        heed, staff, name="Bob Nguyen", contacts=[{"kind": "mobile", "value": number()}]
    )
    contact_id = made["contacts"][0]["id"]
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    expect(bell(page, contact_id)).to_have_attribute("data-state", "on")

    bell(page, contact_id).click()
    panel = page.locator(f"#panel-{contact_id}")
    expect(panel.get_by_label("Job notifications")).to_be_focused()
    panel.get_by_label("Job notifications").uncheck()
    panel.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    expect(bell(page, contact_id)).to_have_attribute("data-state", "off")

    page.reload()
    expect(bell(page, contact_id)).to_have_attribute("data-state", "off")
    assert (
        customers.get_customer(heed.uow, staff, made["id"])["contacts"][0]["notifications"]["job"]
        is False
    )


def test_stop_through_the_twilio_webhook_turns_the_bell_opted_out_and_unclickable(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
    artifacts: Path,
) -> None:
    mobile = number()
    made = customer(heed, staff, name="Carla Diaz", contacts=[{"kind": "mobile", "value": mobile}])
    contact_id = made["contacts"][0]["id"]
    webhook = server.url + "/webhooks/twilio/sms"
    params = {
        "From": mobile,
        "To": business_number,
        "Body": "Stop",
        "MessageSid": "SM" + secrets.token_hex(16),
    }
    token = "test-token-" + business_number[-4:]
    signature = RequestValidator(token).compute_signature(webhook, params)
    answer = httpx.post(webhook, data=params, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.text

    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    for category in ("job", "marketing"):
        opted_out = bell(page, contact_id, category)
        expect(opted_out).to_have_attribute("data-state", "opted_out")
        assert opted_out.evaluate("e => e.tagName") == "SPAN", "an opted-out bell is not a button"
    expect(page.locator(f"#contact-{contact_id} button.bell")).to_have_count(0)
    expect(page.locator(f"#contact-{contact_id}")).to_contain_text(OPT_OUT_SENTENCE)
    page.screenshot(path=artifacts / "ui-customer-opted-out.png", full_page=True)

    page.get_by_label("Message", exact=True).fill("Your technician is on the way")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#send-to-error")).to_contain_text("opted out of SMS")
    assert messages.list_messages(heed.uow, staff, contact_ids=[contact_id]) == []

    page.locator(f"#contact-{contact_id}").get_by_role("link", name="Consent history").click()
    expect(page.get_by_text("Opted out of SMS")).to_be_visible()
    expect(page.locator("ol.ledger blockquote")).to_contain_text("Stop")
    page.screenshot(path=artifacts / "ui-consent-history.png", full_page=True)


def test_do_not_mail_locks_every_bell_on_the_customer_and_its_locations(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    artifacts: Path,
) -> None:
    made = customer(
        heed,
        staff,
        name="Dana Evans",
        contacts=[
            {"kind": "mobile", "value": number()},
            {"kind": "email", "value": unique_email("dana", "gmail.com")},
        ],
    )
    customers.create_location(
        heed.uow,
        staff,
        made["id"],
        LocationInput.parse(
            {"name": "Lake house", "contacts": [{"kind": "mobile", "value": number()}]}
        ),
    )
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    expect(page.locator("button.bell")).to_have_count(7)

    page.get_by_role("switch", name="Do Not Mail").click()
    # Setting it asks first, on a page of its own.
    page.get_by_role("button", name="Yes, set Do Not Mail").click()
    expect(page.locator("#dnm-banner")).to_be_visible()
    bells = page.locator("[data-bell]")
    expect(bells).to_have_count(7)
    for i in range(7):
        expect(bells.nth(i)).to_have_attribute("data-state", "locked")
    expect(page.locator("button.bell")).to_have_count(0)
    expect(page.locator(".location [data-state=locked]")).to_have_count(2)
    expect(page.get_by_role("switch", name="Do Not Mail")).to_have_attribute("aria-checked", "true")
    page.screenshot(path=artifacts / "ui-customer-do-not-mail.png", full_page=True)


def test_sync_names_the_other_customer_and_asks_again_before_changing_it(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    shared, new = number(), number()
    ann = customer(heed, staff, name="Ann Fox", contacts=[{"kind": "mobile", "value": shared}])
    customers.create_location(
        heed.uow,
        staff,
        ann["id"],
        LocationInput.parse({"name": "Office", "contacts": [{"kind": "mobile", "value": shared}]}),
    )
    george = customer(
        heed, staff, name="George Hill", contacts=[{"kind": "phone", "value": shared}]
    )
    source = ann["contacts"][0]["id"]
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{ann['id']}")

    page.locator(f"#contact-{source}").get_by_role("button", name="Edit").click()
    panel = page.locator(f"#panel-{source}")
    panel.get_by_label("Number").fill(dashed(new))
    panel.get_by_role("button", name="Save").click()
    sync = page.get_by_role("region", name=re.compile("Sync this change"))
    expect(sync).to_contain_text("George Hill")
    expect(sync.get_by_label(re.compile("Ann Fox — location “Office”"))).to_be_checked()
    sync.get_by_label(re.compile("George Hill")).check()
    sync.get_by_role("button", name="Update selected records").click()

    confirm = page.get_by_role("region", name=re.compile("Confirm sync"))
    expect(confirm.get_by_role("alert")).to_contain_text("George Hill")
    assert customers.get_customer(heed.uow, staff, george["id"])["contacts"][0]["value"] == shared
    confirm.get_by_role("button", name="Yes, also change George Hill").click()
    expect(page.get_by_role("status")).to_contain_text("Updated 2 other records")
    assert customers.get_customer(heed.uow, staff, george["id"])["contacts"][0]["value"] == new


def test_a_refused_value_shows_the_reason_next_to_the_field(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customer(heed, staff, name="Ivy Jones")
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")
    page.get_by_text("Add a contact method").first.click()
    page.locator("#add-customer-value").fill("+44 20 7946 0958")
    page.locator("#add-customer-value").press("Enter")
    expect(page.locator("#add-customer-value-error")).to_contain_text(
        re.compile("international", re.I)
    )
    expect(page.locator("#add-customer-value")).to_have_attribute("aria-invalid", "true")


def test_ar_filters_by_delivery_flags_missing_invoice_email_and_exports_csv(
    page: Page,
    server: Server,
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    artifacts: Path,
) -> None:
    customer(heed, staff, name="Paperless Pat", invoice_delivery=["email"])
    customer(heed, staff, name="Mailbox Mo", invoice_delivery=["mail"])
    sign_in(page, server, heed, account)
    page.get_by_role("link", name="AR", exact=True).click()
    page.get_by_label("Delivery").select_option("email")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row", name=re.compile("Paperless Pat"))
    expect(row).to_contain_text("No invoice email")
    expect(page.get_by_role("row", name=re.compile("Mailbox Mo"))).to_have_count(0)
    page.screenshot(path=artifacts / "ui-ar.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    exported = Path(download.value.path()).read_text()
    assert exported.startswith("customer_id,name,invoice_delivery")
    assert "Paperless Pat" in exported
    assert "email_delivery_without_invoice_contact" in exported
    assert "Mailbox Mo" not in exported


def test_settings_are_for_admins_and_save(
    page: Page, server: Server, heed: Heed, account: NewAccount, artifacts: Path
) -> None:
    sign_in(page, server, heed, account, "office")
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)
    page.goto(server.url + "/settings")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, server, heed, account, "admin")
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Stop texts only from the number they texted").check()
    page.get_by_label("HELP reply").fill("Acme Plumbing: call 512-555-0100.")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved")
    expect(page.get_by_label("Stop texts only from the number they texted")).to_be_checked()
    page.screenshot(path=artifacts / "ui-settings.png", full_page=True)


def test_a_viewer_sees_the_record_but_cannot_change_it(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customer(heed, staff, name="Kim Lee", contacts=[{"kind": "mobile", "value": number()}])
    contact_id = made["contacts"][0]["id"]
    sign_in(page, server, heed, account, "viewer")
    page.goto(f"{server.url}/customers/{made['id']}")
    expect(bell(page, contact_id)).to_have_attribute("data-state", "on")
    expect(page.locator("button.bell")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    expect(page.get_by_role("switch", name="Do Not Mail")).to_have_count(0)

    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        f"{server.url}/contacts/{contact_id}/notifications",
        form={"csrf_token": csrf or "", "job": ""},
    )
    assert refused.status == 403
    assert customers.get_customer(heed.uow, staff, made["id"])["contacts"][0]["notifications"][
        "job"
    ]


def test_a_form_post_without_the_csrf_token_is_refused_and_changes_nothing(
    server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customer(heed, staff, name="Lou Moss")
    email = staff_user(heed, account)
    with httpx.Client(base_url=server.url) as client:
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        signed_in = client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        )
        assert signed_in.status_code == 303
        assert client.get(f"/customers/{made['id']}").status_code == 200

        for extra in ({}, {"csrf_token": token.group(1)}, {"csrf_token": "forged"}):
            refused = client.post(
                f"/customers/{made['id']}/do-not-mail", data={"do_not_mail": "on", **extra}
            )
            assert refused.status_code == 403, extra
            assert "Nothing was changed" in refused.text
    assert customers.get_customer(heed.uow, staff, made["id"])["do_not_mail"] is False


def test_repeated_wrong_passwords_lock_the_login_for_a_minute(
    server: Server, heed: Heed, account: NewAccount
) -> None:
    email = staff_user(heed, account)
    with httpx.Client(base_url=server.url) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token is not None
        attempts = [
            client.post(
                "/login", data={"email": email, "password": "nope-nope", "csrf_token": token[1]}
            )
            for _ in range(5)
        ]
        assert [a.status_code for a in attempts] == [401, 401, 401, 401, 429]
        right = client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token[1]}
        )
        assert right.status_code == 429
        assert "try again in" in right.text


def test_staff_record_a_spoken_opt_out_from_the_consent_history(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    phone = number()
    customer(heed, staff, name="Vera Voice", contacts=[{"kind": "mobile", "value": phone}])
    sign_in(page, server, heed, account)
    page.goto(server.url + "/consent/" + phone)
    expect(page.get_by_text("Not opted out.")).to_be_visible()
    page.get_by_text("The customer asked us to stop").click()
    page.get_by_label("What the customer said").fill("please stop texting, called the office")
    page.get_by_role("button", name="Record the opt-out").click()
    expect(page.get_by_text("Opted out of SMS")).to_be_visible()
    expect(page.get_by_text("please stop texting, called the office")).to_be_visible()
    expect(page.get_by_text("source: staff")).to_be_visible()
    expect(page.get_by_text("The customer asked us to stop")).to_have_count(0)


def test_a_new_customer_is_created_and_email_delivery_warns_until_an_invoice_email_is_on(
    page: Page, server: Server, heed: Heed, account: NewAccount
) -> None:
    """R-9 through the screen: Email delivery without an invoice contact is flagged, and
    the flag goes once an email's Invoice / statement bell is on."""
    sign_in(page, server, heed, account)
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Name").fill("Nora Newcomer")
    page.get_by_label("Mobile number").fill("(512) 621-7011")
    page.get_by_label("Email address").fill("nora@newcomer-family.com")
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", name="Nora Newcomer")).to_be_visible()
    expect(page.locator("#invoice-warning")).to_have_count(0)

    payment = page.locator("section", has=page.get_by_role("heading", name="Payment details"))
    payment.get_by_role("checkbox", name="Email", exact=True).check()
    payment.get_by_role("checkbox", name="Mail", exact=True).uncheck()
    payment.get_by_role("button", name="Save delivery").click()
    expect(page.locator("#invoice-warning")).to_be_visible()
    page.reload()
    expect(page.locator("#invoice-warning")).to_be_visible()
    expect(payment.get_by_role("checkbox", name="Email", exact=True)).to_be_checked()
    expect(payment.get_by_role("checkbox", name="Mail", exact=True)).not_to_be_checked()


def test_admins_see_a_warning_while_the_ledger_check_fails_and_office_staff_do_not(
    browser: Browser, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    """R-17: a current-consent row edited outside heed is found by the self-check, and
    every admin page says so until a later check passes."""
    phone = number()
    consent.record_opt_out_for_customer(heed.uow, staff, phone, note="called the office")
    edit = (
        "UPDATE consent_state SET opted_out = :opted_out "
        "WHERE account_id = :account AND address = :address"
    )
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def tamper_and_check(opted_out: bool) -> None:
        with heed.engine.begin() as connection:
            connection.execute(
                text(edit),
                {"opted_out": opted_out, "account": account.account_id, "address": phone},
            )
        ledger_check.check_ledgers(heed.uow, [account.account_id], now=moment)

    tamper_and_check(opted_out=False)
    pages = {}
    for role in ("admin", "office"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        pages[role] = context.new_page()
        sign_in(pages[role], server, heed, account, role)
    alarm = pages["admin"].locator("#ledger-alarm")
    expect(alarm).to_be_visible()
    expect(alarm).to_contain_text("failed its integrity check")
    expect(alarm).to_contain_text(phone)
    expect(alarm).to_have_attribute("role", "alert")
    expect(pages["office"].locator("#ledger-alarm")).to_have_count(0)
    pages["office"].reload()
    expect(pages["office"].get_by_role("heading", name="Find a customer")).to_be_visible()
    expect(pages["office"].locator("#ledger-alarm")).to_have_count(0)

    tamper_and_check(opted_out=True)
    pages["admin"].reload()
    expect(pages["admin"].get_by_role("heading", name="Find a customer")).to_be_visible()
    expect(pages["admin"].locator("#ledger-alarm")).to_have_count(0)
    for page in pages.values():
        page.context.close()
