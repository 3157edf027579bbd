"""What the batch decision remembers and looks up instead of working out gives the
answers working it out gives (issue 18): the sending window's shut spells, the
placeholder range as a set, the domain's enums hashed as their text."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heed.domain import sending_window
from heed.domain.consent import Suppression
from heed.domain.decision import Category, Channel, Layer, Reason, SendingWindow
from heed.domain.placeholders import placeholder_list
from heed.domain.sending_window import Timing, next_open

ZONE_SETS = [
    ("America/Chicago",),
    ("America/New_York", "America/Los_Angeles"),
    ("Pacific/Honolulu", "America/New_York"),
    (),
]
WINDOWS = [
    SendingWindow(),
    SendingWindow(time(9, 0), time(17, 30)),
    SendingWindow(time(20), time(21)),
]
START = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)  # the week US clocks spring forward


@settings(max_examples=300, deadline=None)
@given(
    zones=st.sampled_from(ZONE_SETS),
    window=st.sampled_from(WINDOWS),
    first=st.integers(min_value=0, max_value=14 * 24 * 60),
    later=st.lists(st.integers(min_value=0, max_value=36 * 60), min_size=1, max_size=6),
)
def test_a_window_s_next_opening_and_whether_it_is_open_are_the_same_remembered_or_worked_out(
    zones: tuple[str, ...], window: SendingWindow, first: int, later: list[int]
) -> None:
    sending_window._SHUT.clear()
    moment = START + timedelta(minutes=first)
    for step in [0, *later]:
        moment += timedelta(minutes=step)
        timing = Timing()  # each a batch of its own: only the module's memory is shared
        assert timing.next_open(moment, zones, window) == next_open(moment, zones, window)
        fresh = sending_window._is_open(
            moment, sending_window._resolve_zones(zones), window.start, window.end
        )
        assert timing.is_open(moment, zones, window) is fresh


def test_a_shut_spell_is_remembered_only_up_to_the_opening_it_found() -> None:
    sending_window._SHUT.clear()
    zones, window = ("America/Chicago",), SendingWindow()
    night = datetime(2026, 6, 3, 5, 10, tzinfo=UTC)  # 00:10 in Chicago
    opening = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)  # 08:00 in Chicago
    assert Timing().next_open(night, zones, window) == opening
    assert sending_window._SHUT[(zones, window)] == (night, opening)
    assert Timing().is_open(opening, zones, window)
    assert Timing().next_open(opening, zones, window) == opening


@pytest.mark.parametrize(
    ("national", "placeholder"),
    [
        ("2125550100", True),
        ("2125550199", True),
        ("2125550150", True),
        ("2125550099", False),
        ("2125550200", False),
        ("2125551212", True),
        ("2122222222", True),
        ("5552345678", True),
        ("2123456789", False),
        # Digits of another script: int() reads them as the range's numbers.
        ("٢١٢٥٥٥٠١٥٠", True),
        ("٢١٢٣٤٥٦٧٨٩", False),
    ],
)
def test_ten_digits_are_judged_as_the_list_says_whether_the_range_is_a_set_or_compared(
    national: str, placeholder: bool
) -> None:
    listed = placeholder_list()
    assert listed.ranged_lines is not None
    assert listed.phone(national) is placeholder
    number = int(national[3:])
    in_range = any(first <= number <= last for first, last in listed.line_ranges)
    assert listed.phone(national) is (
        in_range
        or national in listed.numbers
        or national[:3] in listed.area_codes
        or national[3:] in listed.lines
        or national[3:] == national[3] * 7
    )


@pytest.mark.parametrize("member", [*Channel, *Category, *Suppression, *Reason, *Layer])
def test_the_decision_s_enums_hash_as_their_text_so_text_finds_them(
    member: Channel | Category | Suppression | Reason | Layer,
) -> None:
    assert hash(member) == hash(member.value)
    by_member: dict[str, int] = {member: 1}
    by_text: dict[str, int] = {member.value: 1}
    assert by_member.get(member.value) == 1
    assert by_text.get(member) == 1
