"""Sending rules by jurisdiction (R-26): one row of cases per rule, explicit times, DST included.

US daylight time in 2026 starts Sunday 8 March (07:00 UTC in New York) and ends
Sunday 1 November; every time below is UTC.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from importlib import resources
from typing import Any, NamedTuple

import pytest

from heed.domain.decision import Outcome
from heed.domain.jurisdictions import Reason, evaluate, pick_jurisdiction, pick_zones
from heed.domain.sending_rules import (
    RulesError,
    normalize_jurisdiction,
    parse_rules,
    sending_rules,
)

RULES = sending_rules()
CHICAGO = ("America/Chicago",)
NEW_YORK = ("America/New_York",)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class Case(NamedTuple):
    rule: str  # the rule expected to decide (or, allowed, the most local one applying)
    jurisdiction: str | None
    zones: tuple[str, ...]
    category: str
    now: datetime
    counted: int
    outcome: Outcome
    reason: Reason
    not_before: datetime | None = None


CASES: dict[str, list[Case]] = {
    "us-federal": [
        # 01:30 EST on the night clocks spring forward: 8:00 EDT is 12:00 UTC, not 13:00.
        Case("us-federal", "NY", NEW_YORK, "marketing", utc(3, 8, 6, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 8, 12)),
        # 07:30 EST the morning clocks fall back: 8:00 is 13:00 UTC again.
        Case("us-federal", "NY", NEW_YORK, "marketing", utc(11, 1, 12, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(11, 1, 13)),
        Case("us-federal", "US-NY", NEW_YORK, "marketing", utc(11, 1, 13, 30), 0,
             Outcome.ALLOWED, Reason.OK),
        # No jurisdiction known: somewhere in the continental US, 8:00 in Los Angeles.
        Case("us-federal", None, (), "marketing", utc(4, 28, 12), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(4, 28, 15)),
    ],
    "us-tx": [
        # Sunday 11:30 CDT, the day clocks spring forward: Sundays open at noon.
        Case("us-tx", "TX", CHICAGO, "marketing", utc(3, 8, 16, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 8, 17)),
        # Sunday 11:30 CST, the day clocks fall back.
        Case("us-tx", "TX", CHICAGO, "marketing", utc(11, 1, 17, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(11, 1, 18)),
        # Saturday 8:30 CST: 9:00 on Monday to Saturday.
        Case("us-tx", "TX", CHICAGO, "marketing", utc(3, 7, 14, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 7, 15)),
        # 915 rings in Central and Mountain time: 9:00 MDT is 15:00 UTC.
        Case("us-tx", "TX", ("America/Chicago", "America/Denver"), "marketing", utc(3, 9, 14, 30),
             0, Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 9, 15)),
        Case("us-tx", "TX", CHICAGO, "marketing", utc(3, 8, 17, 30), 0, Outcome.ALLOWED, Reason.OK),
    ],
    "us-md": [
        Case("us-md", "MD", NEW_YORK, "marketing", utc(3, 8, 23, 30), 0,
             Outcome.ALLOWED, Reason.OK),
        # 20:30 EDT: 8:00–20:00, so 8:00 EDT the next day.
        Case("us-md", "MD", NEW_YORK, "marketing", utc(3, 9, 0, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 9, 12)),
        Case("us-md", "MD", NEW_YORK, "marketing", utc(3, 9, 15), 3,
             Outcome.BLOCKED, Reason.STATE_LIMIT),
        Case("us-md", "MD", NEW_YORK, "marketing", utc(3, 9, 15), 2, Outcome.ALLOWED, Reason.OK),
    ],
    "us-wa": [
        # 07:30 PST, the morning clocks fall back.
        Case("us-wa", "WA", ("America/Los_Angeles",), "marketing", utc(11, 1, 15, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(11, 1, 16)),
        Case("us-wa", "WA", ("America/Los_Angeles",), "marketing", utc(10, 31, 15, 30), 0,
             Outcome.ALLOWED, Reason.OK),
    ],
    "us-fl": [
        # 850 rings in Eastern and Central time: 8:00 CDT is the first moment open in both.
        Case("us-fl", "FL", ("America/Chicago", "America/New_York"), "marketing", utc(3, 9, 0, 30),
             0, Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 9, 13)),
        Case("us-fl", "FL", NEW_YORK, "marketing", utc(3, 9, 15), 3,
             Outcome.BLOCKED, Reason.STATE_LIMIT),
    ],
    "us-ok": [
        Case("us-ok", "OK", CHICAGO, "marketing", utc(3, 8, 13, 30), 0, Outcome.ALLOWED, Reason.OK),
        Case("us-ok", "OK", CHICAGO, "marketing", utc(3, 8, 13, 30), 4,
             Outcome.BLOCKED, Reason.STATE_LIMIT),
        Case("us-ok", "OK", CHICAGO, "marketing", utc(3, 9, 1, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 9, 13)),
    ],
    "us-al": [
        # Sunday, the day clocks spring forward: Monday 8:00 CDT.
        Case("us-al", "AL", CHICAGO, "marketing", utc(3, 8, 15), 0,
             Outcome.DEFERRED, Reason.QUIET_DAY, utc(3, 9, 13)),
        # Confederate Memorial Day (Monday 27 April), after a Sunday: Tuesday 8:00.
        Case("us-al", "AL", CHICAGO, "marketing", utc(4, 26, 15), 0,
             Outcome.DEFERRED, Reason.QUIET_DAY, utc(4, 28, 13)),
        Case("us-al", "AL", CHICAGO, "marketing", utc(12, 25, 15), 0,
             Outcome.DEFERRED, Reason.QUIET_DAY, utc(12, 26, 14)),
        # Friday 07:30 CST, the week clocks fall back.
        Case("us-al", "AL", CHICAGO, "marketing", utc(11, 6, 13, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(11, 6, 14)),
    ],
    "us-la": [
        # Mardi Gras (Tuesday 17 February).
        Case("us-la", "LA", CHICAGO, "marketing", utc(2, 17, 15), 0,
             Outcome.DEFERRED, Reason.QUIET_DAY, utc(2, 18, 14)),
        Case("us-la", "LA", CHICAGO, "marketing", utc(3, 8, 15), 0,
             Outcome.DEFERRED, Reason.QUIET_DAY, utc(3, 9, 13)),
        Case("us-la", "LA", CHICAGO, "marketing", utc(3, 10, 1, 30), 0,
             Outcome.DEFERRED, Reason.OUTSIDE_SENDING_WINDOW, utc(3, 10, 13)),
    ],
    "us-ms": [
        Case("us-ms", "MS", CHICAGO, "marketing", utc(3, 8, 15), 0,
             Outcome.DEFERRED, Reason.QUIET_DAY, utc(3, 9, 13)),
        # Christmas is no longer a quiet day in Mississippi; 9:00 CST.
        Case("us-ms", "MS", CHICAGO, "marketing", utc(12, 25, 15), 0, Outcome.ALLOWED, Reason.OK),
        # 8:00–21:00: 20:30 CDT may still go.
        Case("us-ms", "MS", CHICAGO, "marketing", utc(3, 10, 1, 30), 0, Outcome.ALLOWED, Reason.OK),
    ],
}  # fmt: skip


def test_every_rule_row_has_cases_and_every_case_names_a_row() -> None:
    assert set(CASES) == {rule.id for rule in RULES.rules}


@pytest.mark.parametrize(
    "case",
    [case for cases in CASES.values() for case in cases],
    ids=lambda case: f"{case.rule}-{case.now:%m%d-%H%M}-{case.counted}",
)
def test_each_rule_answers_its_cases(case: Case) -> None:
    verdict = evaluate(RULES, case.jurisdiction, case.zones, case.category, case.now, case.counted)
    assert (verdict.outcome, verdict.reason) == (case.outcome, case.reason), verdict.message
    assert verdict.not_before == case.not_before
    assert verdict.rule is not None and verdict.rule.id == case.rule
    assert verdict.rules_version == RULES.version


def test_a_deferral_explains_itself_in_staffs_words() -> None:
    verdict = evaluate(RULES, "TX", CHICAGO, "marketing", utc(3, 8, 16, 30))
    assert verdict.explanation == "Texas: marketing texts only 12:00–21:00 on Sundays"
    assert verdict.message.startswith(verdict.explanation)
    assert "Sunday 12:00 CDT" in verdict.message


def test_quiet_days_and_caps_explain_themselves() -> None:
    holiday = evaluate(RULES, "AL", CHICAGO, "marketing", utc(4, 27, 15))
    assert holiday.explanation == (
        "Alabama: no marketing texts on state holidays (Confederate Memorial Day)"
    )
    sunday = evaluate(RULES, "LA", CHICAGO, "marketing", utc(3, 8, 15))
    assert sunday.explanation == "Louisiana: no marketing texts on Sundays"
    capped = evaluate(RULES, "FL", NEW_YORK, "marketing", utc(3, 9, 15), 3)
    assert capped.explanation == "Florida: at most 3 marketing texts to one number in 24 hours"


def test_rules_for_marketing_leave_other_automated_texts_alone() -> None:
    verdict = evaluate(RULES, "AL", CHICAGO, "job", utc(3, 8, 8), 9)
    assert verdict.outcome is Outcome.ALLOWED and verdict.rule is None


def test_a_canadian_jurisdiction_gets_no_us_rule() -> None:
    verdict = evaluate(RULES, "QC", ("America/Toronto",), "marketing", utc(3, 8, 8))
    assert verdict.outcome is Outcome.ALLOWED and verdict.rule is None


def test_windows_that_never_meet_in_all_zones_block() -> None:
    rules = parse_rules(
        {
            "version": "t",
            "rules": {
                "narrow": {
                    "jurisdiction": "US",
                    "place": "Somewhere",
                    "applies_to": "automated",
                    "hours": "08:00-09:00",
                    "source": "test",
                }
            },
        }
    )
    zones = ("Pacific/Honolulu", "America/New_York")
    verdict = evaluate(rules, None, zones, "job", utc(3, 9, 3))
    assert (verdict.outcome, verdict.reason) == (Outcome.BLOCKED, Reason.OUTSIDE_SENDING_WINDOW)


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(RULES, "TX", CHICAGO, "marketing", datetime(2026, 3, 8, 12))


@pytest.mark.parametrize(
    ("given", "normalized"),
    [("TX", "US-TX"), ("us-tx", "US-TX"), ("QC", "CA-QC"), (None, "US"), ("", "US")],
)
def test_a_jurisdiction_is_read_as_country_and_region(given: str | None, normalized: str) -> None:
    assert normalize_jurisdiction(given) == normalized


def test_the_jurisdiction_is_the_locations_state_else_the_area_codes() -> None:
    assert pick_jurisdiction("TX", "+12125550143") == "US-TX"
    assert pick_jurisdiction(None, "+12126210143") == "US-NY"
    assert pick_jurisdiction("", "+19026210143") is None  # 902: Nova Scotia or PEI
    assert pick_jurisdiction(None, None) is None


def test_a_split_zone_code_with_no_location_must_be_open_in_all_its_zones() -> None:
    assert pick_zones("America/Denver", "+19156210143") == ("America/Denver",)
    assert pick_zones(None, "+19156210143") == ("America/Chicago", "America/Denver")
    verdict = evaluate(
        RULES, "TX", pick_zones(None, "+19156210143"), "marketing", utc(3, 9, 14, 30)
    )
    assert verdict.not_before == utc(3, 9, 15)  # 9:00 MDT, an hour after 9:00 CDT


def _shipped() -> dict[str, Any]:
    text = resources.files("heed.domain.data").joinpath("sending_rules.toml").read_text("utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("hours", "9-21", "rule 'us-tx': 'hours'"),
        ("hours", "21:00-09:00", "rule 'us-tx': 'hours'"),
        ("sunday", "noon", "rule 'us-tx': 'sunday'"),
        ("applies_to", "everything", "rule 'us-tx': 'applies_to'"),
        ("jurisdiction", "Texas", "rule 'us-tx': 'jurisdiction'"),
        ("holidays", "yes", "rule 'us-tx': 'holidays'"),
        ("cap", {"messages": 0, "hours": 24, "counts": "marketing"}, "'cap.messages'"),
        ("cap", {"messages": 3, "hours": 24, "counts": "some"}, "'cap.counts'"),
        ("source", "", "rule 'us-tx': 'source'"),
        ("sundays", "closed", "rule 'us-tx': 'sundays'"),
    ],
)
def test_a_malformed_rule_is_refused_naming_the_rule_and_field(
    field: str, value: object, named: str
) -> None:
    data = _shipped()
    data["rules"]["us-tx"][field] = value
    with pytest.raises(RulesError) as caught:
        parse_rules(data)
    assert named in str(caught.value)


def test_the_table_is_versioned_and_read_once() -> None:
    assert sending_rules() is sending_rules()
    data = _shipped()
    del data["version"]
    with pytest.raises(RulesError, match="version"):
        parse_rules(data)
    assert all(rule.source for rule in RULES.rules)
