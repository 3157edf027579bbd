"""Inbound texts recorded together: one transaction, each text applied in order (R-11, R-16, R-17).

``record_inbound_batch`` is what the Twilio webhook's writer calls with every text
that arrived together; ``record_inbound_sms`` is a batch of one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from integration_support import ledger, message_id, random_number
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import inbound as stored_inbound
from heed.adapters.db import tables as t
from heed.adapters.db.many import read_together
from heed.bootstrap import Heed
from heed.domain.decision import Category, Channel
from heed.domain.errors import HeedError, InvalidPhone, NotFound
from heed.services import accounts, consent, decisions
from heed.services.common import Principal
from heed.services.consent import InboundResult, InboundText


def _text(account_id: str, to: str, sender: str, body: str = "STOP", **kw: str) -> InboundText:
    return InboundText(account_id, sender, to, body, kw.pop("sid", "") or message_id(), **kw)


def _opted_out(heed: Heed, principal: Principal, number: str) -> bool:
    view = consent.address_consent(heed.uow, principal, number)
    return bool(view["opted_out"])


def test_two_stops_from_one_number_in_one_batch_change_the_ledger_once_and_confirm_once(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    number = random_number()
    first, second = consent.record_inbound_batch(
        heed.uow,
        [
            _text(staff.account_id, business_number, number, "STOP"),
            _text(staff.account_id, business_number, number, "stop."),
        ],
    )
    assert isinstance(first, InboundResult) and isinstance(second, InboundResult)
    assert first.reply is not None and "unsubscribed" in first.reply
    assert second.reply is None and not second.duplicate
    [entry] = ledger(heed, staff.account_id)
    assert (entry.address, entry.action) == (number, "opt_out")
    assert _opted_out(heed, staff, number)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_a_message_id_repeated_in_one_batch_records_once(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    number, sid = random_number(), message_id()
    first, retry = consent.record_inbound_batch(
        heed.uow,
        [
            _text(staff.account_id, business_number, number, "STOP", sid=sid),
            _text(staff.account_id, business_number, number, "START", sid=sid),
        ],
    )
    assert isinstance(first, InboundResult) and isinstance(retry, InboundResult)
    assert (first.duplicate, retry.duplicate) == (False, True)
    assert (retry.action, retry.reply) == (first.action, first.reply)
    assert [e.provider_message_id for e in ledger(heed, staff.account_id)] == [sid]
    assert _opted_out(heed, staff, number)


def test_a_message_id_stored_by_an_earlier_batch_records_nothing_again(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    number, sid = random_number(), message_id()
    [first] = consent.record_inbound_batch(
        heed.uow, [_text(staff.account_id, business_number, number, sid=sid)]
    )
    [again] = consent.record_inbound_batch(
        heed.uow, [_text(staff.account_id, business_number, number, "START", sid=sid)]
    )
    assert isinstance(first, InboundResult) and isinstance(again, InboundResult)
    assert again == InboundResult("opted_out", first.reply, duplicate=True)
    assert len(ledger(heed, staff.account_id)) == 1


@pytest.mark.parametrize(
    ("body", "action", "entries"),
    [("STOP", "opted_out", ["opt_out"]), ("START", "opted_in", ["opt_in"]), ("HELP", "help", [])],
)
def test_a_retried_keyword_gets_its_first_reply_again_and_records_nothing_twice_r16(
    heed: Heed, staff: Principal, business_number: str, body: str, action: str, entries: list[str]
) -> None:
    """The gateway retries a text whose answer it did not see: the retry, in the same
    batch as the original or a later one, is answered with the same confirmation."""
    text = _text(staff.account_id, business_number, random_number(), body)
    first, retry_alongside = consent.record_inbound_batch(heed.uow, [text, text])
    [retry_later] = consent.record_inbound_batch(heed.uow, [text])
    assert isinstance(first, InboundResult) and first.reply
    assert (first.action, first.duplicate) == (action, False)
    assert retry_alongside == retry_later == InboundResult(action, first.reply, duplicate=True)
    assert [e.action for e in ledger(heed, staff.account_id)] == entries
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_a_retried_help_is_answered_with_the_help_text_it_first_got(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    """The answer is the one stored with the text, not one made again from today's settings."""
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(help_text="Acme: call (512) 555-0100.")
    )
    text = _text(staff.account_id, business_number, random_number(), "HELP")
    [first] = consent.record_inbound_batch(heed.uow, [text])
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(help_text="Acme: call (512) 555-0199.")
    )
    [retry] = consent.record_inbound_batch(heed.uow, [text])
    assert isinstance(first, InboundResult) and isinstance(retry, InboundResult)
    assert first.reply == retry.reply == "Acme: call (512) 555-0100."


