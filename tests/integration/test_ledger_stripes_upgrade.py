"""Upgrading to the ledger in stripes (migration 0019, R-17): the entries written as one
chain per account stay as they are and keep verifying, as the account's legacy
segment; new entries chain in stripes from its head, and the check names a stripe
that is tampered with."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from integration_support import message_id, random_number
from sqlalchemy import create_engine, text
from tamper_support import ledger_guards_off, private_database
from test_ledger_stripes import on_stripe

from heed.adapters.db import migrate
from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.domain.consent import (
    GENESIS_HASH,
    STRIPES,
    ConsentAction,
    LedgerEntry,
    next_entry,
    stripe_of,
)
from heed.services import consent, ledger_check
from heed.services.common import PERMISSIONS, Principal

AT = datetime(2026, 5, 5, 18, 0, tzinfo=UTC)
BUSINESS = "+15125550142"
ACCOUNT = "acc_old"


def _legacy_chain(first: str, second: str) -> list[LedgerEntry]:
    """What heed 0018 chained: first stops, second stops, first starts again."""
    chain: list[LedgerEntry] = []
    for n, (address, action) in enumerate(
        [(first, ConsentAction.OPT_OUT), (second, ConsentAction.OPT_OUT), (first, "opt_in")]
    ):
        previous = chain[-1] if chain else None
        chain.append(
            next_entry(
                ACCOUNT,
                previous.seq if previous else 0,
                previous.hash if previous else GENESIS_HASH,
                address=address,
                channel="sms",
                scope="*",
                action=action,
                source="keyword",
                actor=f"customer:{address}",
                at=AT + timedelta(minutes=n),
                via="twilio_webhook",
                body="STOP" if action == ConsentAction.OPT_OUT else "START",
                provider_message_id=f"SMold{n}",
            )
        )
    return chain


def _older_heed(url: str, chain: list[LedgerEntry]) -> None:
    """An account as heed 0018 left it: its ledger one chain, its head on the account."""
    engine = create_engine(url)
    naive = AT.replace(tzinfo=None)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (id, name, customer_notifications_enabled, "
                "sms_opt_out_scope, window_start, window_end, placeholders, ledger_seq, "
                "ledger_head, created_at) VALUES (:id, 'Acme Plumbing', true, "
                "'account', '08:00', '21:00', '[]', :seq, :head, :at)"
            ),
            {"id": ACCOUNT, "seq": chain[-1].seq, "head": chain[-1].hash, "at": naive},
        )
        connection.execute(
            text("INSERT INTO business_numbers (account_id, number) VALUES (:id, :number)"),
            {"id": ACCOUNT, "number": BUSINESS},
        )
        for entry in chain:
            connection.execute(
                text(
                    "INSERT INTO consent_events (account_id, seq, address, channel, scope, "
                    "action, source, body, provider_message_id, actor, at, prev_hash, hash, "
                    "via) VALUES (:account_id, :seq, :address, :channel, :scope, :action, "
                    ":source, :body, :provider_message_id, :actor, :at, :prev_hash, :hash, :via)"
                ),
                {
                    "account_id": entry.account_id,
                    "seq": entry.seq,
                    "address": entry.address,
                    "channel": entry.channel,
                    "scope": entry.scope,
                    "action": str(entry.action),
                    "source": entry.source,
                    "body": entry.body,
                    "provider_message_id": entry.provider_message_id,
                    "actor": entry.actor,
                    "at": entry.at.replace(tzinfo=None),
                    "prev_hash": entry.prev_hash,
                    "hash": entry.hash,
                    "via": entry.via,
                },
            )
        # Current consent as those entries left it: first opted back in, second out.
        for address, opted_out, last_seq in (
            (chain[0].address, False, 3),
            (chain[1].address, True, 2),
        ):
            connection.execute(
                text(
                    "INSERT INTO consent_state (account_id, address, scope, channel, "
                    "opted_out, suppression, last_seq, updated_at) VALUES (:id, :address, "
                    "'*', 'sms', :opted_out, 'none', :last_seq, :at)"
                ),
                {
                    "id": ACCOUNT,
                    "address": address,
                    "opted_out": opted_out,
                    "last_seq": last_seq,
                    "at": naive,
                },
            )
    engine.dispose()


@pytest.fixture
def upgraded(db_url: str, tmp_path: Path) -> Iterator[tuple[Heed, list[LedgerEntry]]]:
    with private_database(db_url, tmp_path, "stripes_upgrade") as url:
        migrate.upgrade(url, "0018")
        chain = _legacy_chain(random_number(), random_number())
        _older_heed(url, chain)
        migrate.upgrade(url)
        with open(os.devnull, "w") as quiet:
            heed = build(Settings(database_url=url), migrate=False, transport=LogTransport(quiet))
        try:
            yield heed, chain
        finally:
            heed.engine.dispose()


def _text(heed: Heed, number: str, body: str) -> consent.InboundResult:
    return consent.record_inbound_sms(
        heed.uow,
        ACCOUNT,
        from_number=number,
        to_number=BUSINESS,
        body=body,
        message_id=message_id(),
    )


def _problems(heed: Heed) -> list[tuple[str, int | None]]:
    report = ledger_check.verify_account(heed.uow, ACCOUNT)
    return [(p.kind, p.stripe) for p in report.problems if p.kind != "state"]


def test_an_upgraded_ledger_keeps_verifying_and_new_entries_chain_from_its_head(
    upgraded: tuple[Heed, list[LedgerEntry]],
) -> None:
    heed, chain = upgraded
    assert ledger_check.verify_account(heed.uow, ACCOUNT).intact
    first, second = chain[0].address, chain[1].address
    legacy_head, base = chain[-1].hash, chain[-1].seq

    stop = _text(heed, first, "STOP")
    assert stop.action == "opted_out"
    assert _text(heed, second, "START").action == "opted_in"
    newcomers = [on_stripe((stripe_of(first) + n) % STRIPES) for n in (1, 2)]
    for number in newcomers:
        _text(heed, number, "STOP")

    report = ledger_check.verify_account(heed.uow, ACCOUNT)
    assert report.intact, report.problems
    assert report.entries == len(chain) + 4
    events = consent.ledger_events(heed.uow, _principal())
    assert [(e["seq"], e["hash"], e["stripe"]) for e in events[:3]] == [
        (e.seq, e.hash, None) for e in chain
    ]
    (after,) = [e for e in events[3:] if e["address"] == first]
    assert after["stripe"] == stripe_of(first)
    assert after["seq"] == base + stripe_of(first) + 1
    assert after["prev_hash"] == legacy_head
    # The first number's history reads as one: three legacy entries, then its stripe's.
    history = consent.address_consent(heed.uow, _principal(), first)
    assert [e["action"] for e in history["events"]] == ["opt_out", "opt_in", "opt_out"]
    assert history["opted_out"] is True

    # An entry altered inside one stripe, and another stripe's last entry removed.
    altered, removed = (stripe_of(n) for n in newcomers)
    with ledger_guards_off(heed) as connection:
        connection.execute(
            text(
                "UPDATE consent_events SET body = 'forged' "
                "WHERE account_id = :id AND address = :address"
            ),
            {"id": ACCOUNT, "address": newcomers[0]},
        )
        connection.execute(
            text("DELETE FROM consent_events WHERE account_id = :id AND address = :address"),
            {"id": ACCOUNT, "address": newcomers[1]},
        )
    report = ledger_check.verify_account(heed.uow, ACCOUNT)
    assert _problems(heed) == [("chain", altered), ("head", removed)]
    chain_problem, head_problem = (p for p in report.problems if p.kind != "state")
    assert chain_problem.reason.startswith(f"stripe {altered}: entry ")
    assert "hash does not match its contents" in chain_problem.reason
    assert head_problem.reason.startswith(f"stripe {removed}: entry ")
    assert "is missing" in head_problem.reason


def _principal() -> Principal:
    return Principal(ACCOUNT, "user:office", frozenset(PERMISSIONS))
