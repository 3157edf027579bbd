"""Staff pages: sign-in, search, the customer record with its bells, AR, consent history, settings.

Routes parse the form, check the permission, call one service and render. Every
change answers the whole page; htmx swaps only its ``#record`` (or ``#main``)
part, so the same handler serves a browser with and without JavaScript.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from heed.adapters.csvfile import csv_text
from heed.bootstrap import Heed
from heed.domain.addresses import display_phone
from heed.domain.errors import (
    ConfirmationRequired,
    Conflict,
    Forbidden,
    HeedError,
    NotFound,
    SmsOptedOut,
    Unauthorized,
)
from heed.entrypoints.web.form_limits import FormTextRefused, check_form_text
from heed.entrypoints.web.hashing import HASHING, verify_on_hashing_threads
from heed.entrypoints.web.ledger_alarm import ledger_alarm
from heed.entrypoints.web.session import (
    COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    Session,
    Signer,
    new_session,
    set_cookie,
)
from heed.services import accounts, contacts, customers, decisions, messages, staff
from heed.services import consent as consent_service
from heed.services.common import Principal, now
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


router = APIRouter(route_class=PageRoute, include_in_schema=False)


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
    session = read_session(request)
    if session is None or not session.token:
        raise LoginRequired
    heed = get_heed(request)
    user = staff.session_user(heed.uow, session.token)
    if user is None:
        raise LoginRequired
    principal = accounts.principal_for_user(user)
    name = accounts.get_account_settings(heed.uow, principal)["name"]
    return Staff(principal, user.email, user.role, str(name), session)


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


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    who: Staff | None,
    status: int = 200,
) -> HTMLResponse:
    session = who.session if who else read_session(request)
    base: dict[str, Any] = {
        "staff": who,
        "csrf": signer_of(request).csrf_token(session),
        "can": who.principal.can if who else (lambda permission: False),
        "notice": None,
        "error": None,
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


# ---- signing in ------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    session = read_session(request)
    if session and session.token and staff.session_user(get_heed(request).uow, session.token):
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


# ---- search and new customers ------------------------------------------------------------


@router.get("/")
def search(
    request: Request, who: StaffDep, heed: HeedDep, q: str = "", cursor: str | None = None
) -> Response:
    who.principal.require("customer:view")
    page = customers.list_customers(heed.uow, who.principal, q=q or None, limit=50, cursor=cursor)
    return render(
        request,
        "search.html",
        {"q": q, "items": page["items"], "next_cursor": page["next_cursor"]},
        who,
    )


@router.get("/customers/new")
def new_customer_page(request: Request, who: StaffDep) -> Response:
    who.principal.require("customer:edit")
    return render(request, "new_customer.html", {"values": {}, "errors": {}}, who)


@router.post("/customers/new")
def new_customer(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    who.principal.require("customer:edit")
    values = {k: text(form, k) for k in ("name", "mobile", "phone", "email", "billing_address")}
    delivery = texts(form, "invoice_delivery") or ["mail"]
    fields = [k for k in ("mobile", "phone", "email") if values[k]]
    data = {
        "name": values["name"],
        "billing_address": values["billing_address"] or None,
        "invoice_delivery": delivery,
        "contacts": [{"kind": k, "value": values[k]} for k in fields],
    }
    try:
        created = customers.create_customer(heed.uow, who.principal, data)
    except HeedError as error:
        name = str(error.details.get("field") or "")
        match = re.match(r"contacts\[(\d+)\]", name)
        key = fields[int(match.group(1))] if match else field_of(error) or "name"
        values["invoice_delivery"] = ",".join(delivery)
        return render(
            request,
            "new_customer.html",
            {"values": values, "errors": {key: error.message}},
            who,
            status=422,
        )
    return RedirectResponse(f"/customers/{created['id']}", status_code=303)


# ---- the customer record ------------------------------------------------------------------


@dataclass
class View:
    """Which record page a change answers with: the customer, or one of its locations."""

    customer_id: str
    location_id: str | None = None

    @property
    def path(self) -> str:
        if self.location_id:
            return f"/locations/{self.location_id}"
        return f"/customers/{self.customer_id}"


def view_from(heed: Heed, who: Staff, back: str, customer_id: str) -> View:
    match = _BACK.match(back)
    if match and match.group(1) == "locations":
        location = customers.get_location(heed.uow, who.principal, match.group(2))
        if location["customer_id"] == customer_id:
            return View(customer_id, location["id"])
    return View(customer_id)


def record(
    request: Request,
    heed: Heed,
    who: Staff,
    view: View,
    *,
    status: int = 200,
    **state: Any,
) -> HTMLResponse:
    p = who.principal
    p.require("location:view" if view.location_id else "customer:view")
    customer = customers.get_customer(heed.uow, p, view.customer_id)
    locations = customer["locations"]
    if view.location_id:
        locations = [loc for loc in locations if loc["id"] == view.location_id]
        if not locations:
            raise NotFound("No location with this id.")
    if p.can("location:view"):
        for location in locations:
            location["job_contacts"] = decisions.recipients_for(
                heed.uow,
                p,
                customer_id=customer["id"],
                location_id=location["id"],
                category="job",
                channel="sms",
            )
    else:
        locations = []
    shown = ([] if view.location_id else customer["contacts"]) + [
        c for loc in locations for c in loc["contacts"]
    ]
    sent = (
        messages.list_messages(heed.uow, p, contact_ids=[c["id"] for c in shown], limit=10)
        if shown
        else []
    )
    by_id = {c["id"]: c for c in shown}
    for message in sent:
        contact = by_id.get(message["contact_id"] or "")
        message["to_display"] = contact["display"] if contact else message["to"]
    context = {
        "customer": customer,
        "locations": locations,
        "location": locations[0] if view.location_id else None,
        "view": view,
        "base": view.path,
        "sendable": [c for c in shown if c["kind"] in ("mobile", "phone", "email")],
        "messages": sent,
        "panel": None,
        "errors": {},
        "values": {},
        **state,
    }
    return render(request, "customer.html", context, who, status)


def _open_panel(open: str) -> dict[str, Any] | None:
    kind, _, contact_id = open.partition(":")
    if kind in ("settings", "edit") and contact_id:
        return {"kind": kind, "contact_id": contact_id, "errors": {}}
    return None


@router.get("/customers/{customer_id}")
def customer_page(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, open: str = ""
) -> Response:
    return record(request, heed, who, View(customer_id), panel=_open_panel(open))


@router.get("/locations/{location_id}")
def location_page(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, open: str = ""
) -> Response:
    who.principal.require("location:view")
    location = customers.get_location(heed.uow, who.principal, location_id)
    view = View(location["customer_id"], location_id)
    return record(request, heed, who, view, panel=_open_panel(open))


@router.post("/customers/{customer_id}/details")
def customer_details(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    data = {"name": text(form, "name"), "billing_address": text(form, "billing_address") or None}
    try:
        customers.update_customer(heed.uow, who.principal, customer_id, data)
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            View(customer_id),
            status=422,
            errors={"details": {field_of(error) or "name": error.message}},
            values={"details": data},
        )
    return record(request, heed, who, View(customer_id), notice="Details saved.")


@router.post("/customers/{customer_id}/do-not-mail")
def do_not_mail(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    value = checked(form, "do_not_mail")
    customers.update_customer(heed.uow, who.principal, customer_id, {"do_not_mail": value})
    notice = (
        "Do Not Mail is on: every notification on this customer and its locations is off "
        "and locked."
        if value
        else "Do Not Mail is off. Notifications stay off until you turn them on, "
        "contact by contact."
    )
    view = view_from(heed, who, text(form, "back"), customer_id)
    return record(request, heed, who, view, notice=notice)


@router.post("/customers/{customer_id}/invoice-delivery")
def invoice_delivery(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    chosen = texts(form, "invoice_delivery")
    try:
        customers.update_customer(
            heed.uow, who.principal, customer_id, {"invoice_delivery": chosen}
        )
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            View(customer_id),
            status=422,
            errors={"invoice_delivery": {"invoice_delivery": "Choose Mail, Email or both."}},
            error=error.message,
        )
    return record(
        request, heed, who, View(customer_id), notice="Invoice & statement delivery saved."
    )


@router.post("/customers/{customer_id}/contacts")
def add_customer_contact(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("customer:edit")
    return _add_contact(request, heed, who, form, View(customer_id), customer_id=customer_id)


@router.post("/locations/{location_id}/contacts")
def add_location_contact(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("location:edit")
    location = customers.get_location(heed.uow, who.principal, location_id)
    view = view_from(heed, who, text(form, "back"), location["customer_id"])
    return _add_contact(request, heed, who, form, view, location_id=location_id)


def _add_contact(
    request: Request,
    heed: Heed,
    who: Staff,
    form: FormData,
    view: View,
    *,
    customer_id: str | None = None,
    location_id: str | None = None,
) -> Response:
    data = {"kind": text(form, "kind"), "value": text(form, "value"), "memo": text(form, "memo")}
    key = f"add:{location_id or 'customer'}"
    try:
        added = contacts.add_contact(
            heed.uow, who.principal, data, customer_id=customer_id, location_id=location_id
        )
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            view,
            status=422,
            errors={key: {field_of(error) or "value": error.message}},
            values={key: data},
        )
    return record(
        request, heed, who, view, notice=f"Added {KIND_LABELS[added['kind']]} {added['display']}."
    )


@router.post("/customers/{customer_id}/locations")
def add_location(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("location:edit")
    data = {
        "name": text(form, "name"),
        "address": text(form, "address") or None,
        "time_zone": text(form, "time_zone") or None,
    }
    try:
        customers.create_location(heed.uow, who.principal, customer_id, data)
    except HeedError as error:
        return record(
            request,
            heed,
            who,
            View(customer_id),
            status=422,
            errors={"add-location": {field_of(error) or "name": error.message}},
            values={"add-location": data},
        )
    return record(request, heed, who, View(customer_id), notice=f"Location {data['name']} added.")


@router.post("/customers/{customer_id}/messages")
def send(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    who.principal.require("messages:send")
    view = view_from(heed, who, text(form, "back"), customer_id)
    contact_id, body = text(form, "contact_id"), text(form, "body")
    values = {"send": {"contact_id": contact_id, "body": body}}
    try:
        contact = contacts.get_contact(heed.uow, who.principal, contact_id)
        if contact["customer_id"] != customer_id:
            raise NotFound("Choose one of this customer's contacts.", field="contact_id")
        channel = "email" if contact["kind"] == "email" else "sms"
        sent = messages.send_message(
            heed.uow,
            who.principal,
            {"channel": channel, "contact_id": contact_id, "body": body, "manual": True},
        )
    except HeedError as error:
        key = "body" if field_of(error) == "body" else "contact_id"
        return record(
            request,
            heed,
            who,
            view,
            status=409 if isinstance(error, Conflict) else 422,
            errors={"send": {key: error.message}},
            values=values,
        )
    what = "Email" if channel == "email" else "Text"
    notice = f"{what} to {contact['display']} queued."
    if sent["status"] == "deferred":
        notice = (
            f"{what} to {contact['display']} will go out at {sent['not_before']} (sending window)."
        )
    if "saved_as_landline" in sent.get("warnings", []):
        notice += " This number is saved as a landline (Phone); it may not receive texts."
    return record(request, heed, who, view, notice=notice)


# ---- contact methods ---------------------------------------------------------------------


def _contact_for_edit(heed: Heed, who: Staff, contact_id: str) -> dict[str, Any]:
    contact = contacts.get_contact(heed.uow, who.principal, contact_id)
    owner = contact["owner"]["type"]
    who.principal.require("location:edit" if owner == "location" else "customer:edit")
    return contact


@router.post("/contacts/{contact_id}/notifications")
def contact_notifications(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact = _contact_for_edit(heed, who, contact_id)
    view = view_from(heed, who, text(form, "back"), contact["customer_id"])
    categories = ["job", "marketing"] + (
        ["invoice_statement"] if contact["kind"] == "email" else []
    )
    wanted = {c: checked(form, c) for c in categories if contact["kind"] != "fax"}
    try:
        contacts.update_contact(heed.uow, who.principal, contact_id, {"notifications": wanted})
    except HeedError as error:
        panel = {"kind": "settings", "contact_id": contact_id, "error": error.message}
        return record(request, heed, who, view, status=409, panel=panel)
    return record(
        request, heed, who, view, notice=f"Notification settings for {contact['display']} saved."
    )


@router.post("/contacts/{contact_id}/kind")
def contact_kind(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact = _contact_for_edit(heed, who, contact_id)
    view = view_from(heed, who, text(form, "back"), contact["customer_id"])
    kind = text(form, "kind")
    try:
        contacts.update_contact(heed.uow, who.principal, contact_id, {"kind": kind})
    except HeedError as error:
        return record(request, heed, who, view, status=422, error=error.message)
    return record(
        request,
        heed,
        who,
        view,
        notice=f"{contact['display']} is now saved as {KIND_LABELS.get(kind, kind)}.",
    )


@router.post("/contacts/{contact_id}")
def contact_edit(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact = _contact_for_edit(heed, who, contact_id)
    view = view_from(heed, who, text(form, "back"), contact["customer_id"])
    data: dict[str, Any] = {"value": text(form, "value"), "memo": text(form, "memo")}
    if text(form, "kind"):
        data["kind"] = text(form, "kind")
    try:
        result = contacts.update_contact(heed.uow, who.principal, contact_id, data)
    except HeedError as error:
        refused = {
            "kind": "edit",
            "contact_id": contact_id,
            "errors": {field_of(error) or "value": error.message},
            "values": data,
        }
        return record(request, heed, who, view, status=422, panel=refused)
    candidates = result["sync_candidates"]
    if not candidates:
        return record(request, heed, who, view, notice=f"{result['contact']['display']} saved.")
    panel: dict[str, Any] = {
        "kind": "sync",
        "contact_id": contact_id,
        "old": contact["display"],
        "new": result["contact"]["display"],
        "candidates": [_candidate_label(heed, who, c) for c in candidates],
    }
    return record(request, heed, who, view, panel=panel)


def _candidate_label(heed: Heed, who: Staff, candidate: dict[str, Any]) -> dict[str, Any]:
    label = str(candidate.get("customer_name") or "another customer")
    if candidate["owner"]["type"] == "location":
        try:
            location = customers.get_location(heed.uow, who.principal, candidate["owner"]["id"])
            label += f" — location “{location['name']}”"
        except NotFound:
            label += " — a location"
    else:
        label += " — customer record"
    return {**candidate, "label": label}


@router.post("/contacts/{contact_id}/sync")
def contact_sync(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact = _contact_for_edit(heed, who, contact_id)
    view = view_from(heed, who, text(form, "back"), contact["customer_id"])
    targets = texts(form, "targets")
    if not targets:
        return record(request, heed, who, view, notice="Nothing else was changed.")
    # Every target's record must be editable by this login, not just the one being synced from.
    for target in targets:
        _contact_for_edit(heed, who, target)
    try:
        result = contacts.sync_contact(
            heed.uow,
            who.principal,
            contact_id,
            targets,
            confirm_other_customers=checked(form, "confirm_other_customers"),
        )
    except ConfirmationRequired as error:
        others = [_candidate_label(heed, who, c) for c in error.details.get("contacts", [])]
        names = sorted({str(c.get("customer_name") or "another customer") for c in others})
        panel = {
            "kind": "confirm",
            "contact_id": contact_id,
            "targets": targets,
            "others": others,
            "names": names,
            "new": contact["display"],
        }
        return record(request, heed, who, view, status=409, panel=panel)
    except HeedError as error:
        return record(request, heed, who, view, status=409, error=error.message)
    count = len(result["synced"])
    return record(
        request,
        heed,
        who,
        view,
        notice=f"Updated {count} other record{'s' if count != 1 else ''} to {contact['display']}.",
    )


@router.post("/contacts/{contact_id}/delete")
def contact_delete(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact = _contact_for_edit(heed, who, contact_id)
    view = view_from(heed, who, text(form, "back"), contact["customer_id"])
    contacts.delete_contact(heed.uow, who.principal, contact_id)
    return record(request, heed, who, view, notice=f"Removed {contact['display']}.")


# ---- AR ------------------------------------------------------------------------------------

DELIVERY_FILTERS = {"any": None, "mail": "mail", "email": "email", "both": "both"}
FLAG_FILTERS = {"any": None, "yes": True, "no": False}


def _ar_filters(delivery: str, flagged: str) -> tuple[str | None, bool | None]:
    return DELIVERY_FILTERS.get(delivery), FLAG_FILTERS.get(flagged)


@router.get("/ar")
def ar(
    request: Request,
    who: StaffDep,
    heed: HeedDep,
    delivery: str = "any",
    flagged: str = "any",
    cursor: str | None = None,
) -> Response:
    who.principal.require("customer:view")
    chosen, flag = _ar_filters(delivery, flagged)
    page = customers.list_customers(
        heed.uow, who.principal, invoice_delivery=chosen, flagged=flag, limit=100, cursor=cursor
    )
    query = f"delivery={quote(delivery)}&flagged={quote(flagged)}"
    return render(
        request,
        "ar.html",
        {
            "items": page["items"],
            "next_cursor": page["next_cursor"],
            "delivery": delivery if delivery in DELIVERY_FILTERS else "any",
            "flagged": flagged if flagged in FLAG_FILTERS else "any",
            "query": query,
        },
        who,
    )


@router.get("/ar.csv")
def ar_csv(
    request: Request, who: StaffDep, heed: HeedDep, delivery: str = "any", flagged: str = "any"
) -> Response:
    who.principal.require("customer:view")
    chosen, flag = _ar_filters(delivery, flagged)
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = customers.list_customers(
            heed.uow, who.principal, invoice_delivery=chosen, flagged=flag, limit=200, cursor=cursor
        )
        rows.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    return StreamingResponse(
        _csv_lines(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="heed-ar.csv"'},
    )


def _csv_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    yield csv_text(
        ["customer_id", "name", "invoice_delivery", "do_not_mail", "billing_address", "flags"],
        (
            [
                row["id"],
                row["name"],
                "+".join(row["invoice_delivery"]),
                "yes" if row["do_not_mail"] else "no",
                row["billing_address"] or "",
                " ".join(row["flags"]),
            ]
            for row in rows
        ),
    )


# ---- consent history ---------------------------------------------------------------------------


@router.get("/consent")
def consent_search(request: Request, who: StaffDep, address: str = "") -> Response:
    who.principal.require("customer:view")
    if address.strip():
        return RedirectResponse("/consent/" + quote(address.strip(), safe="@"), status_code=303)
    return render(request, "consent.html", {"address": "", "state": None}, who)


@router.get("/consent.csv")
def consent_export(who: StaffDep, heed: HeedDep) -> Response:
    who.principal.require("consent:export")
    events = consent_service.ledger_events(heed.uow, who.principal)
    return StreamingResponse(
        consent_service.events_csv(events),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="heed-consent-ledger.csv"'},
    )


@router.post("/consent/{address:path}/opt-out")
def consent_opt_out(address: str, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    """A customer's spoken request to stop, recorded by staff (R-15, R-17); never an opt-in."""
    who.principal.require("customer:edit")
    consent_service.record_opt_out_for_customer(
        heed.uow, who.principal, address, note=text(form, "note") or None
    )
    return RedirectResponse("/consent/" + quote(address, safe="@+"), status_code=303)


