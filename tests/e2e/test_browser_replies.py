"""The account's own replies in the browser (R-16, R-29): set per language, refused with
the reason beside the box, and answered to the customer in their language."""

from __future__ import annotations

import pytest
from browser_support import (
    Server,
    sign_in,
)
from playwright.sync_api import Page, expect

from heed.bootstrap import Heed
from heed.domain.replies import ReplyKind, default_reply
from heed.services import consent
from heed.services.accounts import NewAccount
from unique_values import unique_number

pytestmark = pytest.mark.browser


SPANISH_HELP = "Acme Plumbing: llame al (512) 487-0142. Responda STOP para salir."


def test_an_owner_sets_the_spanish_help_reply_and_a_spanish_customer_gets_it(
    heed: Heed, account: NewAccount, business_number: str, server: Server, page: Page
) -> None:
    sign_in(page, server, heed, account, "admin")
    page.goto(server.url + "/settings")
    page.get_by_role("link", name="Replies in Spanish and French").click()
    spanish = page.get_by_role("group", name="Spanish")
    help_box = spanish.get_by_label("HELP reply")
    expect(help_box).to_have_attribute(
        "placeholder",
        default_reply(ReplyKind.HELP, "Acme Plumbing", "es"),
    )

    without_stop = "Acme Plumbing: llame al (512) 487-0142."
    help_box.fill(without_stop)
    page.get_by_role("button", name="Save replies").click()
    expect(spanish.get_by_text("must tell the customer to reply STOP")).to_be_visible()
    expect(spanish.get_by_label("HELP reply")).to_have_value(
        "Acme Plumbing: llame al (512) 487-0142."
    )
    expect(spanish.get_by_label("HELP reply")).to_have_attribute("aria-invalid", "true")

    spanish.get_by_label("HELP reply").fill(SPANISH_HELP)
    page.get_by_role("button", name="Save replies").click()
    expect(page.get_by_role("status")).to_have_text("Replies saved.")
    expect(spanish.get_by_label("HELP reply")).to_have_value(SPANISH_HELP)

    answer = consent.record_inbound_sms(
        heed.uow,
        account.account_id,
        from_number=unique_number(),
        to_number=business_number,
        body="Ayuda",
        message_id="gw-ayuda-browser",
    )
    assert answer.reply == SPANISH_HELP
