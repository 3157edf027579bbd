"""What every staff page shares: the session, CSRF-checked forms, rendering and error pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from heed.bootstrap import Heed
from heed.domain.addresses import display_phone
from heed.domain.errors import (
    Forbidden,
    HeedError,
    NotFound,
    SmsOptedOut,
)
from heed.entrypoints.web.form_limits import FormTextRefused, check_form_text
from heed.entrypoints.web.ledger_alarm import ledger_alarm
from heed.entrypoints.web.session import (
    COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    Session,
    Signer,
)
from heed.services import staff
from heed.services.common import Principal
from heed.services.page_frame import DEFAULT_ZONE, page_frame
from heed.services.views import INVOICE_FLAG

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals["OPT_OUT_SENTENCE"] = SmsOptedOut.MESSAGE
TEMPLATES.env.globals["INVOICE_FLAG"] = INVOICE_FLAG
TEMPLATES.env.filters["phone"] = display_phone
TEMPLATES.env.filters["path_quote"] = lambda value: quote(str(value), safe="@")
TEMPLATES.env.globals["ledger_alarm"] = ledger_alarm

KIND_LABELS = {"mobile": "Mobile", "phone": "Phone", "email": "Email", "fax": "Fax"}
TEMPLATES.env.globals["KIND_LABELS"] = KIND_LABELS
CATEGORY_LABELS = {
    "job": "Job",
    "invoice_statement": "Invoice & statement",
    "marketing": "Marketing",
}
TEMPLATES.env.globals["CATEGORY_LABELS"] = CATEGORY_LABELS

# Notices a page shows after a redirect (``?done=…``): fixed sentences, so a link cannot
# make heed say anything else.
DONE_NOTICES = {
    "created": "Customer created.",
    "opted_out": "Opt-out recorded. Only the customer can opt back in.",
}
_BACK = re.compile(r"^/(customers|locations)/([A-Za-z0-9_]+)$")


class LoginRequired(Exception):
    pass


class CsrfRefused(Exception):
    pass


@dataclass(frozen=True)
class Staff:
    principal: Principal
    email: str
    role: str
    account_name: str
    session: Session
    name: str | None = None


class PageRoute(APIRoute):
    """Turns refusals into pages: sign-in redirect, 403, 404, instead of the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = "/login"
                if request.method == "GET" and request.url.path != "/":
                    target += "?next=" + quote(request.url.path)
                if is_htmx(request):
                    return Response(status_code=204, headers={"HX-Redirect": target})
                return RedirectResponse(target, status_code=303)
            except CsrfRefused:
                return error_page(
                    request,
                    403,
                    "Request refused",
                    "This form was not sent from a heed page that is still open "
                    "(its security token is missing or out of date). Nothing was changed. "
                    "Reload the page and try again.",
                )
            except FormTextRefused as refused:
                return error_page(request, 422, "Not saved", refused.message)
            except Forbidden as error:
                return error_page(request, 403, "Not allowed", error.message)
            except NotFound as error:
                return error_page(request, 404, "Not found", error.message)
            except HeedError as error:
                return error_page(request, 400, "Could not do that", error.message)

        return guarded


# ---- plumbing --------------------------------------------------------------------------


def get_heed(request: Request) -> Heed:
    heed: Heed = request.app.state.heed
    return heed


def signer_of(request: Request) -> Signer:
    signer = get_heed(request).extras["web_signer"]
    assert isinstance(signer, Signer)
    return signer


def read_session(request: Request) -> Session | None:
    return signer_of(request).loads(request.cookies.get(COOKIE))


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def current_staff(request: Request) -> Staff:
    """The signed-in staff member and their business, read in one transaction."""
    session = read_session(request)
    if session is None or not session.token:
        raise LoginRequired
    member = staff.signed_in(get_heed(request).uow, session.token)
    if member is None:
        raise LoginRequired
    return Staff(
        member.principal, member.email, member.role, member.account_name, session, member.name
    )


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's; otherwise nothing runs."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    valid = signer_of(request).csrf_ok(
        read_session(request), submitted if isinstance(submitted, str) else None
    )
    if not valid:
        raise CsrfRefused
    check_form_text(form)
    return form


