"""/readyz: whether the database answers a read, within a short timeout.

``/healthz`` (app.py) is liveness and never touches the database, so a database held
by a long write lock does not make a process manager restart a server that is fine.
``/readyz`` is for a load balancer: 200 when a read of the accounts table came back
within READY_TIMEOUT seconds, else 503 ``not_ready``. The read runs in a worker
thread; at most one probe runs at a time, so a stuck database costs one thread,
however often the balancer asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from heed.adapters.db.engine import answers
from heed.bootstrap import Heed
from heed.entrypoints.api.errors import error_body
from heed.entrypoints.api.schemas import ErrorPublic, HealthPublic

READY_TIMEOUT = 2.0


def add_readiness(app: FastAPI, heed: Heed) -> None:
    probing = threading.Lock()

    def probe(loop: asyncio.AbstractEventLoop, answer: asyncio.Future[bool]) -> None:
        try:
            ok = answers(heed.engine)
        finally:
            probing.release()
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(_settle, answer, ok)

    @app.get(
        "/readyz",
        response_model=HealthPublic,
        responses={503: {"model": ErrorPublic, "description": "The database did not answer."}},
        tags=["health"],
    )
    async def ready() -> JSONResponse:
        """Readiness: the database answers a read within two seconds (no key needed)."""
        if probing.acquire(blocking=False):
            loop = asyncio.get_running_loop()
            answer: asyncio.Future[bool] = loop.create_future()
            # A thread of its own, not the shared pool: a probe stuck on the database
            # must neither wait for a pool thread nor hold one that requests need.
            threading.Thread(target=probe, args=(loop, answer), daemon=True).start()
            with contextlib.suppress(TimeoutError):
                if await asyncio.wait_for(answer, READY_TIMEOUT):
                    return JSONResponse({"status": "ok"})
        message = f"The database did not answer a read within {READY_TIMEOUT:g} seconds."
        return JSONResponse(error_body("not_ready", message), status_code=503)


def _settle(answer: asyncio.Future[bool], ok: bool) -> None:
    if not answer.done():  # wait_for gave up on it
        answer.set_result(ok)
