"""The outbox shared by many processes: atomic claims, leases, retries and their limit (R-30).

Every round runs at an explicit time; a process that dies mid-send is a transport
that raises past the outbox's error handling, leaving its claim behind as a
killed process would.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration_support import ReceiveText, SetClock, random_number
from sqlalchemy import event
from test_concurrency import together

from heed.adapters.db import outbox
from heed.adapters.transports import Delivery, LogTransport, Outbound
from heed.bootstrap import Heed
from heed.services import accounts, messages
from heed.services.common import Principal

T0 = datetime(2026, 5, 5, 18, 0, tzinfo=UTC)  # 13:00 in Austin, inside every window
LEASE = timedelta(seconds=60)


class ProcessDied(BaseException):
    """What a kill -9 looks like from inside: nothing after it runs."""


class Dies:
    name = "dies"

    def send(self, message: Outbound) -> Delivery:
        raise ProcessDied


class Recording:
    """A provider that counts what it was handed, from any number of threads."""

    name = "recording"

    def __init__(self, answer: Delivery | None = None) -> None:
        self.handed: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._answer = answer

    def send(self, message: Outbound) -> Delivery:
        with self._lock:
            self.handed[message.message_id] += 1
        return self._answer or Delivery(provider_id=f"rec-{message.message_id}")


def _settings(heed: Heed, **changes: Any) -> Any:
    return heed.settings.model_copy(
        update={
            "outbox_lease": LEASE.total_seconds(),
            "outbox_backoff": 30,
            "outbox_backoff_max": 3600,
            **changes,
        }
    )


def _queue(heed: Heed, staff: Principal, count: int = 1, at: datetime = T0) -> list[str]:
    ids = []
    for i in range(count):
        sent = messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(channel="sms", to=random_number(), body=f"Job {i}", manual=True),
        )
        ids.append(sent["id"])
    return ids


def _view(heed: Heed, staff: Principal, message_id: str) -> dict[str, Any]:
    return messages.get_message(heed.uow, staff, message_id)


def _deliver(heed: Heed, staff: Principal, transport: Any, at: datetime, **settings: Any) -> None:
    messages.deliver_due(
        heed.uow, transport, at, settings=_settings(heed, **settings), account_id=staff.account_id
    )


def test_a_message_is_claimed_by_one_claimer_only_r30(
    heed: Heed, staff: Principal, frozen_clock: SetClock
) -> None:
    (message_id,) = _queue(heed, staff)
    claims = []
    for _ in range(2):
        with heed.uow.write() as tx:
            claimed = outbox.claim(tx, staff.account_id, message_id, T0, T0 + LEASE)
            claims.append(claimed is not None)
            tx.commit()
    assert claims == [True, False]


def test_racing_outboxes_hand_each_message_to_the_provider_once_r30(
    heed: Heed, staff: Principal, frozen_clock: SetClock
) -> None:
    ids = _queue(heed, staff, 40)
    provider = Recording()
    raced = together(
        *[
            lambda i=i: messages.deliver_due(
                heed.uow,
                provider,
                T0,
                settings=_settings(heed),
                account_id=staff.account_id,
                claimer=f"racer-{i}",
            )
            for i in range(4)
        ]
    )
    assert [r for r in raced if isinstance(r, BaseException)] == []
    assert sum(raced) == len(ids)
    assert {message_id: provider.handed[message_id] for message_id in ids} == dict.fromkeys(ids, 1)
    assert {_view(heed, staff, m)["status"] for m in ids} == {"sent"}
    assert {_view(heed, staff, m)["attempts"] for m in ids} == {1}


def test_a_send_whose_process_died_is_retried_after_its_lease_and_backoff_r30(
    heed: Heed, staff: Principal, frozen_clock: SetClock
) -> None:
    (message_id,) = _queue(heed, staff)
    with pytest.raises(ProcessDied):
        _deliver(heed, staff, Dies(), T0)
    assert (_view(heed, staff, message_id)["status"]) == "sending"

    provider = Recording()
    _deliver(heed, staff, provider, T0 + LEASE - timedelta(seconds=1))
    assert provider.handed[message_id] == 0, "taken from a process whose lease still ran"

    _deliver(heed, staff, provider, T0 + LEASE + timedelta(seconds=1))
    waiting = _view(heed, staff, message_id)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert "lease ran out" in waiting["last_error"]
    assert provider.handed[message_id] == 0, "retried without waiting for its backoff"

    _deliver(heed, staff, provider, T0 + LEASE + timedelta(minutes=2))
    sent = _view(heed, staff, message_id)
    assert (sent["status"], sent["attempts"], provider.handed[message_id]) == ("sent", 2, 1)
    assert sent["provider_id"] == f"rec-{message_id}"


def test_a_message_whose_sends_keep_dying_fails_at_the_limit_and_is_logged_r30(
    heed: Heed, staff: Principal, frozen_clock: SetClock, caplog: pytest.LogCaptureFixture
) -> None:
    (message_id,) = _queue(heed, staff)
    moment = T0
    for _ in range(3):
        with pytest.raises(ProcessDied):
            _deliver(heed, staff, Dies(), moment, outbox_max_attempts=3)
        moment += LEASE + timedelta(seconds=1)
        _deliver(heed, staff, Recording(), moment, outbox_max_attempts=3)  # recovers it
        moment += timedelta(hours=2)
    failed = _view(heed, staff, message_id)
    assert (failed["status"], failed["attempts"]) == ("failed", 3)
    assert "attempt 3" in failed["last_error"] and "lease ran out" in failed["last_error"]
    assert any(r.levelno == logging.ERROR and message_id in r.getMessage() for r in caplog.records)
    provider = Recording()
    _deliver(heed, staff, provider, moment + timedelta(days=1))
    assert provider.handed[message_id] == 0


def test_a_busy_provider_is_retried_with_backoff_and_a_refusal_fails_at_once_r30(
    heed: Heed, staff: Principal, frozen_clock: SetClock
) -> None:
    (busy_id,) = _queue(heed, staff)
    busy = Recording(Delivery(None, 20429, "Too Many Requests", transient=True))
    _deliver(heed, staff, busy, T0)
    waiting = _view(heed, staff, busy_id)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert waiting["last_error"] == "20429: Too Many Requests"
    _deliver(heed, staff, Recording(), T0 + timedelta(hours=2))
    assert _view(heed, staff, busy_id)["status"] == "sent"

    (refused_id,) = _queue(heed, staff)
    no = Recording(Delivery(None, 21211, "The 'To' number is not a valid phone number."))
    _deliver(heed, staff, no, T0 + timedelta(hours=3))
    refused = _view(heed, staff, refused_id)
    assert (refused["status"], refused["attempts"]) == ("failed", 1)
    assert refused["last_error"].startswith("21211")


def test_a_stop_while_a_retry_waits_blocks_the_retry_r30_r12(
    heed: Heed, staff: Principal, business_number: str, inbound: ReceiveText, frozen_clock: SetClock
) -> None:
    number = random_number()
    queued = messages.send_message(
        heed.uow,
        staff,
        messages.SendMessage(channel="sms", to=number, body="On our way", manual=True),
    )
    busy = Recording(Delivery(None, 20503, "Service Unavailable", transient=True))
    _deliver(heed, staff, busy, T0)
    inbound(number, "STOP")
    provider = Recording()
    _deliver(heed, staff, provider, T0 + timedelta(hours=2))
    blocked = _view(heed, staff, queued["id"])
    assert (blocked["status"], blocked["reason"]) == ("blocked", "sms_opt_out")
    assert provider.handed[queued["id"]] == 0


def test_an_idle_outbox_reads_once_per_round_whatever_the_number_of_accounts_r30(
    heed: Heed, staff: Principal, other_staff: Principal
) -> None:
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)

    def statements_in_an_idle_round() -> int:
        seen: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
                seen.append(statement)

        event.listen(heed.engine, "before_cursor_execute", count)
        try:
            messages.deliver_due(heed.uow, LogTransport(io.StringIO()), long_ago)
        finally:
            event.remove(heed.engine, "before_cursor_execute", count)
        return len(seen)

    before = statements_in_an_idle_round()
    for _ in range(5):
        accounts.create_account(heed.uow, "Another Shop", [random_number("214")])
    assert before == statements_in_an_idle_round() == 1
