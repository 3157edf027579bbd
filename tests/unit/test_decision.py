"""The send decision (R-18) as a table, plus the timing rules and properties."""

from __future__ import annotations

import itertools
from dataclasses import fields, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heed.domain.consent import Suppression
from heed.domain.decision import (
    CONTINENTAL_US_ZONES,
    PRECEDENCE,
    SAVED_AS_LANDLINE,
    Category,
    Channel,
    Decider,
    Decision,
    Facts,
    Layer,
    Outcome,
    Reason,
    SendingWindow,
    decide,
    decide_each,
    next_open,
)

CHICAGO = "America/Chicago"
NEW_YORK = "America/New_York"
OPT_OUT_MESSAGE = (
    "This contact has opted out of SMS communication. "
    "Only the customer can opt back in by texting START."
)


def facts(**changes: Any) -> Facts:
    """An automated job text to a mobile contact with everything switched on."""
    base = Facts(
        channel=Channel.SMS,
        category=Category.JOB,
        manual=False,
        address_valid=True,
        placeholder=False,
        kind="mobile",
        sms_opted_out=False,
        email_suppression=Suppression.NONE,
        notifications_enabled=True,
        do_not_mail=False,
        preference_on=True,
        time_zones=(CHICAGO,),
        region="IL",
        marketing_consent=True,
    )
    return replace(base, **changes)


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the decision table -----------------------------------------------------------
#
# Ten dimensions, each two-valued. "opted out" means an SMS opt-out for texts
# and an unsubscribe (Suppression.AUTOMATED) for email; bounces and complaints
# (Suppression.ALL) have their own tests below. "marketing" is the category
# (marketing, else job); "under review" is a text from the number waiting on the
# review list; "consented" is marketing consent on record: for email
# the table's addresses are Canadian (CASL), so consent matters for them too; US
# email is tested apart.

DIMENSIONS = (
    "channel",
    "manual",
    "opted_out",
    "do_not_mail",
    "switch_on",
    "toggle_on",
    "marketing",
    "under_review",
    "in_window",
    "consented",
)
VALUES: tuple[tuple[object, ...], ...] = (
    (Channel.SMS, Channel.EMAIL),
    *[(True, False)] * (len(DIMENSIONS) - 1),
)
ANY = object()
SMS, EMAIL = Channel.SMS, Channel.EMAIL
Expected = tuple[Outcome, Reason, Layer | None]
ALLOWED: Expected = (Outcome.ALLOWED, Reason.OK, None)
DEFERRED: Expected = (Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, Layer.JURISDICTION)


def blocked(reason: Reason, layer: Layer) -> Expected:
    return (Outcome.BLOCKED, reason, layer)


HELD = blocked(Reason.REVOCATION_UNDER_REVIEW, Layer.MARKETING_CONSENT)
NO_CONSENT = blocked(Reason.NO_MARKETING_CONSENT, Layer.MARKETING_CONSENT)

