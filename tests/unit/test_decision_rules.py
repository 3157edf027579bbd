"""The decision's jurisdiction layer (R-18, R-26): the rules table's rows decide
texts, beside the account's window, and each answer names its rule. Times are
explicit; US daylight time in 2026 starts 8 March and ends 1 November."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from heed import bootstrap
from heed.config import Settings
from heed.domain.decision import (
    Category,
    Channel,
    Facts,
    Layer,
    Outcome,
    Reason,
    decide,
    decide_each,
)
from heed.domain.recipient_facts import (
    AccountRules,
    FactsOf,
    StoredContact,
    needs_marketing_history,
    stored_contact,
)
from heed.domain.sending_rules import Rules, RulesError, parse_rules
from heed.services.decisions import DecisionRequest

CHICAGO = "America/Chicago"
NEW_YORK = "America/New_York"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


AUSTIN, CHICAGO_LOOP, BALTIMORE = "+15124729301", "+13124729301", "+13014729301"
BIRMINGHAM, EL_PASO, INDIANA = "+12054729301", "+19154729301", "+19304729301"


def on_file(number: str, time_zone: str | None = None) -> StoredContact:
    """A stored mobile with every category on; ``time_zone`` its location's."""
    return stored_contact(
        "mobile",
        number,
        notify=(True, False, True),
        time_zone=time_zone,
        marketing_consented=True,
    )


def text_to(
    number: str,
    time_zone: str | None = None,
    *,
    category: Category = Category.MARKETING,
    opens: str = "08:00",
    sent: tuple[datetime, ...] = (),
) -> Facts:
    """The facts of an automated text to a stored contact, as FactsOf builds them."""
    facts_of = FactsOf(AccountRules.of(True, opens, "21:00", []))
    asked = DecisionRequest.of(Channel.SMS, category, contact_id="con_1")
    return facts_of.stored(asked, on_file(number, time_zone), marketing_sent=sent)


def test_texas_marketing_at_half_past_eleven_on_sunday_waits_for_noon_local() -> None:
    decision = decide(text_to(AUSTIN), utc(12, 6, 17, 30))  # 11:30 CST
    assert (decision.outcome, decision.reason, decision.layer) == (
        Outcome.DEFERRED,
        Reason.OUTSIDE_SENDING_WINDOW,
        Layer.JURISDICTION,
    )
    assert decision.not_before == utc(12, 6, 18)
    assert decision.message == (
        "Texas: marketing texts only 12:00–21:00 on Sundays; deferred until Sunday 12:00 CST."
    )
    assert decision.rule is not None and decision.rule.id == "us-tx"


def test_an_allowed_marketing_text_names_the_most_local_rule_and_a_job_text_none() -> None:
    at = utc(12, 8, 18)  # Tuesday noon in Chicago
    texas, illinois = decide(text_to(AUSTIN), at), decide(text_to(CHICAGO_LOOP), at)
    assert texas.allowed and texas.rule is not None and texas.rule.id == "us-tx"
    assert illinois.allowed and illinois.rule is not None and illinois.rule.id == "us-federal"
    job = decide(text_to(AUSTIN, category=Category.JOB), at)
    assert job.allowed and job.rule is None


def test_a_fourth_marketing_text_to_maryland_in_24_hours_waits_until_the_oldest_leaves() -> None:
    at = utc(12, 8, 17)  # 12:00 in Baltimore
    sent = (at - timedelta(hours=20), at - timedelta(hours=5), at - timedelta(hours=1))
    decision = decide(text_to(BALTIMORE, sent=sent), at)
    assert (decision.outcome, decision.reason) == (Outcome.DEFERRED, Reason.STATE_LIMIT)
    assert decision.not_before == sent[0] + timedelta(hours=24)
    assert decision.message.startswith(
        "Maryland: at most 3 marketing texts to one number in 24 hours"
    )
    assert decision.rule is not None and decision.rule.id == "us-md"
    assert decide(text_to(BALTIMORE, sent=sent[1:]), at).allowed


def test_a_capped_jurisdiction_needs_the_marketing_history_and_others_do_not() -> None:
    asked = DecisionRequest.of(Channel.SMS, Category.MARKETING, contact_id="con_1")
    assert needs_marketing_history(asked, "+13015550123")  # Maryland
    assert not needs_marketing_history(asked, "+12065550123")  # Washington: hours, no cap


