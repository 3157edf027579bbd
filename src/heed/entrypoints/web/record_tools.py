"""Tools on a customer's record: the From choice of the manual-text form, "set all bells",
and merging another customer into this one (with a confirmation page that works
without JavaScript)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from heed.domain.errors import Forbidden, HeedError, NotFound
from heed.domain.preferences import CATEGORIES
from heed.entrypoints.web import base
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, StaffDep
from heed.entrypoints.web.record import View, record
from heed.services import bells, merge, senders

router = APIRouter(route_class=PageRoute, include_in_schema=False)

base.TEMPLATES.env.globals["sender_choices"] = senders.sender_choices
base.TEMPLATES.env.globals["opt_out_scope_sentence"] = senders.opt_out_scope_sentence
base.TEMPLATES.env.globals["BELL_CATEGORIES"] = CATEGORIES


@router.get("/customers/{customer_id}/send-from")
def send_from(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, contact_id: str = ""
) -> Response:
    """The From choice for one recipient: htmx swaps it in when staff pick another To."""
    choices = senders.sender_choices_for(heed.uow, who.principal, customer_id, contact_id)
    context = {"customer": {"id": customer_id}, "from_choices": choices, "from_chosen": ""}
    return base.render(request, "_send_from.html", context, who)


# ---- set all bells ----------------------------------------------------------------------


def _bells_notice(report: dict[str, Any]) -> str:
    label = base.CATEGORY_LABELS[report["category"]]
    state = "on" if report["on"] else "off"
    changed = len(report["changed"])
    notice = (
        f"{label} notifications turned {state} for {changed} contact{'s' if changed != 1 else ''}."
    )
    if report["skipped"]:
        notice += f" {len(report['skipped'])} skipped (listed under Set all bells)."
    return notice


@router.post("/customers/{customer_id}/bells")
def set_all_bells(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    view = View(customer_id)
    data = {"category": base.text(form, "category"), "on": base.text(form, "on") == "on"}
    try:
        report = bells.set_all_bells(
            heed.uow, who.principal, bells.SetAllBells.parse(customer_id, data)
        )
    except (Forbidden, NotFound):
        raise
    except HeedError as error:
        return record(request, heed, who, view, status=422, error=error.message)
    return record(request, heed, who, view, notice=_bells_notice(report), bells_report=report)


# ---- merge ------------------------------------------------------------------------------


@router.get("/customers/{customer_id}/merge")
def merge_page(
    request: Request,
    customer_id: str,
    who: StaffDep,
    heed: HeedDep,
    q: str = "",
    other: str = "",
) -> Response:
    """Pick the other customer (a search), then confirm what moves."""
    if other:
        command = merge.MergeCustomers.parse(customer_id, {"from_customer_id": other})
        preview = merge.merge_preview(heed.uow, who.principal, command)
        return base.render(request, "merge.html", {"preview": preview, "q": q}, who)
    found = merge.merge_candidates(heed.uow, who.principal, customer_id, q)
    return base.render(request, "merge.html", {"preview": None, "q": q, **found}, who)


@router.post("/customers/{customer_id}/merge")
def merge_customers(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    data = {"from_customer_id": base.text(form, "from_customer_id")}
    merged = merge.merge_customers(
        heed.uow, who.principal, merge.MergeCustomers.parse(customer_id, data)
    )
    moved_contacts = len(merged["moved_contact_ids"])
    moved_locations = len(merged["moved_location_ids"])
    notice = (
        f"Merged {merged['merged_customer_name']} into this customer: {moved_contacts} "
        f"contact method{'s' if moved_contacts != 1 else ''} and {moved_locations} "
        f"location{'s' if moved_locations != 1 else ''} moved. Consent stays with each address."
    )
    return record(request, heed, who, View(customer_id), notice=notice)
