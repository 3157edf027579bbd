"""A record's contact methods: adding, editing, their bells, sync and removal.

Each route reads the contact (for the page it answers with), calls one contact verb
and renders the record; the verbs check permissions and which bells a kind carries.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit
from heed.domain.errors import ConfirmationRequired, Conflict, Invalid, NotFound
from heed.domain.preferences import CATEGORIES, categories_for
from heed.entrypoints.web import base
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, Staff, StaffDep
from heed.entrypoints.web.customers import View, record, view_from
from heed.entrypoints.web.record import contact_problems
from heed.services import contacts, customers

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# The bells a contact shows are the categories its kind carries (heed.domain.preferences).
base.TEMPLATES.env.globals["categories_for"] = categories_for

# A refusal on its merits re-renders the record; NotFound and Forbidden become their pages.
Refused = (Invalid, Conflict)


def _before(heed: Heed, who: Staff, contact_id: str, back: str) -> tuple[dict[str, Any], View]:
    """The contact as it stands, and the record page a change answers with."""
    contact = contacts.get_contact(heed.uow, who.principal, contact_id)
    return contact, view_from(heed, who, back, contact["customer_id"])


@router.post("/contacts/{contact_id}/notifications")
def contact_notifications(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact, view = _before(heed, who, contact_id, base.text(form, "back"))
    on = [c for c in CATEGORIES if base.checked(form, c)]
    try:
        contacts.set_notifications(heed.uow, who.principal, contact_id, on)
    except Refused as error:
        panel = {"kind": "settings", "contact_id": contact_id, "error": error.message}
        return record(request, heed, who, view, status=409, panel=panel)
    return record(
        request, heed, who, view, notice=f"Notification settings for {contact['display']} saved."
    )


@router.post("/contacts/{contact_id}/kind")
def contact_kind(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    kind = base.text(form, "kind")
    contact, view = _before(heed, who, contact_id, base.text(form, "back"))
    try:
        contacts.update_contact(
            heed.uow, who.principal, contact_id, ContactEdit.parse({"kind": kind})
        )
    except Refused as error:
        return record(request, heed, who, view, status=422, error=error.message)
    label = base.KIND_LABELS.get(kind, kind)
    return record(request, heed, who, view, notice=f"{contact['display']} is now saved as {label}.")


@router.post("/contacts/{contact_id}")
def contact_edit(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact, view = _before(heed, who, contact_id, base.text(form, "back"))
    data: dict[str, Any] = {"value": base.text(form, "value"), "memo": base.text(form, "memo")}
    if base.text(form, "kind"):
        data["kind"] = base.text(form, "kind")
    problems = contact_problems(heed, who, {"kind": contact["kind"], **data})
    if problems:
        shown = {"kind": "edit", "contact_id": contact_id, "errors": problems, "values": data}
        first = {"edit": next(iter(problems))}
        return record(request, heed, who, view, status=422, panel=shown, first_error=first)
    try:
        result = contacts.update_contact(
            heed.uow, who.principal, contact_id, ContactEdit.parse(data)
        )
    except Refused as error:
        refused = {
            "kind": "edit",
            "contact_id": contact_id,
            "errors": {base.field_of(error) or "value": error.message},
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
    contact, view = _before(heed, who, contact_id, base.text(form, "back"))
    targets = base.texts(form, "targets")
    if not targets:
        return record(request, heed, who, view, notice="Nothing else was changed.")
    try:
        result = contacts.sync_contact(
            heed.uow,
            who.principal,
            contact_id,
            targets,
            confirm_other_customers=base.checked(form, "confirm_other_customers"),
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
    except Refused as error:
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
    contact, view = _before(heed, who, contact_id, base.text(form, "back"))
    contacts.delete_contact(heed.uow, who.principal, contact_id)
    return record(request, heed, who, view, notice=f"Removed {contact['display']}.")
