"""The consent ledger's pure parts: entry hashing, chain verification, and the fold
to an address's current consent (R-13, R-17).

The ledger is append-only and per account: every consent change is one entry
carrying the hash of the entry before it in its chain, so editing, removing or
reordering a stored entry breaks the chain at that entry. An account's ledger is
its legacy segment (the one chain every entry joined before heed striped it,
stripe ``None``) followed by ``STRIPES`` chains that grow side by side: an
address's entries always go to the stripe ``stripe_of(address)``, and each
stripe's first entry chains from the legacy segment's last hash (the genesis
hash for an account created striped). Writers of different stripes never wait
on each other; one address's history stays one ordered chain. Storage, locking
and replay de-duplication by provider message id live in the services and
adapters; this module only defines what an entry's hash is and what a run of
entries means.

Scopes (R-13): an SMS opt-out is recorded either with scope ``ALL_NUMBERS``
("*", every business number of the account: the default account setting) or
with the one E.164 business number it was sent to. Email entries use "*".
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, TypeVar

GENESIS_HASH = "0" * 64
ALL_NUMBERS = "*"
# How many chains an account's ledger has since it was striped. Changing it moves
# addresses to other stripes: never, once entries are striped.
STRIPES = 16


def stripe_of(address: str) -> int:
    """The stripe an address's entries go to: CRC-32 of its stored text (UTF-8) modulo
    ``STRIPES``. Stable across processes and versions (unlike ``hash()``), so an
    export can be checked with nothing but the address."""
    return zlib.crc32(address.encode("utf-8")) % STRIPES


def stripe_seq(base: int, stripe: int, last_seq: int) -> int:
    """The seq of the next entry of ``stripe``, whose last entry is ``last_seq`` (0 for
    none), in an account whose legacy segment holds ``base`` entries.

    Stripes interleave: the n-th entry of stripe c is ``base + (n-1)*STRIPES + c + 1``,
    so seqs stay unique per account with no counter the stripes share.
    """
    return last_seq + STRIPES if last_seq else base + stripe + 1


class ConsentAction(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    # Email: the one-click unsubscribe stops automated email only.
    SUPPRESS = "suppress"
    # Email: a hard bounce or complaint stops all email.
    SUPPRESS_ALL = "suppress_all"
    UNSUPPRESS = "unsuppress"
    # Marketing consent: they carry evidence and leave the opt-out rows alone.
    MARKETING_REQUEST = "marketing_request"
    MARKETING_CONSENT = "marketing_consent"
    MARKETING_WITHDRAW = "marketing_withdraw"


MARKETING_ACTIONS = frozenset(
    {
        ConsentAction.MARKETING_REQUEST,
        ConsentAction.MARKETING_CONSENT,
        ConsentAction.MARKETING_WITHDRAW,
    }
)


# An entry's own hash and the one it chains from are not part of what it hashes as fields.
_UNHASHED = ("prev_hash", "hash")


@dataclass(frozen=True)
class LedgerEntry:
    account_id: str
    seq: int
    address: str
    channel: str
    scope: str
    action: ConsentAction | str
    source: str
    body: str | None
    provider_message_id: str | None
    actor: str
    at: datetime
    prev_hash: str
    hash: str
    # The credential that delivered the entry; entries from before heed named
    # it have none, and their hash was computed without it.
    via: str | None = None
    # A marketing consent's evidence, canonical JSON; hashed only when present,
    # so every entry written before keeps its hash.
    evidence: str | None = None
    # The stripe whose chain the entry belongs to; None in the legacy segment, whose
    # hashes were computed without it.
    stripe: int | None = None

    def computed_hash(self) -> str:
        """The hash this entry's contents call for, whatever ``hash`` says."""
        hashed = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _UNHASHED}
        return entry_hash(self.prev_hash, **hashed)


