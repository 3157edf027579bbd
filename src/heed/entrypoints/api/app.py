"""create_app: heed's ASGI application (API, webhook and staff UI).

No database work runs on the event loop: a query may wait on a lock (a SQLite
writer, a PostgreSQL row or table lock) or, on PostgreSQL, on the network, and
while it waits the loop answers nobody, /healthz included. Routes that call the
synchronous services are plain ``def`` (FastAPI runs them in its thread pool);
the few ``async def`` ones that read their body themselves hand the service call
to the pool (``run_in_threadpool``), and the API-key check answers from its cache
on the loop and reads the database in the pool. One read stays on the loop, a
stored contact's decision on SQLite, on a connection that cannot wait
(loop_reads.py). Handing messages to a transport
runs in the outbox worker's thread (outbox.py); Twilio's webhook hands its texts
to the inbound writer (batches.py), which records those that arrive together in
one transaction in its own thread. Services stay synchronous so the CLI, the web
UI and tests call them plainly. bench/RESULTS.md has what the thread hop costs.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from heed.bootstrap import Heed, build_worker, freeze_start_up_heap
from heed.entrypoints.api import errors
from heed.entrypoints.api.batches import BatchWriter
from heed.entrypoints.api.body_limits import BodySizeLimit
from heed.entrypoints.api.docs import add_docs
from heed.entrypoints.api.health import add_readiness
from heed.entrypoints.api.ledger_watch import LedgerWatch
from heed.entrypoints.api.loop_reads import LoopReads
from heed.entrypoints.api.outbox import Outbox
from heed.entrypoints.api.routes import (
    account,
    audit,
    consent,
    contacts,
    customers,
    decisions,
    imports,
    messages,
    preference_links,
    record_tools,
    review,
    webhooks,
)
from heed.entrypoints.api.schemas import HealthPublic
from heed.entrypoints.api.url_text import RefuseControlCharacters
from heed.entrypoints.security import SecurityHeaders
from heed.entrypoints.workers import STARTUP_FAILURE
from heed.services.csv_import import recover_abandoned

DESCRIPTION = """\
Customer contact methods, notification preferences and SMS/email consent for
field-service businesses.

Every `/v1` route takes `Authorization: Bearer <api_key>` and checks one permission
(`customer:view`, `customer:edit`, `location:view`, `location:edit`, `settings:view`,
`settings:manage`, `messages:send`, `consent:export`). Another account's id answers
404. Errors are `{"error": {"code", "message", "details"}}`. A body larger than the
route's limit (64 KiB; 1 MiB for `/v1/decisions/batch`) answers 413 `payload_too_large`.
"""


def create_app(heed: Heed) -> FastAPI:
    outbox = Outbox(heed)
    loop_reads = LoopReads(heed.engine)
    # Twilio's webhook: texts arriving together are recorded in one transaction.
    inbound = BatchWriter(partial(webhooks.record_signed_texts, heed), name="heed-inbound")
    ledger_watch = LedgerWatch(heed)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(recover_abandoned, heed.uow)
        outbox.start()
        inbound.start()
        ledger_watch.start()
        try:
            yield
        finally:
            await ledger_watch.stop()
            await inbound.stop()
            await outbox.stop()
            await loop_reads.close()

    app = FastAPI(
        title="heed",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Served by docs.py, to staff and API keys unless HEED_PUBLIC_DOCS says otherwise.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # heed emits no OpenTelemetry; FastAPI's own would look up the process's global
        # providers (reading the environment) on every request to learn that.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.heed = heed
    app.state.outbox = outbox
    app.state.inbound = inbound
    app.state.loop_reads = loop_reads
    errors.register(app)
    app.add_middleware(RefuseControlCharacters)
    app.add_middleware(SecurityHeaders, https=heed.settings.public_url.startswith("https://"))
    # Twilio's webhook is matched before every other route: a burst of STOPs is the
    # busiest traffic heed takes, and trying some thirty routes first cost as much as
    # the route's own work. The same endpoint stays documented in its place below.
    app.include_router(webhooks.first_router)
    # review before consent, whose /v1/consent/{address} would take /v1/consent/review.
    # imports before customers, whose /v1/customers/{customer_id} would take /export.
    for module in (
        account,
        imports,
        customers,
        contacts,
        decisions,
        messages,
        review,
        consent,
        webhooks,
        audit,
    ):
        app.include_router(module.router)
    app.include_router(preference_links.router)
    app.include_router(record_tools.router)

    @app.get("/healthz", response_model=HealthPublic, tags=["health"])
    async def health() -> dict[str, str]:
        """Liveness: the process serves requests (no key needed). It does not read the
        database, so a long write lock does not get a healthy server restarted; /readyz
        says whether the database answers."""
        return {"status": "ok"}

    add_readiness(app, heed)
    add_docs(app, heed)
    app.add_middleware(BodySizeLimit)

    # The staff UI is built alongside; until its routes exist, serve the API alone.
    if importlib.util.find_spec("heed.entrypoints.web.base") is not None:
        from heed.entrypoints.web import mount_web  # type: ignore[attr-defined,unused-ignore]

        mount_web(app, heed)
    return app


def worker_app() -> FastAPI:
    """The app of one ``heed serve --workers N`` process.

    uvicorn calls it inside each worker (an import-string factory) once the worker
    runs, so the worker's engine, pool, outbox and inbound writer are made there and
    are its own. Every worker runs the outbox: claims are atomic in the database
    (adapters/db/outbox.py), so each message goes out once per attempt (R-30).
    A worker that cannot make its heed (the database refuses it, say) ends with
    uvicorn's startup-failure code, and the server stops rather than replacing it
    with another that would fail the same way (entrypoints/workers.py).
    """
    try:
        heed = build_worker()
    except Exception as error:
        print(f"error (workers): a worker could not start: {error}", file=sys.stderr)
        raise SystemExit(STARTUP_FAILURE) from error
    app = create_app(heed)
    freeze_start_up_heap()
    return app
