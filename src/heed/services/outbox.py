"""Delivery: the outbox hands each due message to the provider once per attempt (R-30).

Allowed messages are queued and delivered after commit; deferred ones wait for
their ``not_before`` and are decided again when due, because consent may have
changed while they waited. Delivery claims each message atomically with a lease:
any number of processes share one outbox, a send interrupted by a dead process is
retried with backoff, and a message that keeps failing ends "failed".
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tenacity import RetryCallState, Retrying
from tenacity.wait import wait_base, wait_exponential_jitter

from heed.adapters.db import outbox as claims
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.adapters.transports import Delivery, Outbound, Transport
from heed.config import Settings
from heed.domain.consent import stripe_of
from heed.domain.decision import Decision, Outcome, decide
from heed.domain.errors import Invalid, NotFound
from heed.services.common import now
from heed.services.consent import record_provider_opt_out
from heed.services.decisions import DecisionRequest, resolve
from heed.services.preference_links import footer_link
from heed.services.unsubscribe import list_unsubscribe_headers, unsubscribe_url

logger = logging.getLogger("heed.outbox")


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long a claim lasts, how often a message is tried, how long between tries."""

    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 5
    backoff: wait_base = field(
        default_factory=lambda: wait_exponential_jitter(multiplier=30, max=3600, jitter=30)
    )

    @classmethod
    def from_settings(cls, settings: Settings | None) -> DeliveryPolicy:
        if settings is None:
            return cls()
        first, ceiling = settings.outbox_backoff, settings.outbox_backoff_max
        return cls(
            lease=timedelta(seconds=settings.outbox_lease),
            max_attempts=max(settings.outbox_max_attempts, 1),
            # tenacity's schedule: first * 2**(n-1) plus up to ``first`` of jitter, capped.
            backoff=wait_exponential_jitter(multiplier=first, max=ceiling, jitter=first),
        )

    def retry_at(self, attempts: int, moment: datetime) -> datetime:
        """When to try again after ``attempts`` attempts, by the backoff schedule."""
        state = RetryCallState(Retrying(), None, (), {})
        state.attempt_number = max(attempts, 1)
        return moment + timedelta(seconds=self.backoff(state))


# Names this process in the claims it takes, so an operator can tell who held what.
WORKER = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

# Due messages read per query; a full batch is followed at once by the next one.
BATCH = 500
# A round reads at most this many batches, so an endless supply cannot starve the caller.
_MAX_BATCHES = 20


@dataclass(frozen=True)
class _Claim:
    message: t.Message
    account_name: str
    attempt: int
    # The customer's preference page, for an automated email's footer.
    preference_url: str | None = None


def deliver_due(
    uow: UnitOfWork,
    transport: Transport,
    at: datetime | None = None,
    *,
    settings: Settings | None = None,
    account_id: str | None = None,
    claimer: str = WORKER,
    limit: int = BATCH,
) -> int:
    """Hand every due message to the transport, once per attempt across all processes (R-30).

    Due are queued messages, deferred ones whose time has come, retries whose
    backoff has passed, and sending ones whose lease ran out (their process
    died). Each is claimed atomically and decided again in the claim's
    transaction, so a STOP that arrived while it waited still stops it.
    ``account_id`` limits the round to one business. Answers how many were sent.
    """
    policy = DeliveryPolicy.from_settings(settings)

    def clock() -> datetime:
        return at or now()

    delivered = 0
    for _ in range(_MAX_BATCHES):
        with uow.read() as tx:
            due = claims.due_messages(tx, clock(), limit, account_id)
        # Servers that walked the same due list in the same order would collide on every
        # message (the loser's claim finds it taken); each in its own order mostly wins.
        random.shuffle(due)
        for owner, message_id in due:
            claim = _claim(uow, owner, message_id, clock(), policy, claimer, settings)
            if claim is not None and _send(uow, transport, claim, clock, policy, claimer, settings):
                delivered += 1
        if len(due) < limit:
            break
    return delivered


def _claim(
    uow: UnitOfWork,
    account_id: str,
    message_id: str,
    moment: datetime,
    policy: DeliveryPolicy,
    claimer: str,
    settings: Settings | None = None,
) -> _Claim | None:
    """Claim the message and settle what needs no provider; a claim to send, or None."""
    lease_until = moment + policy.lease
    with uow.write() as tx:
        # The address's ledger stripe first, as an inbound STOP locks it: the last
        # decision and the mark as sending cannot interleave with an opt-out of that
        # address being recorded. Shared: claims of other messages to it go on.
        to = claims.address_of(tx, account_id, message_id)
        if to is None:
            return None
        tx.share_stripes([(account_id, stripe_of(to))])
        account = tx.accounts([account_id]).get(account_id)
        message = claims.claim(tx, account_id, message_id, moment, lease_until)
        if message is None or account is None:
            return None  # another process has it, or it settled meanwhile
        if message.status == "sending":
            _recover(message, moment, policy)
            tx.commit()
            return None
        try:
            decision = _decide_again(tx, account, message, moment)
        except Invalid as refused:
            # E.g. its sender is no longer one of the business's numbers.
            _settle(message, "failed", error=refused.message)
            tx.commit()
            return None
        if decision.outcome is Outcome.BLOCKED:
            _settle(message, "blocked")
            message.reason = str(decision.reason)
            tx.commit()
            return None
        if decision.outcome is Outcome.DEFERRED:
            message.status, message.not_before = "deferred", decision.not_before
            message.next_attempt_at = decision.not_before
            message.reason = str(decision.reason)
            tx.commit()
            return None
        # Marked before it leaves: if this process dies mid-send, the lease says so.
        message.status, message.attempts = "sending", message.attempts + 1
        message.claimed_by, message.lease_until = claimer, lease_until
        link = _preference_link(tx, settings, message, moment)
        tx.commit()
        return _Claim(message, account.name, message.attempts, link)