def test_a_split_zone_code_with_no_location_waits_until_open_in_both_zones() -> None:
    # 915 (El Paso) rings in Central and Mountain time; 930 (Indiana) in Central and Eastern.
    assert set(text_to(EL_PASO).time_zones) == {CHICAGO, "America/Denver"}
    decision = decide(text_to(EL_PASO), utc(12, 8, 15, 30))  # 9:30 CST, 8:30 MST
    assert decision.reason is Reason.OUTSIDE_SENDING_WINDOW
    assert decision.not_before == utc(12, 8, 16)  # 9:00 in Denver
    assert set(text_to(INDIANA).time_zones) == {CHICAGO, NEW_YORK}
    late = decide(text_to(INDIANA), utc(12, 9, 2, 30))  # 21:30 EST, 20:30 CST
    assert late.outcome is Outcome.DEFERRED
    assert late.not_before == utc(12, 9, 14)  # 8:00 in Chicago the next morning


def test_a_location_zone_overrides_the_area_codes_zones() -> None:
    at = utc(12, 8, 15, 30)  # 9:30 in Chicago, 8:30 in Denver
    by_area_code = text_to(EL_PASO)
    assert by_area_code.region == "US-TX"
    assert decide(by_area_code, at).outcome is Outcome.DEFERRED
    # The location says Central: 9:30 there is inside Texas's hours, whatever Denver says.
    located = text_to(EL_PASO, CHICAGO)
    assert located.time_zones == (CHICAGO,)
    assert decide(located, at).allowed


def test_the_window_follows_the_clock_across_daylight_saving_changes() -> None:
    # Sunday 8 March: 11:30 CDT is 16:30 UTC; noon CDT is 17:00 UTC, not 18:00.
    spring = decide(text_to(AUSTIN), utc(3, 8, 16, 30))
    assert spring.not_before == utc(3, 8, 17)
    assert "Sunday 12:00 CDT" in spring.message
    # Sunday 1 November, after clocks fall back: 11:30 CST is 17:30 UTC, noon 18:00.
    autumn = decide(text_to(AUSTIN), utc(11, 1, 17, 30))
    assert autumn.not_before == utc(11, 1, 18)


def test_a_sunday_or_holiday_ban_is_a_quiet_day() -> None:
    sunday = decide(text_to(BIRMINGHAM), utc(12, 6, 18))  # Sunday noon in Alabama
    assert (sunday.outcome, sunday.reason) == (Outcome.DEFERRED, Reason.QUIET_DAY)
    assert sunday.message.startswith("Alabama: no marketing texts on Sundays")
    assert sunday.not_before == utc(12, 7, 14)  # Monday 8:00 CST


def test_the_stricter_of_the_account_and_the_rule_wins() -> None:
    # Tuesday 9:30 in Austin: Texas is open from 9:00, the account only from 10:00.
    decision = decide(text_to(AUSTIN, opens="10:00"), utc(12, 8, 15, 30))
    assert decision.not_before == utc(12, 8, 16)
    assert decision.message.startswith("This account's sending window")
    assert decision.rule is None


def test_a_batch_answers_the_rules_table_as_decide_does() -> None:
    pairs = [
        (text_to(AUSTIN), utc(12, 6, 17, 30)),
        (text_to(BIRMINGHAM), utc(12, 6, 18)),
        (text_to(AUSTIN), utc(12, 6, 17, 30)),
    ]
    assert decide_each(pairs) == [decide(built, now) for built, now in pairs]


def test_a_broken_rules_table_stops_start_up_naming_the_rule_and_field(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken() -> Rules:
        row = {"jurisdiction": "Texas", "place": "Texas", "applies_to": "marketing"}
        return parse_rules({"version": "broken", "rules": {"us-tx": row}})

    monkeypatch.setattr(bootstrap, "sending_rules", broken)
    with pytest.raises(RulesError, match="rule 'us-tx': 'jurisdiction'"):
        bootstrap.build(Settings(database_url=f"sqlite:///{tmp_path / 'heed.db'}"))