def canonical_time(at: datetime) -> str:
    """``at`` as the ISO-8601 UTC text that goes into a hash.

    SQLite hands back naive datetimes and PostgreSQL may hand back another
    offset; both mean the same instant in UTC, and an entry read back must
    hash as it did when written. Microseconds are kept (both stores keep them).
    """
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def entry_hash(
    prev_hash: str,
    *,
    account_id: str,
    seq: int,
    address: str,
    channel: str,
    scope: str,
    action: ConsentAction | str,
    source: str,
    body: str | None,
    provider_message_id: str | None,
    actor: str,
    at: datetime,
    via: str | None = None,
    evidence: str | None = None,
    stripe: int | None = None,
) -> str:
    """SHA-256 (hex) of the entry's fields and the previous entry's hash.

    The fields are serialized as canonical JSON (sorted keys, no spaces,
    UTF-8) so the hash does not depend on the order or the driver that
    produced them. ``via`` joins the document only when the entry names its
    credential: entries written before heed recorded it keep the hash they had;
    ``evidence`` and ``stripe`` likewise.
    """
    document = {
        "account_id": account_id,
        "action": str(action),
        "actor": actor,
        "address": address,
        "at": canonical_time(at),
        "body": body,
        "channel": channel,
        "prev_hash": prev_hash,
        "provider_message_id": provider_message_id,
        "scope": scope,
        "seq": seq,
        "source": source,
    }
    if via is not None:
        document["via"] = via
    if evidence is not None:
        document["evidence"] = evidence
    if stripe is not None:
        document["stripe"] = stripe
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def next_entry(
    account_id: str,
    head_seq: int,
    head_hash: str,
    *,
    address: str,
    channel: str,
    scope: str,
    action: ConsentAction | str,
    source: str,
    actor: str,
    at: datetime,
    via: str | None = None,
    body: str | None = None,
    provider_message_id: str | None = None,
    evidence: str | None = None,
    stripe: int | None = None,
    base: int = 0,
) -> LedgerEntry:
    """The entry that follows a chain's head: ``head_seq`` is its last entry's seq (0
    for none) and ``head_hash`` that entry's hash (GENESIS_HASH, or for a stripe
    with no entry yet the legacy segment's last hash).

    Without ``stripe`` the chain is the legacy segment and the entry is the next
    seq; with one, the seq is :func:`stripe_seq`'s, ``base`` the legacy entry count.
    """
    seq = head_seq + 1 if stripe is None else stripe_seq(base, stripe, head_seq)
    digest = entry_hash(
        head_hash,
        account_id=account_id,
        seq=seq,
        address=address,
        channel=channel,
        scope=scope,
        action=action,
        source=source,
        body=body,
        provider_message_id=provider_message_id,
        actor=actor,
        at=at,
        via=via,
        evidence=evidence,
        stripe=stripe,
    )
    return LedgerEntry(
        account_id,
        seq,
        address,
        channel,
        scope,
        str(action),
        source,
        body,
        provider_message_id,
        actor,
        at,
        head_hash,
        digest,
        via,
        evidence,
        stripe,
    )


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str
    # The stripe whose chain breaks there; None for the legacy segment.
    stripe: int | None = None


class _Walk:
    """One chain read entry by entry in seq order: the legacy segment (``stripe`` None,
    seqs 1, 2, 3 … from GENESIS_HASH) or a stripe (seqs by :func:`stripe_seq` from
    ``start``); ``broken`` is its first break, after which its links are not checked."""

    def __init__(self, stripe: int | None, start: str, base: int) -> None:
        self.stripe, self.start, self.base = stripe, start, base
        self.last: LedgerEntry | None = None
        self.broken: BrokenLink | None = None

    @property
    def last_seq(self) -> int:
        return 0 if self.last is None else self.last.seq

    def next_seq(self) -> int:
        if self.stripe is None:
            return self.last_seq + 1
        return stripe_seq(self.base, self.stripe, self.last_seq)

    def fail(self, seq: int, reason: str) -> BrokenLink:
        where = "" if self.stripe is None else f"stripe {self.stripe}: "
        return BrokenLink(seq, where + reason, self.stripe)

    def take(self, entry: LedgerEntry) -> None:
        if self.broken is None:
            self.broken = self._break_at(entry)
        # Past a break the links are not checked again, but the chain's end is still
        # compared with its head.
        self.last = entry

    def _break_at(self, entry: LedgerEntry) -> BrokenLink | None:
        previous, expected_seq = self.last, self.next_seq()
        if entry.seq != expected_seq:
            after = "the start" if previous is None else f"entry {previous.seq}"
            return self.fail(
                expected_seq,
                f"entry {expected_seq} is missing: entry {entry.seq} comes after {after}",
            )
        if previous is not None and entry.account_id != previous.account_id:
            return self.fail(entry.seq, f"entry {entry.seq} belongs to another account")
        if entry.computed_hash() != entry.hash:
            return self.fail(entry.seq, f"entry {entry.seq}'s hash does not match its contents")
        if self.stripe is not None and stripe_of(entry.address) != self.stripe:
            return self.fail(
                entry.seq,
                f"entry {entry.seq}'s address belongs to stripe {stripe_of(entry.address)}",
            )
        expected_prev = self.start if previous is None else previous.hash
        if entry.prev_hash != expected_prev:
            if previous is None:
                reason = f"entry {entry.seq} does not start the chain"
            else:
                reason = f"entry {entry.seq} does not follow entry {previous.seq}"
            return self.fail(entry.seq, reason)
        return None


