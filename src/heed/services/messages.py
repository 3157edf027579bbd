"""Sending: every message passes the decision first (R-21), then waits in the outbox.

A blocked message is refused and stored nowhere; an allowed one is queued, a
deferred one waits for its ``not_before``. services/outbox.py delivers them.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import messages as stored
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits
from heed.domain.addresses import phone_query
from heed.domain.decision import Outcome, decide
from heed.domain.errors import Conflict, Invalid, NotFound
from heed.services.common import Principal, get_account, new_id, now
from heed.services.decisions import DecisionRequest, resolve
from heed.services.outbox import BATCH, WORKER, DeliveryPolicy, deliver_due
from heed.services.permissions import checked_inside, requires

MAX_BODY = limits.MESSAGE_BODY


@dataclass(frozen=True)
class SendMessage:
    """A message to send, as the API, the staff pages and tests give it.

    Only the shape is typed here; :func:`send_message` checks the rules (a body, one
    of contact_id or to, a business number to send from) and names the field.
    """

    channel: str
    body: str
    contact_id: str | None = None
    to: str | None = None
    # None is not "job": a category given as null is refused, as the API always has.
    category: str | None = "job"
    manual: bool = False
    sender: str | None = None

    def decision_request(self) -> DecisionRequest:
        return DecisionRequest.parse(
            {
                "channel": self.channel,
                "category": self.category,
                "manual": self.manual,
                "contact_id": self.contact_id,
                "to": self.to,
                "from": self.sender,
            }
        )


@requires("messages:send")
def send_message(uow: UnitOfWork, principal: Principal, command: SendMessage) -> dict[str, Any]:
    """Decide, then queue or defer; a blocked message is refused and stored nowhere."""
    body = command.body
    if not body.strip():
        raise Invalid("body is required.", field="body")
    if len(body) > MAX_BODY:
        raise Invalid(f"body must be at most {MAX_BODY} characters.", field="body")
    request = command.decision_request()
    moment = now()
    with uow.write() as tx:
        account = get_account(tx, principal.account_id)
        (resolved,) = resolve(tx, account, [request])
        decision = decide(resolved.facts, moment)
        if decision.outcome is Outcome.BLOCKED:
            raise Conflict(decision.message, code=str(decision.reason), reason=str(decision.reason))
        assert resolved.address is not None
        allowed = decision.outcome is Outcome.ALLOWED
        message = t.Message(
            account_id=account.id,
            id=new_id("msg"),
            channel=str(request.channel),
            to=resolved.address,
            from_=request.sender or _default_sender(tx, account.id, request.channel),
            contact_id=resolved.contact_id,
            body=body,
            category=str(request.category),
            manual=request.manual,
            status="queued" if allowed else "deferred",
            reason=str(decision.reason),
            not_before=decision.not_before,
            attempts=0,
            next_attempt_at=moment if allowed else decision.not_before,
            actor=principal.actor,
            created_at=moment,
        )
        stored.add(tx, message)
        tx.commit()
    return message_view(message, warnings=list(decision.warnings))


def _default_sender(tx: Transaction, account_id: str, channel: str) -> str | None:
    return stored_accounts.first_business_number(tx, account_id) if channel == "sms" else None


def message_view(message: t.Message, warnings: list[str] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": message.id,
        "status": message.status,
        "channel": message.channel,
        "to": message.to,
        "from": message.from_,
        "contact_id": message.contact_id,
        "category": message.category,
        "manual": message.manual,
        "body": message.body,
        "reason": message.reason,
        "not_before": message.not_before.isoformat() if message.not_before else None,
        "created_at": message.created_at.isoformat(),
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "provider_id": message.provider_id,
        "error": message.error,
        "attempts": message.attempts,
        "last_error": message.error,
    }
    if warnings is not None:
        view["warnings"] = warnings
    return view


@requires("messages:send")
def get_message(uow: UnitOfWork, principal: Principal, message_id: str) -> dict[str, Any]:
    with uow.read() as tx:
        message = stored.get(tx, principal.account_id, message_id)
        if message is None:
            raise NotFound("No message with this id.")
        return message_view(message)


@checked_inside
def list_messages(
    uow: UnitOfWork, principal: Principal, *, contact_ids: list[str], limit: int = 20
) -> list[dict[str, Any]]:
    """The newest messages to these contacts, for whoever may view a customer or a
    location (the contacts' pages list them)."""
    if not principal.can("location:view"):
        principal.require("customer:view")
    with uow.read() as tx:
        rows = stored.latest_to_contacts(tx, principal.account_id, contact_ids, limit)
    return [message_view(m) for m in rows]


STATUSES = ("queued", "deferred", "sending", "sent", "delivered", "blocked", "failed")
MAX_LOG_PAGE = 200


@dataclass(frozen=True)
class MessageLog:
    """The message log's filters as a caller gives them (text); checked by message_log."""

    status: str | None = None
    to: str | None = None
    since: str | None = None
    limit: int = 50
    cursor: str | None = None

    def query(self) -> stored.MessageQuery:
        if self.status and self.status not in STATUSES:
            raise Invalid(f"status must be one of {', '.join(STATUSES)}.", field="status")
        if not 1 <= self.limit <= MAX_LOG_PAGE:
            raise Invalid(f"limit must be between 1 and {MAX_LOG_PAGE}.", field="limit")
        return stored.MessageQuery(
            status=self.status or None,
            to=_address(self.to) if self.to else None,
            since=_moment(self.since, "since") if self.since else None,
            after=_decode_log_cursor(self.cursor) if self.cursor else None,
        )


def _address(text: str) -> str:
    """A number as E.164 (any way it is typed), an email lowercased: as messages store them."""
    if "@" in text:
        return text.strip().lower()
    number = phone_query(text)
    if number is None:
        raise Invalid("to must be a phone number or an email address.", field="to")
    return number


def _moment(text: str, field: str) -> datetime:
    """An ISO 8601 date or time; without a zone it is UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(
            f"{field} must be an ISO 8601 date or time (2026-05-01 or 2026-05-01T08:00:00Z).",
            field=field,
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _encode_log_cursor(message: t.Message) -> str:
    raw = json.dumps([message.created_at.isoformat(), message.id])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_log_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, message_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(at), str(message_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid("cursor is not one heed gave out.", field="cursor") from None


@requires("customer:view")
def message_log(uow: UnitOfWork, principal: Principal, command: MessageLog) -> dict[str, Any]:
    """The account's messages, newest first, a page after ``cursor`` at a time; each with
    its status, the decision's reason, attempts, last error and provider id."""
    query = command.query()
    with uow.read() as tx:
        rows = stored.message_page(tx, principal.account_id, query, command.limit + 1)
    page = rows[: command.limit]
    more = len(rows) > command.limit
    return {
        "items": [message_view(m) for m in page],
        "next_cursor": _encode_log_cursor(page[-1]) if more and page else None,
    }


__all__ = [
    "BATCH",
    "MAX_BODY",
    "WORKER",
    "DeliveryPolicy",
    "MessageLog",
    "SendMessage",
    "deliver_due",
    "get_message",
    "list_messages",
    "message_log",
    "message_view",
    "send_message",
]
