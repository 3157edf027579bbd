"""Which of the account's business numbers may text a contact by hand (R-12, R-13).

With the per-number opt-out scope, a number that texted STOP to one business number
is opted out of that number only: another of the business's numbers may still text it
(staff choose which on the record's manual-text form). An opt-out with scope "*"
blocks every number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db.uow import UnitOfWork
from heed.domain.consent import ALL_NUMBERS, AddressState
from heed.domain.errors import NotFound
from heed.services import contacts
from heed.services.common import Principal
from heed.services.permissions import requires

SMS_KINDS = ("mobile", "phone")


def business_display(e164: str) -> str:
    """``+15124870142`` → ``+1 512-487-0142``: how a business number reads to staff."""
    if len(e164) == 12 and e164.startswith("+1"):
        return f"+1 {e164[2:5]}-{e164[5:8]}-{e164[8:]}"
    return e164


def sender_choices(senders: Sequence[str], contact: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each business number with whether it may text ``contact`` (a contact view), and why
    not; no choices for an email or fax, nor without a contact."""
    if contact is None or contact["kind"] not in SMS_KINDS:
        return []
    state = AddressState(frozenset(contact.get("sms_opt_out_scopes") or ()))
    everywhere = ALL_NUMBERS in state.opted_out_scopes
    choices = []
    for number in senders:
        blocked = state.sms_opted_out_for(number)
        why = ""
        if blocked:
            why = (
                "opted out of texts from every business number"
                if everywhere
                else "opted out of texts from this number"
            )
        choices.append(
            {
                "number": number,
                "display": business_display(number),
                "allowed": not blocked,
                "why": why,
            }
        )
    return choices


@requires("messages:send")
def sender_choices_for(
    uow: UnitOfWork, principal: Principal, customer_id: str, contact_id: str
) -> list[dict[str, Any]]:
    """The business numbers and whether each may text this contact of the customer."""
    contact = contacts.get_contact(uow, principal, contact_id)
    if contact["customer_id"] != customer_id:
        raise NotFound("Choose one of this customer's contacts.", field="contact_id")
    with uow.read() as tx:
        senders = stored_accounts.business_numbers(tx, principal.account_id)
    return sender_choices(senders, contact)


def opt_out_scope_sentence(scopes: Sequence[str]) -> str:
    """What an SMS opt-out covers, in staff's words ("" when the number is not opted out)."""
    if not scopes:
        return ""
    if ALL_NUMBERS in scopes:
        return "Opted out of texts from every business number."
    numbers = [business_display(s) for s in sorted(scopes)]
    if len(numbers) == 1:
        return f"Opted out of texts from {numbers[0]} only."
    return "Opted out of texts from " + ", ".join(numbers[:-1]) + f" and {numbers[-1]} only."


__all__ = [
    "business_display",
    "opt_out_scope_sentence",
    "sender_choices",
    "sender_choices_for",
]