@router.get("/consent/{address:path}")
def consent_history(request: Request, address: str, who: StaffDep, heed: HeedDep) -> Response:
    who.principal.require("customer:view")
    try:
        state = consent_service.address_consent(heed.uow, who.principal, address)
    except HeedError as error:
        return render(
            request,
            "consent.html",
            {"address": address, "state": None, "address_error": error.message},
            who,
            status=422,
        )
    if state["channel"] == "sms":
        state["display"] = display_phone(state["address"])
    else:
        state["display"] = state["address"]
    return render(request, "consent.html", {"address": state["display"], "state": state}, who)


# ---- settings ----------------------------------------------------------------------------------


@router.get("/settings")
def settings_page(request: Request, who: StaffDep, heed: HeedDep) -> Response:
    who.principal.require("settings:manage")
    current = accounts.get_account_settings(heed.uow, who.principal)
    return render(request, "settings.html", {"s": _settings_form(current), "errors": {}}, who)


def _settings_form(current: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_notifications_enabled": current["customer_notifications_enabled"],
        "sms_opt_out_scope": current["sms_opt_out_scope"],
        "business_numbers": "\n".join(display_phone(n) for n in current["business_numbers"]),
        "window_start": current["sending_window"]["start"],
        "window_end": current["sending_window"]["end"],
        "placeholders": "\n".join(current["placeholders"]),
        "help_text": current["help_text"] or "",
        "twilio_auth_token_set": current["twilio_auth_token_set"],
    }


