"""Verifying the consent ledger against tampering, and the periodic self-check (R-17)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from integration_support import message_id, random_number
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tamper_support import (
    delete_newest_entry,
    newest_entry,
    private_database,
    rewrite_newest_entry,
    set_current_consent,
)

from heed.adapters.db import ledger as ledger_db
from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.domain.consent import STRIPES, stripe_of
from heed.domain.errors import NotFound
from heed.services import accounts, consent, ledger_check
from heed.services.common import Principal

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def stopped(inbound: Callable[..., consent.InboundResult]) -> str:
    """A customer who texted STOP, START and STOP: three entries, opted out."""
    customer = random_number()
    for body in ("STOP", "START", "STOP"):
        inbound(customer, body)
    return customer


def test_an_untouched_ledger_verifies_with_every_entry_counted(
    heed: Heed, staff: Principal, stopped: str
) -> None:
    consent.record_email_event(heed.uow, staff.account_id, email="ann@x.org", event="bounce")
    report = ledger_check.verify_account(heed.uow, staff.account_id)
    assert report.intact, report.problems
    assert report.entries == 4


def test_a_changed_current_consent_row_is_found_with_its_address_and_scope(
    heed: Heed, staff: Principal, stopped: str, decide: Callable[..., dict[str, object]]
) -> None:
    assert decide(to=stopped)["outcome"] == "blocked"
    set_current_consent(heed, staff.account_id, stopped, opted_out=False)
    # What is at stake: heed would text a customer who said STOP.
    assert decide(to=stopped)["outcome"] == "allowed"

    report = ledger_check.verify_account(heed.uow, staff.account_id)
    assert not report.intact
    (problem,) = report.problems
    assert (problem.kind, problem.address, problem.scope) == ("state", stopped, "*")
    assert stopped in problem.reason and "opted out" in problem.reason


def test_a_current_consent_row_the_ledger_never_wrote_is_found(
    heed: Heed, staff: Principal, stopped: str
) -> None:
    stranger = random_number()
    with heed.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO consent_state (account_id, address, scope, channel, opted_out, "
                "suppression, last_seq, updated_at) VALUES (:account, :address, '*', 'sms', "
                ":yes, 'none', 1, :at)"
            ),
            {"account": staff.account_id, "address": stranger, "yes": True, "at": T0},
        )
    (problem,) = ledger_check.verify_account(heed.uow, staff.account_id).problems
    assert (problem.kind, problem.address, problem.scope) == ("state", stranger, "*")


def test_a_deleted_newest_entry_is_found_against_its_stripes_head(
    heed: Heed, staff: Principal, stopped: str
) -> None:
    stripe = stripe_of(stopped)
    seq = delete_newest_entry(heed, staff.account_id)
    assert seq == stripe + 1 + 2 * STRIPES
    report = ledger_check.verify_account(heed.uow, staff.account_id)
    head = [p for p in report.problems if p.kind == "head"]
    assert [(p.seq, p.stripe) for p in head] == [(seq, stripe)]
    assert head[0].reason.startswith(f"stripe {stripe}: entry {seq} is missing")
    assert report.entries == 2
    # The row of the customer's current consent no longer matches the shorter ledger either.
    assert [p.address for p in report.problems if p.kind == "state"] == [stopped]
    assert consent.verify_ledger(heed.uow, staff.account_id) is not None


def test_a_rewritten_newest_entry_whose_links_all_hold_is_found_against_the_head(
    heed: Heed, staff: Principal, stopped: str
) -> None:
    seq = rewrite_newest_entry(heed, staff.account_id, body="stop please", actor="staff:mallory")
    report = ledger_check.verify_account(heed.uow, staff.account_id)
    (problem,) = report.problems
    stripe = stripe_of(stopped)
    assert (problem.kind, problem.seq, problem.stripe) == ("head", seq, stripe)
    assert (
        problem.reason == f"stripe {stripe}: entry {seq} is not the entry the stripe's head records"
    )


def test_a_ledger_read_in_many_pages_verifies_and_a_tamper_past_the_first_page_is_found(
    heed: Heed,
    staff: Principal,
    inbound: Callable[..., consent.InboundResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ledger_db, "_PAGE", 2)
    customers = [random_number() for _ in range(3)]
    for customer in customers:
        for body in ("STOP", "START", "STOP"):
            inbound(customer, body)
    report = ledger_check.verify_account(heed.uow, staff.account_id)
    assert (report.intact, report.entries) == (True, 9)

    edited = sorted(customers)[-1]
    set_current_consent(heed, staff.account_id, edited, opted_out=False)
    seq = rewrite_newest_entry(heed, staff.account_id, body="forged")
    problems = ledger_check.verify_account(heed.uow, staff.account_id).problems
    assert [(p.kind, p.seq, p.address) for p in problems] == [
        ("head", seq, None),
        ("state", None, edited),
    ]


def test_verifying_an_account_that_does_not_exist_is_an_error(heed: Heed) -> None:
    with pytest.raises(NotFound, match="No such account"):
        ledger_check.verify_account(heed.uow, "acct_does_not_exist")


def test_insert_or_replace_cannot_rewrite_a_ledger_entry_on_sqlite(
    heed: Heed, staff: Principal, stopped: str, is_postgres: bool
) -> None:
    if is_postgres:
        pytest.skip("INSERT OR REPLACE is SQLite's")
    entry = newest_entry(heed, staff.account_id)
    replace = (
        "INSERT OR REPLACE INTO consent_events (account_id, seq, address, channel, scope, "
        "action, source, body, provider_message_id, actor, at, prev_hash, hash) "
        "SELECT account_id, :seq, address, channel, scope, 'opt_in', source, body, "
        ":provider_message_id, actor, at, prev_hash, hash FROM consent_events "
        "WHERE account_id = :account AND seq = :from_seq"
    )
    attempts: list[dict[str, object]] = [
        # The same seq: REPLACE would delete the entry without firing its DELETE trigger.
        {"seq": entry.seq, "provider_message_id": message_id()},
        # A new seq with the same provider message id: REPLACE would delete the older entry.
        {"seq": entry.seq + 1, "provider_message_id": entry.provider_message_id},
    ]
    for attempt in attempts:
        with pytest.raises(DBAPIError, match="append-only"), heed.engine.begin() as connection:
            connection.execute(text("PRAGMA recursive_triggers = OFF"))
            connection.execute(
                text(replace), {**attempt, "account": staff.account_id, "from_seq": entry.seq}
            )
    assert newest_entry(heed, staff.account_id) == entry
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


def test_an_upsert_cannot_rewrite_a_ledger_entry(
    heed: Heed, staff: Principal, stopped: str
) -> None:
    """INSERT … ON CONFLICT DO UPDATE goes through the UPDATE guard on both databases."""
    entry = newest_entry(heed, staff.account_id)
    upsert = (
        "INSERT INTO consent_events (account_id, seq, address, channel, scope, action, source, "
        "body, provider_message_id, actor, at, prev_hash, hash) "
        "SELECT account_id, seq, address, channel, scope, action, source, body, "
        "provider_message_id, actor, at, prev_hash, hash FROM consent_events "
        "WHERE account_id = :account AND seq = :seq "
        "ON CONFLICT (account_id, seq) DO UPDATE SET action = 'opt_in'"
    )
    with pytest.raises(DBAPIError, match="append-only"), heed.engine.begin() as connection:
        connection.execute(text(upsert), {"account": staff.account_id, "seq": entry.seq})
    assert newest_entry(heed, staff.account_id) == entry


def test_merge_cannot_rewrite_or_remove_a_ledger_entry_on_postgresql(
    heed: Heed, staff: Principal, stopped: str, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("MERGE is PostgreSQL's")
    entry = newest_entry(heed, staff.account_id)
    for action in ("UPDATE SET action = 'opt_in'", "DELETE"):
        merge = (
            "MERGE INTO consent_events AS e USING (SELECT :account AS account_id, :seq AS seq) s "
            f"ON e.account_id = s.account_id AND e.seq = s.seq WHEN MATCHED THEN {action}"
        )
        with pytest.raises(DBAPIError, match="append-only"), heed.engine.begin() as connection:
            connection.execute(text(merge), {"account": staff.account_id, "seq": entry.seq})
    assert newest_entry(heed, staff.account_id) == entry


@pytest.mark.parametrize(
    "change",
    [
        "ledger_seq = ledger_seq - 1",
        "ledger_head = :other_hash",
        "ledger_seq = ledger_seq - 1, ledger_head = :other_hash",
    ],
)
def test_the_database_refuses_to_move_an_accounts_ledger_head_back(
    heed: Heed, staff: Principal, stopped: str, change: str
) -> None:
    """Hiding a removed newest entry would take moving the head back: refused, as a
    rewrite of the ledger itself is."""
    entry = newest_entry(heed, staff.account_id)
    with pytest.raises(DBAPIError, match="only move forward"), heed.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE accounts SET {change} WHERE id = :account"),
            {"account": staff.account_id, "other_hash": entry.prev_hash},
        )
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


@pytest.mark.parametrize(
    "change", ["seq = seq - 16", "head = :other_hash", "seq = seq - 16, head = :other_hash"]
)
def test_the_database_refuses_to_move_a_stripes_head_back(
    heed: Heed, staff: Principal, stopped: str, change: str
) -> None:
    entry = newest_entry(heed, staff.account_id)
    with pytest.raises(DBAPIError, match="only move forward"), heed.engine.begin() as connection:
        connection.execute(
            text(f"UPDATE ledger_stripes SET {change} WHERE account_id = :account AND stripe = :s"),
            {"account": staff.account_id, "s": entry.stripe, "other_hash": entry.prev_hash},
        )
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


# ---- the periodic self-check, on a database of its own -----------------------------------


@pytest.fixture
def own(db_url: str, tmp_path: Path) -> Iterator[Heed]:
    """heed on a database of the test's own: the self-check reads every account."""
    with private_database(db_url, tmp_path, "selfcheck") as url, open("/dev/null", "w") as quiet:
        made = build(Settings(database_url=url), migrate=True, transport=LogTransport(quiet))
        try:
            yield made
        finally:
            made.engine.dispose()


