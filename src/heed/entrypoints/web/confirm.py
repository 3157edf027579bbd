"""Confirmation pages: a change that is hard to take back asks first, on a page of its own
that works without JavaScript (GET shows what will happen; its form posts the change to
the record's own route).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from heed.entrypoints.web import base
from heed.entrypoints.web.base import HeedDep, PageRoute, StaffDep
from heed.services import contacts, customers

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _back(back: str, fallback: str) -> str:
    """The record page to return to: ``back`` when it names one, else ``fallback``."""
    return back if base._BACK.match(back) else fallback


@router.get("/customers/{customer_id}/do-not-mail/confirm")
def confirm_do_not_mail(
    request: Request, customer_id: str, who: StaffDep, heed: HeedDep, back: str = ""
) -> Response:
    # Only those who may set it are asked (the form alone: the verb checks again on post).
    who.principal.require("customer:edit")
    customer = customers.get_customer(heed.uow, who.principal, customer_id)
    context = {
        "what": "do_not_mail",
        "customer": customer,
        "back": _back(back, f"/customers/{customer_id}"),
        "email_invoices": "email" in customer["invoice_delivery"],
    }
    return base.render(request, "confirm.html", context, who)


@router.get("/contacts/{contact_id}/delete/confirm")
def confirm_remove_contact(
    request: Request, contact_id: str, who: StaffDep, heed: HeedDep, back: str = ""
) -> Response:
    contact = contacts.get_contact(heed.uow, who.principal, contact_id)
    context = {
        "what": "remove_contact",
        "contact": contact,
        "back": _back(back, f"/customers/{contact['customer_id']}"),
    }
    return base.render(request, "confirm.html", context, who)
