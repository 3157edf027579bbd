"""The outbox worker: delivers queued messages, and deferred ones when they come due.

It lives inside the server process (started by the app's lifespan), so nobody has
a separate scheduler to remember. Each round runs ``outbox.deliver_due`` in a
worker thread, because a transport may wait on the network; the round repeats
every ``HEED_OUTBOX_INTERVAL`` seconds, and at once when POST /v1/messages wakes it.
Any number of servers may run one each on the same database: every message is
claimed atomically, so each is handed to the provider once per attempt (R-30).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from heed.bootstrap import Heed
from heed.services.outbox import deliver_due

logger = logging.getLogger("heed.outbox")


class Outbox:
    def __init__(self, heed: Heed) -> None:
        self._heed = heed
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        # The event belongs to the running loop, so it is made here and not in __init__:
        # one app may be served by several loops in turn (tests do).
        self._wake = asyncio.Event()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="heed-outbox")

    def wake(self) -> None:
        """Deliver now rather than at the next tick; a no-op when no worker runs."""
        if self._wake is not None:
            self._wake.set()

    async def stop(self) -> None:
        """Let the round in progress finish (a send is never cut off half-way), then end."""
        self._stopping = True
        self.wake()
        if self._task is not None:
            await self._task
        self._task, self._wake = None, None

    async def _run(self) -> None:
        assert self._wake is not None
        interval = max(self._heed.settings.outbox_interval, 0.05)
        while not self._stopping:
            # Cleared before the round: a message queued during it wakes the next one.
            self._wake.clear()
            try:
                await asyncio.to_thread(
                    deliver_due,
                    self._heed.uow,
                    self._heed.transport,
                    settings=self._heed.settings,
                )
            except Exception:
                # One bad round (database gone for a moment) must not end delivery for good.
                logger.exception("outbox round failed; retrying in %.1f s", interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
