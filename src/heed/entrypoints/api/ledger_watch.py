"""The ledger self-check in the server: every account's ledger verified at start-up
and daily after that (R-17).

It runs in the background, in a worker thread (verifying hashes a whole ledger),
``delay`` seconds after start-up (HEED_LEDGER_CHECK_DELAY), so neither start-up
nor the first requests wait for it or share the processor with it. Every process asks; the
claim in ``ledger_check.run_if_due`` lets one of them run each check. A check
asked for at start-up is skipped when another process started one within
``STARTUP_GAP`` (several processes starting together check once). Failures are
logged as errors by the service and kept in ledger_checks for the staff UI.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from heed.bootstrap import Heed
from heed.services import ledger_check
from heed.services.common import now

logger = logging.getLogger("heed.ledger")

EVERY = timedelta(days=1)
STARTUP_GAP = timedelta(minutes=5)
# How often a process asks whether the daily check is due: its idle cost is one
# UPDATE per POLL, whatever the number of accounts.
POLL = timedelta(hours=1)


class LedgerWatch:
    def __init__(
        self,
        heed: Heed,
        *,
        every: timedelta = EVERY,
        startup_gap: timedelta = STARTUP_GAP,
        poll: timedelta = POLL,
        delay: float | None = None,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self._heed = heed
        self._delay = heed.settings.ledger_check_delay if delay is None else delay
        self._every, self._startup_gap, self._poll = every, startup_gap, poll
        self._clock = clock
        self._stopping = threading.Event()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="heed-ledger-watch")

    async def stop(self) -> None:
        """End after the account being verified, not after the whole check."""
        self._stopping.set()
        if self._wake is not None:
            self._wake.set()
        if self._task is not None:
            await self._task
        self._task, self._wake = None, None

    async def _run(self) -> None:
        assert self._wake is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self._delay)
        gap = self._startup_gap
        while not self._stopping.is_set():
            try:
                await asyncio.to_thread(
                    ledger_check.run_if_due,
                    self._heed.uow,
                    now=self._clock(),
                    every=gap,
                    stopping=self._stopping.is_set,
                )
            except Exception:
                logger.exception("the consent ledger check could not run; retrying later")
            gap = self._every
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll.total_seconds())
