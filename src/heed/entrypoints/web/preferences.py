"""The customer's own preference page (R-31) and the staff button that makes its link.

``/p/{token}`` needs no login: the signed link is the credential, read by
services.preference_links into a principal over that one customer's preferences.
The page works without JavaScript (plain forms, no htmx) and is laid out for a
phone first. Its forms carry a CSRF token tied to the link and to a SameSite=Lax
cookie the page sets, so another site cannot post it. Requests are limited per
link and per client address by an in-process sliding window (each heed process
counts on its own, so several processes multiply the limit by their number).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict, deque
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from heed.bootstrap import Heed
from heed.domain.errors import HeedError, InvalidSignature
from heed.entrypoints.web import base
from heed.entrypoints.web.base import TEMPLATES, FormDep, HeedDep, PageRoute, StaffDep
from heed.entrypoints.web.form_limits import FormTextRefused, check_form_text
from heed.entrypoints.web.record import View, record
from heed.services import preference_links, preference_page
from heed.services.common import Principal, now
from heed.services.preference_page import ConsentBox, PreferenceChoices

router = APIRouter(route_class=PageRoute, include_in_schema=False)

COOKIE = "heed_pref"
CSRF_FIELD = "csrf_token"
_LIMITS = "preference_page_limits"


class SlidingWindow:
    """At most ``limit`` requests per key in any ``window``, counted in this process."""

    def __init__(self, limit: int, window: timedelta) -> None:
        self.limit, self.window = limit, window
        self._seen: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, key: str, moment: datetime) -> int | None:
        """Count a request; None when admitted, else the seconds until one would be."""
        with self._lock:
            times = self._seen.pop(key, None) or deque()
            while times and times[0] <= moment - self.window:
                times.popleft()
            self._seen[key] = times
            while len(self._seen) > 10_000:
                self._seen.popitem(last=False)
            if len(times) >= self.limit:
                return max(1, int((times[0] + self.window - moment).total_seconds()) + 1)
            times.append(moment)
            return None


class PageLimits:
    """The page's two limits: per link (a shared or leaked link) and per client address
    (someone trying links)."""

    def __init__(self, per_link: int = 30, per_client: int = 60) -> None:
        window = timedelta(minutes=10)
        self.per_link = SlidingWindow(per_link, window)
        self.per_client = SlidingWindow(per_client, window)

    def admit(self, token: str, client: str, moment: datetime) -> int | None:
        link = hashlib.sha256(token.encode()).hexdigest()
        return self.per_client.admit(client, moment) or self.per_link.admit(link, moment)


def limits_of(heed: Heed) -> PageLimits:
    found = heed.extras.get(_LIMITS)
    if not isinstance(found, PageLimits):
        found = heed.extras[_LIMITS] = PageLimits()
    return found


# ---- CSRF: a token tied to the link and to this browser's cookie ---------------------------


def _csrf_token(heed: Heed, nonce: str, token: str) -> str:
    key = hmac.new(preference_links.link_key(heed.settings), b"csrf", hashlib.sha256).digest()
    return hmac.new(key, f"{nonce}|{token}".encode(), hashlib.sha256).hexdigest()


def _cookie_nonce(request: Request) -> str | None:
    nonce = request.cookies.get(COOKIE)
    return nonce if nonce and 20 <= len(nonce) <= 64 and nonce.isascii() else None


def _csrf_ok(heed: Heed, request: Request, form: FormData, token: str) -> bool:
    nonce, sent = _cookie_nonce(request), form.get(CSRF_FIELD)
    if nonce is None or not isinstance(sent, str):
        return False
    return hmac.compare_digest(sent.encode(), _csrf_token(heed, nonce, token).encode())


# ---- answers -------------------------------------------------------------------------------


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    # The link is the credential: never send it on as a Referer, never index it.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused_link(request: Request, error: InvalidSignature) -> HTMLResponse:
    status = 404 if error.code == "invalid_signature" else 410
    context = {"message": error.message, "business": error.details.get("business")}
    return _page(request, "preference_link_refused.html", context, status)


def _slow_down(request: Request, seconds: int) -> HTMLResponse:
    context = {"title": "Too many requests", "seconds": seconds}
    response = _page(request, "preference_busy.html", context, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def _show(
    request: Request,
    heed: Heed,
    principal: Principal,
    token: str,
    *,
    status: int = 200,
    **state: Any,
) -> HTMLResponse:
    nonce = _cookie_nonce(request) or secrets.token_urlsafe(24)
    view = preference_page.preference_view(heed.uow, principal)
    context = {
        **view,
        "token": token,
        "csrf": _csrf_token(heed, nonce, token),
        "notice": None,
        "error": None,
        **state,
    }
    response = _page(request, "preference_page.html", context, status)
    response.set_cookie(
        COOKIE,
        nonce,
        httponly=True,
        samesite="lax",
        secure=heed.settings.public_url.startswith("https://") or request.url.scheme == "https",
        path=preference_links.PATH,
    )
    return response


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# ---- the customer's page -----------------------------------------------------------------


@router.get("/p/{token}")
def preference_page_view(request: Request, token: str, heed: HeedDep, saved: str = "") -> Response:
    wait = limits_of(heed).admit(token, _client(request), now())
    if wait is not None:
        return _slow_down(request, wait)
    try:
        principal = preference_links.principal_of_link(heed.uow, heed.settings, token)
    except InvalidSignature as refused:
        return _refused_link(request, refused)
    notice = "Your choices are saved." if saved else None
    return _show(request, heed, principal, token, notice=notice)


async def _posted(request: Request) -> FormData:
    return await request.form()


@router.post("/p/{token}")
def preference_page_save(
    request: Request, token: str, heed: HeedDep, form: Annotated[FormData, Depends(_posted)]
) -> Response:
    wait = limits_of(heed).admit(token, _client(request), now())
    if wait is not None:
        return _slow_down(request, wait)
    try:
        principal = preference_links.principal_of_link(heed.uow, heed.settings, token)
    except InvalidSignature as refused:
        return _refused_link(request, refused)
    if not _csrf_ok(heed, request, form, token):
        message = (
            "This form was not sent from your preferences page as it is open now. "
            "Nothing was changed. Open the link again and make your choice there."
        )
        return _show(request, heed, principal, token, status=403, error=message)
    try:
        check_form_text(form)
        preference_page.save_preferences(heed.uow, principal, _choices(form, request))
    except FormTextRefused as refused:
        return _show(request, heed, principal, token, status=422, error=refused.message)
    except HeedError as error:
        return _show(request, heed, principal, token, status=409, error=error.message)
    return RedirectResponse(f"{preference_links.PATH}{token}?saved=1", status_code=303)


def _box(form: FormData, request: Request) -> ConsentBox | None:
    """The consent box's evidence, when the posted page carried the box."""
    version = form.get("disclosure_version")
    if not isinstance(version, str):
        return None
    return ConsentBox(version, _client(request), request.headers.get("user-agent"))


def _choices(form: FormData, request: Request) -> PreferenceChoices:
    ticked = set()
    for item in base.texts(form, "on"):
        key, _, category = item.partition(":")
        ticked.add((key, category))
    return PreferenceChoices(
        shown=frozenset(base.texts(form, "shown")),
        on=frozenset(ticked),
        stop=frozenset(base.texts(form, "stop")),
        stop_all_texts=base.checked(form, "stop_all_texts"),
        stop_all_email=base.checked(form, "stop_all_email"),
        marketing=frozenset(base.texts(form, "marketing")),
        box=_box(form, request),
    )


# ---- the staff button on the customer record ---------------------------------------------


@router.post("/customers/{customer_id}/preference-link")
def make_preference_link(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    command = preference_links.LinkRequest(customer_id)
    link = preference_links.create_link(heed.uow, who.principal, command, settings=heed.settings)
    notice = "A new preference link is ready; the earlier one no longer works."
    return record(request, heed, who, View(customer_id), preference_link=link, notice=notice)