def _decide_again(
    tx: Transaction, account: t.Account, message: t.Message, moment: datetime
) -> Decision:
    asked = {"channel": message.channel, "category": message.category, "manual": message.manual}
    to = {"contact_id": message.contact_id} if message.contact_id else {"to": message.to}
    request = DecisionRequest.parse({**asked, **to, "from": message.from_ or None})
    try:
        (resolved,) = resolve(tx, account, [request])
    except NotFound:
        # The contact was removed while the message waited: decide on the address.
        request = DecisionRequest.parse({**asked, "to": message.to})
        (resolved,) = resolve(tx, account, [request])
    return decide(resolved.facts, moment)


def _recover(message: t.Message, moment: datetime, policy: DeliveryPolicy) -> None:
    """A send whose lease ran out: its process died mid-send. Retry later, or give up.

    Whether the provider took it is unknown, so the retry may deliver it twice;
    last_error and the log say so rather than leaving it "sending" forever.
    """
    lost = (
        f"attempt {message.attempts} by {message.claimed_by or 'an earlier process'} did not "
        f"finish: its lease ran out at {_when(message.lease_until)}"
    )
    _retry_or_fail(message, lost, moment, policy)


def _send(
    uow: UnitOfWork,
    transport: Transport,
    claim: _Claim,
    clock: Callable[[], datetime],
    policy: DeliveryPolicy,
    claimer: str,
    settings: Settings | None,
) -> bool:
    message = claim.message
    outbound = Outbound(
        message.id,
        message.channel,
        message.to,
        message.from_,
        message.body + _email_footer(settings, message, claim.preference_url),
        subject=f"{claim.account_name}: {_SUBJECTS.get(message.category, 'a message')}",
        headers=_email_headers(settings, message),
    )
    try:
        result = transport.send(outbound)
    except Exception as error:
        # The provider could not be reached, or answered nonsense: nothing said no, so retry.
        result = Delivery(
            None, error_code=-1, error_message=f"{type(error).__name__}: {error}", transient=True
        )
    if result.opted_out:
        record_provider_opt_out(
            uow,
            message.account_id,
            address=message.to,
            from_number=message.from_,
            detail=result.error_message or "provider: recipient opted out",
        )
    moment = clock()
    with uow.write() as tx:
        stored = claims.held(tx, message.account_id, message.id, claimer, claim.attempt)
        if stored is None:
            # Our lease ran out before the provider answered and another process took
            # the message over: it may go twice. Say so; its new owner settles it.
            logger.warning(
                "message %s: attempt %d answered after its lease ran out (%s)",
                message.id,
                claim.attempt,
                "sent" if result.error_code is None else result.error_message,
            )
            return result.error_code is None
        if result.error_code is None:
            _settle(stored, "sent")
            stored.provider_id, stored.sent_at = result.provider_id, moment
        elif result.opted_out:
            _settle(stored, "blocked", error=f"{result.error_code}: {result.error_message}")
            stored.reason = "sms_opt_out"
        elif result.transient:
            _retry_or_fail(stored, f"{result.error_code}: {result.error_message}", moment, policy)
        else:
            # A refusal on the merits (bad number, rejected address): retrying changes nothing.
            _settle(stored, "failed", error=f"{result.error_code}: {result.error_message}")
            logger.warning("message %s failed: %s", stored.id, stored.error)
        tx.commit()
    return result.error_code is None


def _retry_or_fail(
    message: t.Message, error: str, moment: datetime, policy: DeliveryPolicy
) -> None:
    if message.attempts >= policy.max_attempts:
        _settle(message, "failed", error=error)
        logger.error(
            "message %s (account %s) failed after %d attempts: %s",
            message.id,
            message.account_id,
            message.attempts,
            error,
        )
        return
    message.status, message.error = "queued", error
    message.next_attempt_at = policy.retry_at(message.attempts, moment)
    message.claimed_by, message.lease_until = None, None
    logger.warning(
        "message %s: attempt %d of %d did not go through (%s); retrying at %s",
        message.id,
        message.attempts,
        policy.max_attempts,
        error,
        _when(message.next_attempt_at),
    )


def _settle(message: t.Message, status: str, *, error: str | None = None) -> None:
    """A final state: nothing more to do, so the outbox's due query no longer sees it."""
    message.status, message.next_attempt_at = status, None
    message.claimed_by, message.lease_until = None, None
    if error is not None:
        message.error = error


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "an unknown time"


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


def _automated_email(settings: Settings | None, message: t.Message) -> bool:
    return settings is not None and message.channel == "email" and not message.manual


def _preference_link(
    tx: Transaction, settings: Settings | None, message: t.Message, moment: datetime
) -> str | None:
    if settings is None or not _automated_email(settings, message):
        return None
    return footer_link(tx, settings, message.account_id, message.contact_id, moment)


def _email_footer(settings: Settings | None, message: t.Message, preference_url: str | None) -> str:
    """An automated email ends with the unsubscribe link its headers carry (RFC 8058) and,
    when it goes to a customer's contact, the link to their preference page (R-31)."""
    if settings is None or not _automated_email(settings, message):
        return ""
    lines = ["", "", "--"]
    if preference_url:
        lines.append(f"Choose which messages you get: {preference_url}")
    lines.append(f"Unsubscribe: {unsubscribe_url(settings, message.account_id, message.to)}")
    return "\n".join(lines)