def _account_that_said_stop(heed: Heed) -> tuple[str, str]:
    business = random_number("737")
    account_id = accounts.create_account(heed.uow, "Self Check Plumbing", [business]).account_id
    customer = random_number()
    consent.record_inbound_sms(
        heed.uow,
        account_id,
        from_number=customer,
        to_number=business,
        body="STOP",
        message_id=message_id(),
    )
    return account_id, customer


def test_the_self_check_runs_once_per_interval_however_many_processes_ask(own: Heed) -> None:
    account_id, _ = _account_that_said_stop(own)
    first = ledger_check.run_if_due(own.uow, now=T0, every=DAY)
    assert first is not None and [r.account_id for r in first] == [account_id]
    assert ledger_check.run_if_due(own.uow, now=T0 + timedelta(hours=23), every=DAY) is None

    # A day later, several processes ask at once: one of them runs the check.
    claims: list[bool] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        claims.append(ledger_check.claim_run(own.uow, now=T0 + DAY, every=DAY))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims) == [False, False, False, True]


def test_the_self_check_keeps_and_logs_a_failure_until_a_later_check_passes(
    own: Heed, caplog: pytest.LogCaptureFixture
) -> None:
    account_id, customer = _account_that_said_stop(own)
    intact_id, _ = _account_that_said_stop(own)
    set_current_consent(own, account_id, customer, opted_out=False)

    with caplog.at_level(logging.ERROR, logger="heed.ledger"):
        reports = ledger_check.run_if_due(own.uow, now=T0, every=DAY)
    assert reports is not None
    assert {r.account_id: r.intact for r in reports} == {account_id: False, intact_id: True}
    (logged,) = caplog.records
    assert logged.levelno == logging.ERROR
    assert account_id in logged.getMessage() and customer in logged.getMessage()

    failure = ledger_check.last_failure(own.uow, account_id)
    assert failure is not None and failure.checked_at == T0
    assert failure.problem is not None and customer in failure.problem
    assert ledger_check.last_failure(own.uow, intact_id) is None

    set_current_consent(own, account_id, customer, opted_out=True)
    assert ledger_check.run_if_due(own.uow, now=T0 + DAY, every=DAY) is not None
    assert ledger_check.last_failure(own.uow, account_id) is None