@router.post("/settings")
def settings_save(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    who.principal.require("settings:manage")

    def lines(name: str) -> list[str]:
        return [x.strip() for x in text(form, name).splitlines() if x.strip()]

    changes: dict[str, Any] = {
        "customer_notifications_enabled": checked(form, "customer_notifications_enabled"),
        "sms_opt_out_scope": text(form, "sms_opt_out_scope"),
        "business_numbers": lines("business_numbers"),
        "sending_window": {"start": text(form, "window_start"), "end": text(form, "window_end")},
        "placeholders": lines("placeholders"),
        "help_text": text(form, "help_text") or None,
    }
    try:
        saved = accounts.update_account(heed.uow, who.principal, changes)
    except HeedError as error:
        values = {
            **{k: text(form, k) for k in ("business_numbers", "placeholders", "help_text")},
            "customer_notifications_enabled": changes["customer_notifications_enabled"],
            "sms_opt_out_scope": changes["sms_opt_out_scope"],
            "window_start": text(form, "window_start"),
            "window_end": text(form, "window_end"),
            "twilio_auth_token_set": accounts.get_account_settings(heed.uow, who.principal)[
                "twilio_auth_token_set"
            ],
        }
        return render(
            request,
            "settings.html",
            {"s": values, "errors": {field_of(error) or "form": error.message}},
            who,
            status=422,
        )
    return render(
        request,
        "settings.html",
        {"s": _settings_form(saved), "errors": {}, "notice": "Settings saved."},
        who,
    )


__all__ = ["router"]