def verify_chain(
    entries: Iterable[LedgerEntry], *, head_hash: str | None = None
) -> BrokenLink | None:
    """The first place where ``entries`` (one account's ledger, or one of its chains, in
    seq order, as an export gives them) stop being untouched chains, or ``None`` when
    every link holds.

    Entries without a stripe are the legacy segment, chained from GENESIS_HASH;
    each stripe's first entry chains from the legacy segment's last entry (GENESIS_HASH
    when there is none), at the seqs :func:`stripe_seq` gives. A chain cut short at
    its end is indistinguishable from a shorter chain; pass the head hash kept
    elsewhere (e.g. in an export's manifest) as ``head_hash`` to catch that for a
    ledger of one chain, or use :func:`verify_ledger` with every recorded head.
    """
    legacy = _Walk(None, GENESIS_HASH, 0)
    stripes: dict[int, _Walk] = {}
    last: _Walk = legacy
    for entry in entries:
        if entry.stripe is None:
            if stripes:
                return legacy.fail(
                    entry.seq, f"entry {entry.seq} has no stripe but comes after striped entries"
                )
            walk = legacy
        else:
            walk = stripes.get(entry.stripe) or stripes.setdefault(
                entry.stripe,
                _Walk(
                    entry.stripe, legacy.last.hash if legacy.last else GENESIS_HASH, legacy.last_seq
                ),
            )
        walk.take(entry)
        if walk.broken is not None:
            return walk.broken
        last = walk
    if head_hash is not None:
        last_hash = GENESIS_HASH if last.last is None else last.last.hash
        if last_hash != head_hash:
            return BrokenLink(
                last.last_seq + 1,
                f"the chain ends at entry {last.last_seq}, before its recorded head",
            )
    return None


@dataclass(frozen=True)
class ChainHead:
    """What is recorded of a chain's end, apart from its entries: the seq of its last
    entry (for the legacy segment, also its entry count; 0 for none) and that entry's
    hash (for a stripe with no entry yet, the legacy segment's head)."""

    seq: int
    hash: str


@dataclass(frozen=True)
class LedgerBreak:
    """A place a ledger does not hold: ``kind`` is ``chain`` (a link) or ``head`` (a
    chain that does not end at its recorded head); ``stripe`` None is the legacy segment."""

    kind: str
    seq: int
    reason: str
    stripe: int | None = None


class LedgerWalk:
    """A whole ledger checked entry by entry in seq order, without holding it: its legacy
    segment against the account's head, then each stripe against its own head."""

    def __init__(self, legacy: ChainHead, stripes: Mapping[int, ChainHead]) -> None:
        self._legacy_head, self._stripe_heads = legacy, dict(stripes)
        self._legacy = _Walk(None, GENESIS_HASH, 0)
        self._stripes = {
            c: _Walk(c, legacy.hash, legacy.seq) for c in sorted({*range(STRIPES), *stripes})
        }
        self.count = 0
        self._strays: list[LedgerBreak] = []

    def take(self, entry: LedgerEntry) -> None:
        self.count += 1
        if entry.stripe is None:
            self._legacy.take(entry)
        elif entry.stripe in self._stripes:
            self._stripes[entry.stripe].take(entry)
        elif not self._strays:
            self._strays.append(
                LedgerBreak(
                    "chain",
                    entry.seq,
                    f"entry {entry.seq} names stripe {entry.stripe}, "
                    f"which no account has (there are {STRIPES})",
                    entry.stripe,
                )
            )

    def breaks(self) -> list[LedgerBreak]:
        """Each chain's first broken link, then each chain that does not end at its head."""
        found = list(self._strays)
        walks = [self._legacy, *self._stripes.values()]
        found.extend(
            LedgerBreak("chain", w.broken.seq, w.broken.reason, w.stripe)
            for w in walks
            if w.broken is not None
        )
        moved = verify_head(
            self._legacy.last, head_seq=self._legacy_head.seq, head_hash=self._legacy_head.hash
        )
        if moved is not None:
            found.append(LedgerBreak("head", moved.seq, moved.reason))
        for stripe, walk in self._stripes.items():
            head = self._stripe_heads.get(stripe)
            ended = _stripe_head_break(walk, head)
            if ended is not None:
                found.append(LedgerBreak("head", ended.seq, ended.reason, stripe))
        return found


