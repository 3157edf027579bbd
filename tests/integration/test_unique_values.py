"""The numbers and addresses tests draw never repeat within one database."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import phonenumbers
from integration_support import postgres_only

from heed.domain.addresses import is_placeholder_digits
from unique_values import (
    EXCHANGES,
    LOCAL_NUMBERS,
    SPREAD,
    unique_email,
    unique_number,
)

AREAS = ("512", "214", "305", "405", "212", "737", "808", "907", "416")
TESTS = Path(__file__).resolve().parents[1]


def test_thousands_of_drawn_numbers_never_repeat_and_each_is_a_real_looking_number() -> None:
    drawn = [unique_number(AREAS[i % len(AREAS)]) for i in range(3000)]
    assert len(set(drawn)) == len(drawn)
    for i, number in enumerate(drawn):
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed), number
        assert number[2:5] == AREAS[i % len(AREAS)]
        assert not is_placeholder_digits(number[2:]), number
        assert not number[5:10].startswith("55501"), number


def test_drawn_email_addresses_never_repeat() -> None:
    drawn = [unique_email("office", "acme.example") for _ in range(500)]
    assert len(set(drawn)) == len(drawn)
    assert all(email.startswith("office-") and email.endswith("@acme.example") for email in drawn)


def test_the_spread_reaches_every_local_number_once_and_no_service_code() -> None:
    assert math.gcd(SPREAD, LOCAL_NUMBERS) == 1
    assert not {211, 311, 411, 511, 555, 611, 711, 811, 911} & set(EXCHANGES)
    assert min(EXCHANGES) == 200 and max(EXCHANGES) == 999


@postgres_only
def test_processes_sharing_one_postgresql_database_never_draw_the_same_number() -> None:
    draw = (
        f"import sys; sys.path.insert(0, {str(TESTS)!r}); from unique_values import unique_number;"
        "print(' '.join(unique_number() for _ in range(250)))"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", draw], env=os.environ, stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    drawn = [n for p in processes for n in p.communicate(timeout=120)[0].decode().split()]
    assert [p.returncode for p in processes] == [0, 0]
    assert len(drawn) == 500
    assert len(set(drawn) | {unique_number()}) == 501
