"""API keys (R-22), the audit trail (R-23) and tenancy: nothing crosses accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from integration_support import MakeRecord, ReceiveText, audit_rows, random_number
from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit, ContactInput
from heed.domain.decision import Category, Channel
from heed.domain.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    SmsOptedOut,
    Unauthorized,
)
from heed.services import accounts, consent, contacts, customers, decisions, messages, recipients
from heed.services.accounts import NewAccount
from heed.services.common import GRANTABLE, INBOUND, ROLES, Principal
from heed.services.customer_commands import (
    CustomerChanges,
    CustomerInput,
    LocationChanges,
    LocationInput,
)
from unique_values import unique_email


def test_api_key_permissions_are_validated_r22(heed: Heed, account: NewAccount) -> None:
    for bad in (["customer:view", "customer:delete"], [], ["admin"]):
        with pytest.raises(Invalid) as refused:
            accounts.create_api_key(heed.uow, account.account_id, bad)
        assert refused.value.details["field"] == "permissions"
    with pytest.raises(NotFound):
        accounts.create_api_key(heed.uow, "acc_does_not_exist", ["customer:view"])


def test_a_key_authenticates_with_exactly_its_permissions_r22(
    heed: Heed, account: NewAccount
) -> None:
    full = accounts.authenticate_api_key(heed.uow, account.api_key)
    assert full.account_id == account.account_id
    assert full.permissions == frozenset(GRANTABLE)
    assert INBOUND not in ROLES["admin"], "no staff role may record inbound texts"
    raw = accounts.create_api_key(heed.uow, account.account_id, ["customer:view", "location:view"])
    narrow = accounts.authenticate_api_key(heed.uow, raw)
    assert narrow.permissions == frozenset({"customer:view", "location:view"})
    assert narrow.actor.startswith("api_key:")
    assert not narrow.can("customer:edit")


@pytest.mark.parametrize("raw", [None, "", "heed_not-a-real-key", "Bearer heed_xyz"])
def test_a_missing_or_unknown_key_is_unauthorized_r22(
    heed: Heed, account: NewAccount, raw: str | None
) -> None:
    with pytest.raises(Unauthorized) as refused:
        accounts.authenticate_api_key(heed.uow, raw)
    assert refused.value.code == "unauthorized"


def test_keys_are_stored_hashed_and_the_raw_key_is_nowhere_r22(
    heed: Heed, account: NewAccount
) -> None:
    raw = accounts.create_api_key(heed.uow, account.account_id, ["messages:send"])
    with heed.engine.connect() as connection:
        rows = connection.execute(
            select(t.ApiKey.__table__).where(t.ApiKey.account_id == account.account_id)
        ).all()
    assert len(rows) == 2
    stored = " ".join(str(value) for row in rows for value in row)
    for key in (raw, account.api_key):
        assert key not in stored
        assert key.removeprefix("heed_") not in stored
        assert accounts.hash_api_key(key) in stored


# --- R-23 -------------------------------------------------------------------------------


def _changes(heed: Heed, staff: Principal, entity_id: str) -> list[tuple[str, Any, Any]]:
    # The operator set the account's Twilio token when creating it; those rows are theirs.
    rows = [
        r for r in audit_rows(heed, staff.account_id, entity_id) if r.actor != accounts.OPERATOR
    ]
    assert all(r.actor == staff.actor and r.at is not None for r in rows)
    return [(r.field, r.old, r.new) for r in rows]


def test_every_contact_change_is_audited_with_actor_and_old_to_new_r23(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    old, new = random_number(), random_number()
    contact = add_contact(make_customer()["id"], "mobile", old)
    contacts.update_contact(heed.uow, staff, contact["id"], ContactEdit(value=new))
    contacts.update_contact(
        heed.uow, staff, contact["id"], ContactEdit(kind="phone", memo="Gate code")
    )
    contacts.update_contact(
        heed.uow, staff, contact["id"], ContactEdit(notifications={"job": False})
    )
    # Setting what is already set is no change and leaves no row.
    contacts.update_contact(
        heed.uow, staff, contact["id"], ContactEdit(notifications={"job": False})
    )
    contacts.delete_contact(heed.uow, staff, contact["id"])
    assert _changes(heed, staff, contact["id"]) == [
        ("value", None, old),
        ("value", old, new),
        ("kind", "mobile", "phone"),
        ("memo", None, "Gate code"),
        ("notifications.job", "on", "off"),
        ("value", new, None),
    ]


def test_do_not_mail_and_invoice_delivery_changes_are_audited_r23(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    contact = add_contact(customer["id"], "email", "dana@whitfield.org")
    customers.update_customer(
        heed.uow,
        staff,
        customer["id"],
        CustomerChanges.parse({"invoice_delivery": ["mail", "email"]}),
    )
    customers.update_customer(
        heed.uow, staff, customer["id"], CustomerChanges.parse({"do_not_mail": True})
    )
    assert _changes(heed, staff, customer["id"])[1:] == [
        ("invoice_delivery", "mail", "mail,email"),
        ("do_not_mail", "off", "on"),
    ]
    # The settings Do Not Mail turned off are audited on the contact too.
    assert ("notifications.job", "on", "off") in _changes(heed, staff, contact["id"])


def test_account_settings_changes_are_audited_r23(heed: Heed, staff: Principal) -> None:
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(customer_notifications_enabled=False, sms_opt_out_scope="number"),
    )
    assert _changes(heed, staff, staff.account_id) == [
        ("customer_notifications_enabled", "on", "off"),
        ("sms_opt_out_scope", "account", "number"),
    ]


def test_a_refused_change_leaves_no_audit_row_r23(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    number = random_number()
    contact = add_contact(make_customer()["id"], "mobile", number)
    contacts.update_contact(
        heed.uow, staff, contact["id"], ContactEdit(notifications={"job": False})
    )
    inbound(number, "STOP")
    before = _changes(heed, staff, contact["id"])
    with pytest.raises(SmsOptedOut):
        contacts.update_contact(
            heed.uow, staff, contact["id"], ContactEdit(memo="x", notifications={"job": True})
        )
    assert _changes(heed, staff, contact["id"]) == before


# --- tenancy ----------------------------------------------------------------------------


@pytest.fixture
def theirs(heed: Heed, other_staff: Principal) -> dict[str, str]:
    """Another account's customer, location and contact."""
    number = random_number("214")
    customer = customers.create_customer(
        heed.uow,
        other_staff,
        CustomerInput.parse(
            {
                "name": "Their Customer",
                "contacts": [{"kind": "mobile", "value": number}],
                "locations": [{"name": "Their site"}],
            }
        ),
    )
    return {
        "customer": customer["id"],
        "location": customer["locations"][0]["id"],
        "contact": customer["contacts"][0]["id"],
        "number": number,
    }


