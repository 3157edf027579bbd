"""The staff search box: a customer by any part of a name, any four or more digits of a
number, an email or its domain, each result saying what matched.

Pages run in name order with the customer lists' opaque cursor; every statement is in
heed.adapters.db.customers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from heed.adapters.db import customers as db
from heed.adapters.db.uow import UnitOfWork
from heed.domain.addresses import display_phone
from heed.domain.errors import Invalid
from heed.domain.limits import refused_character
from heed.services.common import Principal
from heed.services.customer_lists import MAX_PAGE, _decode_cursor, _encode_cursor
from heed.services.permissions import requires
from heed.services.views import customer_flags, invoice_delivery_list

# A number typed any way: digits with the usual separators, nothing else.
_NUMBER_LIKE = re.compile(r"[\d\s().+\-/]+")
MIN_DIGITS = 4
MAX_QUERY = 320


@dataclass(frozen=True)
class Query:
    """The search text as typed and what it asks the database for."""

    text: str
    terms: db.SearchTerms


def read_query(text: str) -> Query | None:
    """``text`` as search terms: always a name fragment; four or more digits typed as a
    number are also looked for in numbers; a word without spaces also in emails.
    An empty box is no search (the page lists every customer)."""
    text = text.strip()
    if not text:
        return None
    if len(text) > MAX_QUERY or refused_character(text, multiline=False):
        raise Invalid(f"The search text must be at most {MAX_QUERY} characters.", field="q")
    digits = email = None
    if _NUMBER_LIKE.fullmatch(text):
        found = re.sub(r"\D", "", text)
        digits = found if len(found) >= MIN_DIGITS else None
    elif not any(c.isspace() for c in text):
        email = text.lower()
    return Query(text, db.SearchTerms(name=text.casefold(), digits=digits, email=email))


@requires("customer:view")
def search_customers(
    uow: UnitOfWork, principal: Principal, q: str, *, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """A page of customers ``q`` finds (every customer when it is empty), each with
    ``matched``: its name if the name matched, and the contacts that did."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    query = read_query(q)
    terms = query.terms if query else db.SearchTerms(name="")
    after = _decode_cursor(cursor) if cursor else None
    with uow.read() as tx:
        rows = db.search_page(tx, principal.account_id, terms, after=after, limit=limit + 1)
        shown = rows[:limit]
        ids = [c.id for c in shown]
        contacts = db.contacts_by_customer(tx, principal.account_id, ids)
        matched = db.matching_contacts(tx, principal.account_id, ids, terms) if query else {}
    items = [
        {
            "id": c.id,
            "name": c.name,
            "do_not_mail": c.do_not_mail,
            "invoice_delivery": invoice_delivery_list(c.invoice_delivery),
            "billing_address": c.billing_address,
            "flags": customer_flags(c, contacts[c.id]),
            "name_matched": bool(query) and terms.name in c.name_key,
            "matched": [
                {
                    "kind": m.kind,
                    "value": m.value,
                    "display": m.value if m.kind == "email" else display_phone(m.value),
                    "on_location": m.location_id is not None,
                }
                for m in matched.get(c.id, [])
            ],
        }
        for c in shown
    ]
    more = len(rows) > limit
    next_cursor = _encode_cursor(db.Position.of(shown[-1])) if more else None
    return {
        "items": items,
        "next_cursor": next_cursor,
        "digits": terms.digits,
        "email": terms.email,
    }
