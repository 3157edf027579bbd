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
        base,
        confirm,
        consent,
        contacts,
        customers,
        history,
        imports,
        lists,
        marketing,
        messages,
        record,
        record_tools,
        replies,
        review,
        settings,
        signin,
    )
    from heed.entrypoints.web import preferences as preference_pages

    # No configured key: a random one for this process (see session.py for what that costs).
    heed.extras["web_signer"] = Signer(
        heed.settings.secret_key or secrets.token_hex(32),
        secure=heed.settings.public_url.startswith("https://"),
    )
    pages = (
        signin,
        customers,
        record,
        confirm,
        contacts,
        marketing,
        consent,
        settings,
        replies,
        review,
    )
    for page in (*pages, history, imports, messages):
        app.include_router(page.router)
    app.include_router(preference_pages.router)
    app.include_router(record_tools.router)
    app.include_router(lists.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    base.html_not_found(app)


__all__ = ["mount_web"]
