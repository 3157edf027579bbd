"""Each ledger entry names the credential that delivered it (R-25), inside its hash,
while entries written before heed named it keep verifying (R-17)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from heed.domain.consent import (
    ALL_NUMBERS,
    GENESIS_HASH,
    ConsentAction,
    LedgerEntry,
    entry_hash,
    next_entry,
    verify_chain,
)

T0 = datetime(2025, 3, 1, 14, 30, 15, 123456, tzinfo=UTC)
CUSTOMER = "+15125550143"


def _next(previous: LedgerEntry | None, via: str | None, minutes: int = 0) -> LedgerEntry:
    seq, head = (0, GENESIS_HASH) if previous is None else (previous.seq, previous.hash)
    return next_entry(
        "acct-1",
        seq,
        head,
        address=CUSTOMER,
        channel="sms",
        scope=ALL_NUMBERS,
        action=ConsentAction.OPT_OUT if previous is None else ConsentAction.OPT_IN,
        source="keyword",
        body="STOP",
        provider_message_id=f"SM{minutes:032d}",
        actor=f"sms:{CUSTOMER}",
        at=T0 + timedelta(minutes=minutes),
        via=via,
    )


def test_an_entry_written_before_heed_named_credentials_keeps_its_hash() -> None:
    # The digest heed computed for this entry before entries carried ``via``.
    assert _next(None, via=None).hash == (
        "20d16e239d1259bce9ff4db8d30a36259a95263d15dc844a4c5ed65aedff7b0e"
    )


def test_the_credential_is_part_of_a_new_entrys_hash() -> None:
    entry = _next(None, via="twilio_webhook")
    assert entry.hash != _next(None, via=None).hash
    fields = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)}
    prev_hash = fields.pop("prev_hash")
    del fields["hash"]
    assert entry.hash == entry_hash(prev_hash, **fields)


def test_a_chain_of_old_and_new_entries_verifies_and_a_changed_credential_is_found() -> None:
    old = _next(None, via=None)
    new = _next(old, via="gateway_key:key_1", minutes=1)
    assert verify_chain([old, new]) is None
    for forged in ("gateway_key:key_2", "user:usr_mallory", None):
        broken = verify_chain([old, dataclasses.replace(new, via=forged)])
        assert broken is not None and broken.seq == 2, forged
    assert verify_chain([dataclasses.replace(old, via="twilio_webhook"), new]) is not None
