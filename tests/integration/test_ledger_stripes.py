"""The ledger in stripes (R-17, issue 18): an address's entries form one stripe's chain,
seqs stay unique per account, a STOP locks only its sender's stripe, and the ledger
check names the stripe that breaks.

The waiting tests need PostgreSQL's row locks; on SQLite one writer holds the whole
database, so nothing there can run beside a held transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from integration_support import SetClock, ledger, message_id, postgres_only, random_number
from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction
from heed.adapters.transports import Delivery, Outbound
from heed.bootstrap import Heed
from heed.domain.consent import STRIPES, stripe_of
from heed.services import consent, ledger_check, messages
from heed.services.common import Principal

T0 = datetime(2026, 5, 5, 18, 0, tzinfo=UTC)  # 13:00 in Austin, inside every window
# Long enough for a transaction that is not waiting to commit on a loaded machine;
# a thread still running after it waits on a lock.
SETTLES = 10.0
WAITS = 1.5


def on_stripe(stripe: int) -> str:
    """A fresh number whose entries go to ``stripe``."""
    while True:
        number = random_number()
        if stripe_of(number) == stripe:
            return number


def stripe_heads(heed: Heed, account_id: str) -> dict[int, tuple[int, str]]:
    with heed.uow.read() as tx:
        rows = tx.session.scalars(
            select(t.LedgerStripe).where(t.LedgerStripe.account_id == account_id)
        ).all()
    return {row.stripe: (row.seq, row.head) for row in rows}


def test_an_entrys_stripe_is_its_addresss_and_each_stripe_ends_at_its_head(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    numbers = [random_number() for _ in range(24)]
    for number in numbers:
        for body in ("STOP", "START"):
            consent.record_inbound_sms(
                heed.uow,
                staff.account_id,
                from_number=number,
                to_number=business_number,
                body=body,
                message_id=message_id(),
            )
    entries = ledger(heed, staff.account_id)
    assert len(entries) == 48
    assert all(e.stripe == stripe_of(e.address) for e in entries)
    assert len({e.seq for e in entries}) == 48
    heads = stripe_heads(heed, staff.account_id)
    assert sorted(heads) == list(range(STRIPES))
    for stripe, (seq, head) in heads.items():
        chain = [e for e in entries if e.stripe == stripe]
        if chain:
            assert (seq, head) == (chain[-1].seq, chain[-1].hash)
            assert [e.seq for e in chain] == [stripe + 1 + n * STRIPES for n in range(len(chain))]
        else:
            assert (seq, head) == (0, "0" * 64)
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


def test_a_batch_leaves_each_stripe_at_its_last_entry_and_the_next_batch_chains_on(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    first, second = on_stripe(3), on_stripe(3)
    bodies = [(first, "STOP"), (second, "STOP"), (first, "START"), (on_stripe(5), "STOP")]
    for batch in (bodies, [(second, "START"), (first, "STOP")]):
        results = consent.record_inbound_batch(
            heed.uow,
            [
                consent.InboundText(staff.account_id, number, business_number, body, message_id())
                for number, body in batch
            ],
        )
        assert all(isinstance(r, consent.InboundResult) and r.reply for r in results), results
        entries = ledger(heed, staff.account_id)
        heads = stripe_heads(heed, staff.account_id)
        for stripe in (3, 5):
            last = [e for e in entries if e.stripe == stripe][-1]
            assert heads[stripe] == (last.seq, last.hash)
    assert [e.action for e in ledger(heed, staff.account_id) if e.stripe == 3] == [
        "opt_out",
        "opt_out",
        "opt_in",
        "opt_in",
        "opt_out",
    ]
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


def test_a_new_account_has_every_stripe_at_the_start(heed: Heed, staff: Principal) -> None:
    assert stripe_heads(heed, staff.account_id) == {c: (0, "0" * 64) for c in range(STRIPES)}


# ---- waiting, on PostgreSQL ---------------------------------------------------------------


def within(seconds: float, done: Callable[[], bool]) -> bool:
    """Whether ``done()`` holds within ``seconds``, polled with sleeps: under libfaketime
    (CI's clock check) a lock's or a thread's own timed wait never runs out, a sleep does."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class Holder:
    """Records a STOP in a thread of its own and keeps that transaction open, its
    entry appended and its stripe locked, until :meth:`release`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._inside, self._release = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        original = Transaction.commit

        def holding(tx: Transaction) -> None:
            # Its writes are sent and its locks held: only the commit is left.
            if threading.current_thread().name == "holder":
                self._inside.set()
                assert within(60, self._release.is_set), "the test never released the holder"
            original(tx)

        monkeypatch.setattr(Transaction, "commit", holding)

    def hold(self, call: Callable[[], Any]) -> None:
        self._thread = threading.Thread(target=call, name="holder")
        self._thread.start()
        assert within(SETTLES, self._inside.is_set), "the holder never got its stripe"

    def release(self) -> None:
        self._release.set()
        assert self._thread is not None
        thread = self._thread
        assert within(SETTLES, lambda: not thread.is_alive())


@pytest.fixture
def holder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Holder]:
    made = Holder(monkeypatch)
    try:
        yield made
    finally:
        made._release.set()


class Background:
    """A call in a thread, its result or exception kept."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.result: Any = None
        self._thread = threading.Thread(target=self._run, args=(call,))
        self._thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self.result = call()
        except Exception as error:
            self.result = error

    def finished_within(self, seconds: float) -> bool:
        return within(seconds, lambda: not self._thread.is_alive())


def _stop(heed: Heed, staff: Principal, business_number: str, number: str, sid: str = "") -> Any:
    return lambda: consent.record_inbound_sms(
        heed.uow,
        staff.account_id,
        from_number=number,
        to_number=business_number,
        body="STOP",
        message_id=sid or message_id(),
    )


def _opted_out(heed: Heed, staff: Principal, number: str) -> bool:
    return bool(consent.address_consent(heed.uow, staff, number)["opted_out"])


@postgres_only
def test_stops_on_different_stripes_of_one_account_do_not_wait_on_each_other(
    heed: Heed, staff: Principal, business_number: str, holder: Holder
) -> None:
    first, second = on_stripe(3), on_stripe(11)
    holder.hold(_stop(heed, staff, business_number, first))
    other = Background(_stop(heed, staff, business_number, second))
    # The second commits while the first still holds its transaction open.
    assert other.finished_within(SETTLES), "a STOP on another stripe waited"
    assert isinstance(other.result, consent.InboundResult), other.result
    assert _opted_out(heed, staff, second) and not _opted_out(heed, staff, first)
    holder.release()
    assert _opted_out(heed, staff, first)
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


@postgres_only
def test_stops_on_the_same_stripe_wait_for_each_other(
    heed: Heed, staff: Principal, business_number: str, holder: Holder
) -> None:
    first, second = on_stripe(5), on_stripe(5)
    holder.hold(_stop(heed, staff, business_number, first))
    other = Background(_stop(heed, staff, business_number, second))
    assert not other.finished_within(WAITS), "two writers of one stripe ran at once"
    holder.release()
    assert other.finished_within(SETTLES)
    assert isinstance(other.result, consent.InboundResult), other.result
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


@postgres_only
def test_a_replayed_message_waits_for_its_first_delivery_and_changes_nothing_twice(
    heed: Heed, staff: Principal, business_number: str, holder: Holder
) -> None:
    number, sid = on_stripe(7), message_id()
    holder.hold(_stop(heed, staff, business_number, number, sid))
    replay = Background(_stop(heed, staff, business_number, number, sid))
    assert not replay.finished_within(WAITS)
    holder.release()
    assert replay.finished_within(SETTLES)
    assert isinstance(replay.result, consent.InboundResult) and replay.result.duplicate
    assert [e.address for e in ledger(heed, staff.account_id)] == [number]


@postgres_only
def test_a_second_stop_that_waited_on_its_stripe_reads_the_opt_out_it_waited_for(
    heed: Heed, staff: Principal, business_number: str, holder: Holder
) -> None:
    # The lock and the reads of the number's consent go to PostgreSQL together: the
    # reads must still see what the transaction holding the lock committed.
    number = on_stripe(9)
    holder.hold(_stop(heed, staff, business_number, number))
    again = Background(_stop(heed, staff, business_number, number))
    assert not again.finished_within(WAITS)
    holder.release()
    assert again.finished_within(SETTLES)
    assert isinstance(again.result, consent.InboundResult), again.result
    assert again.result.reply is None and not again.result.duplicate
    assert [e.action for e in ledger(heed, staff.account_id)] == ["opt_out"]


@postgres_only
def test_a_staff_write_waits_for_a_stop_on_any_stripe_of_the_account(
    heed: Heed, staff: Principal, business_number: str, holder: Holder
) -> None:
    holder.hold(_stop(heed, staff, business_number, on_stripe(2)))
    staff_stop = Background(
        lambda: consent.record_opt_out(heed.uow, staff, consent.OptOut(on_stripe(9), None))
    )
    assert not staff_stop.finished_within(WAITS), "a staff write ran beside a STOP"
    holder.release()
    assert staff_stop.finished_within(SETTLES) and staff_stop.result is True
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact


class Recording:
    name = "recording"

    def __init__(self) -> None:
        self.handed: list[str] = []

    def send(self, message: Outbound) -> Delivery:
        self.handed.append(message.to)
        return Delivery(provider_id=f"rec-{message.message_id}")


def _queue(heed: Heed, staff: Principal, to: str) -> str:
    sent = messages.send_message(
        heed.uow, staff, messages.SendMessage(channel="sms", to=to, body="On our way", manual=True)
    )
    return str(sent["id"])


@postgres_only
def test_an_outbox_claim_waits_for_a_stop_of_its_address_only(
    heed: Heed,
    staff: Principal,
    business_number: str,
    holder: Holder,
    frozen_clock: SetClock,
) -> None:
    frozen_clock(T0)
    stopping, elsewhere = on_stripe(4), on_stripe(12)
    provider = Recording()

    def deliver() -> int:
        return messages.deliver_due(heed.uow, provider, T0, account_id=staff.account_id)

    holder.hold(_stop(heed, staff, business_number, stopping))
    # A message to a number on another stripe goes while the STOP is open.
    _queue(heed, staff, elsewhere)
    assert Background(deliver).finished_within(SETTLES)
    assert provider.handed == [elsewhere]
    # A message to the number whose STOP is being recorded waits for it, then is blocked.
    queued = _queue(heed, staff, stopping)
    claim = Background(deliver)
    assert not claim.finished_within(WAITS), "the claim did not wait for the STOP"
    holder.release()
    assert claim.finished_within(SETTLES) and claim.result == 0
    view = messages.get_message(heed.uow, staff, queued)
    assert (view["status"], view["reason"]) == ("blocked", "sms_opt_out")
    assert provider.handed == [elsewhere]
