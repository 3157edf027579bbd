"""Lists of the account that staff work through: opted-out numbers and suppressed emails
(R-12, R-14, from the current-consent projection and the entry that made each so),
placeholder contacts to clean up (R-2), and caller ID with the number's consent (R-20).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import customers as customer_db
from heed.adapters.db import ledger
from heed.adapters.db.contacts import contact_listing
from heed.adapters.db.uow import UnitOfWork
from heed.domain import limits
from heed.domain.addresses import display_phone, phone_query
from heed.domain.placeholders import is_placeholder
from heed.domain.preferences import PHONE_KINDS
from heed.services.common import Principal, get_account
from heed.services.permissions import requires
from heed.services.senders import business_display, opt_out_scope_sentence
from heed.services.views import NO_CONSENT_RECORDED, consent_for

PAGE = 50
MAX_PAGES = 10_000


@dataclass(frozen=True)
class ListQuery:
    """A page of a list: 1 is the first; ``text`` filters where the list allows it."""

    text: str = ""
    page: int = 1

    @classmethod
    def parse(cls, text: str | None, page: str | int | None) -> ListQuery:
        wanted = str(page or "1").strip()
        number = int(wanted) if wanted.isdigit() else 1
        return cls((text or "").strip()[: limits.NAME], min(max(number, 1), MAX_PAGES))

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE


def _searched(text: str) -> str:
    """The search as stored addresses read: digits of a number, an email lower-cased."""
    if "@" in text or re.search(r"[A-Za-z]", text):
        return text.lower()
    return re.sub(r"\D", "", text)


_HOW = {
    "keyword": "texted a stop word",
    "natural_language": "asked to stop in their own words",
    "email_link": "used the unsubscribe link",
    "bounce": "email bounced",
    "complaint": "marked an email as spam",
    "staff": "asked staff",
    "import": "imported as opted out",
    "provider": "the carrier reported it",
    "preference_page": "on the preference page",
}


def _standing_view(row: ledger.Standing, listed: dict[str, list[Any]]) -> dict[str, Any]:
    sms = row.channel == "sms"
    if sms:
        what = opt_out_scope_sentence([row.scope])
    elif row.suppression == "all":
        what = "Suppressed: no email at all (bounce or complaint)."
    else:
        what = "Unsubscribed from automated email."
    return {
        "address": row.address,
        "display": display_phone(row.address) if sms else row.address,
        "channel": row.channel,
        "scope": row.scope,
        "scope_display": "every number" if row.scope == "*" else business_display(row.scope),
        "what": what,
        "at": row.at.isoformat(),
        "source": row.source,
        "how": _HOW.get(row.source, row.source.replace("_", " ")),
        "actor": row.actor,
        "customers": listed.get(row.address, []),
    }


@requires("customer:view")
def opted_out_list(uow: UnitOfWork, principal: Principal, query: ListQuery) -> dict[str, Any]:
    """Opted-out numbers and suppressed emails, newest first, a page at a time; each with
    when and how, and the customers whose records list it."""
    with uow.read() as tx:
        rows = ledger.standing_refusals(
            tx.session,
            principal.account_id,
            containing=_searched(query.text) or None,
            offset=query.offset,
            limit=PAGE + 1,
        )
        shown = rows[:PAGE]
        listed = customer_db.customers_listing(tx, principal.account_id, [r.address for r in shown])
    return {
        "items": [_standing_view(r, dict(listed)) for r in shown],
        "page": query.page,
        "has_more": len(rows) > PAGE,
        "q": query.text,
    }


@requires("customer:view")
def placeholder_list(uow: UnitOfWork, principal: Principal, query: ListQuery) -> dict[str, Any]:
    """Contacts whose value is a placeholder (flagged at import, or one by the lists and
    the account's own placeholders now), in customer order, a page at a time."""
    with uow.read() as tx:
        account = get_account(tx, principal.account_id)
        rows = contact_listing(tx, account.id)
    found = [
        row
        for row in rows
        if row.placeholder or is_placeholder(row.kind, row.value, account.placeholders)
    ]
    page = found[query.offset : query.offset + PAGE]
    return {
        "items": [
            {
                "contact_id": row.id,
                "customer_id": row.customer_id,
                "customer_name": row.customer_name,
                "location_id": row.location_id,
                "location_name": row.location_name,
                "kind": row.kind,
                "value": row.value,
                "display": display_phone(row.value) if row.kind in PHONE_KINDS else row.value,
            }
            for row in page
        ],
        "total": len(found),
        "page": query.page,
        "has_more": len(found) > query.offset + PAGE,
    }


@requires("customer:view")
def caller_id(uow: UnitOfWork, principal: Principal, phone: str) -> dict[str, Any]:
    """Caller ID (R-20) with the number's consent: every customer and location record
    that lists it, and whether (and from which business numbers) it opted out."""
    number = phone_query(phone[: limits.PHONE_QUERY])
    if number is None:
        return {"phone": phone, "number": None, "customers": [], "locations": []}
    with uow.read() as tx:
        customers, locations = customer_db.listing_number(tx, principal.account_id, number)
        state = consent_for(tx, principal.account_id, [number]).get(number, NO_CONSENT_RECORDED)
    return {
        "phone": phone,
        "number": number,
        "display": display_phone(number),
        "customers": customers,
        "locations": locations if principal.can("location:view") else [],
        "sms_opted_out": state.sms_opted_out,
        "opt_out": opt_out_scope_sentence(sorted(state.opted_out_scopes)),
    }


__all__ = ["PAGE", "ListQuery", "caller_id", "opted_out_list", "placeholder_list"]
