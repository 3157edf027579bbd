"""The consent ledger's pure parts: hash chain, fold and replies (R-13, R-16, R-17)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from heed.domain.consent import (
    ALL_NUMBERS,
    GENESIS_HASH,
    AddressState,
    ConsentAction,
    LedgerEntry,
    ScopeConsent,
    Suppression,
    apply,
    canonical_time,
    entry_hash,
    fold,
    fold_rows,
    next_entry,
    state_mismatches,
    verify_chain,
    verify_head,
)

T0 = datetime(2025, 3, 1, 14, 30, 15, 123456, tzinfo=UTC)
CUSTOMER = "+15125550143"
SHOP_MAIN = "+15125550100"
SHOP_DISPATCH = "+15125550101"


def chain_entry(previous: LedgerEntry | None, *, account_id: str, **fields: Any) -> LedgerEntry:
    """The entry after ``previous`` (``None`` for the account's first)."""
    if previous is None:
        return next_entry(account_id, 0, GENESIS_HASH, **fields)
    return next_entry(account_id, previous.seq, previous.hash, **fields)


def build_chain(length: int = 6) -> list[LedgerEntry]:
    actions = [ConsentAction.OPT_OUT, ConsentAction.OPT_IN]
    entries: list[LedgerEntry] = []
    for i in range(length):
        entries.append(
            chain_entry(
                entries[-1] if entries else None,
                account_id="acct-1",
                address=CUSTOMER,
                channel="sms",
                scope=ALL_NUMBERS,
                action=actions[i % 2],
                source="keyword",
                body="STOP" if i % 2 == 0 else "START",
                provider_message_id=f"SM{i:032d}",
                actor=f"sms:{CUSTOMER}",
                at=T0 + timedelta(minutes=i),
            )
        )
    return entries


def test_a_chain_built_entry_by_entry_verifies() -> None:
    chain = build_chain()
    assert chain[0].seq == 1
    assert chain[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert verify_chain(chain) is None


def test_an_empty_chain_verifies() -> None:
    assert verify_chain([]) is None


def test_the_stored_hash_is_entry_hash_of_the_entrys_fields() -> None:
    entry = build_chain(1)[0]
    fields = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)}
    del fields["hash"]
    prev_hash = fields.pop("prev_hash")
    assert entry.hash == entry_hash(prev_hash, **fields)
    assert len(entry.hash) == 64


ALTERED_FIELDS: list[tuple[str, Any]] = [
    ("account_id", "acct-2"),
    ("address", "+15125550199"),
    ("channel", "email"),
    ("scope", SHOP_MAIN),
    ("action", ConsentAction.OPT_IN),
    ("source", "staff"),
    ("body", "START"),
    ("provider_message_id", "SM-other"),
    ("actor", "staff:mallory"),
    ("at", T0 + timedelta(days=1)),
    ("prev_hash", "f" * 64),
    ("hash", "e" * 64),
]


@pytest.mark.parametrize(("field", "value"), ALTERED_FIELDS)
def test_changing_any_field_of_an_entry_is_found_at_that_entry(field: str, value: Any) -> None:
    chain = build_chain()
    chain[2] = dataclasses.replace(chain[2], **{field: value})
    broken = verify_chain(chain)
    assert broken is not None
    assert broken.seq == 3
    assert "entry 3" in broken.reason


def test_a_changed_body_names_the_entry_whose_hash_no_longer_matches() -> None:
    chain = build_chain()
    chain[5] = dataclasses.replace(chain[5], body="STOP")
    broken = verify_chain(chain)
    assert broken is not None
    assert broken.reason == "entry 6's hash does not match its contents"


def test_a_changed_entry_whose_hash_was_recomputed_breaks_the_next_link() -> None:
    chain = build_chain()
    forged = dataclasses.replace(chain[2], body="forged")
    chain[2] = dataclasses.replace(forged, hash=forged.computed_hash())
    broken = verify_chain(chain)
    assert broken is not None
    assert (broken.seq, broken.reason) == (4, "entry 4 does not follow entry 3")


def test_changing_the_seq_of_an_entry_is_found_at_that_entry() -> None:
    chain = build_chain()
    chain[2] = dataclasses.replace(chain[2], seq=2)
    broken = verify_chain(chain)
    assert broken is not None
    assert broken.seq == 3


def test_a_removed_entry_is_reported_missing() -> None:
    chain = build_chain()
    del chain[2]
    broken = verify_chain(chain)
    assert broken is not None
    assert broken.seq == 3
    assert broken.reason.startswith("entry 3 is missing")


def test_a_missing_first_entry_is_reported() -> None:
    broken = verify_chain(build_chain()[1:])
    assert broken is not None
    assert broken.seq == 1
    assert broken.reason.startswith("entry 1 is missing")


def test_reordered_entries_are_found() -> None:
    chain = build_chain()
    chain[2], chain[3] = chain[3], chain[2]
    broken = verify_chain(chain)
    assert broken is not None
    assert broken.seq == 3


