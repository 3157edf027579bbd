"""Settling a text on the review list leaves an audit row naming who and how (R-23, R-29)."""

from __future__ import annotations

from integration_support import ReceiveText, message_id, random_number
from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.services import consent, review
from heed.services.common import Principal


def test_deciding_a_review_is_audited_with_the_reviewer_and_the_decision(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    inbound(random_number(), "Wrong number")
    (waiting,) = review.pending(heed.uow, staff)["items"]

    review.decide(heed.uow, staff, waiting["id"], "dismiss")
    review.decide(heed.uow, staff, waiting["id"], "dismiss")  # again: changes nothing

    with heed.uow.read() as tx:
        rows = tx.session.scalars(
            select(t.AuditEntry).where(
                t.AuditEntry.account_id == staff.account_id, t.AuditEntry.entity == "review"
            )
        ).all()
    assert [(r.entity_id, r.field, r.old, r.new, r.actor) for r in rows] == [
        (waiting["id"], "decision", None, "dismiss", staff.actor)
    ]


def test_a_stop_after_an_unsure_text_closes_its_review_as_an_opt_out(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    number, other = random_number(), random_number()
    inbound(number, "Wrong number")
    inbound(other, "Wrong number")

    inbound(number, "STOP")

    _closed_by_its_stop(heed, staff, number, waiting=other)


def test_a_stop_in_the_same_batch_as_an_unsure_text_closes_its_review_as_an_opt_out(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    number, other = random_number(), random_number()
    texts = [
        consent.InboundText(staff.account_id, sender, business_number, body, message_id())
        for sender, body in ((number, "Wrong number"), (other, "Wrong number"), (number, "STOP"))
    ]
    consent.record_inbound_batch(heed.uow, texts)

    _closed_by_its_stop(heed, staff, number, waiting=other)


def _closed_by_its_stop(heed: Heed, staff: Principal, number: str, *, waiting: str) -> None:
    """``number``'s text is decided as an opt-out by the customer; ``waiting``'s waits."""
    assert [r["from"] for r in review.pending(heed.uow, staff)["items"]] == [waiting]
    with heed.uow.read() as tx:
        closed = tx.session.scalars(
            select(t.ConsentReview).where(
                t.ConsentReview.account_id == staff.account_id,
                t.ConsentReview.from_number == number,
            )
        ).one()
    assert (closed.decision, closed.decided_by) == ("opt_out", "customer")
