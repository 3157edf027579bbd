"""create_app: heed's ASGI application (API, webhook and staff UI).

Routes are ``async def`` and call the synchronous services directly, on the event
loop. That is deliberate: a plain ``def`` route costs a thread-pool hop per
request (about 2.7k req/s against 11k here), while heed's service calls are a
few short indexed queries (SQLite is in-process). The one piece of work that may
wait on the network, handing messages to a transport, runs in the outbox worker's
thread (outbox.py), never in a request; Twilio's webhook hands its texts to the
inbound writer (batches.py), which records those that arrive together in one
transaction in its own thread. Services stay synchronous so the CLI, the
web UI and tests call them plainly.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from heed.bootstrap import Heed
from heed.entrypoints.api import errors
from heed.entrypoints.api.batches import BatchWriter
from heed.entrypoints.api.outbox import Outbox
from heed.entrypoints.api.routes import (
    account,
    consent,
    contacts,
    customers,
    sending,
    webhooks,
)
from heed.entrypoints.api.schemas import HealthPublic
from heed.entrypoints.security import SecurityHeaders

DESCRIPTION = """\
Customer contact methods, notification preferences and SMS/email consent for
field-service businesses.

Every `/v1` route takes `Authorization: Bearer <api_key>` and checks one permission
(`customer:view`, `customer:edit`, `location:view`, `location:edit`,
`settings:manage`, `messages:send`, `consent:export`). Another account's id answers
404. Errors are `{"error": {"code", "message", "details"}}`.
"""


def create_app(heed: Heed) -> FastAPI:
    outbox = Outbox(heed)
    # Twilio's webhook: texts arriving together are recorded in one transaction.
    inbound = BatchWriter(partial(webhooks.record_signed_texts, heed), name="heed-inbound")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        outbox.start()
        inbound.start()
        try:
            yield
        finally:
            await inbound.stop()
            await outbox.stop()

    app = FastAPI(title="heed", version="1.0.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.heed = heed
    app.state.outbox = outbox
    app.state.inbound = inbound
    errors.register(app)
    app.add_middleware(SecurityHeaders, https=heed.settings.public_url.startswith("https://"))
    for module in (account, customers, contacts, sending, consent, webhooks):
        app.include_router(module.router)

    @app.get("/healthz", response_model=HealthPublic, tags=["health"])
    async def health() -> dict[str, str]:
        """Liveness: the process serves requests (no key needed)."""
        return {"status": "ok"}

    # The staff UI is built alongside; until its routes exist, serve the API alone.
    if importlib.util.find_spec("heed.entrypoints.web.routes") is not None:
        from heed.entrypoints.web import mount_web  # type: ignore[attr-defined,unused-ignore]

        mount_web(app, heed)
    return app