# (channel, manual, opted_out, do_not_mail, switch_on, toggle_on, marketing,
#  under_review, in_window, consented) -> (outcome, reason, the layer that decided)
TABLE: list[tuple[tuple[object, ...], Expected]] = [
    # The recipient's own word comes first and binds staff too, for texts.
    (
        (SMS, ANY, True, ANY, ANY, ANY, ANY, ANY, ANY, ANY),
        blocked(Reason.SMS_OPT_OUT, Layer.OPT_OUT),
    ),
    (
        (EMAIL, False, True, ANY, ANY, ANY, ANY, ANY, ANY, ANY),
        blocked(Reason.EMAIL_SUPPRESSED, Layer.OPT_OUT),
    ),
    # By hand: business settings and the account's window do not apply; an
    # unsubscribe only stops automated email; marketing still needs consent on
    # record, a marketing text still waits on the review list, and for the
    # rules table's hours (R-26: the federal 8:00-21:00 binds every marketing text,
    # with the account's window beside it).
    ((SMS, True, False, ANY, ANY, ANY, True, ANY, ANY, False), NO_CONSENT),
    ((SMS, True, False, ANY, ANY, ANY, True, True, ANY, True), HELD),
    ((SMS, True, False, ANY, ANY, ANY, True, False, False, True), DEFERRED),
    ((SMS, True, False, ANY, ANY, ANY, True, False, True, True), ALLOWED),
    ((SMS, True, False, ANY, ANY, ANY, False, ANY, ANY, ANY), ALLOWED),
    ((EMAIL, True, ANY, ANY, ANY, ANY, True, ANY, ANY, False), NO_CONSENT),
    ((EMAIL, True, ANY, ANY, ANY, ANY, True, ANY, ANY, True), ALLOWED),
    ((EMAIL, True, ANY, ANY, ANY, ANY, False, ANY, ANY, ANY), ALLOWED),
    # Automated: switch, then Do Not Mail, then the toggle, then marketing consent,
    # then the review list, then the window.
    (
        (ANY, False, False, ANY, False, ANY, ANY, ANY, ANY, ANY),
        blocked(Reason.NOTIFICATIONS_DISABLED, Layer.ACCOUNT_SWITCH),
    ),
    (
        (ANY, False, False, True, True, ANY, ANY, ANY, ANY, ANY),
        blocked(Reason.DO_NOT_MAIL, Layer.DO_NOT_MAIL),
    ),
    (
        (ANY, False, False, False, True, False, ANY, ANY, ANY, ANY),
        blocked(Reason.PREFERENCE_OFF, Layer.CONTACT_SETTING),
    ),
    ((ANY, False, False, False, True, True, True, ANY, ANY, False), NO_CONSENT),
    ((SMS, False, False, False, True, True, True, True, ANY, True), HELD),
    ((SMS, False, False, False, True, True, True, False, False, True), DEFERRED),
    ((SMS, False, False, False, True, True, True, False, True, True), ALLOWED),
    ((SMS, False, False, False, True, True, False, ANY, False, ANY), DEFERRED),
    ((SMS, False, False, False, True, True, False, ANY, True, ANY), ALLOWED),
    ((EMAIL, False, False, False, True, True, True, ANY, ANY, True), ALLOWED),
    ((EMAIL, False, False, False, True, True, False, ANY, ANY, ANY), ALLOWED),
]

ALL_COMBINATIONS = list(itertools.product(*VALUES))
IN_WINDOW = local(CHICAGO, 2024, 6, 4, 15, 0)
OUT_OF_WINDOW = local(CHICAGO, 2024, 6, 4, 23, 30)


def matches(row: tuple[object, ...], combination: tuple[object, ...]) -> bool:
    return all(want is ANY or want == got for want, got in zip(row, combination, strict=True))


def rows_for(combination: tuple[object, ...]) -> list[Expected]:
    return [expected for row, expected in TABLE if matches(row, combination)]


def facts_for(combination: tuple[object, ...]) -> tuple[Facts, datetime]:
    (channel, manual, opted_out, dnm, switch_on, toggle_on, marketing, review, in_window, ok) = (
        combination
    )
    assert isinstance(channel, Channel)
    is_sms = channel is Channel.SMS
    built = facts(
        channel=channel,
        category=Category.MARKETING if marketing else Category.JOB,
        kind="mobile" if is_sms else "email",
        manual=manual,
        sms_opted_out=bool(opted_out) and is_sms,
        email_suppression=(Suppression.AUTOMATED if opted_out and not is_sms else Suppression.NONE),
        do_not_mail=dnm,
        notifications_enabled=switch_on,
        preference_on=toggle_on,
        under_review=review,
        marketing_consent=ok,
        casl=not is_sms,
    )
    return built, IN_WINDOW if in_window else OUT_OF_WINDOW


def test_the_table_covers_every_combination_exactly_once() -> None:
    assert len(ALL_COMBINATIONS) == 2 ** len(DIMENSIONS)
    problems = {
        dict(zip(DIMENSIONS, combination, strict=True)).__repr__(): len(rows_for(combination))
        for combination in ALL_COMBINATIONS
        if len(rows_for(combination)) != 1
    }
    assert problems == {}, "combinations with no case (0) or clashing cases (>1)"


def test_every_row_of_the_table_is_reachable() -> None:
    unused = [row for row, _ in TABLE if not any(matches(row, c) for c in ALL_COMBINATIONS)]
    assert unused == []


def test_facts_built_apart_with_equal_values_are_equal_and_hash_alike() -> None:
    first, second = facts(time_zones=(CHICAGO, NEW_YORK)), facts(time_zones=(CHICAGO, NEW_YORK))
    assert first is not second
    assert first == second and hash(first) == hash(second)
    assert facts(do_not_mail=True) != first
    assert {first: "decided"}[second] == "decided"


