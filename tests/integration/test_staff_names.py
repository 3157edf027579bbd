"""Staff have names (issue 16): stored when given, refused when too long or holding a
control character, and shown for what they do wherever heed names who acted; their
email is shown when they have no name."""

from __future__ import annotations

import pytest
from integration_support import MakeRecord, random_number

from heed.adapters.db import staff as stored_staff
from heed.bootstrap import Heed
from heed.domain.errors import Invalid
from heed.services import accounts, consent, display
from heed.services.audit_trail import AuditQuery, audit_trail
from heed.services.common import PERMISSIONS, Principal
from unique_values import unique_email


def _member(heed: Heed, staff: Principal, name: str | None) -> tuple[Principal, str, str]:
    email = unique_email("ann", "acme.example")
    user_id = accounts.create_user(
        heed.uow, staff.account_id, email, "a-long-password", "office", name
    )
    member = Principal(
        staff.account_id, f"user:{email}", frozenset(PERMISSIONS), credential=f"user:{user_id}"
    )
    return member, email, user_id


def _stored_name(heed: Heed, email: str) -> str | None:
    with heed.uow.read() as tx:
        user = stored_staff.user_by_email(tx, email)
    assert user is not None
    return user.name


def test_a_staff_members_name_is_stored_trimmed_and_a_blank_one_is_no_name(
    heed: Heed, staff: Principal
) -> None:
    _, named, _ = _member(heed, staff, "  Ann Ortega  ")
    _, blank, _ = _member(heed, staff, "   ")
    _, unnamed, _ = _member(heed, staff, None)

    assert _stored_name(heed, named) == "Ann Ortega"
    assert _stored_name(heed, blank) is None
    assert _stored_name(heed, unnamed) is None


@pytest.mark.parametrize(
    ("name", "phrase"), [("A" * 101, "at most 100 characters"), ("Ann\nOrtega", "control")]
)
def test_a_staff_name_too_long_or_with_a_control_character_is_refused_and_no_login_is_made(
    heed: Heed, staff: Principal, name: str, phrase: str
) -> None:
    email = unique_email("bo", "acme.example")
    with pytest.raises(Invalid) as refused:
        accounts.create_user(heed.uow, staff.account_id, email, "a-long-password", "office", name)

    assert refused.value.details["field"] == "name"
    assert phrase in refused.value.message
    with heed.uow.read() as tx:
        assert stored_staff.user_by_email(tx, email) is None


def test_a_name_of_exactly_the_limit_is_kept(heed: Heed, staff: Principal) -> None:
    _, email, _ = _member(heed, staff, "N" * 100)

    assert _stored_name(heed, email) == "N" * 100


def test_the_history_labels_a_named_member_by_name_and_an_unnamed_one_by_email(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    named, _, named_id = _member(heed, staff, "Ann Ortega")
    unnamed, unnamed_email, unnamed_id = _member(heed, staff, None)
    customer = make_customer()
    first = add_contact(customer["id"], "mobile", random_number())
    second = add_contact(customer["id"], "mobile", random_number())

    consent.record_opt_out(heed.uow, named, consent.OptOut(first["value"]))
    consent.record_opt_out(heed.uow, unnamed, consent.OptOut(second["value"]))

    items = audit_trail(heed.uow, staff, AuditQuery.parse(customer_id=customer["id"])).items
    by_target = {
        item["target"]["id"]: item["actor"] for item in items if item["action"] == "opted_out"
    }
    assert by_target[first["value"]] == {"type": "user", "id": named_id, "label": "Ann Ortega"}
    assert by_target[second["value"]] == {
        "type": "user",
        "id": unnamed_id,
        "label": unnamed_email,
    }


def test_the_consent_page_and_the_receipt_label_staff_as_the_history_does(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    named, email, _ = _member(heed, staff, "Ann Ortega")
    customer = make_customer()
    phone = add_contact(customer["id"], "mobile", random_number())

    consent.record_opt_out(heed.uow, named, consent.OptOut(phone["value"]))

    page = consent.consent_history(heed.uow, staff, phone["value"])
    entry = page["events"][-1]
    assert (entry["actor"], entry["actor_label"]) == (f"user:{email}", "Ann Ortega")
    with heed.uow.read() as tx:
        labels = display.actor_labels(tx, staff.account_id, [f"user:{email}", "api_key:k1"])
    assert labels == {f"user:{email}": "Ann Ortega", "api_key:k1": "API key k1"}


def test_a_staff_member_of_another_account_is_never_labelled_by_their_name(
    heed: Heed, staff: Principal, other_staff: Principal
) -> None:
    elsewhere, email, _ = _member(heed, other_staff, "Zed Elsewhere")

    with heed.uow.read() as tx:
        labels = display.actor_labels(tx, staff.account_id, [elsewhere.actor])

    assert labels == {f"user:{email}": email}


def test_the_marketing_receipt_names_who_captured_the_consent_by_name(
    heed: Heed, staff: Principal
) -> None:
    named, email, _ = _member(heed, staff, "Ann Ortega")
    number = random_number()
    signed = "I agree to get marketing texts from Acme Plumbing, up to 4 a month."
    consent.record_marketing_consent(
        heed.uow,
        named,
        consent.RecordMarketing(number, "written", disclosure=signed, reference="F-1"),
    )

    receipt = consent.marketing_receipt(heed.uow, staff, number)["marketing"]

    assert (receipt["captured_by"], receipt["captured_by_label"]) == (f"user:{email}", "Ann Ortega")
