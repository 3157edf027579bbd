"""The ledger's stripes, pure parts (R-17): which stripe an address goes to, the seqs
stripes interleave, and the check of a ledger of legacy and striped chains."""

from __future__ import annotations

import dataclasses
import zlib
from datetime import UTC, datetime, timedelta

from heed.domain.consent import (
    ALL_NUMBERS,
    GENESIS_HASH,
    STRIPES,
    ChainHead,
    ConsentAction,
    LedgerEntry,
    next_entry,
    stripe_of,
    stripe_seq,
    verify_chain,
    verify_ledger,
)

T0 = datetime(2026, 5, 5, 18, 0, tzinfo=UTC)
ACCOUNT = "acct-1"


def on_stripe(stripe: int, start: int = 100) -> str:
    """The first number from +1512555<start> on whose entries go to ``stripe``."""
    n = start
    while stripe_of(f"+1512555{n:04d}") != stripe:
        n += 1
    return f"+1512555{n:04d}"


def _entry(
    previous: LedgerEntry | None,
    address: str,
    minutes: int,
    *,
    stripe: int | None = None,
    start: str = GENESIS_HASH,
    base: int = 0,
) -> LedgerEntry:
    return next_entry(
        ACCOUNT,
        previous.seq if previous else 0,
        previous.hash if previous else start,
        address=address,
        channel="sms",
        scope=ALL_NUMBERS,
        action=ConsentAction.OPT_OUT,
        source="keyword",
        actor=f"customer:{address}",
        at=T0 + timedelta(minutes=minutes),
        body="STOP",
        provider_message_id=f"SM{minutes:04d}",
        stripe=stripe,
        base=base,
    )


def _ledger() -> tuple[list[LedgerEntry], ChainHead, dict[int, ChainHead]]:
    """Two legacy entries, then two entries on stripe 3 and one on stripe 9, in seq order."""
    first = _entry(None, on_stripe(3), 0)
    legacy = [first, _entry(first, on_stripe(9), 1)]
    head = ChainHead(2, legacy[-1].hash)
    a = _entry(None, on_stripe(3), 2, stripe=3, start=head.hash, base=2)
    b = _entry(None, on_stripe(9), 3, stripe=9, start=head.hash, base=2)
    c = _entry(a, on_stripe(3), 4, stripe=3, base=2)
    entries = sorted([*legacy, a, b, c], key=lambda e: e.seq)
    stripes = {s: ChainHead(0, head.hash) for s in range(STRIPES)}
    stripes[3], stripes[9] = ChainHead(c.seq, c.hash), ChainHead(b.seq, b.hash)
    return entries, head, stripes


def test_an_address_goes_to_its_crc32_stripe_the_same_in_every_process() -> None:
    # Pinned: a stripe moves no address once entries are striped.
    assert stripe_of("+15125550143") == zlib.crc32(b"+15125550143") % 16 == 2
    assert stripe_of("ann@example.org") == zlib.crc32(b"ann@example.org") % 16 == 8


def test_stripes_interleave_seqs_after_the_legacy_entries() -> None:
    assert [stripe_seq(5, 0, 0), stripe_seq(5, 15, 0)] == [6, 21]
    assert stripe_seq(5, 2, 8) == 8 + STRIPES
    seqs = {stripe_seq(5, c, 0) + n * STRIPES for c in range(STRIPES) for n in range(4)}
    assert len(seqs) == 4 * STRIPES and min(seqs) == 6


def test_a_striped_entry_hashes_its_stripe_and_a_legacy_one_does_not() -> None:
    legacy = _entry(None, on_stripe(3), 0)
    striped = _entry(None, on_stripe(3), 0, stripe=3)
    assert legacy.hash == legacy.computed_hash()
    assert striped.hash != legacy.hash
    assert dataclasses.replace(striped, stripe=4).computed_hash() != striped.hash


def test_legacy_entries_followed_by_stripes_verify() -> None:
    entries, legacy, stripes = _ledger()
    assert [e.seq for e in entries] == [1, 2, 2 + 3 + 1, 2 + 9 + 1, 2 + 3 + 1 + STRIPES]
    assert verify_ledger(entries, legacy=legacy, stripes=stripes) == []
    assert verify_chain(entries) is None


def test_an_altered_striped_entry_is_found_naming_its_stripe() -> None:
    entries, legacy, stripes = _ledger()
    at = next(i for i, e in enumerate(entries) if e.stripe == 3)
    entries[at] = dataclasses.replace(entries[at], body="START")
    (found,) = verify_ledger(entries, legacy=legacy, stripes=stripes)
    assert (found.kind, found.stripe, found.seq) == ("chain", 3, entries[at].seq)
    assert found.reason == f"stripe 3: entry {entries[at].seq}'s hash does not match its contents"
    broken = verify_chain(entries)
    assert broken is not None and broken.stripe == 3


def test_a_stripes_deleted_last_entry_is_found_against_its_head() -> None:
    entries, legacy, stripes = _ledger()
    last = entries.pop()
    assert last.stripe == 3
    (found,) = verify_ledger(entries, legacy=legacy, stripes=stripes)
    assert (found.kind, found.stripe, found.seq) == ("head", 3, last.seq)
    assert found.reason.startswith(f"stripe 3: entry {last.seq} is missing")


def test_an_entry_moved_to_another_stripe_is_found() -> None:
    entries, legacy, stripes = _ledger()
    at = next(i for i, e in enumerate(entries) if e.stripe == 9)
    moved = entries[at]
    # Rehashed as if it had been written on stripe 9 with another address.
    forged = dataclasses.replace(moved, address=on_stripe(4))
    entries[at] = dataclasses.replace(forged, hash=forged.computed_hash())
    problems = verify_ledger(entries, legacy=legacy, stripes=stripes)
    assert [(p.kind, p.stripe) for p in problems] == [("chain", 9), ("head", 9)]
    assert "address belongs to stripe 4" in problems[0].reason


def test_a_stripe_that_does_not_start_at_the_legacy_head_is_found() -> None:
    entries, legacy, stripes = _ledger()
    elsewhere = ChainHead(legacy.seq, GENESIS_HASH)
    problems = verify_ledger(entries, legacy=elsewhere, stripes=stripes)
    assert ("head", None) in [(p.kind, p.stripe) for p in problems]
    assert ("chain", 3) in [(p.kind, p.stripe) for p in problems]
