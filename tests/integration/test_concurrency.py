"""Races between customers and staff, run for real in parallel threads (R-12, R-17).

The STOP-versus-staff race needs PostgreSQL's row locks to mean anything; the
replay and chain races run on SQLite too, where BEGIN IMMEDIATE serializes writers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from integration_support import MakeRecord, Record, ledger, message_id, postgres_only, random_number

from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit
from heed.domain.decision import Channel
from heed.domain.errors import SmsOptedOut
from heed.services import consent, contacts, decisions
from heed.services.common import Principal

ROUNDS = 20


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same instant; each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a thread hung"
    return results


@postgres_only
def test_a_stop_racing_a_staff_turn_on_never_leaves_the_number_messageable_r12(
    heed: Heed,
    staff: Principal,
    business_number: str,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    customer = make_customer()
    refused = 0
    for _ in range(ROUNDS):
        number = random_number()
        contact = add_contact(customer["id"], "mobile", number, notifications={"job": False})

        def text_stop(number: str = number) -> consent.InboundResult:
            return consent.record_inbound_sms(
                heed.uow,
                staff.account_id,
                from_number=number,
                to_number=business_number,
                body="STOP",
                message_id=message_id(),
            )

        def turn_job_on(contact: Record = contact) -> Record:
            return contacts.update_contact(
                heed.uow, staff, contact["id"], ContactEdit(notifications={"job": True})
            )

        stop, turn_on = together(text_stop, turn_job_on)
        assert isinstance(stop, consent.InboundResult) and stop.action == "opted_out", stop
        assert isinstance(turn_on, dict | SmsOptedOut), turn_on
        view = contacts.get_contact(heed.uow, staff, contact["id"])
        if isinstance(turn_on, SmsOptedOut):
            refused += 1
            assert view["notifications"]["job"] is False
        assert view["bell"] == "opted_out"
        for manual in (False, True):
            answer = decisions.decide_one(
                heed.uow,
                staff,
                decisions.DecisionRequest.of(Channel.SMS, contact_id=contact["id"], manual=manual),
            )
            assert (answer["outcome"], answer["reason"]) == ("blocked", "sms_opt_out")
    assert len(ledger(heed, staff.account_id)) == ROUNDS
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_one_provider_message_delivered_twice_at_once_is_recorded_once_r17(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    for _ in range(ROUNDS // 2):
        number, sid = random_number(), message_id()

        def deliver(number: str = number, sid: str = sid) -> consent.InboundResult:
            return consent.record_inbound_sms(
                heed.uow,
                staff.account_id,
                from_number=number,
                to_number=business_number,
                body="STOP",
                message_id=sid,
            )

        results = together(deliver, deliver)
        assert all(isinstance(r, consent.InboundResult) for r in results), results
        assert sorted(r.duplicate for r in results) == [False, True]
        # Whichever came second is a retry of the first: it gets the same answer.
        assert results[0].reply is not None and results[0].reply == results[1].reply
        assert [e.provider_message_id for e in ledger(heed, staff.account_id)].count(sid) == 1
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_many_numbers_stopping_at_once_keep_every_chain_unbroken_r17(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    numbers = [random_number() for _ in range(8)]
    results = together(
        *(
            lambda number=number: consent.record_inbound_sms(
                heed.uow,
                staff.account_id,
                from_number=number,
                to_number=business_number,
                body="STOP",
                message_id=message_id(),
            )
            for number in numbers
        )
    )
    assert all(isinstance(r, consent.InboundResult) for r in results), results
    entries = ledger(heed, staff.account_id)
    assert len({e.seq for e in entries}) == 8
    assert {e.address for e in entries} == set(numbers)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None