def test_sending_windows_with_equal_hours_are_equal_and_hash_alike() -> None:
    early, again = SendingWindow(time(7, 30), time(20)), SendingWindow(time(7, 30), time(20))
    assert early == again and hash(early) == hash(again)
    assert early != SendingWindow(time(7, 30), time(21))
    assert early.describe() == "7:30 AM–8:00 PM"


def test_every_dimension_of_the_facts_is_a_dimension_of_the_table_or_tested_apart() -> None:
    # A new fact (a new row of PRECEDENCE) must join the table above, or be listed
    # here with the tests that cover it, or this test fails.
    covered = {
        "channel",
        "manual",
        "sms_opted_out",
        "email_suppression",
        "do_not_mail",
        "notifications_enabled",
        "preference_on",
        "category",
        "under_review",
        "marketing_consent",
        "casl",
    }
    tested_apart = {
        "implied_consent_until": "test_casl_implied_consent_lets_marketing_email_go_until_it_ends",
        "address_valid": "test_a_channel_that_does_not_fit_the_contact_is_an_invalid_address",
        "placeholder": "test_a_placeholder_is_never_messaged_even_by_hand",
        "kind": "test_a_fax_gets_no_messages_at_all",
        "time_zones": "test_an_area_code_spanning_two_zones_waits_for_the_later_morning",
        "region": "test_marketing_texts_to_florida_stop_at_eight_in_the_evening",
        "window": "test_a_later_account_opening_still_binds_florida_marketing",
        "marketing_sent": "test_a_fourth_marketing_text_in_24_hours_waits_in_florida_and_oklahoma",
    }
    assert {f.name for f in fields(Facts) if f.compare} == covered | set(tested_apart)
    assert all(name in globals() for name in tested_apart.values())


def test_every_layer_of_the_precedence_decides_some_case_and_rows_keep_r18_order() -> None:
    layers = [rule.layer for rule in PRECEDENCE]
    assert layers == sorted(layers, key=list(Layer).index)
    assert set(layers) == set(Layer)


@pytest.mark.parametrize(
    "combination",
    ALL_COMBINATIONS,
    ids=[
        "-".join(f"{name}={value}" for name, value in zip(DIMENSIONS, c, strict=True))
        for c in ALL_COMBINATIONS
    ],
)
def test_the_decision_agrees_with_the_table(combination: tuple[object, ...]) -> None:
    [expected] = rows_for(combination)
    built, now = facts_for(combination)

    decision = decide(built, now)

    assert (decision.outcome, decision.reason, decision.layer) == expected
    assert decision.allowed is (expected[0] is Outcome.ALLOWED)
    assert decision.message
    if decision.outcome is Outcome.DEFERRED:
        assert decision.not_before == local(CHICAGO, 2024, 6, 5, 8, 0)
    else:
        assert decision.not_before is None


def test_a_marketing_text_without_consent_on_record_is_blocked_even_by_hand() -> None:
    for manual in (False, True):
        built = facts(category=Category.MARKETING, marketing_consent=False, manual=manual)
        decision = decide(built, IN_WINDOW)
        assert (decision.outcome, decision.reason, decision.layer) == NO_CONSENT
        assert "express written consent" in decision.message


def test_us_marketing_email_needs_no_recorded_consent_as_today() -> None:
    email = facts(
        channel=Channel.EMAIL, kind="email", category=Category.MARKETING, marketing_consent=False
    )
    assert decide(email, IN_WINDOW).allowed


def test_casl_implied_consent_lets_marketing_email_go_until_it_ends() -> None:
    ends = utc(2024, 6, 4, 20, 0)
    email = facts(
        channel=Channel.EMAIL,
        kind="email",
        category=Category.MARKETING,
        marketing_consent=False,
        casl=True,
        implied_consent_until=ends,
    )
    assert decide(email, ends - timedelta(seconds=1)).allowed
    after = decide(email, ends)
    assert (after.outcome, after.reason) == (Outcome.BLOCKED, Reason.NO_MARKETING_CONSENT)
    assert "CASL" in after.message


def test_a_held_marketing_text_says_why_in_the_words_staff_read() -> None:
    decision = decide(facts(category=Category.MARKETING, under_review=True), IN_WINDOW)
    assert decision.message == (
        "This number sent a text that may ask to stop messages; no marketing goes to it "
        "until someone reviews it."
    )


