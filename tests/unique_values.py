"""Phone numbers and email addresses no other test has used in this database.

A business number belongs to one account, and consent follows a number (R-12), so
two tests that drew the same number by chance would share its history. Each value
here comes from a count that never repeats within one database:

- on SQLite every test process (and each pytest-xdist worker) has a database file of
  its own, so a count kept in the process is enough;
- on PostgreSQL the workers of a run, and the runs after it, share the database, so
  each process claims blocks of the count from a sequence kept in that database
  (``heed_test_values``).

The count is spread over the valid local numbers of an area code: exchanges 200–999
but the N11 service codes and 555 (its 01XX block is the fictional one), every line,
less what heed reads as a placeholder (R-2). A multiplier prime to their number
spreads consecutive counts over many exchanges, away from the few numbers tests write
out by hand.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import os
import threading
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine, text

from heed.config import normalize_database_url
from heed.domain.addresses import is_placeholder_digits

EXCHANGES = tuple(e for e in range(200, 1000) if e % 100 != 11 and e != 555)
LINES = 10_000
LOCAL_NUMBERS = len(EXCHANGES) * LINES
# Prime, and no factor of LOCAL_NUMBERS: count * SPREAD covers every local number once.
SPREAD = 2_750_159

# What one claim on PostgreSQL's sequence gives a process: one round trip per BLOCK.
BLOCK = 100

_in_process = itertools.count()
_claimed: Iterator[int] = iter(())
_claiming = threading.Lock()


def unique_number(area: str = "512") -> str:
    """A valid North American number in ``area`` that no test has drawn in this database."""
    while True:
        n = _next_count() * SPREAD % LOCAL_NUMBERS
        local = f"{EXCHANGES[n // LINES]}{n % LINES:04d}"
        if not is_placeholder_digits(area + local):
            return f"+1{area}{local}"


def unique_email(name: str, domain: str) -> str:
    """``name-N@domain``, an address no test has drawn in this database."""
    return f"{name}-{_next_count()}@{domain}"


def _next_count() -> int:
    url = os.environ.get("HEED_TEST_DATABASE_URL", "")
    if not url.startswith(("postgres", "postgresql")):
        return next(_in_process)
    global _claimed
    with _claiming:
        count = next(_claimed, None)
        if count is not None:
            return count
        with _sequence(normalize_database_url(url)).connect() as connection:
            block = int(connection.execute(text("SELECT nextval('heed_test_values')")).scalar_one())
        _claimed = iter(range(block * BLOCK + 1, (block + 1) * BLOCK))
        return block * BLOCK


@functools.cache
def _sequence(url: str) -> Engine:
    """The database's count, made once by whichever process comes first."""
    engine = create_engine(url, pool_size=1)
    atexit.register(engine.dispose)
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('heed_test_values'))"))
        connection.execute(text("CREATE SEQUENCE IF NOT EXISTS heed_test_values"))
    return engine
