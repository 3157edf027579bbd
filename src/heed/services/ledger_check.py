"""Verifying the consent ledger (R-17): every chain against its recorded head, and the
current-state table against the ledger's fold; the periodic self-check and its results.

The database refuses to change or remove ledger entries, but a database user
can switch that guard off, and nothing can stop one from editing consent_state
(heed writes it on every change). So verification reads, in one snapshot, the
heads recorded apart from the entries (the account's ``ledger_seq`` and
``ledger_head`` for the legacy segment, ``ledger_stripes`` for each stripe), every
entry in seq order and every current-state row, and reports each place they
disagree: a broken link names its entry and stripe, a chain that does not end at
its head names the entry missing or rewritten, a current-state row that is not
the fold of its address's entries names the address and scope.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from heed.adapters.db import ledger as stored
from heed.adapters.db import ledger_checks as checks
from heed.adapters.db import marketing as stored_marketing
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.consent import (
    NO_CONSENT_RECORDED,
    LedgerWalk,
    fold,
    state_mismatches,
)
from heed.domain.errors import NotFound
from heed.domain.marketing import consented_after

logger = logging.getLogger("heed.ledger")

# A failed check may name thousands of rows; what is stored and shown is its start.
_SUMMARY_PROBLEMS = 3


@dataclass(frozen=True)
class Problem:
    """One place the ledger does not hold: ``kind`` is ``chain``, ``head`` or ``state``;
    ``seq`` names the entry and ``stripe`` its chain (None: the legacy segment),
    ``address`` and ``scope`` the current-state row."""

    kind: str
    reason: str
    seq: int | None = None
    address: str | None = None
    scope: str | None = None
    stripe: int | None = None


@dataclass(frozen=True)
class LedgerReport:
    account_id: str
    entries: int
    problems: tuple[Problem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """The first problems in a sentence or two, for a log line or a banner."""
        shown = "; ".join(p.reason for p in self.problems[:_SUMMARY_PROBLEMS])
        more = len(self.problems) - _SUMMARY_PROBLEMS
        return shown + (f" (and {more} more)" if more > 0 else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "intact": self.intact,
            "entries": self.entries,
            "problems": [dataclasses.asdict(p) for p in self.problems],
        }


def verify_account(uow: UnitOfWork, account_id: str) -> LedgerReport:
    """Check one account's ledger: every chain, its head and the current state, all read
    in one snapshot."""
    with checks.snapshot(uow) as tx:
        head = checks.head(tx.session, account_id)
        if head is None:
            raise NotFound(f"No such account: {account_id}.", field="account")
        walk = LedgerWalk(head, checks.stripe_heads(tx.session, account_id))
        for entry in stored.paged_entries(tx.session, account_id):
            walk.take(entry)
        problems = [
            Problem(found.kind, found.reason, seq=found.seq, stripe=found.stripe)
            for found in walk.breaks()
        ]
        problems.extend(_state_problems(tx, account_id))
    return LedgerReport(account_id, walk.count, tuple(problems))


def _state_problems(tx: Transaction, account_id: str) -> Iterator[Problem]:
    """Each current-state row that is not what the fold of its address's entries gives."""
    current = stored.stored_consent(tx.session, account_id)
    marketing = stored_marketing.consented_addresses(tx, account_id)
    changes = stored.paged_changes(tx.session, account_id)
    for address, group in itertools.groupby(changes, key=lambda change: change.address):
        entries = list(group)
        folded = fold(entries)
        for mismatch in state_mismatches(
            address, folded, current.pop(address, NO_CONSENT_RECORDED)
        ):
            yield Problem("state", mismatch.reason, address=address, scope=mismatch.scope)
        given = consented_after(entry.action for entry in entries)
        if given != (address in marketing):
            yield _marketing_problem(address, address in marketing, given)
        marketing.discard(address)
    # Rows of addresses the ledger never mentions.
    for address in sorted(current):
        for mismatch in state_mismatches(address, NO_CONSENT_RECORDED, current[address]):
            yield Problem("state", mismatch.reason, address=address, scope=mismatch.scope)
    for address in sorted(marketing):
        yield _marketing_problem(address, True, False)


def _marketing_problem(address: str, stored_given: bool, ledger_given: bool) -> Problem:
    def says(given: bool) -> str:
        return "given" if given else "not given"

    return Problem(
        "state",
        f"marketing consent of {address} says {says(stored_given)}; "
        f"its ledger says {says(ledger_given)}",
        address=address,
        scope="marketing",
    )


def verify_accounts(
    uow: UnitOfWork,
    account_ids: Sequence[str] | None = None,
    *,
    stopping: Callable[[], bool] = lambda: False,
) -> list[LedgerReport]:
    """:func:`verify_account` for each of ``account_ids``, or for every account.

    ``stopping`` is asked between accounts, so a shutting-down server does not
    wait for the rest of a long check.
    """
    if account_ids is None:
        with uow.read() as tx:
            account_ids = checks.account_ids(tx.session)
    reports: list[LedgerReport] = []
    for account_id in account_ids:
        if stopping():
            break
        reports.append(verify_account(uow, account_id))
    return reports


def record(uow: UnitOfWork, reports: Iterable[LedgerReport], *, now: datetime) -> None:
    """Keep each account's latest result, replacing the one before."""
    results = [
        checks.CheckResult(r.account_id, now, r.intact, None if r.intact else r.summary())
        for r in reports
    ]
    if not results:
        return
    with uow.write() as tx:
        checks.save_results(tx.session, results)
        tx.commit()


def check_ledgers(
    uow: UnitOfWork,
    account_ids: Sequence[str] | None = None,
    *,
    now: datetime,
    stopping: Callable[[], bool] = lambda: False,
) -> list[LedgerReport]:
    """Verify the accounts' ledgers (every account's when none are named), keep the
    results and log each failure loudly."""
    reports = verify_accounts(uow, account_ids, stopping=stopping)
    record(uow, reports, now=now)
    for report in reports:
        if not report.intact:
            logger.error(
                "CONSENT LEDGER CHECK FAILED for account %s (%d problems): %s",
                report.account_id,
                len(report.problems),
                report.summary(),
            )
    return reports


def claim_run(uow: UnitOfWork, *, now: datetime, every: timedelta) -> bool:
    """Take the periodic check unless one started less than ``every`` before ``now``.

    One conditional UPDATE: of several processes asking at once, one gets the row
    (PostgreSQL re-reads it after the winner commits and finds it taken; SQLite
    serializes the writers), so the check runs once however many processes serve.
    """
    with uow.write() as tx:
        claimed = checks.claim_run(tx.session, now=now, every=every)
        tx.commit()
    return claimed


def run_if_due(
    uow: UnitOfWork,
    *,
    now: datetime,
    every: timedelta,
    stopping: Callable[[], bool] = lambda: False,
) -> list[LedgerReport] | None:
    """The periodic self-check: every account's ledger, when no check started within
    ``every`` before ``now`` (then ``None``)."""
    if not claim_run(uow, now=now, every=every):
        return None
    return check_ledgers(uow, now=now, stopping=stopping)


def last_failure(uow: UnitOfWork, account_id: str) -> t.LedgerCheck | None:
    """The account's latest check when it failed; ``None`` once a later one passed."""
    with uow.read() as tx:
        return checks.last_failure(tx.session, account_id)
