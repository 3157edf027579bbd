"""The review list in the browser (R-29): the count in the navigation, Opt out and Dismiss."""

from __future__ import annotations

import secrets
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
from heed.services import accounts, consent
from heed.services.accounts import NewAccount
from heed.services.common import Principal
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


def _sender() -> str:
    return unique_number()


def test_staff_see_the_count_and_opt_out_or_dismiss_each_unsure_text(
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
    email = unique_email("office", "acme.example")
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "office")
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Review")).to_contain_text("2")
    nav.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Texts to review")).to_be_visible()
    spanish = page.get_by_role("listitem").filter(has_text="Número equivocado")
    spanish.get_by_role("button", name="Opt out").click()
    expect(page.get_by_text("Número equivocado")).to_have_count(0)
    expect(nav.get_by_role("link", name="Review")).to_contain_text("1")
    page.get_by_role("listitem").filter(has_text="Wrong number").get_by_role(
        "button", name="Dismiss"
    ).click()
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    assert consent.address_consent(heed.uow, staff, first)["opted_out"] is True
    assert consent.address_consent(heed.uow, staff, second)["opted_out"] is False
