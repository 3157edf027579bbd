"""The account's own replies in the browser (R-16, R-29): set per language, refused with
the reason beside the box, and answered to the customer in their language."""

from __future__ import annotations

from collections.abc import Iterator

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
from heed.domain.replies import ReplyKind, default_reply
from heed.services import accounts, consent
from heed.services.accounts import NewAccount
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
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _sign_in(heed: Heed, account: NewAccount, server: Server, page: Page) -> None:
    email = unique_email("owner", "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "admin")
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


SPANISH_HELP = "Acme Plumbing: llame al (512) 487-0142. Responda STOP para salir."


def test_an_owner_sets_the_spanish_help_reply_and_a_spanish_customer_gets_it(
    heed: Heed, account: NewAccount, business_number: str, server: Server, page: Page
) -> None:
    _sign_in(heed, account, server, page)
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
