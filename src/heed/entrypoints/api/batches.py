"""Group commit: requests that arrive together are written together, and each is
answered only once the transaction holding it has committed.

A route hands its item to a ``BatchWriter`` and awaits the answer. One task takes
everything waiting (at most ``max_batch``), runs the writer's ``process`` on it in a
worker thread — one transaction, one lock, one commit for the lot — and answers
each request with its own outcome. While a batch commits, the event loop keeps
reading requests, which form the next batch; so a burst costs one commit per
batch instead of one per request.

``process`` answers one outcome per item, in order (a refusal that concerns one
item alone is part of its outcome, not an exception). When it fails as a whole
(the database refused the transaction), each item is tried again on its own, so
one bad item cannot cost the others their write. The writer lives in the server
process and is started by the app's lifespan, like the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

logger = logging.getLogger("heed.batches")

# Empty loop turns a batch waits for more items before it is written.
_SETTLE_TURNS = 8

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class BatchWriter(Generic[Item, Outcome]):
    def __init__(
        self,
        process: Callable[[list[Item]], Sequence[Outcome]],
        *,
        max_batch: int = 500,
        name: str = "heed-batch-writer",
    ) -> None:
        self._process = process
        self._max_batch = max_batch
        self._name = name
        self._queue: asyncio.Queue[tuple[Item, asyncio.Future[Outcome]] | None] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether ``submit`` may be used; without a lifespan (tests) no writer runs."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        # The queue belongs to the running loop, so it is made here and not in __init__:
        # one app may be served by several loops in turn (tests do).
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        """Write everything already submitted, then end."""
        if self._queue is not None and self._task is not None:
            self._queue.put_nowait(None)
            await self._task
        self._queue, self._task = None, None

    async def submit(self, item: Item) -> Outcome:
        """``item``'s outcome, once the transaction that wrote it has committed."""
        if self._queue is None or not self.running:
            raise RuntimeError(f"{self._name} is not running")
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((item, future))
        return await future

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            first = await queue.get()
            if first is None:
                return
            batch = [first]
            stop_after = False
            while len(batch) < self._max_batch and not stop_after:
                if queue.empty():
                    # Let requests already read off the sockets join before committing:
                    # a burst reaches the queue over a few loop turns (socket read, then
                    # the request's task), and each batch has a fixed cost (its
                    # transactions and commit). Idle turns cost microseconds.
                    for _ in range(_SETTLE_TURNS):
                        await asyncio.sleep(0)
                        if not queue.empty():
                            break
                    if queue.empty():
                        break
                waiting = queue.get_nowait()
                if waiting is None:
                    stop_after = True
                else:
                    batch.append(waiting)
            await self._write(batch)
            if stop_after:
                return

    async def _write(self, batch: list[tuple[Item, asyncio.Future[Outcome]]]) -> None:
        items = [item for item, _ in batch]
        outcomes: list[Outcome | _Failed]
        try:
            outcomes = list(await asyncio.to_thread(self._process, items))
        except Exception as error:
            logger.exception("%s: a batch of %d failed", self._name, len(items))
            if len(items) == 1:
                outcomes = [_Failed(error)]
            else:
                outcomes = [await self._write_alone(item) for item in items]
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                # The request went away (client disconnected); its item was still written.
                continue
            if isinstance(outcome, _Failed):
                future.set_exception(outcome.error)
            else:
                future.set_result(outcome)

    async def _write_alone(self, item: Item) -> Outcome | _Failed:
        try:
            [outcome] = await asyncio.to_thread(self._process, [item])
        except Exception as error:
            logger.exception("%s: an item failed on its own", self._name)
            return _Failed(error)
        return outcome


class _Failed:
    """An item whose write failed for good: its request gets the exception."""

    def __init__(self, error: Exception) -> None:
        self.error = error
