"""Marketing consent on the customer record in the browser (R-24): send the double
opt-in, see it pending, the customer's YES, the receipt, written consent, withdrawal."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from browser_support import (
    AFTERNOON_IN_CHICAGO,
    Server,
    sign_in,
)
from playwright.sync_api import Page, expect

from heed.bootstrap import Heed
from heed.services import common, consent, customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from unique_values import unique_number

pytestmark = pytest.mark.browser


@pytest.fixture
def server_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' own service calls live an hour after the server's clock started."""
    later = AFTERNOON_IN_CHICAGO + timedelta(hours=1)
    monkeypatch.setattr(common, "clock", common.clock_starting_at(later))


def test_staff_send_the_double_opt_in_and_see_the_yes_the_receipt_and_a_withdrawal(
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
    server: Server,
    page: Page,
    server_time: None,
) -> None:
    number = unique_number()
    data = {"name": "Maria Alvarez", "contacts": [{"kind": "mobile", "value": number}]}
    customer = customers.create_customer(heed.uow, staff, CustomerInput.parse(data))
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{customer['id']}")
    marketing = page.locator(".marketing")
    expect(marketing).to_contain_text("No consent.")

    page.get_by_role("button", name="Send double opt-in text").click()

    expect(page.get_by_text("The double opt-in text is on its way")).to_be_visible()
    expect(marketing).to_contain_text("Double opt-in pending since")
    consent.record_inbound_sms(
        heed.uow,
        account.account_id,
        from_number=number,
        to_number=business_number,
        body="YES",
        message_id=f"SM{secrets.token_hex(16)}",
        via="twilio_webhook",
    )
    page.reload()
    expect(marketing).to_contain_text("Consented on")
    expect(marketing).to_contain_text("double opt-in by text")

    page.get_by_role("link", name="Consent receipt").click()
    expect(page.get_by_role("heading", name="Marketing consent receipt")).to_be_visible()
    expect(page.locator(".disclosure")).to_contain_text("Msg & data rates may apply")
    receipt = consent.address_consent(heed.uow, staff, number)["marketing"]
    expect(page.locator("code")).to_have_text(receipt["hash"])
    expect(page.get_by_text("America/Chicago")).to_be_visible()

    page.goto(f"{server.url}/customers/{customer['id']}")
    page.get_by_text("Withdraw marketing consent").click()
    page.get_by_role("button", name="Withdraw").click()
    # The browser will not send the form until the confirmation is ticked.
    expect(marketing).to_contain_text("Consented on")
    page.get_by_label("gets no more marketing texts").check()
    page.get_by_role("button", name="Withdraw").click()
    expect(
        page.get_by_role("status").filter(has_text="Marketing consent of").first
    ).to_contain_text("withdrawn")
    expect(marketing).to_contain_text("Consent withdrawn")
    assert consent.address_consent(heed.uow, staff, number)["marketing"]["withdrawn"] is True


def test_staff_record_a_signed_written_consent_with_its_reference_and_wording(
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    server: Server,
    page: Page,
    server_time: None,
) -> None:
    number = unique_number()
    data = {"name": "Lee Park", "contacts": [{"kind": "mobile", "value": number}]}
    customer = customers.create_customer(heed.uow, staff, CustomerInput.parse(data))
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{customer['id']}")

    page.get_by_text("Record written consent").click()
    page.get_by_label("Signed form's reference").fill("Form 2026-114")
    page.get_by_label("Exact wording the customer signed").fill(
        "I agree to get marketing texts from Acme Plumbing."
    )
    page.get_by_role("button", name="Record consent").click()

    expect(page.get_by_text("Written marketing consent of")).to_be_visible()
    expect(page.locator(".marketing")).to_contain_text("signed written consent")
    receipt = consent.address_consent(heed.uow, staff, number)["marketing"]
    assert (receipt["method"], receipt["reference"]) == ("written", "Form 2026-114")
