"""Contact methods through the services on a real database (R-1 … R-6, R-20)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from integration_support import MakeRecord, Record, random_number
from sqlalchemy import func, select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit, ContactInput
from heed.domain.errors import (
    ConfirmationRequired,
    Forbidden,
    Invalid,
    PlaceholderSyncForbidden,
)
from heed.services import accounts, contacts, customers
from heed.services.common import Principal
from heed.services.permissions import DECLARED


def _contact_count(heed: Heed, account_id: str) -> int:
    with heed.uow.read() as tx:
        return (
            tx.session.scalar(
                select(func.count())
                .select_from(t.Contact)
                .where(t.Contact.account_id == account_id)
            )
            or 0
        )


def test_phone_typed_any_way_is_stored_as_e164_and_email_normalized_r1(
    make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    mobile = add_contact(customer["id"], "mobile", "(512) 555-2142 ext. 9")
    email = add_contact(customer["id"], "email", "  Dana.Whitfield@Gmail.COM ")
    assert mobile["value"] == "+15125552142"
    assert mobile["display"] != mobile["value"]
    assert email["value"] == "dana.whitfield@gmail.com"


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("mobile", "+44 20 7946 0958", "international_number"),
        ("fax", "+33 1 42 68 53 00", "international_number"),
        ("mobile", "512-555-01", "invalid_phone"),
        ("phone", "not a number", "invalid_phone"),
        ("email", "dana@@gmail", "invalid_email"),
        ("email", "dana.gmail.com", "invalid_email"),
    ],
)
def test_invalid_or_international_values_are_refused_with_a_reason_and_nothing_written_r1(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    kind: str,
    value: str,
    code: str,
) -> None:
    customer = make_customer()
    with pytest.raises(Invalid) as refused:
        add_contact(customer["id"], kind, value)
    assert refused.value.code == code
    assert refused.value.details["field"] == "value"
    if code == "international_number":
        assert "international numbers are not supported" in refused.value.message.lower()
    assert _contact_count(heed, staff.account_id) == 0


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("mobile", "(123) 456-7890"),
        ("phone", "555-555-5555"),
        ("mobile", "000-000-0000"),
        ("mobile", "(512) 222-2222"),
        ("email", "noemail@x.com"),
        ("email", "someone@example.com"),
        ("email", "none@gmail.com"),
        ("email", "test@acme-plumbing.com"),
    ],
)
def test_placeholder_typed_by_hand_is_refused_and_nothing_written_r2(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    kind: str,
    value: str,
) -> None:
    customer = make_customer()
    with pytest.raises(Invalid) as refused:
        add_contact(customer["id"], kind, value)
    assert refused.value.code == "placeholder_contact"
    assert _contact_count(heed, staff.account_id) == 0


def test_account_listed_placeholder_is_refused_by_hand_r2(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(placeholders=["(512) 867-5309", "office@acme-plumbing.com"]),
    )
    customer = make_customer()
    for kind, value in (("mobile", "512.867.5309"), ("email", "Office@Acme-Plumbing.com")):
        with pytest.raises(Invalid) as refused:
            add_contact(customer["id"], kind, value)
        assert refused.value.code == "placeholder_contact"
    assert _contact_count(heed, staff.account_id) == 0
    # A real number next to it is fine.
    assert add_contact(customer["id"], "mobile", "512-867-5310")["placeholder"] is False


def test_imported_placeholder_is_kept_flagged_and_never_messaged_r2(
    make_customer: MakeRecord, add_contact: MakeRecord, decide: MakeRecord
) -> None:
    customer = make_customer()
    phone = add_contact(customer["id"], "mobile", "555-555-5555", imported=True)
    email = add_contact(customer["id"], "email", "noemail@x.com", imported=True)
    assert phone["placeholder"] is True and email["placeholder"] is True
    assert phone["notifications"]["job"] is False
    for contact, channel in ((phone, "sms"), (email, "email")):
        for manual in (False, True):
            answer = decide(contact_id=contact["id"], channel=channel, manual=manual)
            assert (answer["outcome"], answer["reason"]) == ("blocked", "placeholder")


def test_imported_placeholder_is_listed_for_clean_up_r2(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    add_contact(customer["id"], "mobile", "(123) 456-7890", imported=True)
    view = customers.get_customer(heed.uow, staff, customer["id"])
    assert "placeholder_contact" in view["flags"]


def test_new_phone_and_email_default_job_on_and_the_rest_off_r3(
    make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    for kind, value in (
        ("mobile", random_number()),
        ("phone", random_number()),
        ("email", "dana@whitfield.org"),
    ):
        contact = add_contact(customer["id"], kind, value)
        assert contact["notifications"] == {
            "job": True,
            "invoice_statement": False,
            "marketing": False,
        }
        assert contact["bell"] == "on"


def test_new_contacts_default_off_when_the_account_switch_is_off_r3_r7(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(customer_notifications_enabled=False)
    )
    customer = make_customer()
    contact = add_contact(customer["id"], "mobile", random_number())
    assert contact["notifications"]["job"] is False
    assert contact["bell"] == "off"


def test_new_contacts_of_a_do_not_mail_customer_start_off_and_locked_r3_r8(
    make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer(do_not_mail=True)
    contact = add_contact(customer["id"], "email", "dana@whitfield.org")
    assert not any(contact["notifications"].values())
    assert contact["bell"] == "locked"


def test_fax_gets_no_notifications_and_cannot_be_given_any_r3(
    make_customer: MakeRecord, add_contact: MakeRecord, decide: MakeRecord
) -> None:
    customer = make_customer()
    fax = add_contact(customer["id"], "fax", random_number())
    assert not any(fax["notifications"].values())
    with pytest.raises(Invalid):
        add_contact(customer["id"], "fax", random_number(), notifications={"job": True})
    assert decide(contact_id=fax["id"], manual=True)["reason"] == "fax"


def test_invoice_setting_exists_only_on_emails_r3(
    make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    with pytest.raises(Invalid):
        add_contact(
            customer["id"], "mobile", random_number(), notifications={"invoice_statement": True}
        )
    email = add_contact(
        customer["id"], "email", "ap@whitfield.org", notifications={"invoice_statement": True}
    )
    assert email["notifications"]["invoice_statement"] is True


def test_switching_mobile_to_landline_and_back_keeps_the_value_r4(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    number = random_number()
    contact = add_contact(customer["id"], "mobile", number)
    landline = contacts.update_contact(heed.uow, staff, contact["id"], ContactEdit(kind="phone"))
    assert landline["contact"]["kind"] == "phone"
    assert landline["contact"]["value"] == number
    assert landline["sync_candidates"] == []
    back = contacts.update_contact(heed.uow, staff, contact["id"], ContactEdit(kind="mobile"))
    assert (back["contact"]["kind"], back["contact"]["value"]) == ("mobile", number)
    with pytest.raises(Invalid):
        contacts.update_contact(heed.uow, staff, contact["id"], ContactEdit(kind="email"))


def test_value_change_is_recorded_and_old_number_no_longer_finds_the_record_r5_r20(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    old, new = random_number(), random_number()
    contact = add_contact(customer["id"], "mobile", old)
    assert customers.lookup_phone(heed.uow, staff, old)["customers"] == [
        {"id": customer["id"], "name": customer["name"]}
    ]
    contacts.update_contact(heed.uow, staff, contact["id"], ContactEdit(value=new))
    history = contacts.contact_history(heed.uow, staff, contact["id"])
    assert [(h["old_value"], h["new_value"], h["actor"]) for h in history] == [
        (old, new, staff.actor)
    ]
    assert customers.lookup_phone(heed.uow, staff, old)["customers"] == []
    assert [c["id"] for c in customers.lookup_phone(heed.uow, staff, new)["customers"]] == [
        customer["id"]
    ]


def test_removing_a_contact_is_recorded_and_it_leaves_caller_id_r5(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    number = random_number()
    contact = add_contact(customer["id"], "mobile", number)
    contacts.delete_contact(heed.uow, staff, contact["id"])
    history = contacts.contact_history(heed.uow, staff, contact["id"])
    assert [(h["old_value"], h["new_value"]) for h in history] == [(number, None)]
    assert customers.lookup_phone(heed.uow, staff, number)["customers"] == []


def test_value_change_to_a_placeholder_by_hand_is_refused_r2(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer()
    number = random_number()
    contact = add_contact(customer["id"], "mobile", number)
    with pytest.raises(Invalid) as refused:
        contacts.update_contact(heed.uow, staff, contact["id"], ContactEdit(value="555-555-5555"))
    assert refused.value.code == "placeholder_contact"
    assert contacts.get_contact(heed.uow, staff, contact["id"])["value"] == number


# --- R-6 sync -------------------------------------------------------------------------


@pytest.fixture
def shared_number(
    make_customer: MakeRecord, make_location: MakeRecord, add_contact: MakeRecord
) -> Record:
    """One number on a customer, on its location, and on another customer."""
    number = random_number()
    dana = make_customer("Dana Whitfield")
    lake = make_location(dana["id"], "Lake house")
    lee = make_customer("Lee Whitfield")
    return {
        "number": number,
        "dana": dana,
        "lee": lee,
        "source": add_contact(dana["id"], "mobile", number),
        "same_customer": add_contact(lake["id"], "mobile", number),
        "other_customer": add_contact(lee["id"], "mobile", number),
    }


def test_value_change_lists_every_other_record_carrying_the_old_value_r6(
    heed: Heed, staff: Principal, shared_number: Record
) -> None:
    changed = contacts.update_contact(
        heed.uow, staff, shared_number["source"]["id"], ContactEdit(value=random_number())
    )
    candidates = {c["contact_id"]: c for c in changed["sync_candidates"]}
    assert set(candidates) == {
        shared_number["same_customer"]["id"],
        shared_number["other_customer"]["id"],
    }
    assert candidates[shared_number["same_customer"]["id"]]["other_customer"] is False
    assert candidates[shared_number["same_customer"]["id"]]["owner"]["type"] == "location"
    assert candidates[shared_number["other_customer"]["id"]]["other_customer"] is True
    assert (
        candidates[shared_number["other_customer"]["id"]]["customer_id"]
        == shared_number["lee"]["id"]
    )


def test_sync_to_a_record_of_the_same_customer_applies_without_confirmation_r6(
    heed: Heed, staff: Principal, shared_number: Record
) -> None:
    new = random_number()
    contacts.update_contact(heed.uow, staff, shared_number["source"]["id"], ContactEdit(value=new))
    target = shared_number["same_customer"]["id"]
    assert contacts.sync_contact(heed.uow, staff, shared_number["source"]["id"], [target]) == {
        "synced": [target]
    }
    assert contacts.get_contact(heed.uow, staff, target)["value"] == new
    assert [h["new_value"] for h in contacts.contact_history(heed.uow, staff, target)] == [new]
    # The record of the other customer was not touched.
    other = contacts.get_contact(heed.uow, staff, shared_number["other_customer"]["id"])
    assert other["value"] == shared_number["number"]


def test_sync_to_another_customer_needs_confirmation_and_changes_nothing_without_it_r6(
    heed: Heed, staff: Principal, shared_number: Record
) -> None:
    new = random_number()
    source = shared_number["source"]["id"]
    contacts.update_contact(heed.uow, staff, source, ContactEdit(value=new))
    targets = [shared_number["same_customer"]["id"], shared_number["other_customer"]["id"]]
    with pytest.raises(ConfirmationRequired) as refused:
        contacts.sync_contact(heed.uow, staff, source, targets)
    assert refused.value.code == "confirmation_required"
    listed = refused.value.details["contacts"]
    assert [c["contact_id"] for c in listed] == [shared_number["other_customer"]["id"]]
    assert listed[0]["customer_id"] == shared_number["lee"]["id"]
    # All or nothing: not even the same-customer target moved.
    for target in targets:
        assert contacts.get_contact(heed.uow, staff, target)["value"] == shared_number["number"]
        assert contacts.contact_history(heed.uow, staff, target) == []

    synced = contacts.sync_contact(heed.uow, staff, source, targets, confirm_other_customers=True)
    assert sorted(synced["synced"]) == sorted(targets)
    for target in targets:
        assert contacts.get_contact(heed.uow, staff, target)["value"] == new


def test_placeholder_is_never_synced_and_a_refused_sync_changes_nothing_r6(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    dana = make_customer("Dana Whitfield")
    number = random_number()
    flagged = add_contact(dana["id"], "mobile", "555-555-5555", imported=True)
    plain = add_contact(dana["id"], "mobile", number)
    # From a placeholder: replacing an imported placeholder offers no candidates and no sync.
    other_flag = add_contact(dana["id"], "mobile", "555-555-5555", imported=True)
    changed = contacts.update_contact(
        heed.uow, staff, flagged["id"], ContactEdit(value=random_number())
    )
    assert changed["sync_candidates"] == []
    with pytest.raises(PlaceholderSyncForbidden) as refused:
        contacts.sync_contact(heed.uow, staff, flagged["id"], [other_flag["id"]])
    assert refused.value.code == "placeholder_sync_forbidden"
    assert contacts.get_contact(heed.uow, staff, other_flag["id"])["placeholder"] is True

    # To a placeholder: a real change may not be copied onto a flagged record.
    source = add_contact(dana["id"], "mobile", number)
    contacts.update_contact(heed.uow, staff, source["id"], ContactEdit(value=random_number()))
    with pytest.raises(PlaceholderSyncForbidden):
        contacts.sync_contact(heed.uow, staff, source["id"], [plain["id"], other_flag["id"]])
    assert contacts.get_contact(heed.uow, staff, plain["id"])["value"] == number
    assert contacts.contact_history(heed.uow, staff, plain["id"]) == []


# --- a contact's permission is its owner's, checked by the verb ------------------


def _with(staff: Principal, *permissions: str) -> Principal:
    return Principal(staff.account_id, "api_key:narrow", frozenset(permissions))


def test_a_viewer_reads_a_contact_but_every_change_is_refused_and_nothing_moves_r22(
    heed: Heed, staff: Principal, shared_number: Record
) -> None:
    viewer = _with(staff, "customer:view", "location:view")
    source = shared_number["source"]["id"]
    assert contacts.get_contact(heed.uow, viewer, source)["id"] == source
    refusals: list[Callable[[], object]] = [
        lambda: contacts.update_contact(heed.uow, viewer, source, ContactEdit(memo="cell")),
        lambda: contacts.set_notifications(heed.uow, viewer, source, []),
        lambda: contacts.delete_contact(heed.uow, viewer, source),
        lambda: contacts.sync_contact(
            heed.uow, viewer, source, [shared_number["same_customer"]["id"]]
        ),
    ]
    for refused in refusals:
        with pytest.raises(Forbidden) as error:
            refused()
        assert error.value.details == {"permission": "customer:edit"}
    assert contacts.get_contact(heed.uow, staff, source) == shared_number["source"]


def test_location_edit_changes_a_locations_contact_and_not_the_customers_r22(
    heed: Heed, staff: Principal, shared_number: Record
) -> None:
    site_staff = _with(staff, "location:view", "location:edit")
    site = shared_number["same_customer"]["id"]
    changed = contacts.update_contact(heed.uow, site_staff, site, ContactEdit(memo="tenant"))
    assert changed["contact"]["memo"] == "tenant"
    with pytest.raises(Forbidden) as refused:
        contacts.get_contact(heed.uow, site_staff, shared_number["source"]["id"])
    assert refused.value.details == {"permission": "customer:view"}
    # Syncing from the location's record onto the customer's needs customer:edit too.
    contacts.update_contact(heed.uow, staff, site, ContactEdit(value=random_number()))
    with pytest.raises(Forbidden):
        contacts.sync_contact(heed.uow, site_staff, site, [shared_number["source"]["id"]])


def test_adding_a_contact_is_refused_for_want_of_the_owners_edit_before_the_owner_is_read_r22(
    heed: Heed, staff: Principal, make_customer: MakeRecord
) -> None:
    mobile = ContactInput(kind="mobile", value=random_number(), memo=None)
    customer = make_customer()
    for permissions, where, missing in (
        (("customer:view", "location:edit"), {"customer_id": customer["id"]}, "customer:edit"),
        (("customer:edit",), {"location_id": "loc_not_read"}, "location:edit"),
    ):
        with pytest.raises(Forbidden) as refused:
            contacts.add_contact(heed.uow, _with(staff, *permissions), mobile, **where)
        assert refused.value.details == {"permission": missing}
    assert _contact_count(heed, staff.account_id) == 0


def test_a_removed_contacts_history_needs_both_view_permissions_r5_r22(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    contact = add_contact(make_customer()["id"], "mobile", random_number())
    contacts.delete_contact(heed.uow, staff, contact["id"])
    with pytest.raises(Forbidden):
        contacts.contact_history(heed.uow, _with(staff, "customer:view"), contact["id"])
    both = _with(staff, "customer:view", "location:view")
    assert len(contacts.contact_history(heed.uow, both, contact["id"])) == 1


def test_every_contact_verb_taking_a_principal_declares_its_permission_r22() -> None:
    verbs = [
        name
        for name, verb in vars(contacts).items()
        if callable(verb)
        and not name.startswith("_")
        and getattr(verb, "__module__", "") == contacts.__name__
        and "principal" in inspect.signature(verb).parameters
    ]
    assert "update_contact" in verbs
    undeclared = [v for v in verbs if f"{contacts.__name__}.{v}" not in DECLARED]
    assert undeclared == []
