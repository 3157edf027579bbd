"""Who hears about a job (R-19): the customer's and the job location's enabled phones and
emails, merged by address, each with its decision."""

from __future__ import annotations

from typing import Any, NamedTuple

from heed.adapters.db import decision_facts as read
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.decision import Category, Channel, decide
from heed.domain.errors import NotFound
from heed.services.common import Principal, now
from heed.services.decisions import DecisionRequest, _gather, decision_view
from heed.services.permissions import requires


@requires("customer:view")
def recipients_for(
    uow: UnitOfWork,
    principal: Principal,
    *,
    customer_id: str,
    location_id: str | None,
    category: Category,
    channel: Channel | None = None,
) -> list[dict[str, Any]]:
    """Who hears about a job (R-19): every enabled phone and email on the customer
    and on the job's location, merged by address, each with its decision."""
    job = Job(customer_id, location_id, category, channel)
    with uow.read() as tx:
        return recipients_in(tx, principal.account_id, job)


class Job(NamedTuple):
    """The job whose recipients are asked for, and on which channel (None: both)."""

    customer_id: str
    location_id: str | None
    category: Category
    channel: Channel | None = None


def recipients_in(tx: Transaction, account_id: str, job: Job) -> list[dict[str, Any]]:
    """``recipients_for`` inside a read the caller holds (a page reads once)."""
    customer_id, location_id, category, channel = job
    moment = now()
    rules = read.account_rules(tx, account_id)
    if rules is None:
        raise NotFound("No such account.")
    missing = read.owner_missing(tx, account_id, customer_id, location_id)
    if missing == "customer":
        raise NotFound("No customer with this id.", field="customer_id")
    if missing == "location":
        raise NotFound("No location with this id for this customer.", field="location_id")
    found = read.job_contacts(tx, account_id, customer_id, location_id, category)
    merged: dict[tuple[Channel, str], list[read.JobContact]] = {}
    for contact in found:
        reached = _CHANNEL_OF_KIND.get(contact.kind)
        if reached is not None and channel in (None, reached):
            merged.setdefault((reached, contact.value), []).append(contact)
    requests = [
        # The job location's record speaks for a merged address: its time zone is
        # where the job is, and so where the customer most likely is.
        DecisionRequest(ch, category, False, _job_first(group).id, None, None, None)
        for (ch, _), group in merged.items()
    ]
    facts = _gather(tx, account_id, rules, requests, at=None).facts
    return [
        {
            "channel": str(ch),
            "to": address,
            "contact_ids": [c.id for c in group],
            **decision_view(decide(item, moment)),
        }
        for ((ch, address), group), item in zip(merged.items(), facts, strict=True)
    ]


_CHANNEL_OF_KIND = {"email": Channel.EMAIL, "mobile": Channel.SMS, "phone": Channel.SMS}


def _job_first(group: list[read.JobContact]) -> read.JobContact:
    return min(group, key=lambda c: c.location_id is None)