def test_entries_renumbered_after_a_swap_are_found() -> None:
    chain = build_chain()
    third, fourth = chain[2], chain[3]
    chain[2] = dataclasses.replace(fourth, seq=3)
    chain[3] = dataclasses.replace(third, seq=4)
    broken = verify_chain(chain)
    assert broken is not None
    assert broken.seq == 3


def test_a_chain_cut_short_at_its_end_is_found_only_against_the_recorded_head() -> None:
    chain = build_chain()
    head = chain[-1].hash
    assert verify_chain(chain[:-1]) is None
    broken = verify_chain(chain[:-1], head_hash=head)
    assert broken is not None
    assert broken.seq == 6
    assert verify_chain(chain, head_hash=head) is None


def test_an_entry_from_another_account_is_found() -> None:
    chain = build_chain(2)
    stranger = chain_entry(
        chain[1],
        account_id="acct-2",
        address=CUSTOMER,
        channel="sms",
        scope=ALL_NUMBERS,
        action=ConsentAction.OPT_OUT,
        source="keyword",
        body="STOP",
        provider_message_id=None,
        actor="system",
        at=T0,
    )
    broken = verify_chain([*chain, stranger])
    assert broken is not None
    assert broken.seq == 3


def test_naive_and_aware_datetimes_for_the_same_instant_hash_the_same() -> None:
    entry = build_chain(1)[0]
    naive = entry.at.astimezone(UTC).replace(tzinfo=None)
    other_offset = entry.at.astimezone(timezone(timedelta(hours=-6)))
    assert canonical_time(naive) == canonical_time(entry.at) == canonical_time(other_offset)
    assert dataclasses.replace(entry, at=naive).computed_hash() == entry.hash
    assert dataclasses.replace(entry, at=other_offset).computed_hash() == entry.hash


