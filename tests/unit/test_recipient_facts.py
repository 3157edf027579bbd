"""How what heed stores about a recipient becomes the decision's facts (R-13, R-18)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from heed.domain import recipient_facts
from heed.domain.consent import AddressState, Suppression
from heed.domain.decision import Category, Channel, SendingWindow
from heed.domain.recipient_facts import (
    AccountRules,
    FactsOf,
    RawRecords,
    StoredContact,
    may_be_held,
    needs_marketing_history,
    stored_contact,
)
from heed.services.decisions import DecisionRequest

RULES = AccountRules.of(True, "08:00", "21:00", None)
BUSINESS = "+15125550142"


def mobile(value: str = "+15128675309", time_zone: str | None = None) -> StoredContact:
    """A stored mobile with job notifications on (invoice_statement and marketing off)."""
    return stored_contact("mobile", value, notify=(True, False, False), time_zone=time_zone)


def text(category: Category = Category.JOB, sender: str | None = None) -> DecisionRequest:
    return DecisionRequest.of(Channel.SMS, category, contact_id="con_1", sender=sender)


def test_account_rules_read_the_window_and_the_placeholders() -> None:
    rules = AccountRules.of(False, "09:30", "17:00", ["none@example.com"])
    assert rules == AccountRules(False, ("none@example.com",), SendingWindow(time(9, 30), time(17)))


def test_equal_requests_about_equal_contacts_share_one_facts_object() -> None:
    facts_of = FactsOf(RULES)
    first = facts_of.stored(text(), mobile())
    second = facts_of.stored(text(), mobile("+15128675310"))
    assert first is second


def test_a_stored_contact_reads_its_setting_for_the_category_asked() -> None:
    facts_of = FactsOf(RULES)
    assert facts_of.stored(text(), mobile()).preference_on is True
    assert facts_of.stored(text(Category.MARKETING), mobile()).preference_on is False


def test_an_opt_out_from_one_business_number_blocks_texts_from_it_only_r13() -> None:
    contact, consent = mobile(), AddressState(frozenset({BUSINESS}))
    facts_of = FactsOf(RULES)
    assert facts_of.stored(text(sender=BUSINESS), contact, consent).sms_opted_out is True
    assert facts_of.stored(text(sender="+15125550143"), contact, consent).sms_opted_out is False
    # With no sender named, any opt-out blocks.
    assert facts_of.stored(text(), contact, consent).sms_opted_out is True


def test_the_location_zone_wins_over_the_area_code() -> None:
    facts_of = FactsOf(RULES)
    assert facts_of.stored(text(), mobile()).time_zones == ("America/Chicago",)
    cabin = mobile(time_zone="America/Los_Angeles")
    assert facts_of.stored(text(), cabin).time_zones == ("America/Los_Angeles",)
    assert facts_of.stored(text(), cabin).region == "US-TX"


def test_a_stand_in_number_on_file_is_a_placeholder_r2() -> None:
    assert FactsOf(RULES).stored(text(), mobile("+15125555555")).placeholder is True
    assert FactsOf(RULES).stored(text(), mobile("+15125552100")).placeholder is False


def test_a_raw_address_that_did_not_parse_is_invalid_and_opted_out_of_nothing() -> None:
    asked = DecisionRequest.of(Channel.SMS, to="not a phone")
    facts = FactsOf(RULES).raw(asked, None, AddressState(), None)
    assert (facts.address_valid, facts.sms_opted_out, facts.preference_on) == (False, False, None)


def test_a_raw_email_reads_its_suppression_and_the_records_that_list_it() -> None:
    asked = DecisionRequest.of(Channel.EMAIL, Category.INVOICE_STATEMENT, to="dana@whitfield.org")
    records = RawRecords(do_not_mail=True, enabled=frozenset({Category.INVOICE_STATEMENT}))
    state = AddressState(suppression=Suppression.AUTOMATED)
    facts = FactsOf(RULES).raw(asked, "dana@whitfield.org", state, records)
    assert facts.email_suppression is Suppression.AUTOMATED
    assert (facts.do_not_mail, facts.preference_on, facts.time_zones) == (True, True, ())


def test_only_marketing_texts_to_capped_states_need_their_history() -> None:
    marketing = text(Category.MARKETING)
    assert needs_marketing_history(marketing, "+13055550123")  # Florida
    assert needs_marketing_history(marketing, "+14055550123")  # Oklahoma
    assert not needs_marketing_history(marketing, "+15125550123")  # Texas
    assert not needs_marketing_history(text(), "+13055550123")
    assert not needs_marketing_history(marketing, None)


def test_only_marketing_texts_wait_on_the_review_list_r29() -> None:
    assert may_be_held(text(Category.MARKETING))
    assert not may_be_held(text())
    assert not may_be_held(DecisionRequest.of(Channel.EMAIL, Category.MARKETING, to="a@b.org"))


def test_a_later_batch_under_the_same_settings_gets_the_facts_already_built() -> None:
    first = FactsOf(AccountRules.of(True, "08:00", "21:00", None)).stored(text(), mobile())
    again = FactsOf(AccountRules.of(True, "08:00", "21:00", None)).stored(text(), mobile())
    assert again is first


def test_other_settings_build_their_own_facts() -> None:
    first = FactsOf(RULES).stored(text(), mobile())
    later = FactsOf(AccountRules.of(True, "09:00", "21:00", None)).stored(text(), mobile())
    assert later is not first and later.window.start == time(9)
    switched_off = FactsOf(AccountRules.of(False, "08:00", "21:00", None))
    assert switched_off.stored(text(), mobile()).notifications_enabled is False


def test_the_facts_kept_are_dropped_once_there_are_more_than_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(recipient_facts, "FACTS_KEPT", 2)
    rules = AccountRules.of(True, "07:45", "20:15", None)
    facts_of = FactsOf(rules)
    first = facts_of.stored(text(), mobile())
    facts_of.stored(text(), mobile(time_zone="America/Denver"))
    facts_of.stored(text(), mobile(time_zone="America/New_York"))
    rebuilt = FactsOf(rules).stored(text(), mobile())
    assert rebuilt == first and rebuilt is not first


def test_only_a_marketing_message_reads_the_contacts_marketing_consent_r24() -> None:
    facts_of = FactsOf(RULES)
    consented = stored_contact("mobile", "+15128675309", marketing_consented=True)
    canadian = stored_contact(
        "email", "dana@whitfield.ca", consent_country="CA", last_inquiry_at="2026-05-01 10:00:00"
    )
    assert facts_of.stored(text(), consented) is facts_of.stored(text(), mobile())
    assert facts_of.stored(text(Category.MARKETING), consented).marketing_consent is True
    assert facts_of.stored(text(Category.MARKETING), mobile()).marketing_consent is False
    email = DecisionRequest.of(Channel.EMAIL, Category.MARKETING, contact_id="con_2")
    facts = facts_of.stored(email, canadian)
    assert (facts.casl, facts.marketing_consent) == (True, False)
    # Implied by the inquiry for 183 days (CASL: six months), read as UTC.
    assert facts.implied_consent_until == datetime(2026, 10, 31, 10, tzinfo=UTC)
