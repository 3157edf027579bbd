"""A record's contact methods: adding, editing, their bells, sync and removal."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from heed.bootstrap import Heed
from heed.domain.errors import (
    ConfirmationRequired,
    HeedError,
    NotFound,
)
from heed.entrypoints.web.base import (
    KIND_LABELS,
    FormDep,
    HeedDep,
    PageRoute,
    Staff,
    StaffDep,
    checked,
    field_of,
    text,
    texts,
)
from heed.entrypoints.web.customers import record, view_from
from heed.services import contacts, customers

router = APIRouter(route_class=PageRoute, include_in_schema=False)


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