def test_the_review_list_holds_no_job_text_and_no_email() -> None:
    assert decide(facts(under_review=True), IN_WINDOW).allowed
    email = facts(channel=Channel.EMAIL, kind="email", category=Category.MARKETING)
    assert decide(replace(email, under_review=True), IN_WINDOW).allowed


# --- the address (step 1) -----------------------------------------------------------


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("manual", [True, False])
def test_a_fax_gets_no_messages_at_all(channel: Channel, manual: bool) -> None:
    decision = decide(facts(kind="fax", channel=channel, manual=manual), IN_WINDOW)
    assert (decision.outcome, decision.reason, decision.layer) == blocked(Reason.FAX, Layer.ADDRESS)


@pytest.mark.parametrize(
    ("channel", "kind"),
    [(Channel.SMS, "email"), (Channel.EMAIL, "mobile"), (Channel.EMAIL, "phone")],
)
def test_a_channel_that_does_not_fit_the_contact_is_an_invalid_address(
    channel: Channel, kind: str
) -> None:
    decision = decide(facts(channel=channel, kind=kind, manual=True), IN_WINDOW)
    assert (decision.outcome, decision.reason, decision.layer) == blocked(
        Reason.INVALID_ADDRESS, Layer.ADDRESS
    )


def test_an_address_that_does_not_parse_is_invalid_even_before_a_placeholder() -> None:
    decision = decide(facts(kind=None, address_valid=False, placeholder=True), IN_WINDOW)
    assert decision.reason is Reason.INVALID_ADDRESS


@pytest.mark.parametrize("manual", [True, False])
def test_a_placeholder_is_never_messaged_even_by_hand(manual: bool) -> None:
    decision = decide(facts(placeholder=True, manual=manual), IN_WINDOW)
    assert (decision.outcome, decision.reason, decision.layer) == blocked(
        Reason.PLACEHOLDER, Layer.ADDRESS
    )


# --- consent (step 2) ------------------------------------------------------------------


def test_an_opt_out_blocks_a_manual_text_with_the_exact_refusal() -> None:
    decision = decide(facts(sms_opted_out=True, manual=True), IN_WINDOW)
    assert decision.reason is Reason.SMS_OPT_OUT
    assert decision.message == OPT_OUT_MESSAGE


def test_an_opt_out_beats_do_not_mail_and_the_switch() -> None:
    decision = decide(
        facts(sms_opted_out=True, do_not_mail=True, notifications_enabled=False), IN_WINDOW
    )
    assert decision.reason is Reason.SMS_OPT_OUT


@pytest.mark.parametrize(
    ("suppression", "manual", "expected"),
    [
        (Suppression.AUTOMATED, False, blocked(Reason.EMAIL_SUPPRESSED, Layer.OPT_OUT)),
        (Suppression.AUTOMATED, True, ALLOWED),
        (Suppression.ALL, False, blocked(Reason.EMAIL_SUPPRESSED, Layer.OPT_OUT)),
        (Suppression.ALL, True, blocked(Reason.EMAIL_SUPPRESSED, Layer.OPT_OUT)),
        (Suppression.NONE, True, ALLOWED),
    ],
)
def test_an_unsubscribe_stops_automated_email_and_a_bounce_stops_all_email(
    suppression: Suppression, manual: bool, expected: Expected
) -> None:
    built = facts(channel=Channel.EMAIL, kind="email", email_suppression=suppression, manual=manual)
    decision = decide(built, IN_WINDOW)
    assert (decision.outcome, decision.reason, decision.layer) == expected


def test_an_email_suppression_does_not_touch_texts() -> None:
    decision = decide(facts(email_suppression=Suppression.ALL), IN_WINDOW)
    assert decision.allowed


# --- a raw address without a contact record ---------------------------------------


@pytest.mark.parametrize("category", [Category.JOB, Category.INVOICE_STATEMENT])
def test_an_automated_job_or_invoice_email_to_a_raw_address_goes(category: Category) -> None:
    built = facts(
        channel=Channel.EMAIL, kind=None, preference_on=None, category=category, region=None
    )
    assert decide(built, OUT_OF_WINDOW).allowed


def test_automated_marketing_to_a_raw_address_needs_consent_nobody_recorded() -> None:
    built = facts(kind=None, preference_on=None, category=Category.MARKETING)
    decision = decide(built, IN_WINDOW)
    assert (decision.outcome, decision.reason, decision.layer) == blocked(
        Reason.PREFERENCE_OFF, Layer.CONTACT_SETTING
    )


