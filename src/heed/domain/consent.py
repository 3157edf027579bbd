"""The consent ledger's pure parts: entry hashing, chain verification, the fold
to an address's current consent, and the confirmation replies (R-13, R-16, R-17).

The ledger is append-only and per account: every consent change is one entry
carrying the hash of the entry before it, so editing, removing or reordering a
stored entry breaks the chain at that entry. Storage, locking and replay
de-duplication by provider message id live in the services and adapters; this
module only defines what an entry's hash is and what a run of entries means.

Scopes (R-13): an SMS opt-out is recorded either with scope ``ALL_NUMBERS``
("*", every business number of the account: the default account setting) or
with the one E.164 business number it was sent to. Email entries use "*".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

GENESIS_HASH = "0" * 64
ALL_NUMBERS = "*"


class ConsentAction(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    # Email: the one-click unsubscribe stops automated email only.
    SUPPRESS = "suppress"
    # Email: a hard bounce or complaint stops all email.
    SUPPRESS_ALL = "suppress_all"
    UNSUPPRESS = "unsuppress"


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

    def computed_hash(self) -> str:
        """The hash this entry's contents call for, whatever ``hash`` says."""
        return entry_hash(
            self.prev_hash,
            account_id=self.account_id,
            seq=self.seq,
            address=self.address,
            channel=self.channel,
            scope=self.scope,
            action=self.action,
            source=self.source,
            body=self.body,
            provider_message_id=self.provider_message_id,
            actor=self.actor,
            at=self.at,
            via=self.via,
        )


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
) -> str:
    """SHA-256 (hex) of the entry's fields and the previous entry's hash.

    The fields are serialized as canonical JSON (sorted keys, no spaces,
    UTF-8) so the hash does not depend on the order or the driver that
    produced them. ``via`` joins the document only when the entry names its
    credential: entries written before heed recorded it keep the hash they had.
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
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chain_entry(
    previous: LedgerEntry | None,
    *,
    account_id: str,
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
) -> LedgerEntry:
    """The entry that follows ``previous`` (``None`` for the account's first)."""
    prev_hash = GENESIS_HASH if previous is None else previous.hash
    fields: dict[str, Any] = {
        "account_id": account_id,
        "seq": 1 if previous is None else previous.seq + 1,
        "address": address,
        "channel": channel,
        "scope": scope,
        "action": action,
        "source": source,
        "body": body,
        "provider_message_id": provider_message_id,
        "actor": actor,
        "at": at,
        "via": via,
    }
    return LedgerEntry(**fields, prev_hash=prev_hash, hash=entry_hash(prev_hash, **fields))


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def verify_chain(
    entries: Iterable[LedgerEntry], *, head_hash: str | None = None
) -> BrokenLink | None:
    """The first place where ``entries`` (one account's, in seq order) stop being
    an untouched chain, or ``None`` when every link holds.

    A chain cut short at its end is indistinguishable from a shorter chain;
    pass the head hash kept elsewhere (e.g. in an export's manifest) as
    ``head_hash`` to catch that too.
    """
    previous: LedgerEntry | None = None
    for entry in entries:
        expected_seq = 1 if previous is None else previous.seq + 1
        if entry.seq != expected_seq:
            after = "the start" if previous is None else f"entry {previous.seq}"
            return BrokenLink(
                expected_seq,
                f"entry {expected_seq} is missing: entry {entry.seq} comes after {after}",
            )
        if previous is not None and entry.account_id != previous.account_id:
            return BrokenLink(entry.seq, f"entry {entry.seq} belongs to another account")
        if entry.computed_hash() != entry.hash:
            return BrokenLink(entry.seq, f"entry {entry.seq}'s hash does not match its contents")
        expected_prev = GENESIS_HASH if previous is None else previous.hash
        if entry.prev_hash != expected_prev:
            if previous is None:
                reason = f"entry {entry.seq} does not start the chain"
            else:
                reason = f"entry {entry.seq} does not follow entry {previous.seq}"
            return BrokenLink(entry.seq, reason)
        previous = entry
    if head_hash is not None:
        last_hash = GENESIS_HASH if previous is None else previous.hash
        if last_hash != head_hash:
            last_seq = 0 if previous is None else previous.seq
            return BrokenLink(
                last_seq + 1,
                f"the chain ends at entry {last_seq}, before its recorded head",
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


class ConsentChange(Protocol):
    """What :func:`fold` needs of an entry; a :class:`LedgerEntry` is one."""

    @property
    def action(self) -> str: ...

    @property
    def scope(self) -> str: ...


def fold(entries: Iterable[ConsentChange]) -> AddressState:
    """One address's consent after its entries, oldest first.

    An opt-out adds its scope. An opt-in with scope "*" clears every scope;
    an opt-in on one number clears only that number, so an account-wide
    opt-out outlives it (we cannot lift "all numbers except some"): the
    service records an inbound opt-in with the scope :func:`opt_in_scope`
    gives. A one-click unsubscribe never softens a bounce or complaint.
    """
    scopes: set[str] = set()
    suppression = Suppression.NONE
    for entry in entries:
        action = ConsentAction(entry.action)
        if action is ConsentAction.OPT_OUT:
            scopes.add(entry.scope)
        elif action is ConsentAction.OPT_IN:
            if entry.scope == ALL_NUMBERS:
                scopes.clear()
            else:
                scopes.discard(entry.scope)
        elif action is ConsentAction.SUPPRESS:
            if suppression is Suppression.NONE:
                suppression = Suppression.AUTOMATED
        elif action is ConsentAction.SUPPRESS_ALL:
            suppression = Suppression.ALL
        else:
            suppression = Suppression.NONE
    return AddressState(opted_out_scopes=frozenset(scopes), suppression=suppression)


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


def is_sms_opted_out(state: AddressState, from_number: str | None) -> bool:
    """Whether an SMS from ``from_number`` to this address is blocked (R-12, R-13)."""
    return state.sms_opted_out_for(from_number)


def opt_in_scope(state: AddressState, business_number: str, *, account_wide: bool) -> str:
    """The scope to record for an inbound opt-in received on ``business_number``.

    An opt-in lifts whatever stops that number from texting the customer. When
    that is an account-wide opt-out (recorded before the account switched to
    per-number scope), it can only be lifted whole: the customer's latest word
    was "START", and a half-lifted state could not be represented anyway.
    """
    if account_wide or ALL_NUMBERS in state.opted_out_scopes:
        return ALL_NUMBERS
    return business_number


# --- confirmation replies (R-16) -----------------------------------------------

# GSM 03.38 basic set (one septet each) and its extension table (two each: ESC + char).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def gsm7_length(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or ``None`` when it needs UCS-2 (70 per segment)."""
    length = 0
    for ch in text:
        if ch in _GSM_BASIC:
            length += 1
        elif ch in _GSM_EXTENSION:
            length += 2
        else:
            return None
    return length


# Confirmations answer in the language of the request. The keywords stay
# the carriers' own (START, STOP, HELP), which work in every language.
_OPT_OUT_REPLIES = {
    "en": "{name}: You're unsubscribed and will get no more texts from us. "
    "Reply START to resubscribe.",
    "es": "{name}: Se ha dado de baja y no recibirá más mensajes nuestros. "
    "Responda START para volver a suscribirse.",
    "fr": "{name} : Vous êtes désabonné et ne recevrez plus de textos de notre part. "
    "Répondez START pour vous réabonner.",
}
_OPT_IN_REPLIES = {
    "en": "{name}: You're resubscribed to texts. "
    "Reply STOP to unsubscribe, HELP for help. Msg&data rates may apply.",
    "es": "{name}: Se ha vuelto a suscribir a los mensajes. "
    "Responda STOP para darse de baja, HELP para ayuda. Pueden aplicarse tarifas.",
    "fr": "{name} : Vous êtes réabonné aux textos. "
    "Répondez STOP pour vous désabonner, HELP pour de l'aide. Des frais peuvent s'appliquer.",
}


def opt_out_reply(business_name: str, language: str = "en") -> str:
    template = _OPT_OUT_REPLIES.get(language, _OPT_OUT_REPLIES["en"])
    return template.format(name=business_name.strip())


def opt_in_reply(business_name: str, language: str = "en") -> str:
    template = _OPT_IN_REPLIES.get(language, _OPT_IN_REPLIES["en"])
    return template.format(name=business_name.strip())


def help_reply(business_name: str, help_text: str | None) -> str:
    """The business's own help text when it has one, else a default that names it."""
    if help_text is not None and help_text.strip():
        return help_text.strip()
    return (
        f"{business_name.strip()}: Texts about your service appointments. "
        "Reply STOP to unsubscribe, START to resubscribe."
    )