StaffDep = Annotated[Staff, Depends(current_staff)]
FormDep = Annotated[FormData, Depends(checked_form)]
HeedDep = Annotated[Heed, Depends(get_heed)]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def checked(form: FormData, name: str) -> bool:
    return text(form, name) in ("on", "true", "1", "yes")


def field_of(error: HeedError) -> str:
    """The form field an error belongs to: ``business_numbers[1]`` → ``business_numbers``."""
    name = str(error.details.get("field") or "")
    return re.split(r"[\[.]", name, maxsplit=1)[0] if name else ""


def in_words(error: HeedError, field: str, label: str) -> str:
    """A refusal as a form shows it beside its field: the field's name the API uses
    (``address.postal_code``) becomes the words on the page (``The ZIP or postal code``)."""
    message = error.message
    if not message.startswith(f"{field} "):
        return message
    rest = message.removeprefix(field)
    rest = rest.replace(" in a structured address", "").replace(
        " must not be empty", " is required"
    )
    return f"{label}{rest}"


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    who: Staff | None,
    status: int = 200,
) -> HTMLResponse:
    session = who.session if who else read_session(request)
    frame = page_frame(get_heed(request).uow, who.principal.account_id) if who else None
    base: dict[str, Any] = {
        "staff": who,
        "csrf": signer_of(request).csrf_token(session),
        "can": who.principal.can if who else (lambda permission: False),
        "notice": DONE_NOTICES.get(request.query_params.get("done", "")),
        "error": None,
        "frame": frame,
        "time_zone": frame.time_zone if frame else DEFAULT_ZONE,
    }
    response = TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    try:
        who: Staff | None = current_staff(request)
    except LoginRequired:
        who = None
    return render(request, "error.html", {"title": title, "message": message}, who, status)


# ---- times -------------------------------------------------------------------------------------


def local_time(moment: datetime | str | None, zone: str) -> str:
    """``moment`` in ``zone`` with the zone's name: ``2026-05-05 15:00 CDT``."""
    if moment is None or moment == "":
        return ""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def account_zone(request: Request, who: Staff) -> str:
    """The zone the account's times are shown in (services/page_frame.py)."""
    return page_frame(get_heed(request).uow, who.principal.account_id).time_zone


@pass_context
def _local_filter(context: Context, moment: datetime | str | None) -> str:
    return local_time(moment, str(context.get("time_zone") or DEFAULT_ZONE))


TEMPLATES.env.filters["local"] = _local_filter


# ---- unknown addresses -------------------------------------------------------------------------


PAGES_FOR_STATUS = {
    404: (
        "Page not found",
        "There is no page at this address. It may have been mistyped, or the record it "
        "showed was removed.",
    ),
    # A page reached by sending a form (its address is the form's) and then reloaded
    # or opened again from the history.
    405: (
        "Nothing to show here",
        "This address only takes a form sent from a heed page; nothing was changed. "
        "Find the customer again to see where things stand.",
    ),
}


def html_not_found(app: FastAPI) -> None:
    """An unknown address (or a form's address opened as a page) outside the API answers
    a page; under /v1 it keeps the JSON answer the API's handler gives. Call once the
    API's handlers are registered."""
    api_answer = app.exception_handlers[StarletteHTTPException]

    async def answer(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        page = PAGES_FOR_STATUS.get(exc.status_code)
        if page is None or path == "/v1" or path.startswith("/v1/"):
            answered = api_answer(request, exc)
            return answered if isinstance(answered, Response) else await answered
        response = error_page(request, exc.status_code, *page)
        response.headers.update(getattr(exc, "headers", None) or {})
        return response

    app.add_exception_handler(StarletteHTTPException, answer)