def test_a_manual_marketing_text_to_a_raw_address_goes() -> None:
    built = facts(kind=None, preference_on=None, category=Category.MARKETING, manual=True)
    assert decide(built, IN_WINDOW).allowed


# --- the landline warning -----------------------------------------------------------


def test_a_text_to_a_number_saved_as_landline_goes_with_a_warning() -> None:
    decision = decide(facts(kind="phone"), IN_WINDOW)
    assert decision.allowed
    assert decision.warnings == (SAVED_AS_LANDLINE,)


def test_a_deferred_text_to_a_landline_keeps_its_warning() -> None:
    decision = decide(facts(kind="phone"), OUT_OF_WINDOW)
    assert decision.outcome is Outcome.DEFERRED
    assert decision.warnings == (SAVED_AS_LANDLINE,)


def test_a_text_to_a_mobile_has_no_warning() -> None:
    assert decide(facts(), IN_WINDOW).warnings == ()


# --- the sending window ------------------------------------------------------------


def test_a_deferred_text_waits_for_exactly_eight_in_the_morning_local() -> None:
    decision = decide(facts(), local(CHICAGO, 2024, 6, 4, 23, 30))
    assert decision.outcome is Outcome.DEFERRED
    assert decision.not_before == utc(2024, 6, 5, 13, 0)
    assert decision.message == (
        "Texts to this number are deferred until 8:00 AM on Wed Jun 5 in America/Chicago "
        "(outside the 8:00 AM–9:00 PM sending window)."
    )


def test_the_window_opens_at_eight_and_closes_at_nine_in_the_evening() -> None:
    assert decide(facts(), local(CHICAGO, 2024, 6, 4, 8, 0)).allowed
    assert decide(facts(), local(CHICAGO, 2024, 6, 4, 20, 59)).allowed
    assert not decide(facts(), local(CHICAGO, 2024, 6, 4, 7, 59)).allowed
    assert not decide(facts(), local(CHICAGO, 2024, 6, 4, 21, 0)).allowed


def test_email_is_not_held_for_the_window() -> None:
    built = facts(channel=Channel.EMAIL, kind="email")
    assert decide(built, local(CHICAGO, 2024, 6, 4, 3, 0)).allowed


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(facts(), datetime(2024, 6, 4, 12, 0))


def test_on_the_spring_forward_day_the_text_waits_for_eight_daylight_time() -> None:
    ny = facts(time_zones=(NEW_YORK,))
    # 1:30 EST on 2024-03-10; clocks jump at 2:00, so 8:00 that day is EDT (UTC-4).
    decision = decide(ny, local(NEW_YORK, 2024, 3, 10, 1, 30))
    assert decision.not_before == utc(2024, 3, 10, 12, 0)


def test_on_the_fall_back_day_the_text_waits_for_eight_standard_time() -> None:
    ny = facts(time_zones=(NEW_YORK,))
    # The second 1:30 on 2024-11-03 (EST); 8:00 that day is UTC-5.
    second_half_past_one = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=ZoneInfo(NEW_YORK))
    decision = decide(ny, second_half_past_one)
    assert decision.not_before == utc(2024, 11, 3, 13, 0)


def test_the_evening_close_follows_daylight_time_on_the_spring_forward_day() -> None:
    ny = facts(time_zones=(NEW_YORK,))
    assert decide(ny, utc(2024, 3, 11, 0, 59)).allowed  # 20:59 EDT
    assert not decide(ny, utc(2024, 3, 11, 1, 0)).allowed  # 21:00 EDT


def test_a_window_opening_inside_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    window = SendingWindow(time(2, 30), time(21, 0))
    # Clocks go 1:59:59 EST -> 3:00 EDT at 07:00 UTC, which is past 2:30.
    opened = next_open(local(NEW_YORK, 2024, 3, 10, 1, 0), (NEW_YORK,), window)
    assert opened == utc(2024, 3, 10, 7, 0)


@pytest.mark.parametrize(
    ("zone", "now", "opens"),
    [
        ("America/Anchorage", utc(2024, 6, 1, 15, 0), utc(2024, 6, 1, 16, 0)),  # 7:00 AKDT
        ("Pacific/Honolulu", utc(2024, 6, 1, 17, 0), utc(2024, 6, 1, 18, 0)),  # 7:00 HST
    ],
)
def test_alaska_and_hawaii_numbers_wait_for_their_own_morning(
    zone: str, now: datetime, opens: datetime
) -> None:
    decision = decide(facts(time_zones=(zone,)), now)
    assert decision.not_before == opens
    assert f"8:00 AM on Sat Jun 1 in {zone}" in decision.message


