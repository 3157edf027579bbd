"""How many sign-ins may hash a password at once, and who waits for a turn.

argon2 is meant to be costly: about 0.2 CPU-seconds per check here. Unbounded, a
login spray would hand every core to hashing and starve the STOP webhook, so at
most half the cores hash at a time (at least one), on threads of their own that
run at a lower CPU priority (Linux: nice 10), so the event loop and the database
writers come first when the cores are contended. A few sign-ins queue briefly for
a turn, waiting on the event loop without holding a thread; past that queue, or
past the wait, the answer is 429 ``login_busy`` with Retry-After.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from heed.services.accounts import verify_password
from heed.services.staff import LoginBusy


@dataclass
class _Waiter:
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]
    granted: bool = field(default=False)


class HashingGate:
    def __init__(self, size: int, queue: int, wait: float) -> None:
        self.size = size
        self.queue = queue
        self.wait = wait
        self._taken = 0
        self._waiters: deque[_Waiter] = deque()
        self._lock = threading.Lock()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        waiter: _Waiter | None = None
        with self._lock:
            if self._taken < self.size and not self._waiters:
                self._taken += 1
            elif len(self._waiters) >= self.queue:
                raise _busy()
            else:
                loop = asyncio.get_running_loop()
                waiter = _Waiter(loop, loop.create_future())
                self._waiters.append(waiter)
        if waiter is not None:
            await self._wait_for(waiter)
        try:
            yield
        finally:
            self._release()

    async def _wait_for(self, waiter: _Waiter) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(waiter.future), self.wait)
        except TimeoutError:
            # Handed a turn just as the wait ran out: it is ours, so use it.
            if not self._leave(waiter):
                raise _busy() from None
        except asyncio.CancelledError:
            # The client went away: a turn handed to it passes on, never leaks.
            if self._leave(waiter):
                self._release()
            raise

    def _leave(self, waiter: _Waiter) -> bool:
        """Stop waiting; True when the turn was already handed over."""
        with self._lock:
            if not waiter.granted:
                self._waiters.remove(waiter)
            return waiter.granted

    def _release(self) -> None:
        with self._lock:
            if not self._waiters:
                self._taken -= 1
                return
            # The turn passes straight to the longest waiter; the count stays as it is.
            waiter = self._waiters.popleft()
            waiter.granted = True
        waiter.loop.call_soon_threadsafe(_wake, waiter.future)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _busy() -> LoginBusy:
    return LoginBusy("heed is busy checking other sign-ins. Try again in a moment.", retry_after=1)


_SIZE = max(1, (os.cpu_count() or 1) // 2)
HASHING = HashingGate(size=_SIZE, queue=4 * _SIZE, wait=2.0)


def _lower_priority() -> None:
    # On Linux a thread is a task with a priority of its own; elsewhere the id given
    # here could name a process, so nothing is changed.
    if sys.platform == "linux":
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


_POOL = ThreadPoolExecutor(_SIZE, thread_name_prefix="heed-hashing", initializer=_lower_priority)


def verify_on_hashing_threads(password_hash: str, password: str) -> bool:
    """verify_password, run on the low-priority hashing threads (the caller waits)."""
    return _POOL.submit(verify_password, password_hash, password).result()
