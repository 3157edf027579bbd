"""The location forms in Chromium against a real ``heed serve`` (R-27): address fields,
the time-zone picker, editing and deleting a location."""

from __future__ import annotations

import pytest
from browser_support import (
    Server,
    sign_in,
)
from playwright.sync_api import Page, expect

from heed.bootstrap import Heed
from heed.services import customers
from heed.services.accounts import NewAccount
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput

pytestmark = pytest.mark.browser


def test_staff_add_a_location_by_its_address_then_choose_its_zone_and_delete_it(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Ines Ruiz"}))
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")

    adding = page.locator("section[aria-labelledby=addloc-h]")
    adding.get_by_text("Add a location").click()
    adding.get_by_label("Name").fill("Ranch")
    adding.get_by_label("Street").fill("4100 Speedway")
    adding.get_by_label("City").fill("Austin")
    adding.get_by_label("State or province").select_option("TX")
    adding.get_by_label("ZIP or postal code").fill("78751")
    expect(adding.get_by_label("Time zone")).to_have_value("")
    adding.get_by_role("button", name="Add location").click()

    expect(page.get_by_role("status")).to_have_text("Location Ranch added.")
    card = page.locator("section.location", has=page.get_by_role("link", name="Ranch"))
    expect(card.locator(".place")).to_contain_text("4100 Speedway, Austin, TX 78751, US")
    expect(card.locator(".zone")).to_have_text("Central (America/Chicago), from the postal code")

    card.get_by_role("link", name="Ranch").click()
    expect(page.get_by_role("heading", name="Ranch", exact=True)).to_be_visible()
    page.get_by_text("Edit location").click()
    editing = page.locator("form[action$='/details']")
    expect(editing.get_by_label("State or province")).to_have_value("TX")
    editing.get_by_label("Time zone").select_option("America/Denver")
    editing.get_by_role("button", name="Save location").click()
    expect(page.get_by_role("status")).to_have_text("Location saved.")
    expect(page.locator(".zone")).to_have_text("Mountain (America/Denver), chosen")

    page.get_by_role("link", name="Delete this location…").click()
    expect(page.get_by_role("heading", name="Delete Ranch?")).to_be_visible()
    page.get_by_role("button", name="Delete location").click()
    expect(page.get_by_role("heading", name="Ines Ruiz")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Location deleted.")
    expect(page.locator("section.location")).to_have_count(0)


def test_the_add_location_form_shows_every_problem_at_once_beside_its_field(
    page: Page, server: Server, heed: Heed, account: NewAccount, staff: Principal
) -> None:
    made = customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": "Ada Oyelaran"}))
    sign_in(page, server, heed, account)
    page.goto(f"{server.url}/customers/{made['id']}")

    adding = page.locator("section[aria-labelledby=addloc-h]")
    adding.get_by_text("Add a location").click()
    adding.get_by_label("Name").fill("Workshop")
    adding.get_by_label("Street").fill("4100 Speedway")
    adding.get_by_label("State or province").select_option("TX")
    adding.get_by_label("ZIP or postal code").fill("7875")
    adding.get_by_role("button", name="Add location").click()

    adding = page.locator("section[aria-labelledby=addloc-h]")
    expect(adding.locator("#l-address-city-error")).to_have_text("The city is required.")
    expect(adding.locator("#l-address-postal_code-error")).to_contain_text(
        "The ZIP or postal code '7875' is not a US ZIP code"
    )
    city = adding.get_by_label("City")
    expect(city).to_have_attribute("aria-invalid", "true")
    expect(city).to_be_focused()
    expect(adding.get_by_label("ZIP or postal code")).to_have_value("7875")
    expect(adding.get_by_label("Name")).to_have_value("Workshop")
    assert customers.get_customer(heed.uow, staff, str(made["id"]))["locations"] == []