def test_an_area_code_spanning_two_zones_waits_for_the_later_morning() -> None:
    # 7:30 in Chicago is 8:30 in New York: still too early for half the area code.
    decision = decide(facts(time_zones=(NEW_YORK, CHICAGO)), local(CHICAGO, 2024, 6, 4, 7, 30))
    assert decision.not_before == local(CHICAGO, 2024, 6, 4, 8, 0)
    assert "in America/Chicago" in decision.message


@pytest.mark.parametrize("zones", [(), ("Not/A_Zone",)])
def test_an_unknown_zone_waits_until_it_is_morning_across_the_continental_us(
    zones: tuple[str, ...],
) -> None:
    too_early_in_california = utc(2024, 6, 4, 14, 30)  # 7:30 PDT, 10:30 EDT
    decision = decide(facts(time_zones=zones), too_early_in_california)
    assert decision.not_before == utc(2024, 6, 4, 15, 0)
    assert "America/Los_Angeles" in decision.message


def test_next_open_is_now_when_the_window_is_already_open() -> None:
    now = utc(2024, 6, 4, 18, 0)
    assert next_open(now, CONTINENTAL_US_ZONES, SendingWindow()) == now


def test_next_open_falls_back_to_the_first_zone_when_the_zones_never_overlap() -> None:
    narrow = SendingWindow(time(9, 0), time(12, 0))
    now = local(NEW_YORK, 2024, 6, 4, 13, 0)
    opened = next_open(now, (NEW_YORK, "Pacific/Honolulu"), narrow)
    assert opened == local(NEW_YORK, 2024, 6, 5, 9, 0)


def test_a_window_that_closes_before_it_opens_is_refused() -> None:
    with pytest.raises(ValueError, match="open before it closes"):
        SendingWindow(time(21, 0), time(8, 0))


# --- state rules for marketing texts ----------------------------------------------------


def marketing(**changes: Any) -> Facts:
    base = facts(category=Category.MARKETING, time_zones=(NEW_YORK,), region="FL")
    return replace(base, **changes)


@pytest.mark.parametrize("manual", [True, False])
def test_marketing_texts_to_florida_stop_at_eight_in_the_evening(manual: bool) -> None:
    assert decide(marketing(manual=manual), local(NEW_YORK, 2024, 6, 4, 19, 59)).allowed
    decision = decide(marketing(manual=manual), local(NEW_YORK, 2024, 6, 4, 20, 0))
    assert (decision.outcome, decision.reason, decision.layer) == DEFERRED
    assert decision.not_before == local(NEW_YORK, 2024, 6, 5, 8, 0)
    assert decision.message == (
        "Florida: marketing texts only 8:00–20:00; deferred until Wednesday 08:00 EDT."
    )


def test_job_texts_to_florida_keep_the_account_window() -> None:
    assert decide(marketing(category=Category.JOB), local(NEW_YORK, 2024, 6, 4, 20, 30)).allowed


def test_a_later_account_opening_still_binds_florida_marketing() -> None:
    late = SendingWindow(time(10, 0), time(21, 0))
    decision = decide(marketing(window=late), local(NEW_YORK, 2024, 6, 4, 9, 0))
    assert decision.not_before == local(NEW_YORK, 2024, 6, 4, 10, 0)


def test_an_account_window_that_never_meets_florida_hours_blocks_marketing() -> None:
    evening = SendingWindow(time(20, 30), time(22, 0))
    decision = decide(marketing(window=evening), local(NEW_YORK, 2024, 6, 4, 21, 0))
    assert (decision.outcome, decision.reason, decision.layer) == blocked(
        Reason.OUTSIDE_SENDING_WINDOW, Layer.JURISDICTION
    )


NOON = local(NEW_YORK, 2024, 6, 4, 12, 0)
THREE_TODAY = (NOON - timedelta(hours=20), NOON - timedelta(hours=5), NOON - timedelta(hours=1))


