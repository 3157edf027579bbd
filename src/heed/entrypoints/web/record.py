"""The customer and location record: its page, and the changes made on it.

Every answer is the record page, read by one service call; a change answers with the
page it was made from (the form's ``back``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from heed.bootstrap import Heed
from heed.domain.errors import Conflict, Forbidden, HeedError, LocationHasContacts, NotFound
from heed.entrypoints.web import base, places
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, Staff, StaffDep
from heed.services import contacts, customers
from heed.services.customer_commands import CustomerChanges, LocationChanges, LocationInput
from heed.services.customer_record import Sent, customer_record, send_from_record

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass(frozen=True)
class View:
    """Which record page answers: a customer's, or one location's.

    Without ``customer_id``, the page of ``location_id``; with both, the location's
    page if it is the customer's, else the customer's.
    """

    customer_id: str | None
    location_id: str | None = None


def view_from(heed: Heed, who: Staff, back: str, customer_id: str) -> View:
    """The page a change on ``customer_id`` answers with: the one named by ``back``."""
    match = base._BACK.match(back)
    if match and match.group(1) == "locations":
        return View(customer_id, match.group(2))
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
    page = customer_record(heed.uow, who.principal, view.customer_id, view.location_id)
    context = {
        "customer": page.customer,
        "locations": page.locations,
        "location": page.location,
        "view": view,
        "base": page.path,
        "sendable": page.sendable,
        "messages": page.messages,
        "senders": page.senders,
        "panel": None,
        "errors": {},
        "values": {},
        "first_error": {},
        **state,
    }
    return base.render(request, "customer.html", context, who, status)


def _open_panel(open: str) -> dict[str, Any] | None:
    kind, _, contact_id = open.partition(":")
    if kind in ("settings", "edit") and contact_id:
        return {"kind": kind, "contact_id": contact_id, "errors": {}}
    return None


@router.get("/customers/{customer_id}")
def customer_page(
    request: Request,
    customer_id: str,
    who: StaffDep,
    heed: HeedDep,
    open: str = "",
    deleted: str = "",
) -> Response:
    # A notice of its own only after a location's deletion: otherwise the page's ?done=
    # notice (base.DONE_NOTICES) stands.
    notice: dict[str, Any] = {"notice": "Location deleted."} if deleted == "location" else {}
    return record(request, heed, who, View(customer_id), panel=_open_panel(open), **notice)


@router.get("/locations/{location_id}")
def location_page(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, open: str = ""
) -> Response:
    return record(request, heed, who, View(None, location_id), panel=_open_panel(open))


def _named(form: FormData, *others: str) -> dict[str, str | None]:
    """A record's name as typed, and its other fields with an empty one as None."""
    return {
        "name": base.text(form, "name"),
        **{name: base.text(form, name) or None for name in others},
    }


def _named_change(
    request: Request,
    heed: Heed,
    who: Staff,
    view: View,
    panel: str,
    data: dict[str, Any],
    change: Callable[[], object],
    notice: str,
) -> Response:
    """Make a change typed into one of the record's panels; a refusal answers the page with
    the panel's fields as typed and the error at its field (the name's, if none is named)."""
    try:
        change()
    except Forbidden:
        raise
    except HeedError as error:
        errors = {places.error_part(error) or "name": error.message}
        return refused(request, heed, who, view, panel, errors, data)
    return record(request, heed, who, view, notice=notice)


def refused(
    request: Request,
    heed: Heed,
    who: Staff,
    view: View,
    panel: str,
    errors: dict[str, str],
    values: dict[str, Any],
) -> Response:
    """The page with one panel's form as typed and every problem beside its field; the
    first of them (``errors`` is in the form's order) gets the focus."""
    return record(
        request,
        heed,
        who,
        view,
        status=422,
        errors={panel: errors},
        values={panel: values},
        first_error={panel: next(iter(errors))},
    )