def verify_ledger(
    entries: Iterable[LedgerEntry], *, legacy: ChainHead, stripes: Mapping[int, ChainHead]
) -> list[LedgerBreak]:
    """Every chain of one account's ledger (``entries`` in seq order) against its
    recorded head: :class:`LedgerWalk` over all of them at once."""
    walk = LedgerWalk(legacy, stripes)
    for entry in entries:
        walk.take(entry)
    return walk.breaks()


def _stripe_head_break(walk: _Walk, head: ChainHead | None) -> BrokenLink | None:
    """Whether a stripe ends at its recorded head: a missing newest entry, one past the
    head, or a newest entry rewritten with its links intact each show here."""
    if head is None:
        if walk.last is None:
            return None
        return walk.fail(walk.last.seq, "the stripe has entries but no recorded head")
    if head.seq > walk.last_seq:
        missing = walk.next_seq()
        return walk.fail(
            missing,
            f"entry {missing} is missing: the stripe's head records entry {head.seq}, "
            f"the stripe ends at {f'entry {walk.last_seq}' if walk.last else 'its start'}",
        )
    if head.seq < walk.last_seq:
        past = stripe_seq(walk.base, walk.stripe or 0, head.seq)
        return walk.fail(past, f"entry {past} is past the stripe's head, entry {head.seq}")
    last_hash = walk.start if walk.last is None else walk.last.hash
    if head.hash != last_hash:
        if walk.last is None:
            return walk.fail(0, "the stripe's head does not continue the legacy segment")
        return walk.fail(
            walk.last_seq, f"entry {walk.last_seq} is not the entry the stripe's head records"
        )
    return None


def verify_head(last: LedgerEntry | None, *, head_seq: int, head_hash: str) -> BrokenLink | None:
    """Whether the account's recorded head (its entry count and last hash) is the
    stored chain's ``last`` entry (``None`` for an empty chain).

    Removing or rewriting the newest entries leaves a chain whose links all
    hold; only the head, kept with the account, shows that entries are gone or
    that the newest is not the one that was written.
    """
    last_seq = 0 if last is None else last.seq
    last_hash = GENESIS_HASH if last is None else last.hash
    if head_seq > last_seq:
        return BrokenLink(
            last_seq + 1,
            f"entry {last_seq + 1} is missing: the account's head records {head_seq} "
            f"entries, the ledger holds {last_seq}",
        )
    if head_seq < last_seq:
        return BrokenLink(
            head_seq + 1,
            f"entry {head_seq + 1} is past the account's head, which records {head_seq} entries",
        )
    if head_hash != last_hash:
        if last is None:
            return BrokenLink(1, "the account's head names an entry but the ledger is empty")
        return BrokenLink(last_seq, f"entry {last_seq} is not the entry the account's head records")
    return None


# --- current state ------------------------------------------------------------


class Suppression(StrEnum):
    """How far an email address is suppressed (R-14).

    A one-click unsubscribe stops automated email only, so staff can still write
    to the customer by hand; a hard bounce or a complaint stops all email.
    """

    NONE = "none"
    AUTOMATED = "automated"
    ALL = "all"

    # Hashes as its text, as it compares (an enum's own __hash__ is Python code): the
    # send decision's facts hold one.
    __hash__ = str.__hash__


@dataclass(frozen=True)
class AddressState:
    opted_out_scopes: frozenset[str] = frozenset()
    suppression: Suppression = Suppression.NONE

    @property
    def sms_opted_out(self) -> bool:
        """Opted out of texts from at least one business number."""
        return bool(self.opted_out_scopes)

    def sms_opted_out_for(self, from_number: str | None) -> bool:
        """Whether an SMS from ``from_number`` to this address is blocked (R-12, R-13).

        With no known sender we cannot tell which scope applies, so any opt-out blocks.
        """
        if from_number is None:
            return self.sms_opted_out
        return ALL_NUMBERS in self.opted_out_scopes or from_number in self.opted_out_scopes


NO_CONSENT_RECORDED = AddressState()
"""An address nothing was recorded about: no limits."""


@dataclass(frozen=True)
class ScopeConsent:
    """One scope's row of an address's current consent (the consent_state table).

    An SMS opt-out sits on the row of its scope; email suppression always on the
    account-wide row "*".
    """

    opted_out: bool = False
    suppression: Suppression = Suppression.NONE


_NO_ROW = ScopeConsent()
_STRICTNESS = {Suppression.NONE: 0, Suppression.AUTOMATED: 1, Suppression.ALL: 2}
_SUPPRESSION = {str(each): each for each in Suppression}


class ConsentChange(Protocol):
    """What :func:`fold` needs of an entry; a :class:`LedgerEntry` is one."""

    @property
    def action(self) -> str: ...

    @property
    def scope(self) -> str: ...