@pytest.mark.parametrize("region", ["FL", "OK"])
@pytest.mark.parametrize("manual", [True, False])
def test_a_fourth_marketing_text_in_24_hours_waits_in_florida_and_oklahoma(
    region: str, manual: bool
) -> None:
    decision = decide(marketing(region=region, manual=manual, marketing_sent=THREE_TODAY), NOON)
    assert (decision.outcome, decision.reason) == (Outcome.DEFERRED, Reason.STATE_LIMIT)
    # The oldest of the three leaves the trailing 24 h at 16:00 today.
    assert decision.not_before == THREE_TODAY[0] + timedelta(hours=24)
    assert decision.not_before == local(NEW_YORK, 2024, 6, 4, 16, 0)


def test_the_marketing_limit_does_not_apply_in_texas() -> None:
    built = marketing(region="TX", time_zones=(CHICAGO,), marketing_sent=THREE_TODAY)
    assert decide(built, NOON).allowed


def test_sends_older_than_24_hours_do_not_count_towards_the_limit() -> None:
    sent = (NOON - timedelta(hours=30), *THREE_TODAY[1:])
    assert decide(marketing(marketing_sent=sent), NOON).allowed


def test_the_limit_does_not_apply_to_job_texts() -> None:
    assert decide(marketing(category=Category.JOB, marketing_sent=THREE_TODAY), NOON).allowed


def test_a_limit_that_lifts_at_night_waits_for_the_morning() -> None:
    # The oldest send leaves the trailing 24 h at 22:00, after Florida's 20:00 close.
    sent = (NOON - timedelta(hours=14), NOON - timedelta(hours=2), NOON - timedelta(hours=1))
    decision = decide(marketing(marketing_sent=sent), NOON)
    assert decision.reason is Reason.STATE_LIMIT
    assert decision.not_before == local(NEW_YORK, 2024, 6, 5, 8, 0)


# --- properties ------------------------------------------------------------------------

ZONES = st.sampled_from(
    [*CONTINENTAL_US_ZONES, "America/Anchorage", "Pacific/Honolulu", "Nope/Nowhere"]
)
# Windows at least 7 h wide always overlap across zones at most 6 h apart, so
# every zone set drawn here has a common opening and the fallback never applies.
WINDOWS = st.builds(
    SendingWindow,
    start=st.sampled_from([time(h, m) for h in range(6, 11) for m in (0, 30)]),
    end=st.sampled_from([time(h, m) for h in range(17, 23) for m in (0, 30)]),
)
NOWS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
SENT = st.lists(
    st.datetimes(
        min_value=datetime(2019, 12, 30), max_value=datetime(2031, 1, 2), timezones=st.just(UTC)
    ),
    max_size=6,
).map(tuple)
FACTS = st.builds(
    Facts,
    channel=st.sampled_from(Channel),
    category=st.sampled_from(Category),
    manual=st.booleans(),
    address_valid=st.booleans(),
    placeholder=st.booleans(),
    kind=st.sampled_from([None, "mobile", "phone", "email", "fax", "pager"]),
    sms_opted_out=st.booleans(),
    email_suppression=st.sampled_from(Suppression),
    notifications_enabled=st.booleans(),
    do_not_mail=st.booleans(),
    preference_on=st.sampled_from([None, True, False]),
    time_zones=st.lists(ZONES, max_size=3).map(tuple),
    region=st.sampled_from([None, "FL", "OK", "TX", "fl"]),
    window=WINDOWS,
    marketing_sent=SENT,
    under_review=st.booleans(),
)


def window_in_force(built: Facts) -> SendingWindow | None:
    """Which local hours a text must land in, worked out independently."""
    florida_marketing = (
        built.category is Category.MARKETING and (built.region or "").upper() == "FL"
    )
    if built.manual and not florida_marketing:
        return None
    if not florida_marketing:
        return built.window
    return SendingWindow(max(built.window.start, time(8)), min(built.window.end, time(20)))


@given(FACTS, NOWS)
def test_decide_always_answers_and_a_deferral_lands_inside_the_window(
    built: Facts, now: datetime
) -> None:
    decision = decide(built, now)

    assert isinstance(decision, Decision)
    assert decision.message
    assert (decision.not_before is not None) is (decision.outcome is Outcome.DEFERRED)
    if decision.not_before is None:
        return
    assert decision.not_before > now
    window = window_in_force(built)
    if window is None:
        return
    known = [z for z in built.time_zones if z != "Nope/Nowhere"] or list(CONTINENTAL_US_ZONES)
    for zone in known:
        local_time = decision.not_before.astimezone(ZoneInfo(zone)).time()
        assert window.start <= local_time < window.end, zone