def test_stop_then_start_in_one_batch_ends_opted_in_with_both_confirmed(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    number = random_number()
    stop, start = consent.record_inbound_batch(
        heed.uow,
        [
            _text(staff.account_id, business_number, number, "STOP"),
            _text(staff.account_id, business_number, number, "START"),
        ],
    )
    assert isinstance(stop, InboundResult) and isinstance(start, InboundResult)
    assert stop.reply and "unsubscribed" in stop.reply
    assert start.reply and "resubscribed" in start.reply
    assert [e.action for e in ledger(heed, staff.account_id)] == ["opt_out", "opt_in"]
    assert not _opted_out(heed, staff, number)
    answer = decisions.decide_one(
        heed.uow,
        staff,
        decisions.DecisionRequest.of(Channel.SMS, Category.JOB, to=number, manual=True),
    )
    assert answer["outcome"] == "allowed"


def test_a_batch_across_two_accounts_keeps_each_accounts_chain_valid(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    other_number = random_number("214")
    other = accounts.create_account(heed.uow, "Other Heating Co", [other_number])
    consent.record_inbound_sms(
        heed.uow,
        other.account_id,
        from_number=random_number(),
        to_number=other_number,
        body="STOP",
        message_id=message_id(),
    )
    texts = []
    for i in range(6):
        mine = i % 2 == 0
        texts.append(
            _text(
                staff.account_id if mine else other.account_id,
                business_number if mine else other_number,
                random_number(),
            )
        )
    results = consent.record_inbound_batch(heed.uow, texts)
    assert all(isinstance(r, InboundResult) and r.reply for r in results), results
    # Seqs are unique per account; stripes interleave them (domain/consent.py).
    assert len({e.seq for e in ledger(heed, staff.account_id)}) == 3
    assert len({e.seq for e in ledger(heed, other.account_id)}) == 4
    assert {e.address for e in ledger(heed, staff.account_id)} == {
        t.from_number for t in texts[0::2]
    }
    assert consent.verify_ledger(heed.uow, staff.account_id) is None
    assert consent.verify_ledger(heed.uow, other.account_id) is None


def test_refused_texts_do_not_cost_the_others_their_opt_out(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    good = [random_number() for _ in range(3)]
    texts = [
        _text(staff.account_id, business_number, good[0]),
        _text(staff.account_id, business_number, "+447700900123"),
        _text(staff.account_id, random_number("737"), random_number()),
        _text(staff.account_id, business_number, good[1]),
        _text("acc_nobody", business_number, random_number()),
        InboundText(staff.account_id, random_number(), business_number, "STOP", ""),
        _text(staff.account_id, business_number, good[2]),
    ]
    results = consent.record_inbound_batch(heed.uow, texts)
    assert isinstance(results[1], InvalidPhone) and results[1].details["field"] == "from"
    assert isinstance(results[2], NotFound) and results[2].details["field"] == "to"
    assert isinstance(results[4], NotFound)
    assert isinstance(results[5], HeedError) and results[5].details["field"] == "message_id"
    assert [isinstance(results[i], InboundResult) for i in (0, 3, 6)] == [True] * 3
    assert sorted(e.address for e in ledger(heed, staff.account_id)) == sorted(good)
    assert all(_opted_out(heed, staff, number) for number in good)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_results_come_back_in_the_order_of_the_texts(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    numbers = [random_number() for _ in range(5)]
    bodies = ["STOP", "Thanks, see you at 3", "HELP", "STOP", "please stop texting me"]
    results = consent.record_inbound_batch(
        heed.uow,
        [
            _text(staff.account_id, business_number, n, body)
            for n, body in zip(numbers, bodies, strict=True)
        ],
    )
    assert [r.action for r in results if isinstance(r, InboundResult)] == [
        "opted_out",
        "none",
        "help",
        "opted_out",
        "opted_out",
    ]
    assert sorted(e.address for e in ledger(heed, staff.account_id)) == sorted(
        [numbers[0], numbers[3], numbers[4]]
    )


def test_an_empty_batch_records_nothing(heed: Heed, staff: Principal) -> None:
    assert consent.record_inbound_batch(heed.uow, []) == []
    assert ledger(heed, staff.account_id) == []


def _stored_rows(heed: Heed, account_id: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row the inbound writer touches for the account, as stored."""
    tables = {
        "entries": (t.ConsentEvent, t.ConsentEvent.seq),
        "consent": (t.ConsentState, t.ConsentState.address),
        "inbound": (t.InboundMessage, t.InboundMessage.provider_message_id),
        "stripes": (t.LedgerStripe, t.LedgerStripe.stripe),
    }
    found: dict[str, list[tuple[object, ...]]] = {}
    with heed.uow.read() as tx:
        for name, (table, order) in tables.items():
            columns = list(table.__table__.columns)
            rows = tx.session.execute(
                select(*columns).where(columns[0] == account_id).order_by(order)
            )
            found[name] = [tuple(row) for row in rows]
    return found


def test_a_batch_mixing_a_replay_a_stop_a_start_and_an_ordinary_text_stores_each_as_it_should(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    stopper, starter, talker = random_number(), random_number(), random_number()
    earlier = _text(staff.account_id, business_number, stopper, "STOP")
    [first] = consent.record_inbound_batch(heed.uow, [earlier])
    texts = [
        earlier,  # a replay of a text stored by the earlier batch
        _text(staff.account_id, business_number, starter, "STOP"),
        _text(staff.account_id, business_number, stopper, "START"),
        _text(staff.account_id, business_number, talker, "Running 10 min late"),
        _text(staff.account_id, business_number, starter, "stop"),
    ]
    replay, stop, start, ordinary, second_stop = consent.record_inbound_batch(heed.uow, texts)
    assert isinstance(first, InboundResult)
    assert replay == InboundResult(first.action, first.reply, duplicate=True)
    assert isinstance(stop, InboundResult) and stop.action == "opted_out" and stop.reply
    assert isinstance(start, InboundResult) and start.action == "opted_in" and start.reply
    assert ordinary == InboundResult("none", None)
    assert second_stop == InboundResult("opted_out", None)
    rows = _stored_rows(heed, staff.account_id)
    entries = [(e.address, e.action, e.body) for e in ledger(heed, staff.account_id)]
    assert sorted(entries) == sorted(
        [(stopper, "opt_out", "STOP"), (starter, "opt_out", "STOP"), (stopper, "opt_in", "START")]
    )
    stored = {row[1]: (row[2], row[4], row[5], row[6]) for row in rows["inbound"]}
    assert stored == {
        text.message_id: (text.from_number, text.body, result.action, result.reply)
        for text, result in zip(
            [earlier, *texts[1:]], [first, stop, start, ordinary, second_stop], strict=True
        )
        if isinstance(result, InboundResult)
    }
    assert not _opted_out(heed, staff, stopper) and _opted_out(heed, staff, starter)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def _driver_goes_away(patched: pytest.MonkeyPatch) -> type[Exception]:
    def refuse(*args: object) -> None:
        raise RuntimeError("the database went away")

    patched.setattr(stored_inbound._ADD, "run", refuse)
    return RuntimeError


def _database_refuses_a_text_stored_twice(patched: pytest.MonkeyPatch) -> type[Exception]:
    store = stored_inbound.add

    def twice(session: object, records: list[stored_inbound.InboundRecord]) -> None:
        store(session, [*records, records[0]])  # type: ignore[arg-type]

    patched.setattr("heed.services.consent.texts.stored.add", twice)
    return IntegrityError


@pytest.mark.parametrize("fail", [_driver_goes_away, _database_refuses_a_text_stored_twice])
def test_a_batch_that_fails_while_storing_commits_nothing_of_it(
    heed: Heed,
    staff: Principal,
    business_number: str,
    monkeypatch: pytest.MonkeyPatch,
    fail: Callable[[pytest.MonkeyPatch], type[Exception]],
) -> None:
    """The ledger entries, stripe heads and current consent are sent before the inbound
    texts, on PostgreSQL all together and answered at the end: a failure there (the
    driver's, or the database refusing one of them) is raised as it was, leaves none of
    them, and the next batch chains as if the failed one had never been."""
    consent.record_inbound_batch(
        heed.uow, [_text(staff.account_id, business_number, random_number())]
    )
    before = _stored_rows(heed, staff.account_id)
    numbers = [random_number() for _ in range(3)]
    texts = [_text(staff.account_id, business_number, number) for number in numbers]
    with monkeypatch.context() as patched:
        raised = fail(patched)
        with pytest.raises(raised):
            consent.record_inbound_batch(heed.uow, texts)
    assert _stored_rows(heed, staff.account_id) == before
    assert not any(_opted_out(heed, staff, number) for number in numbers)
    results = consent.record_inbound_batch(heed.uow, texts)
    assert all(isinstance(r, InboundResult) and r.action == "opted_out" for r in results)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_the_accounts_a_batch_reads_with_its_lock_are_the_ones_a_query_loads(
    heed: Heed, staff: Principal
) -> None:
    accounts.set_twilio_auth_token(heed.uow, staff.account_id, "a-token-that-is-sealed-at-rest")
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(
            reply_texts={"es": {"opt_out": "Ya no recibirá mensajes de {business}."}},
            placeholders=["TBD"],
        ),
    )
    with heed.uow.write() as tx:
        [rows] = read_together(
            tx.session.connection(),
            [stored_accounts.settings_read([staff.account_id, "acc_nobody"])],
        )
        [(account_id, read)] = stored_accounts.settings_of(tx.engine.dialect, rows).items()
        loaded = tx.session.get(t.Account, staff.account_id)
        assert loaded is not None and read is not loaded
        assert account_id == staff.account_id
        columns = [c.key for c in inspect(t.Account).column_attrs]
        assert {c: getattr(read, c) for c in columns} == {c: getattr(loaded, c) for c in columns}
        assert read.twilio_auth_token == "a-token-that-is-sealed-at-rest"
        assert read.reply_texts["es"]["opt_out"].startswith("Ya no recibirá")
        assert read.created_at.tzinfo is not None
        # Read as a query would leave it after its transaction: held by no session.
        assert inspect(read).detached


def test_a_stop_is_confirmed_in_the_words_the_account_set_just_before_it(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    before = consent.record_inbound_batch(
        heed.uow, [_text(staff.account_id, business_number, random_number(), "STOP")]
    )
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(
            reply_texts={"en": {"opt_out": "Done: {business} will not text you again."}}
        ),
    )
    [after] = consent.record_inbound_batch(
        heed.uow, [_text(staff.account_id, business_number, random_number(), "STOP")]
    )
    assert isinstance(before[0], InboundResult) and isinstance(after, InboundResult)
    assert before[0].reply is not None and not before[0].reply.startswith("Done:")
    assert after.reply is not None and after.reply.startswith("Done: ")
