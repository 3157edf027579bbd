"""The account's ledger in a write transaction: entries chained after its head and
the current consent they change, stored together (R-17).

Every change is one ledger entry plus the projection rows it touches, written in
the same transaction under its stripe's lock, so each stripe's chain has one head
(domain/consent.py: an address's entries all go to one stripe).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from heed.adapters.db import ledger as stored
from heed.adapters.db import marketing as stored_marketing
from heed.adapters.db import tables as t
from heed.adapters.db.uow import StripeHead, Transaction
from heed.domain.consent import (
    ALL_NUMBERS,
    AddressState,
    ConsentAction,
    LedgerEntry,
    ScopeConsent,
    apply,
    next_entry,
    state_of,
    stripe_of,
)
from heed.services.common import now


class Ledger:
    """One account's chain and the current consent of some of its addresses, changed in
    memory inside a write transaction and stored together by :meth:`write`.

    A batch of changes costs one INSERT per table, not a round of statements each. The
    caller holds, from construction to commit, the lock of each stripe it appends to:
    the account's (``tx.lock_account``, every stripe) or the addresses' own stripes
    (``tx.lock_stripes``, an inbound STOP's).
    """

    def __init__(
        self,
        tx: Transaction,
        account: t.Account,
        addresses: Iterable[str],
        *,
        scope_rows: Mapping[str, dict[str, ScopeConsent]] | None = None,
    ) -> None:
        """``scope_rows``: the addresses' stored scope rows, where the caller read them
        already (after locking their stripes); otherwise they are read here."""
        self._tx, self.account = tx, account
        self.transaction = tx
        self._rows: dict[str, dict[str, ScopeConsent]] = {}
        self._stored: set[tuple[str, str]] = set()
        # (address, scope) → (channel, seq, at) of the rows changed since the last write.
        self._touched: dict[tuple[str, str], tuple[str, int, datetime]] = {}
        self._entries: list[LedgerEntry] = []
        # The stripes whose heads moved since the last write.
        self._moved: dict[int, StripeHead] = {}
        # Numbers opted out since the last write: their marketing consent ends.
        self._opted_out: dict[str, tuple[int, datetime]] = {}
        self.last: LedgerEntry | None = None
        self._load(addresses, scope_rows)

    def _load(
        self,
        addresses: Iterable[str],
        found: Mapping[str, dict[str, ScopeConsent]] | None = None,
    ) -> None:
        """The stored scope rows of the addresses not loaded yet: ``found``, or read."""
        wanted = {a for a in addresses if a not in self._rows}
        if not wanted:
            return
        if found is None:
            found = stored.scope_rows(self._tx.session, self.account.id, wanted)
        for address in wanted:
            rows = self._rows[address] = found.get(address, {})
            self._stored.update((address, scope) for scope in rows)

    def state(self, address: str) -> AddressState:
        """The address's consent, with the changes appended so far."""
        self._load([address])
        return state_of(self._rows[address])

    def append(
        self,
        *,
        address: str,
        channel: str,
        scope: str,
        action: ConsentAction,
        source: str,
        actor: str,
        via: str | None,
        body: str | None = None,
        provider_message_id: str | None = None,
        at: datetime | None = None,
        evidence: str | None = None,
    ) -> LedgerEntry:
        """Chain one entry after its address's stripe's head and apply it to current
        consent.

        ``via`` names the credential that delivered the change (R-25): twilio_webhook,
        gateway_key:<id>, user:<id>, api_key:<id>, preference_page, import, ...
        """
        account = self.account
        stripe = self._tx.locked_stripe(account.id, stripe_of(address))
        entry = next_entry(
            account.id,
            stripe.seq,
            stripe.head,
            stripe=stripe.stripe,
            base=account.ledger_seq,
            address=address,
            channel=channel,
            scope=scope,
            action=action,
            source=source,
            actor=actor,
            at=at or now(),
            via=via,
            body=body,
            provider_message_id=provider_message_id,
            evidence=evidence,
        )
        self._entries.append(entry)
        self.last = entry
        if action is ConsentAction.OPT_OUT and channel == "sms":
            self._opted_out[address] = (entry.seq, entry.at)
        stripe.seq, stripe.head = entry.seq, entry.hash
        self._moved[stripe.stripe] = stripe
        self._load([address])
        rows = self._rows[address]
        for changed, row in apply(rows, action, scope).items():
            rows[changed] = row
            first = self._touched.get((address, changed))
            self._touched[address, changed] = (first[0] if first else channel, entry.seq, entry.at)
        return entry

    def write(self) -> None:
        """Store the entries appended so far and the current consent they changed."""
        session = self._tx.session
        stored.append_entries(session, self._entries)
        self._entries = []
        stored.move_stripe_heads(session, self._moved.values())
        self._moved = {}
        stored.save_scope_rows(
            session,
            self.account.id,
            (
                stored.ScopeWrite(
                    address,
                    scope,
                    channel,
                    self._rows[address][scope],
                    seq,
                    at,
                    (address, scope) in self._stored,
                )
                for (address, scope), (channel, seq, at) in self._touched.items()
            ),
        )
        self._stored.update(self._touched)
        self._touched = {}
        stored_marketing.void_after_opt_out(self._tx, self.account.id, self._opted_out)
        self._opted_out = {}


def append(tx: Transaction, account: t.Account, *, address: str, **change: Any) -> LedgerEntry:
    """Add one entry to the account's chain and update current consent, at once:
    :meth:`Ledger.append`'s arguments, for one change alone.

    The caller holds the lock of the address's stripe (``tx.lock_account`` takes all).
    """
    ledger = Ledger(tx, account, [address])
    entry = ledger.append(address=address, **change)
    ledger.write()
    return entry


def sms_scope(account: t.Account, to_number: str) -> str:
    """The scope an SMS opt-out received on ``to_number`` covers (R-13)."""
    return ALL_NUMBERS if account.sms_opt_out_scope == "account" else to_number


def current_consent(
    tx: Transaction, account_id: str, addresses: Iterable[str]
) -> dict[str, AddressState]:
    """Current consent of each address (nothing recorded: no limits)."""
    return stored.consent_for(tx.session, account_id, addresses)