@router.post("/customers/{customer_id}/details")
def customer_details(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    data = _named(form, "billing_address")
    if "billing_was" in form and (data["billing_address"] or "") == base.text(form, "billing_was"):
        # Unchanged: a structured billing address stays structured.
        del data["billing_address"]
    return _named_change(
        request,
        heed,
        who,
        View(customer_id),
        "details",
        data,
        lambda: customers.update_customer(
            heed.uow, who.principal, customer_id, CustomerChanges.parse(data)
        ),
        "Details saved.",
    )


DO_NOT_MAIL_NOTICES = {
    True: "Do Not Mail is on: every notification on this customer and its locations is off "
    "and locked.",
    False: "Do Not Mail is off. Notifications stay off until you turn them on, contact by contact.",
}


@router.post("/customers/{customer_id}/do-not-mail")
def do_not_mail(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    value = base.checked(form, "do_not_mail")
    changes = CustomerChanges(given=frozenset({"do_not_mail"}), do_not_mail=value)
    customers.update_customer(heed.uow, who.principal, customer_id, changes)
    view = view_from(heed, who, base.text(form, "back"), customer_id)
    return record(request, heed, who, view, notice=DO_NOT_MAIL_NOTICES[value])


@router.post("/customers/{customer_id}/invoice-delivery")
def invoice_delivery(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    view = View(customer_id)
    try:
        changes = CustomerChanges.parse({"invoice_delivery": base.texts(form, "invoice_delivery")})
        customers.update_customer(heed.uow, who.principal, customer_id, changes)
    except Forbidden:
        raise
    except HeedError as error:
        errors = {"invoice_delivery": {"invoice_delivery": "Choose Mail, Email or both."}}
        return record(request, heed, who, view, status=422, errors=errors, error=error.message)
    return record(request, heed, who, view, notice="Invoice & statement delivery saved.")


@router.post("/customers/{customer_id}/contacts")
def add_customer_contact(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    return _add_contact(request, heed, who, form, {"customer_id": customer_id})


@router.post("/locations/{location_id}/contacts")
def add_location_contact(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    return _add_contact(request, heed, who, form, {"location_id": location_id})


def _add_contact(
    request: Request, heed: Heed, who: Staff, form: FormData, owner: dict[str, str]
) -> Response:
    """Add a contact to its owner: ``{"customer_id": …}`` or ``{"location_id": …}``."""
    customer_id, location_id = owner.get("customer_id"), owner.get("location_id")
    data = {
        "kind": base.text(form, "kind"),
        "value": base.text(form, "value"),
        "memo": base.text(form, "memo"),
    }
    key = f"add:{location_id or 'customer'}"
    problems = contact_problems(heed, who, data)
    if problems:
        view = _contact_view(heed, who, form, customer_id, location_id)
        return refused(request, heed, who, view, key, problems, data)
    try:
        added = contacts.add_contact(
            heed.uow,
            who.principal,
            contacts.ContactInput.parse(data),
            customer_id=customer_id,
            location_id=location_id,
        )
    except (Forbidden, NotFound):
        raise
    except HeedError as error:
        view = _contact_view(heed, who, form, customer_id, location_id)
        errors = {key: {base.field_of(error) or "value": error.message}}
        return record(request, heed, who, view, status=422, errors=errors, values={key: data})
    view = view_from(heed, who, base.text(form, "back"), added["customer_id"])
    notice = f"Added {base.KIND_LABELS[added['kind']]} {added['display']}."
    return record(request, heed, who, view, notice=notice)


#: A contact form's fields in the page's words, in the form's order.
CONTACT_LABELS = {"kind": "The type", "value": "The number or email", "memo": "The memo"}


def contact_problems(heed: Heed, who: Staff, data: dict[str, str]) -> dict[str, str]:
    """Every field of a contact form (``kind``, ``value``, ``memo``) that adding or
    editing would refuse, in plain words by field, in the form's order."""
    found = contacts.contact_problems(
        heed.uow, who.principal, data["kind"], data["value"], data["memo"]
    )
    return {
        name: base.in_words(found[name], name, label)
        for name, label in CONTACT_LABELS.items()
        if name in found
    }


def _contact_view(
    heed: Heed, who: Staff, form: FormData, customer_id: str | None, location_id: str | None
) -> View:
    """The page a refused contact answers with: a customer's, or its location's customer's."""
    if customer_id is None:
        assert location_id is not None
        location = customers.get_location(heed.uow, who.principal, location_id)
        return view_from(heed, who, base.text(form, "back"), location["customer_id"])
    return View(customer_id)


def _place(form: FormData) -> tuple[dict[str, Any], dict[str, Any]]:
    """A location form's fields: the command's data, and the values to show again."""
    address = places.address_from_form(form)
    data = {
        "name": base.text(form, "name"),
        "address": address,
        "time_zone": base.text(form, "time_zone") or None,
    }
    shown = {"name": data["name"], "time_zone": data["time_zone"] or "", **(address or {})}
    return data, shown


@router.post("/customers/{customer_id}/locations")
def add_location(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    data, shown = _place(form)
    problems = places.place_problems(data)
    if problems:
        return refused(request, heed, who, View(customer_id), "add-location", problems, shown)
    return _named_change(
        request,
        heed,
        who,
        View(customer_id),
        "add-location",
        shown,
        lambda: customers.create_location(
            heed.uow, who.principal, customer_id, LocationInput.parse(data)
        ),
        f"Location {data['name']} added.",
    )


@router.post("/locations/{location_id}/details")
def location_details(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    data, shown = _place(form)
    if data["address"] is None and base.checked(form, "keep_text_address"):
        # Empty fields over an address kept as text leave that text as it is.
        del data["address"]
    problems = places.place_problems(data)
    if problems:
        view = View(None, location_id)
        return refused(request, heed, who, view, "edit-location", problems, shown)
    return _named_change(
        request,
        heed,
        who,
        View(None, location_id),
        "edit-location",
        shown,
        lambda: customers.update_location(
            heed.uow, who.principal, location_id, LocationChanges.parse(data)
        ),
        "Location saved.",
    )


@router.get("/locations/{location_id}/delete")
def delete_location_page(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep
) -> Response:
    """Asks before deleting; works without JavaScript (a page and a form)."""
    location = customers.get_location(heed.uow, who.principal, location_id)
    return base.render(request, "delete_location.html", {"location": location}, who)


@router.post("/locations/{location_id}/delete")
def delete_location(
    request: Request, location_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    try:
        customer_id = customers.delete_location(heed.uow, who.principal, location_id)
    except LocationHasContacts as error:
        return base.error_page(request, 409, "Location not deleted", error.message)
    return RedirectResponse(f"/customers/{customer_id}?deleted=location", status_code=303)


@router.post("/customers/{customer_id}/messages")
def send(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    view = view_from(heed, who, base.text(form, "back"), customer_id)
    contact_id, body = base.text(form, "contact_id"), base.text(form, "body")
    sender = base.text(form, "from") or None
    try:
        sent = send_from_record(heed.uow, who.principal, customer_id, contact_id, body, sender)
    except Forbidden:
        raise
    except HeedError as error:
        key = base.field_of(error) if base.field_of(error) in ("body", "from") else "contact_id"
        return record(
            request,
            heed,
            who,
            view,
            status=409 if isinstance(error, Conflict) else 422,
            errors={"send": {key: error.message}},
            values={"send": {"contact_id": contact_id, "body": body, "from": sender or ""}},
        )
    zone = base.account_zone(request, who)
    return record(request, heed, who, view, notice=_sent_notice(sent, zone))


def _sent_notice(sent: Sent, zone: str) -> str:
    what = "Email" if sent.channel == "email" else "Text"
    display = sent.contact["display"]
    notice = f"{what} to {display} queued."
    if sent.message["status"] == "deferred":
        notice = (
            f"{what} to {display} will go out at "
            f"{base.local_time(sent.message['not_before'], zone)} (sending window)."
        )
    if "saved_as_landline" in sent.message.get("warnings", []):
        notice += " This number is saved as a landline (Phone); it may not receive texts."
    return notice
