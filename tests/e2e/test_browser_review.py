"""The review list in the browser (R-29): the count in the navigation, Opt out and Dismiss."""

from __future__ import annotations

import secrets

import pytest
from browser_support import (
    Server,
    sign_in,
)
from playwright.sync_api import Page, expect

from heed.bootstrap import Heed
from heed.services import consent
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from unique_values import unique_number

pytestmark = pytest.mark.browser


def _sender() -> str:
    return unique_number()


def test_staff_see_the_count_opt_out_or_dismiss_each_unsure_text_and_see_who_decided(
    heed: Heed,
    account: NewAccount,
    staff: Principal,
    business_number: str,
    server: Server,
    page: Page,
) -> None:
    first, second = _sender(), _sender()
    for sender, body in ((first, "Número equivocado"), (second, "Wrong number")):
        consent.record_inbound_sms(
            heed.uow,
            account.account_id,
            from_number=sender,
            to_number=business_number,
            body=body,
            message_id=f"gw-{secrets.token_hex(4)}",
        )
    email = sign_in(page, server, heed, account)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Review")).to_contain_text("2")
    nav.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Texts to review")).to_be_visible()
    spanish = page.get_by_role("listitem").filter(has_text="Número equivocado")
    spanish.get_by_role("button", name="Opt out").click()
    expect(page.get_by_role("listitem").filter(has_text="Número equivocado")).to_have_count(0)
    expect(nav.get_by_role("link", name="Review")).to_contain_text("1")
    page.get_by_role("listitem").filter(has_text="Wrong number").get_by_role(
        "button", name="Dismiss"
    ).click()
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    decided = page.get_by_role("region", name="Recently decided")
    dismissed, opted_out = decided.get_by_role("row").filter(has_text=email).all()
    expect(dismissed).to_contain_text("Wrong number")
    expect(dismissed).to_contain_text("Dismissed")
    expect(opted_out).to_contain_text("Número equivocado")
    expect(opted_out).to_contain_text("Opted out")
    assert consent.address_consent(heed.uow, staff, first)["opted_out"] is True
    assert consent.address_consent(heed.uow, staff, second)["opted_out"] is False
