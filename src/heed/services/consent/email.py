"""Email events: a one-click unsubscribe, a hard bounce or a complaint (R-14)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from heed.adapters.db import ledger as stored
from heed.adapters.db.uow import UnitOfWork
from heed.domain.addresses import normalize_email
from heed.domain.consent import ALL_NUMBERS, ConsentAction, Suppression
from heed.domain.errors import Invalid, NotFound
from heed.domain.keywords import ConsentSource
from heed.services.consent.ledger import append, current_consent

EmailEventName = Literal["unsubscribe", "bounce", "complaint"]

EMAIL_EVENTS = {
    "unsubscribe": (ConsentAction.SUPPRESS, ConsentSource.EMAIL_LINK),
    "bounce": (ConsentAction.SUPPRESS_ALL, ConsentSource.BOUNCE),
    "complaint": (ConsentAction.SUPPRESS_ALL, ConsentSource.COMPLAINT),
}


@dataclass(frozen=True)
class EmailEvent:
    """What an email provider or an unsubscribe link reports about one address.

    ``via`` names the credential that reported it (``unsubscribe_link``, or the email
    provider's ``gateway_key:<id>``, R-25).
    """

    account_id: str
    email: str
    event: EmailEventName
    provider_message_id: str | None = None
    detail: str | None = None
    via: str | None = None


def record_email(uow: UnitOfWork, report: EmailEvent) -> bool:
    """One-click unsubscribe, hard bounce or complaint (R-14). Answers whether it changed
    state; a provider message already recorded changes nothing."""
    if report.event not in EMAIL_EVENTS:
        raise Invalid("event must be unsubscribe, bounce or complaint.", field="event")
    address = normalize_email(report.email, field="email")
    action, source = EMAIL_EVENTS[report.event]
    with uow.write() as tx:
        account = tx.lock_account(report.account_id)
        if account is None:
            raise NotFound("No such account.")
        message_id = report.provider_message_id
        if message_id and stored.has_message(tx.session, account.id, message_id):
            return False
        current = current_consent(tx, account.id, [address])[address]
        if current.suppression is Suppression.ALL or (
            current.suppression is Suppression.AUTOMATED and action is ConsentAction.SUPPRESS
        ):
            return False
        append(
            tx,
            account,
            address=address,
            channel="email",
            scope=ALL_NUMBERS,
            action=action,
            source=str(source),
            actor=f"customer:{address}" if report.event == "unsubscribe" else "provider",
            via=report.via,
            body=report.detail,
            provider_message_id=message_id,
        )
        tx.commit()
    return True


def record_email_event(
    uow: UnitOfWork,
    account_id: str,
    *,
    email: str,
    event: str,
    provider_message_id: str | None = None,
    detail: str | None = None,
    via: str | None = None,
) -> bool:
    """:func:`record_email` with the event's fields given one by one."""
    report = EmailEvent(account_id, email, event, provider_message_id, detail, via)  # type: ignore[arg-type]
    return record_email(uow, report)