@st.composite
def sendable_texts(draw: st.DrawFn) -> tuple[Facts, datetime]:
    """Texts that pass every check before timing, so deferrals are common."""
    now = draw(NOWS)
    hours_ago = st.floats(min_value=0, max_value=30, allow_nan=False)
    sent = tuple(now - timedelta(hours=h) for h in draw(st.lists(hours_ago, max_size=6)))
    built = Facts(
        channel=Channel.SMS,
        category=draw(st.sampled_from(Category)),
        manual=draw(st.booleans()),
        address_valid=True,
        placeholder=False,
        kind=draw(st.sampled_from(["mobile", "phone"])),
        sms_opted_out=False,
        email_suppression=Suppression.NONE,
        notifications_enabled=True,
        do_not_mail=False,
        preference_on=True,
        time_zones=draw(st.lists(ZONES, max_size=3).map(tuple)),
        region=draw(st.sampled_from(["FL", "OK", "TX"])),
        window=draw(WINDOWS),
        marketing_sent=sent,
        marketing_consent=True,
    )
    return built, now


@given(sendable_texts())
def test_a_deferred_text_is_free_of_every_timing_rule_at_its_not_before(
    case: tuple[Facts, datetime],
) -> None:
    built, now = case
    decision = decide(built, now)

    assert decision.outcome is not Outcome.BLOCKED
    if decision.not_before is None:
        return
    assert decision.not_before > now
    # Retrying at not_before, with no sends in between, goes straight through.
    assert decide(built, decision.not_before).allowed


# --- deciding a batch -------------------------------------------------------------

# A few moments, so a drawn batch repeats both its facts and its moments the way a
# real batch does (one moment, a few dozen zones).
BATCH_MOMENTS = st.sampled_from(
    [
        utc(2026, 5, 1, 12, 30),  # 7:30 in Chicago: texts to the middle of the US wait
        utc(2026, 5, 1, 18, 0),
        utc(2026, 3, 8, 13, 0),  # a spring-forward morning
        utc(2026, 11, 1, 7, 0),  # a fall-back night
        local(CHICAGO, 2026, 5, 1, 7, 30),  # the same moment as the first, not in UTC
    ]
)


@given(st.lists(st.tuples(st.one_of(FACTS, sendable_texts().map(lambda c: c[0])), BATCH_MOMENTS)))
def test_a_batch_gets_exactly_the_answers_decide_gives_one_at_a_time(
    drawn: list[tuple[Facts, datetime]],
) -> None:
    # Repeat the draw, shuffled into the middle, so equal facts recur within the batch.
    batch = drawn + drawn[::-1] + drawn

    assert decide_each(batch) == [decide(built, now) for built, now in batch]


@given(
    st.lists(st.tuples(st.one_of(FACTS, sendable_texts().map(lambda c: c[0])), BATCH_MOMENTS)),
    st.lists(st.integers(min_value=0, max_value=30), max_size=4),
)
def test_a_batch_decided_in_parts_gets_the_answers_of_the_batch_decided_whole(
    drawn: list[tuple[Facts, datetime]], cuts: list[int]
) -> None:
    batch = drawn + drawn[::-1]
    decider = Decider()
    in_parts: list[Decision] = []
    start = 0
    for end in sorted({*cuts, len(batch)}):
        in_parts += decider.each(batch[start:end])
        start = end

    assert in_parts == decide_each(batch)


def test_a_batch_answers_in_the_order_asked_and_repeats_nothing_it_should_not() -> None:
    at_seven = utc(2026, 5, 1, 12, 0)  # 7:00 in Chicago, 8:00 in New York
    chicago, new_york = facts(), facts(time_zones=(NEW_YORK,), region="NY")
    opted_out = facts(sms_opted_out=True)

    decided = decide_each(
        [(chicago, at_seven), (new_york, at_seven), (opted_out, at_seven), (chicago, at_seven)]
    )

    assert [d.reason for d in decided] == [
        Reason.OUTSIDE_SENDING_WINDOW,
        Reason.OK,
        Reason.SMS_OPT_OUT,
        Reason.OUTSIDE_SENDING_WINDOW,
    ]
    assert decided[0].not_before == utc(2026, 5, 1, 13, 0)


def test_a_batch_refuses_a_naive_moment_like_decide_does() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide_each([(facts(), datetime(2026, 5, 1, 12, 0))])
