"""The preference page's marketing consent box (R-24, R-31): the customer's own web-form
consent, with the disclosure shown as its evidence, for their own addresses only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from integration_support import audit_rows, ledger, random_number

from heed.bootstrap import Heed
from heed.domain.errors import Conflict, NotFound, SmsOptedOut
from heed.domain.marketing import default_disclosure, disclosure_version, read_evidence
from heed.services import accounts, consent, contacts, preference_links, preference_page
from heed.services.common import Principal
from heed.services.preference_page import ConsentBox, PreferenceChoices

MakeCustomer = Callable[..., dict[str, Any]]
WORDING = "Acme Plumbing: marketing texts with offers, up to 4 a month. Reply STOP to end."
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"


def _page(heed: Heed, staff: Principal, customer_id: str) -> Principal:
    command = preference_links.LinkRequest(customer_id)
    made = preference_links.create_link(heed.uow, staff, command, settings=heed.settings)
    token = str(made["url"]).rsplit("/p/", 1)[1]
    return preference_links.principal_of_link(heed.uow, heed.settings, token)


def _box(version: str) -> ConsentBox:
    return ConsentBox(version, "203.0.113.9", BROWSER)


def _tick(key: str, version: str, *, ticked: bool = True) -> PreferenceChoices:
    return PreferenceChoices(
        shown=frozenset({key}),
        on=frozenset({(key, "job")}),
        marketing=frozenset({key} if ticked else set()),
        box=_box(version),
    )


def test_ticking_the_box_records_web_form_consent_with_the_disclosure_shown(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    accounts.update_account(heed.uow, staff, accounts.AccountChanges(marketing_disclosure=WORDING))
    phone = random_number()
    customer = make_customer("Maria", contacts=[{"kind": "mobile", "value": phone}])
    principal = _page(heed, staff, customer["id"])
    view = preference_page.preference_view(heed.uow, principal)
    assert view["marketing"] == {
        "disclosure": WORDING,
        "disclosure_version": disclosure_version(WORDING),
    }
    key = view["phones"][0]["key"]
    assert view["phones"][0]["marketing"] is False

    preference_page.save_preferences(
        heed.uow, principal, _tick(key, view["marketing"]["disclosure_version"])
    )

    entry = ledger(heed, staff.account_id)[-1]
    assert (entry.action, entry.address, entry.via, entry.source, entry.actor) == (
        "marketing_consent",
        phone,
        "preference_page",
        "preference_page",
        f"customer:{customer['id']}",
    )
    assert read_evidence(entry.evidence) == {
        "method": "web_form",
        "disclosure": WORDING,
        "disclosure_version": disclosure_version(WORDING),
        "ip": "203.0.113.9",
        "user_agent": BROWSER,
    }
    contact = contacts.get_contact(heed.uow, staff, customer["contacts"][0]["id"])
    assert contact["notifications"]["marketing"] is True
    assert contact["marketing_consent"] == "consented"
    changes = {(r.field, r.actor) for r in audit_rows(heed, staff.account_id, contact["id"])}
    assert ("notifications.marketing", f"customer:{customer['id']}") in changes
    assert preference_page.preference_view(heed.uow, principal)["phones"][0]["marketing"] is True


def test_clearing_the_box_withdraws_consent_and_turns_marketing_off(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    phone = random_number()
    customer = make_customer("Maria", contacts=[{"kind": "mobile", "value": phone}])
    principal = _page(heed, staff, customer["id"])
    view = preference_page.preference_view(heed.uow, principal)
    key, version = view["phones"][0]["key"], view["marketing"]["disclosure_version"]
    assert view["marketing"]["disclosure"] == default_disclosure("Acme Plumbing")
    preference_page.save_preferences(heed.uow, principal, _tick(key, version))
    # Saving again with the box still ticked records nothing new.
    preference_page.save_preferences(heed.uow, principal, _tick(key, version))
    preference_page.save_preferences(heed.uow, principal, _tick(key, version, ticked=False))

    actions = [e["action"] for e in consent.consent_history(heed.uow, staff, phone)["events"]]
    assert actions == ["marketing_consent", "marketing_withdraw"]
    contact = contacts.get_contact(heed.uow, staff, customer["contacts"][0]["id"])
    assert contact["notifications"]["marketing"] is False
    assert contact["marketing_consent"] == "withdrawn"


def test_the_page_cannot_give_consent_for_an_address_not_on_its_customer(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    mine = make_customer("Maria", contacts=[{"kind": "mobile", "value": random_number()}])
    theirs_phone = random_number()
    theirs = make_customer("Other", contacts=[{"kind": "mobile", "value": theirs_phone}])
    principal = _page(heed, staff, mine["id"])
    version = preference_page.preference_view(heed.uow, principal)["marketing"]
    their_key = theirs["contacts"][0]["id"]
    choices = PreferenceChoices(
        marketing=frozenset({their_key}), box=_box(version["disclosure_version"])
    )
    with pytest.raises(NotFound):
        preference_page.save_preferences(heed.uow, principal, choices)
    assert consent.consent_history(heed.uow, staff, theirs_phone)["events"] == []
    assert not principal.can("consent:record")


def test_a_stopped_number_gets_no_consent_from_the_page_r12(
    heed: Heed,
    staff: Principal,
    make_customer: MakeCustomer,
    inbound: Callable[..., Any],
    frozen_clock: Any,
) -> None:
    phone = random_number()
    customer = make_customer("Dana", contacts=[{"kind": "mobile", "value": phone}])
    principal = _page(heed, staff, customer["id"])
    view = preference_page.preference_view(heed.uow, principal)
    key, version = view["phones"][0]["key"], view["marketing"]["disclosure_version"]
    inbound(phone, "STOP")
    assert preference_page.preference_view(heed.uow, principal)["phones"][0]["stopped"]
    with pytest.raises(SmsOptedOut):
        preference_page.save_preferences(
            heed.uow,
            principal,
            PreferenceChoices(marketing=frozenset({key}), box=_box(version)),
        )
    actions = [e["action"] for e in consent.consent_history(heed.uow, staff, phone)["events"]]
    assert actions == ["opt_out"]


def test_a_box_posted_under_a_disclosure_since_changed_is_refused(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    phone = random_number()
    customer = make_customer("Maria", contacts=[{"kind": "mobile", "value": phone}])
    principal = _page(heed, staff, customer["id"])
    view = preference_page.preference_view(heed.uow, principal)
    key, shown = view["phones"][0]["key"], view["marketing"]["disclosure_version"]
    accounts.update_account(heed.uow, staff, accounts.AccountChanges(marketing_disclosure=WORDING))
    with pytest.raises(Conflict) as refused:
        preference_page.save_preferences(heed.uow, principal, _tick(key, shown))
    assert refused.value.code == "disclosure_changed"
    assert consent.consent_history(heed.uow, staff, phone)["events"] == []
