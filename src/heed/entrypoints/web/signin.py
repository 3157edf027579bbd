"""Signing in and out."""

from __future__ import annotations

import asyncio
from functools import partial

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from heed.domain.errors import (
    Unauthorized,
)
from heed.entrypoints.web.base import (
    FormDep,
    HeedDep,
    PageRoute,
    get_heed,
    read_session,
    render,
    signer_of,
    text,
)
from heed.entrypoints.web.hashing import HASHING, verify_on_hashing_threads
from heed.entrypoints.web.session import (
    COOKIE,
    new_session,
    set_cookie,
)
from heed.services import staff
from heed.services.common import now

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ---- signing in ------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    session = read_session(request)
    if session and session.token and staff.signed_in(get_heed(request).uow, session.token):
        return RedirectResponse(_safe_next(next), status_code=303)
    session = session or new_session()
    signer = signer_of(request)
    response = render(
        request,
        "login.html",
        {"next": _safe_next(next), "email": "", "csrf": signer.csrf_token(session)},
        None,
    )
    set_cookie(request, response, signer, session)
    return response


@router.post("/login")
async def login(request: Request, form: FormDep, heed: HeedDep) -> Response:
    email, target = text(form, "email"), _safe_next(text(form, "next") or "/")
    client = request.client.host if request.client else "unknown"
    try:
        LOGIN_THROTTLE.admit(client, now())
        async with HASHING.turn():
            # Off the event loop; the password check itself waits for the hashing threads.
            signed_in = await run_in_threadpool(
                partial(staff.sign_in, verify=verify_on_hashing_threads),
                heed.uow,
                email,
                str(form.get("password") or ""),
            )
    except Unauthorized as error:
        if isinstance(error, staff.TooManyAttempts):
            # Held back before the answer: a sprayer that fires again as soon as it is
            # refused gets one try per connection per REFUSAL_DELAY, and the wait costs
            # the server nothing, so STOPs keep the processor.
            await asyncio.sleep(REFUSAL_DELAY)
        response = render(
            request,
            "login.html",
            {
                "next": target,
                "email": email,
                "error": error.message,
                "csrf": signer_of(request).csrf_token(read_session(request)),
            },
            None,
            status=429 if isinstance(error, staff.TooManyAttempts) else 401,
        )
        if "retry_after" in error.details:
            response.headers["Retry-After"] = str(error.details["retry_after"])
        return response
    LOGIN_THROTTLE.forgive(client)
    redirect = RedirectResponse(target, status_code=303)
    # A fresh session on sign-in, so a token seen before it is worth nothing after.
    set_cookie(request, redirect, signer_of(request), new_session(signed_in.token))
    return redirect


@router.post("/logout")
def logout(request: Request, form: FormDep, heed: HeedDep) -> Response:
    session = read_session(request)
    if session and session.token:
        staff.end_session(heed.uow, session.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# Per client address, in this process (see ClientThrottle for what that means with several).
LOGIN_THROTTLE = staff.ClientThrottle()
# Seconds a refused sign-in (throttled, or no turn to hash) waits before its answer.
REFUSAL_DELAY = 1.0


def _safe_next(target: str) -> str:
    # Only paths on this site: "//evil.example" and absolute URLs would send staff away.
    return target if target.startswith("/") and not target.startswith("//") else "/"
