"""The review list: inbound texts heed read as *unsure*, kept until a person decides (R-29).

An unsure text is never dropped: it is stored with the inbound text, in the same
transaction, and listed until someone with customer:edit decides. ``opt_out``
records the revocation as the customer's own by plain language (source
``natural_language``), naming the reviewer as the actor; ``dismiss`` records
nothing in the ledger. While a number has an undecided text, heed sends it no
marketing (reason ``revocation_under_review``, a row of the decision's precedence in
heed.domain.decision): the customer may have asked to stop, and a marketing text is
the one message that must not follow such a wish.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from heed.adapters.db import reviews
from heed.adapters.db import tables as t
from heed.adapters.db.inbound import InboundRecord
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.consent import ConsentAction
from heed.domain.errors import Conflict, Invalid, NotFound
from heed.domain.keywords import ConsentSource, InboundAction
from heed.domain.revocation import Reading, Verdict, read
from heed.services import cursors, display
from heed.services.common import Principal, audit, new_id, now
from heed.services.permissions import requires
from heed.services.views import consent_for

if TYPE_CHECKING:
    pass

UNDER_REVIEW = "revocation_under_review"
# Who decided a text that its sender's own STOP settled (queue_unsure).
SETTLED_BY_STOP = "The customer's STOP"


def queue_unsure(
    tx: Transaction, inbound: Iterable[InboundRecord], readings: Mapping[str, Reading]
) -> None:
    """Store, for review, every inbound text just recorded that reads as unsure;
    ``readings``: the texts' :func:`read`, by body."""
    unsure: list[reviews.Review] = []
    for text in inbound:
        if text.action != "none":
            continue
        reading = readings.get(text.body) or read(text.body)
        if reading.verdict is not Verdict.UNSURE:
            continue
        unsure.append(
            reviews.Review(
                new_id("rev"),
                text.account_id,
                text.provider_message_id,
                text.from_number,
                text.to_number,
                text.body,
                text.at,
                reading.language,
                reading.why,
            )
        )
    reviews.add(tx.session, unsure)


def settle_by_stop(tx: Transaction, inbound: Sequence[InboundRecord]) -> None:
    """A STOP from a number whose earlier text waits for review answers the question:
    the review closes as an opt-out, and nobody has to decide it again. Its unsure
    texts of the same batch are queued first (:func:`queue_unsure`). On PostgreSQL,
    inside ``sent_together``, the update goes without waiting for its answer."""
    stopped = [text for text in inbound if text.action == InboundAction.OPT_OUT]
    if stopped:
        account_id, at = stopped[0].account_id, max(text.at for text in stopped)
        numbers = (text.from_number for text in stopped)
        reviews.settle_for(tx.session, account_id, numbers, "customer", at)


def _public(review: t.ConsentReview | reviews.Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "from": review.from_number,
        "to": review.to_number,
        "body": review.body,
        "received_at": review.received_at,
        "language": review.language,
        "why": review.why,
    }


MAX_PAGE = 200


@requires("customer:view")
def pending(
    uow: UnitOfWork, principal: Principal, *, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """Undecided texts, oldest first, a page of ``limit`` after ``cursor`` at a time
    (customer:view): ``{items, next_cursor}``, next_cursor null on the last page."""
    after = _position(cursor, limit)
    with uow.read() as tx:
        page = reviews.pending(tx.session, principal.account_id, limit + 1, after)
    return _page([(_public(review), (review.received_at, review.id)) for review in page], limit)


@requires("customer:view")
def decided(
    uow: UnitOfWork, principal: Principal, *, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """Texts already decided, the latest decision first, with the decision, who made it
    (a staff user or key, or ``customer`` when the sender's own STOP settled it) and
    when (customer:view): ``{items, next_cursor}``."""
    before = _position(cursor, limit)
    with uow.read() as tx:
        page = reviews.decided(tx.session, principal.account_id, limit + 1, before)
        labels = display.actor_labels(tx, principal.account_id, {d.decided_by for d in page})
    labels["customer"] = SETTLED_BY_STOP
    settled = {
        d.review.id: {
            "decision": d.decision,
            "decided_by": d.decided_by,
            "decided_by_label": labels[d.decided_by],
            "decided_at": d.decided_at,
        }
        for d in page
    }
    return _page(
        [
            ({**_public(d.review), **settled[d.review.id]}, (d.decided_at, d.review.id))
            for d in page
        ],
        limit,
    )


def _page(found: list[tuple[dict[str, Any], tuple[datetime, str]]], limit: int) -> dict[str, Any]:
    """``{items, next_cursor}`` of a page read one past ``limit``: each item with the
    (moment, id) it is ordered by, the cursor naming the last one when more follow."""
    items = found[:limit]
    more = len(found) > limit
    at, last = items[-1][1] if more else (None, None)
    return {
        "items": [item for item, _ in items],
        "next_cursor": cursors.encode(at.isoformat(), last) if at and last else None,
    }


def _position(cursor: str | None, limit: int) -> tuple[datetime, str] | None:
    """The (moment, id) a page's ``cursor`` stands for; refuses a bad limit or cursor."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}.", field="limit")
    if cursor is None:
        return None
    at, review_id = cursors.decode(cursor, 2)
    try:
        return datetime.fromisoformat(at), review_id
    except ValueError:
        raise Invalid("cursor is not one heed gave out.", field="cursor") from None


def pending_count(uow: UnitOfWork, account_id: str) -> int:
    with uow.read() as tx:
        return reviews.pending_count(tx.session, account_id)


def numbers_under_review(tx: Transaction, account_id: str, numbers: Iterable[str]) -> set[str]:
    """Which of ``numbers`` have an undecided text: no marketing goes to them."""
    return reviews.numbers_under_review(tx.session, account_id, numbers)


@requires("customer:edit")
def decide(
    uow: UnitOfWork,
    principal: Principal,
    review_id: str,
    decision: Literal["opt_out", "dismiss"],
    at: datetime | None = None,
) -> dict[str, Any]:
    """Settle one text (customer:edit). Deciding it the same way again changes nothing;
    deciding it the other way is refused, since an opt-out once recorded stands."""
    from heed.services.consent import _sms_scope, append

    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        assert account is not None
        review = reviews.one(tx.session, principal.account_id, review_id)
        if review is None:
            raise NotFound("No such text waiting for review.", field="id")
        if review.decision is not None:
            if review.decision != decision:
                raise Conflict(
                    f"This text was already decided: {review.decision}.", field="decision"
                )
            return {**_public(review), "decision": review.decision}
        if decision == "opt_out":
            scope = _sms_scope(account, review.to_number)
            current = consent_for(tx, account.id, [review.from_number])[review.from_number]
            if not current.sms_opted_out_for(review.to_number):
                append(
                    tx,
                    account,
                    address=review.from_number,
                    channel="sms",
                    scope=scope,
                    action=ConsentAction.OPT_OUT,
                    source=str(ConsentSource.NATURAL_LANGUAGE),
                    actor=principal.actor,
                    via=principal.via,
                    body=review.body,
                    provider_message_id=review.provider_message_id,
                )
        review.decision = decision
        review.decided_by = principal.actor
        review.decided_at = at or now()
        # Who settled the text, and how, stands in the audit trail too.
        audit(tx, principal, "review", review.id, "decision", None, decision)
        result = {**_public(review), "decision": decision}
        tx.commit()
    return result
