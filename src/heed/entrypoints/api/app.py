"""create_app: heed's ASGI application (API, webhook and staff UI)."""

from __future__ import annotations

from fastapi import FastAPI

from heed.bootstrap import Heed
from heed.entrypoints.api import errors


def create_app(heed: Heed) -> FastAPI:
    app = FastAPI(
        title="heed",
        version="1.0.0",
        description="Customer contact methods, notification preferences and SMS/email consent "
        "for field-service businesses.",
    )
    app.state.heed = heed
    errors.register(app)
    return app
