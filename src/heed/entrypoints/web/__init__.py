"""The staff web UI: server-rendered pages with htmx, calling heed's services in-process."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from heed.bootstrap import Heed
from heed.entrypoints.web.session import Signer

STATIC = Path(__file__).parent / "static"


def mount_web(app: FastAPI, heed: Heed) -> None:
    """Add the staff pages and their static files to ``app``."""
    from heed.entrypoints.web import (
        consent,
        contacts,
        customers,
        marketing,
        record,
        review,
        settings,
        signin,
    )

    # No configured key: a random one for this process (see session.py for what that costs).
    heed.extras["web_signer"] = Signer(
        heed.settings.secret_key or secrets.token_hex(32),
        secure=heed.settings.public_url.startswith("https://"),
    )
    for page in (signin, customers, record, contacts, marketing, consent, settings, review):
        app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


__all__ = ["mount_web"]
