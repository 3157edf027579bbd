"""In-process figures: decisions (one at a time and in batches of 1,000) and job recipients."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.decision import Category
from heed.services.common import PERMISSIONS, Principal
from heed.services.decisions import (
    MAX_BATCH,
    DecisionRequest,
    decide_many,
    decide_one,
)
from heed.services.recipients import recipients_for


@dataclass(frozen=True)
class Sample:
    """Requests and jobs spread over the whole database, drawn once per run."""

    decisions: list[dict[str, Any]]
    jobs: list[tuple[str, str]]


def draw_sample(heed: Heed, account_id: str, n_contacts: int, n_jobs: int, seed: int) -> Sample:
    rng = random.Random(seed)
    with heed.uow.read() as tx:
        rows = tx.session.execute(
            select(t.Contact.id, t.Contact.kind)
            .where(t.Contact.account_id == account_id)
            .order_by(func.random())
            .limit(n_contacts)
        ).all()
        jobs = tx.session.execute(
            select(t.Location.customer_id, t.Location.id)
            .where(t.Location.account_id == account_id)
            .order_by(func.random())
            .limit(n_jobs)
        ).all()
    decisions = [decision_body(contact_id, kind, rng) for contact_id, kind in rows]
    return Sample(decisions, [(c, loc) for c, loc in jobs])


def decision_body(contact_id: str, kind: str, rng: random.Random) -> dict[str, Any]:
    channel = "email" if kind == "email" else "sms"
    roll = rng.random()
    category = "marketing" if roll < 0.1 else "job"
    if channel == "email" and roll > 0.9:
        category = "invoice_statement"
    return {"channel": channel, "contact_id": contact_id, "category": category}


def principal(account_id: str) -> Principal:
    return Principal(account_id, "api_key:bench", frozenset(PERMISSIONS))


def bench_decide_one(heed: Heed, who: Principal, sample: Sample, seconds: float) -> dict[str, Any]:
    bodies = sample.decisions
    for body in bodies[:200]:
        decide_one(heed.uow, who, DecisionRequest.parse(body))
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    cpu = time.process_time()
    started = time.perf_counter()
    i = 0
    while time.perf_counter() - started < seconds:
        body = bodies[i % len(bodies)]
        t0 = time.perf_counter()
        result = decide_one(heed.uow, who, DecisionRequest.parse(body))
        latencies.append(time.perf_counter() - t0)
        outcomes[result["reason"]] = outcomes.get(result["reason"], 0) + 1
        i += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    latencies.sort()
    return {
        "calls": i,
        "per_second": round(i / elapsed, 1),
        "per_cpu_second": round(i / cpu, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3),
        "reasons": dict(sorted(outcomes.items())),
    }


def bench_decide_many(heed: Heed, who: Principal, sample: Sample, seconds: float) -> dict[str, Any]:
    bodies = sample.decisions
    batches: list[list[object]] = [
        list(bodies[i : i + MAX_BATCH]) for i in range(0, len(bodies) - MAX_BATCH + 1, MAX_BATCH)
    ]
    decide_many(heed.uow, who, [DecisionRequest.parse(b) for b in batches[0]])
    times: list[float] = []
    cpu = time.process_time()
    started = time.perf_counter()
    i = 0
    while time.perf_counter() - started < seconds or i < 3:
        t0 = time.perf_counter()
        # Each body is checked inside the measurement, as the route checks its own.
        decide_many(heed.uow, who, [DecisionRequest.parse(b) for b in batches[i % len(batches)]])
        times.append(time.perf_counter() - t0)
        i += 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    times.sort()
    return {
        "batches": i,
        "batch_size": MAX_BATCH,
        "per_second": round(i * MAX_BATCH / elapsed, 1),
        "per_cpu_second": round(i * MAX_BATCH / cpu, 1),
        "batch_p50_ms": round(times[len(times) // 2] * 1000, 2),
        "batch_max_ms": round(times[-1] * 1000, 2),
    }


def bench_recipients(heed: Heed, who: Principal, sample: Sample) -> dict[str, Any]:
    started = time.perf_counter()
    recipients = 0
    for customer_id, location_id in sample.jobs:
        recipients += len(
            recipients_for(
                heed.uow,
                who,
                customer_id=customer_id,
                location_id=location_id,
                category=Category.JOB,
            )
        )
    elapsed = time.perf_counter() - started
    return {
        "jobs": len(sample.jobs),
        "seconds": round(elapsed, 2),
        "jobs_per_second": round(len(sample.jobs) / elapsed, 1),
        "recipients": recipients,
    }