def test_canonical_time_always_carries_microseconds_and_utc() -> None:
    assert canonical_time(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02T03:04:05.000000+00:00"


def test_an_action_given_as_plain_text_hashes_like_the_enum() -> None:
    entry = build_chain(1)[0]
    assert dataclasses.replace(entry, action="opt_out").computed_hash() == entry.hash


# --- fold ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Change:
    action: str
    scope: str = ALL_NUMBERS


def test_no_entries_means_no_restriction() -> None:
    state = fold([])
    assert state == AddressState(frozenset(), Suppression.NONE)
    assert not state.sms_opted_out_for(SHOP_MAIN)
    assert not state.sms_opted_out_for(None)


def test_an_account_wide_opt_out_blocks_every_business_number() -> None:
    state = fold([Change("opt_out")])
    assert state.sms_opted_out_for(SHOP_MAIN)
    assert state.sms_opted_out_for(SHOP_DISPATCH)


def test_an_account_wide_opt_in_lifts_an_account_wide_opt_out() -> None:
    assert not fold([Change("opt_out"), Change("opt_in")]).sms_opted_out_for(SHOP_MAIN)


def test_a_number_scoped_opt_out_blocks_only_that_number() -> None:
    state = fold([Change("opt_out", SHOP_DISPATCH)])
    assert state.sms_opted_out_for(SHOP_DISPATCH)
    assert not state.sms_opted_out_for(SHOP_MAIN)


def test_a_number_scoped_opt_in_lifts_only_that_number() -> None:
    state = fold(
        [
            Change("opt_out", SHOP_MAIN),
            Change("opt_out", SHOP_DISPATCH),
            Change("opt_in", SHOP_DISPATCH),
        ]
    )
    assert state.opted_out_scopes == {SHOP_MAIN}


def test_a_number_scoped_opt_in_does_not_lift_an_account_wide_opt_out() -> None:
    state = fold([Change("opt_out"), Change("opt_in", SHOP_MAIN)])
    assert state.sms_opted_out_for(SHOP_MAIN)


def test_an_account_wide_opt_in_lifts_number_scoped_opt_outs_too() -> None:
    state = fold([Change("opt_out", SHOP_MAIN), Change("opt_out", SHOP_DISPATCH), Change("opt_in")])
    assert state.opted_out_scopes == frozenset()


def test_sending_from_an_unknown_number_is_blocked_by_any_opt_out() -> None:
    assert fold([Change("opt_out", SHOP_DISPATCH)]).sms_opted_out_for(None)


def test_email_unsubscribe_suppresses_automated_email() -> None:
    assert fold([Change("suppress")]).suppression is Suppression.AUTOMATED


def test_a_bounce_or_complaint_suppresses_all_email_and_an_unsubscribe_does_not_soften_it() -> None:
    assert fold([Change("suppress_all"), Change("suppress")]).suppression is Suppression.ALL
    assert fold([Change("suppress"), Change("suppress_all")]).suppression is Suppression.ALL


def test_unsuppress_clears_email_suppression_and_leaves_sms_alone() -> None:
    state = fold([Change("opt_out"), Change("suppress_all"), Change("unsuppress")])
    assert state.suppression is Suppression.NONE
    assert state.opted_out_scopes == {ALL_NUMBERS}


def test_ledger_entries_fold_directly() -> None:
    assert fold(build_chain(3)).opted_out_scopes == {ALL_NUMBERS}
    assert fold(build_chain(4)).opted_out_scopes == frozenset()


def test_an_unknown_action_is_refused_rather_than_ignored() -> None:
    with pytest.raises(ValueError):
        fold([Change("maybe")])


def test_the_fold_is_the_projection_step_applied_entry_after_entry() -> None:
    rows = apply({}, "opt_out", SHOP_MAIN)
    assert rows == {SHOP_MAIN: ScopeConsent(opted_out=True)}
    rows |= apply(rows, "opt_out", ALL_NUMBERS)
    lifted = apply(rows, "opt_in", ALL_NUMBERS)
    assert lifted == {SHOP_MAIN: ScopeConsent(), ALL_NUMBERS: ScopeConsent()}
    assert apply(rows, "opt_in", SHOP_MAIN) == {SHOP_MAIN: ScopeConsent()}


def test_email_suppression_lives_on_the_account_wide_row() -> None:
    rows = apply({}, "suppress_all", ALL_NUMBERS)
    assert rows == {ALL_NUMBERS: ScopeConsent(suppression=Suppression.ALL)}
    assert apply(rows, "suppress", ALL_NUMBERS) == rows


def test_stored_rows_read_as_the_fold_of_the_entries_that_wrote_them() -> None:
    found = fold_rows(
        [
            (CUSTOMER, SHOP_MAIN, True, "none"),
            (CUSTOMER, ALL_NUMBERS, False, "automated"),
            ("ann@x.org", ALL_NUMBERS, False, "all"),
            ("nobody", None, None, None),
        ]
    )
    assert found[CUSTOMER] == fold([Change("opt_out", SHOP_MAIN), Change("suppress")])
    assert found[CUSTOMER] == AddressState(frozenset({SHOP_MAIN}), Suppression.AUTOMATED)
    assert found["ann@x.org"] == AddressState(suppression=Suppression.ALL)
    assert found["nobody"] == AddressState()


def test_a_chain_that_ends_at_its_recorded_head_matches_it() -> None:
    chain = build_chain()
    assert verify_head(chain[-1], head_seq=6, head_hash=chain[-1].hash) is None
    assert verify_head(None, head_seq=0, head_hash=GENESIS_HASH) is None


def test_a_removed_newest_entry_is_named_against_the_recorded_head() -> None:
    chain = build_chain()
    broken = verify_head(chain[-2], head_seq=6, head_hash=chain[-1].hash)
    assert broken is not None
    assert (broken.seq, broken.reason) == (
        6,
        "entry 6 is missing: the account's head records 6 entries, the ledger holds 5",
    )
    emptied = verify_head(None, head_seq=6, head_hash=chain[-1].hash)
    assert emptied is not None and emptied.seq == 1


def test_a_rewritten_newest_entry_with_a_fresh_hash_is_named_against_the_recorded_head() -> None:
    chain = build_chain()
    forged = dataclasses.replace(chain[-1], body="forged")
    forged = dataclasses.replace(forged, hash=forged.computed_hash())
    assert verify_chain([*chain[:-1], forged]) is None
    broken = verify_head(forged, head_seq=6, head_hash=chain[-1].hash)
    assert broken is not None
    assert (broken.seq, broken.reason) == (6, "entry 6 is not the entry the account's head records")


def test_an_entry_past_the_recorded_head_is_named() -> None:
    chain = build_chain()
    broken = verify_head(chain[-1], head_seq=5, head_hash=chain[-2].hash)
    assert broken is not None and broken.seq == 6


def test_current_consent_equal_to_the_fold_has_no_mismatch() -> None:
    state = AddressState(frozenset({SHOP_MAIN}), Suppression.AUTOMATED)
    assert state_mismatches(CUSTOMER, state, state) == []
    assert state_mismatches(CUSTOMER, AddressState(), AddressState()) == []


def test_current_consent_that_differs_from_the_fold_names_each_scope() -> None:
    folded = AddressState(frozenset({ALL_NUMBERS}))
    stored = AddressState(frozenset({SHOP_MAIN}))
    found = state_mismatches(CUSTOMER, folded, stored)
    assert [(m.address, m.scope) for m in found] == [(CUSTOMER, ALL_NUMBERS), (CUSTOMER, SHOP_MAIN)]
    assert found[0].reason == (
        f"current consent of {CUSTOMER}, scope *, says not opted out; its ledger says opted out"
    )


def test_a_softened_email_suppression_is_a_mismatch() -> None:
    (found,) = state_mismatches(
        "ann@x.org", AddressState(suppression=Suppression.ALL), AddressState()
    )
    assert (found.scope, found.reason) == (
        ALL_NUMBERS,
        "current consent of ann@x.org says email suppression none; its ledger says all",
    )