def _calls(heed: Heed, ids: dict[str, str]) -> dict[str, Callable[[Principal], object]]:
    uow = heed.uow
    mobile = ContactInput(kind="mobile", value=random_number(), memo=None)
    calls: dict[str, Callable[[Principal], object]] = {
        "get_customer": lambda p: customers.get_customer(uow, p, ids["customer"]),
        "update_customer": lambda p: customers.update_customer(
            uow, p, ids["customer"], CustomerChanges.parse({"do_not_mail": True})
        ),
        "create_location": lambda p: customers.create_location(
            uow, p, ids["customer"], LocationInput.parse({"name": "Mine now"})
        ),
        "get_location": lambda p: customers.get_location(uow, p, ids["location"]),
        "update_location": lambda p: customers.update_location(
            uow, p, ids["location"], LocationChanges.parse({"name": "Renamed"})
        ),
        "add_contact_to_customer": lambda p: contacts.add_contact(
            uow, p, mobile, customer_id=ids["customer"]
        ),
        "add_contact_to_location": lambda p: contacts.add_contact(
            uow, p, mobile, location_id=ids["location"]
        ),
        "get_contact": lambda p: contacts.get_contact(uow, p, ids["contact"]),
        "update_contact": lambda p: contacts.update_contact(
            uow, p, ids["contact"], ContactEdit(notifications={"job": False})
        ),
        "delete_contact": lambda p: contacts.delete_contact(uow, p, ids["contact"]),
        "decide_one": lambda p: decisions.decide_one(
            uow, p, decisions.DecisionRequest.of(Channel.SMS, contact_id=ids["contact"])
        ),
        "decide_many": lambda p: decisions.decide_many(
            uow, p, [decisions.DecisionRequest.of(Channel.SMS, contact_id=ids["contact"])]
        ),
        "recipients_for": lambda p: recipients.recipients_for(
            uow, p, customer_id=ids["customer"], location_id=None, category=Category.JOB
        ),
        "send_message": lambda p: messages.send_message(
            uow,
            p,
            messages.SendMessage(channel="sms", contact_id=ids["contact"], body="hi", manual=True),
        ),
    }
    return calls


