"""Marketing consent on the customer record (R-24): send the double opt-in, record a
signed written consent, withdraw, and the printable consent receipt.

Each action reads the contact (for the page it answers with), calls one consent verb
and renders the record; the verbs check the permissions and the evidence.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response

from heed.domain.addresses import display_phone
from heed.domain.errors import Conflict, Invalid
from heed.entrypoints.web import base
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, StaffDep, render
from heed.entrypoints.web.customers import record, view_from
from heed.services import consent, contacts

router = APIRouter(route_class=PageRoute, include_in_schema=False)

METHOD_LABELS = {
    "sms_double_opt_in": "double opt-in by text (the customer replied YES)",
    "written": "signed written consent",
    "web_form": "the preference page's consent box",
}
base.TEMPLATES.env.globals["MARKETING_METHODS"] = METHOD_LABELS


def _local(stamp: str | None, zone: str) -> str:
    """An ISO time as the account's local time, e.g. "2026-05-05 13:00 CDT"."""
    if not stamp:
        return ""
    at = datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone))
    return at.strftime("%Y-%m-%d %H:%M %Z")


base.TEMPLATES.env.filters["local_day"] = lambda stamp: (stamp or "")[:10]


@router.post("/contacts/{contact_id}/marketing/{action}")
def marketing_action(
    request: Request, contact_id: str, action: str, who: StaffDep, heed: HeedDep, form: FormDep
) -> Response:
    contact = contacts.get_contact(heed.uow, who.principal, contact_id)
    view = view_from(heed, who, base.text(form, "back"), contact["customer_id"])
    shown = contact["display"]
    try:
        notice = _act(heed, who, contact, action, form)
    except (Invalid, Conflict) as error:
        return record(request, heed, who, view, status=422, error=f"{shown}: {error.message}")
    return record(request, heed, who, view, notice=notice)


def _act(heed: HeedDep, who: StaffDep, contact: dict[str, str], action: str, form: FormDep) -> str:
    address, shown = contact["value"], contact["display"]
    if action == "request":
        consent.record_marketing_consent(
            heed.uow,
            who.principal,
            consent.RecordMarketing(address, "sms_double_opt_in", contact_id=contact["id"]),
        )
        return (
            f"The double opt-in text is on its way to {shown}; a YES within 7 days gives consent."
        )
    if action == "written":
        consent.record_marketing_consent(
            heed.uow,
            who.principal,
            consent.RecordMarketing(
                address,
                "written",
                disclosure=base.text(form, "disclosure"),
                reference=base.text(form, "reference"),
                contact_id=contact["id"],
            ),
        )
        return f"Written marketing consent of {shown} recorded."
    if action == "withdraw":
        if not base.checked(form, "confirm"):
            raise Invalid("Tick the box to confirm the withdrawal.", field="confirm")
        consent.withdraw_marketing_consent(heed.uow, who.principal, address)
        return f"Marketing consent of {shown} withdrawn."
    raise Invalid("No such marketing action.", field="action")


@router.get("/consent/{address:path}/receipt")
def marketing_receipt(request: Request, address: str, who: StaffDep, heed: HeedDep) -> Response:
    """The consent receipt, to print for a dispute: what was agreed, when, how, by whom,
    and the ledger entry's hash."""
    receipt = consent.marketing_receipt(heed.uow, who.principal, address)
    zone = receipt["time_zone"]
    shown = receipt["address"]
    context = {
        "receipt": receipt,
        "m": receipt["marketing"],
        "display": display_phone(shown) if receipt["channel"] == "sms" else shown,
        "captured_local": _local(receipt["marketing"]["captured_at"], zone),
    }
    return render(request, "marketing_receipt.html", context, who)