def apply(
    rows: Mapping[str, ScopeConsent], action: ConsentAction | str, scope: str
) -> dict[str, ScopeConsent]:
    """The scope rows one entry changes, with their new values: the one step from
        the ledger to current consent, which the projection writer and :func:`fold` share.

        An opt-out sets its scope. An opt-in with scope "*" lifts every scope; an
        opt-in on one number lifts only that number, so an account-wide opt-out
        outlives it (we cannot lift "all numbers except some"): an inbound START is
        recorded with scope "*" when an account-wide opt-out stands. A one-click
        unsubscribe never softens a bounce or complaint. Marketing consent entries change no
    row here (their projection is heed.domain.marketing's). Any other action is refused.
    """
    change = ConsentAction(action)
    if change in MARKETING_ACTIONS:
        return {}
    if change is ConsentAction.OPT_OUT:
        return {scope: ScopeConsent(True, rows.get(scope, _NO_ROW).suppression)}
    if change is ConsentAction.OPT_IN:
        lifted = set(rows) | {scope} if scope == ALL_NUMBERS else {scope}
        return {each: ScopeConsent(False, rows.get(each, _NO_ROW).suppression) for each in lifted}
    row = rows.get(ALL_NUMBERS, _NO_ROW)
    if change is ConsentAction.SUPPRESS:
        if row.suppression is Suppression.ALL:
            return {ALL_NUMBERS: row}
        suppression = Suppression.AUTOMATED
    elif change is ConsentAction.SUPPRESS_ALL:
        suppression = Suppression.ALL
    else:
        suppression = Suppression.NONE
    return {ALL_NUMBERS: ScopeConsent(row.opted_out, suppression)}


def state_of(rows: Mapping[str, ScopeConsent]) -> AddressState:
    """An address's consent from its scope rows."""
    return _state(rows.items())


def _state(rows: Iterable[tuple[str, ScopeConsent]]) -> AddressState:
    scopes: set[str] = set()
    suppression = Suppression.NONE
    for scope, row in rows:
        if row.opted_out:
            scopes.add(scope)
        if _STRICTNESS[row.suppression] > _STRICTNESS[suppression]:
            suppression = row.suppression
    return AddressState(frozenset(scopes), suppression)


def fold(entries: Iterable[ConsentChange]) -> AddressState:
    """One address's consent after its entries, oldest first (see :func:`apply`)."""
    rows: dict[str, ScopeConsent] = {}
    for entry in entries:
        rows.update(apply(rows, entry.action, entry.scope))
    return _state(rows.items())


Key = TypeVar("Key")


def fold_rows(
    rows: Iterable[tuple[Key, str | None, bool | None, str | None]],
) -> dict[Key, AddressState]:
    """Current consent per key from stored scope rows ``(key, scope, opted_out,
    suppression)`` (an outer join may give a key with no row: all None); keys absent
    from ``rows`` stand for NO_CONSENT_RECORDED."""
    by_key: dict[Key, list[tuple[str, ScopeConsent]]] = {}
    for key, scope, opted_out, suppression in rows:
        found = by_key.setdefault(key, [])
        if scope is not None:
            row = ScopeConsent(bool(opted_out), _SUPPRESSION[suppression or "none"])
            found.append((scope, row))
    return {key: _state(found) for key, found in by_key.items()}


@dataclass(frozen=True)
class StateMismatch:
    """Where the stored current consent of an address differs from its ledger's fold.

    ``scope`` is the opt-out scope that differs; a difference in email
    suppression names the account-wide scope "*", the row that keeps it.
    """

    address: str
    scope: str
    reason: str


def state_mismatches(
    address: str, folded: AddressState, stored: AddressState
) -> list[StateMismatch]:
    """How ``stored`` (the current-state table's view of ``address``) differs from
    ``folded`` (the :func:`fold` of the address's ledger entries)."""

    def opted(scope: str, state: AddressState) -> str:
        return "opted out" if scope in state.opted_out_scopes else "not opted out"

    found = [
        StateMismatch(
            address,
            scope,
            f"current consent of {address}, scope {scope}, says {opted(scope, stored)}; "
            f"its ledger says {opted(scope, folded)}",
        )
        for scope in sorted(folded.opted_out_scopes ^ stored.opted_out_scopes)
    ]
    if folded.suppression != stored.suppression:
        found.append(
            StateMismatch(
                address,
                ALL_NUMBERS,
                f"current consent of {address} says email suppression "
                f"{stored.suppression}; its ledger says {folded.suppression}",
            )
        )
    return found
