"""The Import and Messages pages in Chromium (R-32): upload, a dry run's problems,
progress followed to the end, the problems CSV, and the message log's filters."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser_support import (
    Server,
    open_page,
    sign_in,
)
from playwright.sync_api import Browser, Page, expect

from heed.bootstrap import Heed
from heed.services import accounts, customers, messages
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.page_frame import page_frame
from unique_values import unique_number

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from open_page(browser, timeout_ms=20_000, accept_downloads=True)


def test_staff_dry_run_then_import_a_csv_and_download_its_flagged_rows(
    heed: Heed, account: NewAccount, staff: Principal, server: Server, page: Page, tmp_path: Path
) -> None:
    number = unique_number()
    csv_file = tmp_path / "old-system.csv"
    csv_file.write_text(
        "Name,Mobile Phone,E-mail\n"
        f"Browser Bea,{number},bea@acme-mail.com\n"
        "Placeholder Pete,(123) 456-7890,\n"
        "Broken Bob,512-55,\n"
    )
    sign_in(page, server, heed, account)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    expect(page.get_by_label("Dry run: check every row and save nothing")).to_be_checked()
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Dry run finished: nothing was saved.")).to_be_visible()
    expect(page.locator("#import-errors")).to_contain_text("mobile")
    expect(page.locator("#import-flagged")).to_contain_text("(123) 456-7890")
    assert customers.list_customers(heed.uow, staff, q=number)["items"] == []

    page.get_by_role("link", name="Import another file").click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_label("Dry run: check every row and save nothing").uncheck()
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Import finished.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("2")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download every flagged value and skipped row (CSV)").click()
    downloaded = Path(waiting.value.path()).read_text()
    assert downloaded.splitlines()[0] == "row,kind,field,value,reason"
    assert "(123) 456-7890" in downloaded and "Broken" not in downloaded
    (bea,) = customers.list_customers(heed.uow, staff, q=number)["items"]
    assert bea["name"] == "Browser Bea"


@pytest.fixture
def business_number(request: pytest.FixtureRequest) -> str:
    """The account's number, in the area code a test asks for (512 unless it asks)."""
    return unique_number(getattr(request, "param", "512"))


# A Denver number makes the account's zone America/Denver, not the list's first.
@pytest.mark.parametrize("business_number", ["303"], indirect=True)
def test_staff_filter_the_message_log_by_number_and_status(
    heed: Heed, account: NewAccount, staff: Principal, server: Server, page: Page
) -> None:
    number = unique_number()
    messages.send_message(
        heed.uow,
        staff,
        messages.SendMessage(channel="sms", body="Your tech is on the way", to=number, manual=True),
    )
    sign_in(page, server, heed, account)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    # Times are in the account's own zone until staff pick another.
    assert page_frame(heed.uow, staff.account_id).time_zone == "America/Denver"
    expect(page.get_by_label("Times in")).to_have_value("America/Denver")
    page.get_by_label("Number or email").fill(number)
    page.get_by_role("button", name="Show").click()
    log = page.locator("#message-log")
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log).to_contain_text("sms")
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No messages match these filters.")).to_be_visible()


def test_the_real_server_takes_a_chunked_upload_and_reports_progress_until_done(
    heed: Heed, account: NewAccount, server: Server
) -> None:
    auth = {"Authorization": f"Bearer {account.api_key}"}
    rows = [f"S-{i},Streamed {i},{unique_number()}\n" for i in range(1200)]

    def body() -> Iterator[bytes]:
        yield b"external_id,customer_name,mobile\n"
        for start in range(0, len(rows), 100):
            yield "".join(rows[start : start + 100]).encode()

    started = httpx.post(
        server.url + "/v1/imports",
        content=body(),
        headers={**auth, "Content-Type": "text/csv"},
        timeout=60,
    )
    assert started.status_code == 202, started.text
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = httpx.get(f"{server.url}/v1/imports/{started.json()['id']}", headers=auth).json()
        seen.append(job["rows"])
        if job["status"] != "running":
            break
        time.sleep(0.1)
    assert (job["status"], job["rows"], job["created"], job["total"]) == ("done", 1200, 1200, 1200)
    assert seen == sorted(seen)
    other = accounts.create_account(heed.uow, "Other Imports Co")
    elsewhere = httpx.get(
        f"{server.url}/v1/imports/{job['id']}",
        headers={"Authorization": f"Bearer {other.api_key}"},
    )
    assert elsewhere.status_code == 404
