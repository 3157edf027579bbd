"""The clock a server under test may be given (HEED_TEST_CLOCK): explicit, aware, running."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pydantic import ValidationError

from heed.config import Settings
from heed.services import common

START = datetime(2026, 5, 5, 3, 0, tzinfo=UTC)


def test_without_the_setting_heed_keeps_the_real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEED_TEST_CLOCK", raising=False)
    assert Settings().test_clock is None


def test_the_setting_is_read_from_the_environment_with_its_offset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEED_TEST_CLOCK", "2026-05-05T03:00:00-05:00")
    assert Settings().test_clock == datetime(2026, 5, 5, 8, 0, tzinfo=UTC)


def test_a_moment_without_an_offset_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEED_TEST_CLOCK", "2026-05-05T03:00:00")
    with pytest.raises(ValidationError, match="test_clock"):
        Settings()


def test_a_clock_starting_at_a_moment_reads_it_and_runs_on_from_there() -> None:
    with time_machine.travel(datetime(2026, 11, 26, 21, 0, tzinfo=UTC), tick=False) as traveller:
        clock = common.clock_starting_at(START)
        assert clock() == START
        traveller.shift(timedelta(minutes=5))
        assert clock() == START + timedelta(minutes=5)