@pytest.mark.parametrize(
    "call",
    [
        "get_customer",
        "update_customer",
        "create_location",
        "get_location",
        "update_location",
        "add_contact_to_customer",
        "add_contact_to_location",
        "get_contact",
        "update_contact",
        "delete_contact",
        "decide_one",
        "decide_many",
        "recipients_for",
        "send_message",
    ],
)
def test_another_accounts_ids_are_not_found_from_every_service_tenancy(
    heed: Heed, staff: Principal, other_staff: Principal, theirs: dict[str, str], call: str
) -> None:
    before = customers.get_customer(heed.uow, other_staff, theirs["customer"])
    with pytest.raises(NotFound):
        _calls(heed, theirs)[call](staff)
    # And nothing of theirs changed.
    assert customers.get_customer(heed.uow, other_staff, theirs["customer"]) == before
    assert audit_rows(heed, staff.account_id, theirs["contact"]) == []


def test_another_accounts_records_stay_invisible_in_lists_and_lookups_tenancy(
    heed: Heed,
    staff: Principal,
    other_staff: Principal,
    theirs: dict[str, str],
    make_customer: MakeRecord,
) -> None:
    make_customer("Their Customer")
    listed = customers.list_customers(heed.uow, staff, q="Their")["items"]
    assert theirs["customer"] not in [c["id"] for c in listed]
    found = customers.lookup_phone(heed.uow, staff, theirs["number"])
    assert (found["customers"], found["locations"]) == ([], [])
    with pytest.raises(NotFound):
        contacts.contact_history(heed.uow, staff, theirs["contact"])
    consent.record_opt_out_for_customer(heed.uow, other_staff, theirs["number"])
    mine = consent.address_consent(heed.uow, staff, theirs["number"])
    assert (mine["opted_out"], mine["events"]) == (False, [])
    assert consent.ledger_events(heed.uow, staff) == []


def test_settings_refuse_the_twilio_auth_token_and_leave_it_unchanged_r25(
    heed: Heed, staff: Principal
) -> None:
    """Whoever holds the token can sign a START, so no settings:manage key or staff login
    may replace it; nothing of the request is written, not even its other fields."""
    with pytest.raises(Forbidden) as refused:
        accounts.update_account(
            heed.uow,
            staff,
            accounts.AccountChanges(help_text="Call 512-555-0100", twilio_auth_token="mallory"),
        )
    assert refused.value.details == {"field": "twilio_auth_token"}
    assert "set by the operator" in refused.value.message
    with heed.uow.read() as tx:
        stored = tx.session.get(t.Account, staff.account_id)
        assert stored is not None
        assert stored.twilio_auth_token is not None
        assert stored.twilio_auth_token.startswith("test-token-")
        assert stored.help_text is None


def test_the_operator_sets_the_twilio_token_and_the_audit_says_so_without_the_value_r23(
    heed: Heed, staff: Principal
) -> None:
    assert accounts.set_twilio_auth_token(
        heed.uow, staff.account_id, "s3cret-new", operator="operator:dana"
    )
    assert not accounts.set_twilio_auth_token(
        heed.uow, staff.account_id, " s3cret-new ", operator="operator:dana"
    )
    assert accounts.set_twilio_auth_token(
        heed.uow, staff.account_id, None, operator="operator:dana"
    )
    rows = [
        (r.actor, r.field, r.old, r.new)
        for r in audit_rows(heed, staff.account_id, staff.account_id)
    ]
    assert rows == [
        ("operator", "twilio_auth_token", None, "set"),
        ("operator:dana", "twilio_auth_token", "set", "changed"),
        ("operator:dana", "twilio_auth_token", "set", "removed"),
    ]
    for bad in ("", "   ", "x" * 201, "to\x00ken"):
        with pytest.raises(Invalid):
            accounts.set_twilio_auth_token(heed.uow, staff.account_id, bad)
    with pytest.raises(Invalid):
        accounts.create_account(heed.uow, "Acme Plumbing", twilio_auth_token="x" * 201)
    with pytest.raises(NotFound):
        accounts.set_twilio_auth_token(heed.uow, "acc_does_not_exist", "token")


def test_a_taken_business_number_or_login_has_its_own_code(
    heed: Heed, staff: Principal, other_staff: Principal, business_number: str
) -> None:
    with pytest.raises(Conflict) as taken:
        accounts.update_account(
            heed.uow, other_staff, accounts.AccountChanges(business_numbers=[business_number])
        )
    assert taken.value.code == "business_number_taken"
    # Logins are unique across accounts, so each run takes a login of its own.
    login_email = unique_email("sam", "acme-plumbing.com")
    accounts.create_user(heed.uow, staff.account_id, login_email, "longenough", "office")
    with pytest.raises(Conflict) as login:
        accounts.create_user(
            heed.uow, other_staff.account_id, login_email.capitalize(), "longenough", "office"
        )
    assert login.value.code == "email_taken"
