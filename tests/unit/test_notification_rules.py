"""Which notifications each kind carries, and when one may be turned on (R-3, R-4, R-8, R-12)."""

from __future__ import annotations

import pytest

from heed.domain.consent import ALL_NUMBERS, AddressState, Suppression
from heed.domain.errors import (
    ConsentEvidenceRequired,
    DoNotMail,
    EmailSuppressed,
    HeedError,
    Invalid,
    SmsOptedOut,
)
from heed.domain.preferences import (
    CATEGORIES,
    KINDS,
    categories_for,
    check_kind_change,
    check_turn_on,
    initial_settings,
    new_contact_settings,
    turned_on,
)

CLEAR = AddressState()
OPTED_OUT = AddressState(frozenset({ALL_NUMBERS}))
UNSUBSCRIBED = AddressState(suppression=Suppression("automated"))


@pytest.mark.parametrize(
    ("kind", "carried"),
    [
        ("email", ("job", "invoice_statement", "marketing")),
        ("mobile", ("job", "marketing")),
        ("phone", ("job", "marketing")),
        ("fax", ()),
    ],
)
def test_each_kind_carries_its_categories_in_one_order_r3(
    kind: str, carried: tuple[str, ...]
) -> None:
    assert categories_for(kind) == carried


def test_every_kind_has_a_row_and_no_kind_carries_an_unknown_category() -> None:
    for kind in KINDS:
        assert set(categories_for(kind)) <= set(CATEGORIES)
    assert categories_for("pager") == ()


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("mobile", "phone", True),
        ("phone", "mobile", True),
        ("mobile", "fax", True),
        ("email", "email", True),
        ("mobile", "email", False),
        ("email", "phone", False),
        ("fax", "email", False),
    ],
)
def test_a_number_switches_kind_among_numbers_only_r4(old: str, new: str, allowed: bool) -> None:
    if allowed:
        check_kind_change(old, new)
    else:
        with pytest.raises(Invalid) as refused:
            check_kind_change(old, new)
        assert refused.value.details == {"field": "kind"}


@pytest.mark.parametrize("kind", ["mobile", "phone", "email"])
def test_a_new_phone_or_email_gets_job_from_the_account_switch_and_the_rest_off_r3(
    kind: str,
) -> None:
    on = initial_settings(kind, notifications_enabled=True, do_not_mail=False, placeholder=False)
    assert on == {"job": True, "invoice_statement": False, "marketing": False}
    off = initial_settings(kind, notifications_enabled=False, do_not_mail=False, placeholder=False)
    assert not any(off.values())


@pytest.mark.parametrize(
    ("kind", "do_not_mail", "placeholder"),
    [("fax", False, False), ("mobile", True, False), ("email", False, True)],
)
def test_a_fax_a_do_not_mail_customers_contact_and_a_placeholder_start_all_off_r3_r8(
    kind: str, do_not_mail: bool, placeholder: bool
) -> None:
    settings = initial_settings(
        kind, notifications_enabled=True, do_not_mail=do_not_mail, placeholder=placeholder
    )
    assert not any(settings.values())


@pytest.mark.parametrize(
    ("kind", "category", "consent", "do_not_mail", "refusal"),
    [
        ("fax", "job", CLEAR, False, Invalid),
        ("mobile", "invoice_statement", CLEAR, False, Invalid),
        ("phone", "invoice_statement", CLEAR, False, Invalid),
        ("mobile", "job", OPTED_OUT, False, SmsOptedOut),
        ("phone", "marketing", OPTED_OUT, True, SmsOptedOut),
        ("email", "job", UNSUBSCRIBED, True, EmailSuppressed),
        ("email", "invoice_statement", CLEAR, True, DoNotMail),
        ("mobile", "job", CLEAR, True, DoNotMail),
        ("email", "job", OPTED_OUT, False, None),
        ("mobile", "marketing", UNSUBSCRIBED, False, ConsentEvidenceRequired),
        ("phone", "marketing", CLEAR, False, ConsentEvidenceRequired),
        ("email", "marketing", CLEAR, False, None),
        ("email", "invoice_statement", CLEAR, False, None),
    ],
)
def test_turning_on_names_the_first_rule_that_forbids_it_r3_r8_r12_r14(
    kind: str,
    category: str,
    consent: AddressState,
    do_not_mail: bool,
    refusal: type[HeedError] | None,
) -> None:
    field = f"notifications.{category}"
    if refusal is None:
        check_turn_on(kind, category, consent, do_not_mail=do_not_mail, field=field)
        return
    with pytest.raises(refusal) as refused:
        check_turn_on(kind, category, consent, do_not_mail=do_not_mail, field=field)
    assert type(refused.value) is refusal
    assert refused.value.details["field"] == field


def test_marketing_for_a_phone_turns_on_only_with_consent_on_record_r24() -> None:
    check_turn_on(
        "mobile",
        "marketing",
        CLEAR,
        do_not_mail=False,
        field="notifications.marketing",
        marketing_consented=True,
    )
    with pytest.raises(SmsOptedOut):
        check_turn_on(
            "mobile",
            "marketing",
            OPTED_OUT,
            do_not_mail=False,
            field="notifications.marketing",
            marketing_consented=True,
        )


def test_asking_for_a_setting_the_default_gives_is_still_checked_r12() -> None:
    with pytest.raises(SmsOptedOut) as refused:
        new_contact_settings(
            "mobile",
            {"job": True},
            OPTED_OUT,
            notifications_enabled=True,
            do_not_mail=False,
            placeholder=False,
            field="contacts[2].notifications",
        )
    assert refused.value.details["field"] == "contacts[2].notifications.job"


def test_a_new_contacts_settings_are_the_defaults_with_what_was_asked_r3() -> None:
    settings = new_contact_settings(
        "email",
        {"job": False, "invoice_statement": True},
        CLEAR,
        notifications_enabled=True,
        do_not_mail=False,
        placeholder=False,
        field="notifications",
    )
    assert settings == {"job": False, "invoice_statement": True, "marketing": False}


def test_only_settings_going_from_off_to_on_are_turned_on() -> None:
    current = {"job": True, "invoice_statement": False, "marketing": False}
    wanted = {"marketing": True, "job": True, "invoice_statement": False}
    assert turned_on(current, wanted) == ["marketing"]
