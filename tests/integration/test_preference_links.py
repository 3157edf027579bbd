"""Preference links and the customer's own page, at the service level (R-31, R-12, R-14).

A link is signed and lasts what staff chose (60 to 365 days); a new link revokes the
old one; the principal a link gives reaches that customer's preferences and nothing
else; every change is a ledger entry with ``via: preference_page`` or an audit row
by ``customer:<id>``; the page can never opt a STOPped number back in.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from integration_support import NOON_CENTRAL, random_number
from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed
from heed.domain.errors import Forbidden, Invalid, InvalidSignature, NotFound, SmsOptedOut
from heed.services import accounts, consent, messages, preference_links, preference_page
from heed.services.common import Principal
from heed.services.preference_page import PreferenceChoices
from unique_values import unique_email

MakeCustomer = Callable[..., dict[str, Any]]


def _link(heed: Heed, staff: Principal, customer_id: str, days: int = 90) -> str:
    command = preference_links.LinkRequest(customer_id, days)
    made = preference_links.create_link(heed.uow, staff, command, settings=heed.settings)
    url: str = made["url"]
    return url.rsplit("/p/", 1)[1]


def _customer_with(make_customer: MakeCustomer, phone: str, email: str) -> dict[str, Any]:
    return make_customer(
        "Maria Alvarez",
        contacts=[
            {"kind": "mobile", "value": phone},
            {"kind": "email", "value": email},
        ],
    )


def _keys(view: dict[str, Any]) -> tuple[str, str]:
    return view["phones"][0]["key"], view["emails"][0]["key"]


def test_a_link_speaks_for_its_customer_and_shows_their_addresses_masked(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    phone, email = random_number(), unique_email("maria", "gmail.com")
    customer = _customer_with(make_customer, phone, email)
    principal = preference_links.principal_of_link(
        heed.uow, heed.settings, _link(heed, staff, customer["id"])
    )
    assert principal.actor == f"customer:{customer['id']}"
    assert principal.via == "preference_page"
    view = preference_page.preference_view(heed.uow, principal)
    assert view["business"]["name"] == "Acme Plumbing"
    assert view["phones"][0]["masked"] == f"•••-•••-{phone[-4:]}"
    assert view["emails"][0]["masked"] == f"m•••@{email.split('@')[1]}"
    assert phone not in repr(view) and email not in repr(view)


def test_a_new_link_revokes_the_old_one_and_says_whom_to_ask(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    customer = make_customer()
    old = _link(heed, staff, customer["id"])
    new = _link(heed, staff, customer["id"])
    with pytest.raises(InvalidSignature) as refused:
        preference_links.principal_of_link(heed.uow, heed.settings, old)
    assert refused.value.code == "link_revoked"
    assert refused.value.details["business"].name == "Acme Plumbing"
    assert preference_links.principal_of_link(heed.uow, heed.settings, new).account_id


def test_a_link_works_until_its_expiry_and_not_after(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    token = _link(heed, staff, make_customer()["id"], days=60)
    last_day = NOON_CENTRAL + timedelta(days=60) - timedelta(minutes=1)
    assert preference_links.principal_of_link(heed.uow, heed.settings, token, last_day)
    with pytest.raises(InvalidSignature) as refused:
        preference_links.principal_of_link(
            heed.uow, heed.settings, token, NOON_CENTRAL + timedelta(days=60)
        )
    assert refused.value.code == "link_expired"


def test_a_forged_link_is_refused_without_naming_any_business(heed: Heed) -> None:
    with pytest.raises(InvalidSignature) as refused:
        preference_links.principal_of_link(heed.uow, heed.settings, "WyJhY2NfeCJd.forged")
    assert refused.value.code == "invalid_signature"
    assert "business" not in refused.value.details


@pytest.mark.parametrize("days", [59, 366, 0])
def test_a_link_lasts_from_60_to_365_days(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, days: int
) -> None:
    with pytest.raises(Invalid) as refused:
        _link(heed, staff, make_customer()["id"], days=days)
    assert refused.value.details["field"] == "expires_in_days"


def test_making_a_link_needs_customer_edit_and_a_customer_of_the_account(
    heed: Heed, staff: Principal, make_customer: MakeCustomer
) -> None:
    customer = make_customer()
    viewer = Principal(staff.account_id, "user:viewer", frozenset({"customer:view"}))
    with pytest.raises(Forbidden):
        _link(heed, viewer, customer["id"])
    other = accounts.create_account(heed.uow, "Other Heating Co")
    outsider = Principal(other.account_id, "user:x", frozenset({"customer:edit"}))
    with pytest.raises(NotFound):
        _link(heed, outsider, customer["id"])


def test_stopping_texts_and_email_on_the_page_goes_to_the_ledger_via_preference_page(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    phone, email = random_number(), unique_email("maria", "gmail.com")
    customer = _customer_with(make_customer, phone, email)
    principal = preference_links.principal_of_link(
        heed.uow, heed.settings, _link(heed, staff, customer["id"])
    )
    phone_key, email_key = _keys(preference_page.preference_view(heed.uow, principal))
    choices = PreferenceChoices(
        shown=frozenset({phone_key, email_key}),
        on=frozenset({(phone_key, "job"), (email_key, "job")}),
        stop=frozenset({phone_key, email_key}),
    )
    preference_page.save_preferences(heed.uow, principal, choices)
    for address, action in ((phone, "opt_out"), (email, "suppress")):
        [entry] = consent.consent_history(heed.uow, staff, address)["events"]
        assert (entry["action"], entry["via"]) == (action, "preference_page")
        assert (entry["source"], entry["actor"]) == (
            "preference_page",
            f"customer:{customer['id']}",
        )
    assert consent.verify_ledger(heed.uow, staff.account_id) is None
    view = preference_page.preference_view(heed.uow, principal)
    assert view["phones"][0]["stopped"] and view["emails"][0]["unsubscribed"]
    assert view["phones"][0]["start_to"]


def test_turning_a_setting_off_is_an_audit_row_by_the_customer(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    email = unique_email("lou", "mossfamily.net")
    customer = make_customer(
        "Lou Moss",
        contacts=[{"kind": "email", "value": email, "notifications": {"invoice_statement": True}}],
    )
    principal = preference_links.principal_of_link(
        heed.uow, heed.settings, _link(heed, staff, customer["id"])
    )
    key = preference_page.preference_view(heed.uow, principal)["emails"][0]["key"]
    preference_page.save_preferences(
        heed.uow, principal, PreferenceChoices(shown=frozenset({key}), on=frozenset({(key, "job")}))
    )
    with heed.uow.read() as tx:
        rows = tx.session.scalars(
            select(t.AuditEntry).where(
                t.AuditEntry.account_id == staff.account_id,
                t.AuditEntry.entity_id == key,
                t.AuditEntry.field == "notifications.invoice_statement",
            )
        ).all()
    assert [(r.actor, r.old, r.new) for r in rows][-1] == (
        f"customer:{customer['id']}",
        "on",
        "off",
    )
    view = preference_page.preference_view(heed.uow, principal)
    assert view["emails"][0]["settings"]["invoice_statement"] is False


def test_the_page_cannot_turn_a_stopped_number_back_on_r12(
    heed: Heed,
    staff: Principal,
    make_customer: MakeCustomer,
    inbound: Callable[..., Any],
    frozen_clock: Any,
) -> None:
    phone = random_number()
    customer = make_customer("Dana", contacts=[{"kind": "mobile", "value": phone}])
    principal = preference_links.principal_of_link(
        heed.uow, heed.settings, _link(heed, staff, customer["id"])
    )
    key = preference_page.preference_view(heed.uow, principal)["phones"][0]["key"]
    preference_page.save_preferences(
        heed.uow, principal, PreferenceChoices(shown=frozenset({key}), on=frozenset())
    )
    inbound(phone, "STOP")
    with pytest.raises(SmsOptedOut):
        preference_page.save_preferences(
            heed.uow,
            principal,
            PreferenceChoices(shown=frozenset({key}), on=frozenset({(key, "job")})),
        )
    events = consent.consent_history(heed.uow, staff, phone)["events"]
    assert [e["action"] for e in events] == ["opt_out"]
    assert preference_page.preference_view(heed.uow, principal)["phones"][0]["stopped"]


def test_a_link_reaches_no_other_customers_addresses(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    mine = make_customer("Maria", contacts=[{"kind": "mobile", "value": random_number()}])
    theirs_phone = random_number()
    theirs = make_customer("Other", contacts=[{"kind": "mobile", "value": theirs_phone}])
    principal = preference_links.principal_of_link(
        heed.uow, heed.settings, _link(heed, staff, mine["id"])
    )
    their_key = theirs["contacts"][0]["id"]
    with pytest.raises(NotFound):
        preference_page.save_preferences(
            heed.uow, principal, PreferenceChoices(stop=frozenset({their_key}))
        )
    assert consent.consent_history(heed.uow, staff, theirs_phone)["events"] == []


def test_a_customer_principal_holds_no_staff_permission(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    customer = make_customer()
    principal = preference_links.principal_of_link(
        heed.uow, heed.settings, _link(heed, staff, customer["id"])
    )
    assert not principal.can("customer:view") and not principal.can("customer:edit")
    with pytest.raises(Forbidden):
        preference_page.preference_view(heed.uow, staff)


def test_an_automated_email_carries_the_preference_link_and_the_unsubscribe_in_its_footer(
    heed: Heed, staff: Principal, make_customer: MakeCustomer, frozen_clock: Any
) -> None:
    email = unique_email("maria", "gmail.com")
    customer = make_customer("Maria", contacts=[{"kind": "email", "value": email}])
    contact_id = customer["contacts"][0]["id"]
    transport = LogTransport(io.StringIO())
    for manual in (False, True):
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(
                channel="email", body="See you at 9.", contact_id=contact_id, manual=manual
            ),
        )
    messages.deliver_due(
        heed.uow, transport, NOON_CENTRAL, settings=heed.settings, account_id=staff.account_id
    )
    automated, manual_one = sorted(transport.sent, key=lambda m: len(m.body), reverse=True)
    footer_url = automated.body.split("Choose which messages you get: ")[1].split("\n")[0]
    assert "/unsubscribe/" in automated.body
    assert manual_one.body == "See you at 9."
    token = footer_url.rsplit("/p/", 1)[1]
    principal = preference_links.principal_of_link(heed.uow, heed.settings, token)
    assert principal.actor == f"customer:{customer['id']}"
