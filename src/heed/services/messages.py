"""Sending: every message passes the decision first (R-21), then waits in the outbox.

Allowed messages are queued and delivered after commit; deferred ones wait for
their ``not_before`` and are decided again when due, because consent may have
changed while they waited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import UnitOfWork
from heed.adapters.transports import Delivery, Outbound, Transport
from heed.config import Settings
from heed.domain import limits
from heed.domain.decision import Outcome, decide
from heed.domain.errors import Conflict, Invalid, NotFound
from heed.services.common import Principal, get_account, new_id, now
from heed.services.consent import record_provider_opt_out
from heed.services.decisions import DecisionRequest, resolve
from heed.services.unsubscribe import list_unsubscribe_headers

MAX_BODY = limits.MESSAGE_BODY


def send_message(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """Decide, then queue or defer; a blocked message is refused and stored nowhere."""
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise Invalid("body is required.", field="body")
    if len(body) > MAX_BODY:
        raise Invalid(f"body must be at most {MAX_BODY} characters.", field="body")
    request = DecisionRequest.parse({**data, "category": data.get("category", "job")})
    moment = now()
    with uow.write() as tx:
        account = get_account(tx, principal.account_id)
        (resolved,) = resolve(tx, account, [request])
        decision = decide(resolved.facts, moment)
        if decision.outcome is Outcome.BLOCKED:
            raise Conflict(decision.message, code=str(decision.reason), reason=str(decision.reason))
        assert resolved.address is not None
        sender = request.sender or _default_sender(tx.session, account.id, request.channel)
        message = t.Message(
            account_id=account.id,
            id=new_id("msg"),
            channel=str(request.channel),
            to=resolved.address,
            from_=sender,
            contact_id=resolved.contact_id,
            body=body,
            category=str(request.category),
            manual=request.manual,
            status="queued" if decision.outcome is Outcome.ALLOWED else "deferred",
            reason=str(decision.reason),
            not_before=decision.not_before,
            actor=principal.actor,
            created_at=moment,
        )
        tx.session.add(message)
        tx.commit()
    return message_view(message, warnings=list(decision.warnings))


def _default_sender(session: Any, account_id: str, channel: str) -> str | None:
    if channel != "sms":
        return None
    first: str | None = session.scalars(
        select(t.BusinessNumber.number)
        .where(t.BusinessNumber.account_id == account_id)
        .order_by(t.BusinessNumber.number)
        .limit(1)
    ).first()
    return first


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
    }
    if warnings is not None:
        view["warnings"] = warnings
    return view


def get_message(uow: UnitOfWork, principal: Principal, message_id: str) -> dict[str, Any]:
    with uow.read() as tx:
        message = tx.session.get(t.Message, (principal.account_id, message_id))
        if message is None:
            raise NotFound("No message with this id.")
        return message_view(message)


def list_messages(
    uow: UnitOfWork, principal: Principal, *, contact_ids: list[str], limit: int = 20
) -> list[dict[str, Any]]:
    with uow.read() as tx:
        rows = tx.session.scalars(
            select(t.Message)
            .where(
                t.Message.account_id == principal.account_id, t.Message.contact_id.in_(contact_ids)
            )
            .order_by(t.Message.created_at.desc())
            .limit(limit)
        ).all()
    return [message_view(m) for m in rows]


def deliver_due(
    uow: UnitOfWork,
    transport: Transport,
    at: datetime | None = None,
    *,
    settings: Settings | None = None,
    account_id: str | None = None,
) -> int:
    """Hand every queued message, and every deferred one now due, to the transport.

    Each message is decided again inside its own transaction just before it
    leaves, so a STOP that arrived while it waited still stops it. ``account_id``
    limits the round to one business.
    """
    moment = at or now()
    with uow.read() as tx:
        # Account by account, so every look-up leads with the account id.
        account_ids = [account_id] if account_id else tx.session.scalars(select(t.Account.id)).all()
        due = [
            (owner, message_id)
            for owner in account_ids
            for message_id in tx.session.scalars(
                select(t.Message.id)
                .where(
                    t.Message.account_id == owner,
                    or_(
                        t.Message.status == "queued",
                        (t.Message.status == "deferred") & (t.Message.not_before <= moment),
                    ),
                )
                .order_by(t.Message.created_at)
                .limit(500)
            ).all()
        ]
    delivered = 0
    for owner, message_id in due:
        if _deliver_one(uow, transport, owner, message_id, moment, settings):
            delivered += 1
    return delivered


def _deliver_one(
    uow: UnitOfWork,
    transport: Transport,
    account_id: str,
    message_id: str,
    moment: datetime,
    settings: Settings | None,
) -> bool:
    with uow.write() as tx:
        message = tx.session.get(t.Message, (account_id, message_id))
        if message is None or message.status not in ("queued", "deferred"):
            return False
        # Under the account's lock, like an inbound STOP: the last decision and the
        # mark as sending cannot interleave with an opt-out being recorded.
        account = tx.lock_account(account_id)
        assert account is not None
        request = DecisionRequest.parse(
            {
                "channel": message.channel,
                "category": message.category,
                "manual": message.manual,
                **(
                    {"contact_id": message.contact_id} if message.contact_id else {"to": message.to}
                ),
                **({"from": message.from_} if message.from_ else {}),
            }
        )
        try:
            try:
                (resolved,) = resolve(tx, account, [request])
            except NotFound:
                # The contact was removed while the message waited: decide on the address.
                request = DecisionRequest.parse(
                    {
                        "channel": message.channel,
                        "to": message.to,
                        "category": message.category,
                        "manual": message.manual,
                    }
                )
                (resolved,) = resolve(tx, account, [request])
        except Invalid as refused:
            # E.g. its sender is no longer one of the business's numbers.
            message.status, message.error = "failed", refused.message
            tx.commit()
            return False
        decision = decide(resolved.facts, moment)
        if decision.outcome is Outcome.BLOCKED:
            message.status, message.reason = "blocked", str(decision.reason)
            tx.commit()
            return False
        if decision.outcome is Outcome.DEFERRED:
            message.status, message.not_before = "deferred", decision.not_before
            message.reason = str(decision.reason)
            tx.commit()
            return False
        # Marked first, so a crash after the provider accepted never sends it twice.
        message.status = "sending"
        tx.commit()
    outbound = Outbound(
        message.id,
        message.channel,
        message.to,
        message.from_,
        message.body,
        subject=f"{account.name}: {_SUBJECTS.get(message.category, 'a message')}",
        headers=_email_headers(settings, message),
    )
    try:
        result = transport.send(outbound)
    except Exception as error:
        # An unreachable provider fails this message, rather than leaving it "sending" forever.
        result = Delivery(None, error_code=-1, error_message=f"{type(error).__name__}: {error}")
    if result.opted_out:
        record_provider_opt_out(
            uow,
            account_id,
            address=message.to,
            from_number=message.from_,
            detail=result.error_message or "provider: recipient opted out",
        )
    with uow.write() as tx:
        stored = tx.session.get(t.Message, (account_id, message_id))
        assert stored is not None
        if result.error_code is None:
            stored.status, stored.provider_id, stored.sent_at = "sent", result.provider_id, now()
        else:
            stored.status = "blocked" if result.opted_out else "failed"
            stored.reason = "sms_opt_out" if result.opted_out else stored.reason
            stored.error = f"{result.error_code}: {result.error_message}"
        tx.commit()
    return result.error_code is None


_SUBJECTS = {
    "job": "about your service appointment",
    "invoice_statement": "your invoice or statement",
    "marketing": "news and offers",
}


def _email_headers(settings: Settings | None, message: t.Message) -> dict[str, str]:
    """Automated email carries a one-click unsubscribe that reaches heed (R-14, RFC 8058).

    Manual email does not: an unsubscribe stops automated email only, so the
    link would promise something it cannot do.
    """
    if settings is None or message.channel != "email" or message.manual:
        return {}
    return list_unsubscribe_headers(settings, message.account_id, message.to)
