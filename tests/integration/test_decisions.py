"""The send decision over stored facts, one at a time and in batches (R-18)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration_support import (
    NOON_CENTRAL,
    MakeRecord,
    ReceiveText,
    Record,
    counting_sqlite_statements,
    counting_statements,
    marketing_sent,
    postgres_only,
    random_number,
)
from sqlalchemy import text

from heed.adapters.db import decision_facts
from heed.adapters.db.engine import statement_connection
from heed.bootstrap import Heed
from heed.domain.errors import Invalid, NotFound
from heed.services import consent, customers, decisions, recipients
from heed.services.common import Principal
from heed.services.customer_commands import CustomerInput
from heed.services.decisions import DecisionRequest

# 2026-05-05 (a Tuesday), in UTC.
LATE_EVENING_CENTRAL = datetime(2026, 5, 6, 3, 30, tzinfo=UTC)  # 22:30 CDT
EIGHT_AM_CENTRAL = datetime(2026, 5, 6, 13, 0, tzinfo=UTC)
HALF_PAST_EIGHT_PM_EASTERN = datetime(2026, 5, 6, 0, 30, tzinfo=UTC)  # 20:30 EDT


def test_deferred_outside_the_sending_window_until_the_next_local_opening_r18(
    make_customer: MakeRecord, add_contact: MakeRecord, decide: MakeRecord
) -> None:
    contact = add_contact(make_customer()["id"], "mobile", random_number("512"))
    answer = decide(contact_id=contact["id"], at=LATE_EVENING_CENTRAL.isoformat())
    assert (answer["outcome"], answer["reason"]) == ("deferred", "outside_sending_window")
    assert datetime.fromisoformat(answer["not_before"]) == EIGHT_AM_CENTRAL
    assert decide(contact_id=contact["id"], at=EIGHT_AM_CENTRAL)["outcome"] == "allowed"
    # Staff writing by hand are not held by the window, and email is never held.
    assert decide(contact_id=contact["id"], at=LATE_EVENING_CENTRAL, manual=True)["outcome"] == (
        "allowed"
    )
    email = add_contact(make_customer()["id"], "email", "night@owl.org")
    assert decide(contact_id=email["id"], channel="email", at=LATE_EVENING_CENTRAL)["outcome"] == (
        "allowed"
    )


def test_the_location_time_zone_wins_over_the_area_code_r18(
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    number = random_number("512")  # Central by area code
    customer = make_customer()
    cabin = make_location(customer["id"], "Cabin", time_zone="America/Los_Angeles")
    on_customer = add_contact(customer["id"], "mobile", number)
    on_cabin = add_contact(cabin["id"], "mobile", number)
    at = datetime(2026, 5, 5, 14, 30, tzinfo=UTC)  # 9:30 in Austin, 7:30 in Los Angeles
    assert decide(contact_id=on_customer["id"], at=at)["outcome"] == "allowed"
    deferred = decide(contact_id=on_cabin["id"], at=at)
    assert deferred["outcome"] == "deferred"
    assert datetime.fromisoformat(deferred["not_before"]) == datetime(2026, 5, 5, 15, 0, tzinfo=UTC)


def test_the_account_sending_window_is_used_r18(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    from heed.services import accounts

    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(sending_window=accounts.Window("10:00", "17:00"))
    )
    contact = add_contact(make_customer()["id"], "mobile", random_number("512"))
    answer = decide(contact_id=contact["id"], at=datetime(2026, 5, 5, 14, 0, tzinfo=UTC))
    assert answer["outcome"] == "deferred"
    assert datetime.fromisoformat(answer["not_before"]) == datetime(2026, 5, 5, 15, 0, tzinfo=UTC)


def test_a_number_saved_as_landline_is_allowed_with_a_warning_r18(
    make_customer: MakeRecord, add_contact: MakeRecord, decide: MakeRecord
) -> None:
    landline = add_contact(make_customer()["id"], "phone", random_number())
    answer = decide(contact_id=landline["id"])
    assert (answer["outcome"], answer["warnings"]) == ("allowed", ["saved_as_landline"])
    mobile = add_contact(make_customer()["id"], "mobile", random_number())
    assert decide(contact_id=mobile["id"])["warnings"] == []


def test_a_text_to_an_email_contact_or_an_email_to_a_phone_is_an_invalid_address_r18(
    make_customer: MakeRecord, add_contact: MakeRecord, decide: MakeRecord
) -> None:
    customer = make_customer()
    email = add_contact(customer["id"], "email", "dana@whitfield.org")
    mobile = add_contact(customer["id"], "mobile", random_number())
    assert decide(contact_id=email["id"], channel="sms")["reason"] == "invalid_address"
    assert decide(contact_id=mobile["id"], channel="email")["reason"] == "invalid_address"
    assert decide(to="not a phone")["reason"] == "invalid_address"
    # a number outside NANP is not a textable address, however it is written.
    for international in ("+44 20 7946 0958", "+52 55 1234 5678"):
        answer = decide(to=international, manual=True)
        assert (answer["outcome"], answer["reason"]) == ("blocked", "invalid_address")


def test_raw_address_with_no_record_gets_job_messages_but_never_marketing_r18(
    decide: MakeRecord,
) -> None:
    number = random_number()
    assert decide(to=number)["outcome"] == "allowed"
    assert decide(to=number, category="marketing")["reason"] == "preference_off"
    assert decide(to="555-555-5555", manual=True)["reason"] == "placeholder"


# A Florida contact, and a way to record marketing texts sent to it at these moments.
FloridaMarketing = tuple[Record, Callable[..., None]]
# The Florida contact's id, and 300 decision requests.
MixedBatch = tuple[str, list[dict[str, Any]]]


@pytest.fixture
def florida_marketing(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> FloridaMarketing:
    """A Florida mobile with marketing on, and a way to record marketing texts sent to it."""
    contact = add_contact(
        make_customer()["id"], "mobile", random_number("305"), notifications={"marketing": True}
    )

    def sent(*moments: datetime) -> None:
        marketing_sent(heed, staff.account_id, staff.actor, contact, *moments)

    return contact, sent


def test_florida_gets_at_most_three_marketing_texts_in_24_hours_r18(
    florida_marketing: FloridaMarketing, decide: MakeRecord
) -> None:
    contact, sent = florida_marketing
    at = NOON_CENTRAL  # 14:00 in Miami
    sent(at - timedelta(hours=23), at - timedelta(hours=5))
    assert decide(contact_id=contact["id"], category="marketing", at=at)["outcome"] == "allowed"
    sent(at - timedelta(hours=1))
    answer = decide(contact_id=contact["id"], category="marketing", at=at)
    assert (answer["outcome"], answer["reason"]) == ("deferred", "state_limit")
    # It frees up 24 h after the oldest of the three.
    assert datetime.fromisoformat(answer["not_before"]) == at + timedelta(hours=1)
    # Manual marketing is capped too; job texts are not.
    assert decide(contact_id=contact["id"], category="marketing", at=at, manual=True)["reason"] == (
        "state_limit"
    )
    assert decide(contact_id=contact["id"], category="job", at=at)["outcome"] == "allowed"


def test_marketing_sent_more_than_a_day_before_does_not_count_r18(
    florida_marketing: FloridaMarketing, decide: MakeRecord
) -> None:
    contact, sent = florida_marketing
    at = NOON_CENTRAL
    sent(at - timedelta(hours=30), at - timedelta(hours=26), at - timedelta(hours=25))
    assert decide(contact_id=contact["id"], category="marketing", at=at)["outcome"] == "allowed"


def test_florida_marketing_stops_at_8_pm_while_job_texts_go_until_9_r18(
    florida_marketing: FloridaMarketing, decide: MakeRecord
) -> None:
    contact, _ = florida_marketing
    marketing = decide(
        contact_id=contact["id"], category="marketing", at=HALF_PAST_EIGHT_PM_EASTERN
    )
    assert (marketing["outcome"], marketing["reason"]) == ("deferred", "outside_sending_window")
    assert datetime.fromisoformat(marketing["not_before"]) == datetime(
        2026, 5, 6, 12, 0, tzinfo=UTC
    )
    assert decide(contact_id=contact["id"], at=HALF_PAST_EIGHT_PM_EASTERN)["outcome"] == "allowed"


def test_oklahoma_marketing_is_capped_but_texas_is_not_r18(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    customer = make_customer()
    rows = []
    results = {}
    for area in ("405", "512"):
        contact = add_contact(
            customer["id"], "mobile", random_number(area), notifications={"marketing": True}
        )
        rows.append(contact)
        three = (NOON_CENTRAL - timedelta(hours=hours) for hours in (1, 2, 3))
        marketing_sent(heed, staff.account_id, staff.actor, contact, *three)
        results[area] = decide(contact_id=contact["id"], category="marketing")
    assert results["405"]["reason"] == "state_limit"
    assert results["512"]["outcome"] == "allowed"


# --- batches ----------------------------------------------------------------------------


@pytest.fixture
def mixed_batch(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> MixedBatch:
    """Three hundred requests over contacts in every state R-18 distinguishes."""
    rng = random.Random(18)
    plain = make_customer(
        "Plain Customer",
        contacts=[
            {"kind": rng.choice(["mobile", "phone"]), "value": random_number(rng.choice(AREAS))}
            for _ in range(60)
        ],
    )
    dnm = make_customer(
        "Do Not Mail",
        do_not_mail=True,
        contacts=[{"kind": "mobile", "value": random_number()} for _ in range(10)],
    )
    emails = make_customer(
        "Email Customer",
        contacts=[
            {
                "kind": "email",
                "value": f"person{i}@mail{i}.org",
                "notifications": {"invoice_statement": True},
            }
            for i in range(20)
        ],
    )
    ids = [c["id"] for c in (*plain["contacts"], *dnm["contacts"], *emails["contacts"])]
    ids.append(add_contact(plain["id"], "fax", random_number())["id"])
    ids.append(add_contact(plain["id"], "mobile", "(123) 456-7890", imported=True)["id"])
    florida = add_contact(
        plain["id"], "mobile", random_number("305"), notifications={"marketing": True}
    )["id"]
    ids.append(florida)
    for contact in plain["contacts"][:8]:
        inbound(contact["value"], "STOP")
    for i, contact in enumerate(emails["contacts"][:10]):
        consent.record_email_event(
            heed.uow,
            staff.account_id,
            email=contact["value"],
            event="unsubscribe" if i % 2 else "bounce",
        )
    moments = [NOON_CENTRAL, LATE_EVENING_CENTRAL, HALF_PAST_EIGHT_PM_EASTERN]
    items: list[dict[str, Any]] = []
    for i in range(300):
        item: dict[str, Any] = {
            "channel": rng.choice(["sms", "sms", "email"]),
            "category": rng.choice(["job", "job", "invoice_statement", "marketing"]),
            "manual": rng.random() < 0.2,
            "at": rng.choice(moments).isoformat(),
        }
        if i % 10 == 9:
            item["to"] = rng.choice([random_number(), "x@y.org", "555-555-5555"])
        else:
            item["contact_id"] = rng.choice(ids)
        items.append(item)
    return florida, items


AREAS = ("512", "305", "405", "212", "808", "907")


def test_a_batch_answers_in_order_exactly_as_single_decisions_do_r18(
    heed: Heed, staff: Principal, mixed_batch: MixedBatch
) -> None:
    _, items = mixed_batch
    requests = [DecisionRequest.parse(item) for item in items]
    batch = decisions.decide_many(heed.uow, staff, requests)
    singles = [decisions.decide_one(heed.uow, staff, request) for request in requests]
    assert batch == singles
    outcomes = {(r["outcome"], r["reason"]) for r in batch}
    # The batch really is mixed.
    assert {"allowed", "blocked", "deferred"} <= {outcome for outcome, _ in outcomes}
    assert {"sms_opt_out", "do_not_mail", "fax", "placeholder", "email_suppressed"} <= {
        reason for _, reason in outcomes
    }


def test_a_batch_of_300_takes_as_many_queries_as_a_batch_of_3_r18(
    heed: Heed, staff: Principal, mixed_batch: MixedBatch
) -> None:
    florida, items = mixed_batch
    small = [
        {"channel": "sms", "category": "marketing", "contact_id": florida},
        {"channel": "email", "category": "job", "contact_id": items[0].get("contact_id", florida)},
        {"channel": "sms", "category": "job", "to": random_number()},
    ]
    with counting_statements(heed) as few:
        decisions.decide_many(heed.uow, staff, [DecisionRequest.parse(i) for i in small])
    with counting_statements(heed) as many:
        decisions.decide_many(heed.uow, staff, [DecisionRequest.parse(i) for i in items])
    assert any("FROM messages" in statement for statement in few)
    assert len(few) > 0
    assert len(many) == len(few), many


def test_a_batch_naming_an_unknown_contact_names_the_item_r18(
    heed: Heed, staff: Principal, other_staff: Principal, mixed_batch: MixedBatch
) -> None:
    foreign = customers.create_customer(
        heed.uow,
        other_staff,
        CustomerInput.parse(
            {"name": "Theirs", "contacts": [{"kind": "mobile", "value": random_number()}]}
        ),
    )["contacts"][0]["id"]
    _, batch = mixed_batch
    items = [*batch[:5], {"channel": "sms", "contact_id": foreign}]
    with pytest.raises(NotFound) as missing:
        decisions.decide_many(heed.uow, staff, [DecisionRequest.parse(i) for i in items])
    assert missing.value.details["field"] == "items[5].contact_id"
    with pytest.raises(Invalid):
        decisions.decide_many(heed.uow, staff, [DecisionRequest.parse(mixed_batch[0])] * 1001)


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch's contacts read in parts of a few ids, so a test's batch spans several
    (PostgreSQL's pipeline; SQLite reads a batch whole)."""
    monkeypatch.setattr(decision_facts, "PART_MIN", 4)


def test_a_batch_read_in_parts_answers_in_order_exactly_as_single_decisions_do_r18(
    heed: Heed, staff: Principal, mixed_batch: MixedBatch, small_parts: None
) -> None:
    _, items = mixed_batch
    requests = [DecisionRequest.parse(item) for item in items]
    ids = list(dict.fromkeys(r.contact_id for r in requests if r.contact_id))
    assert len(decision_facts.parts_of(ids)) == len(decision_facts.PART_SHARES)

    batch = decisions.decide_many(heed.uow, staff, requests)

    assert batch == [decisions.decide_one(heed.uow, staff, request) for request in requests]


def test_a_batch_read_in_parts_names_its_first_unknown_contact_and_the_pool_reads_on_r18(
    heed: Heed, staff: Principal, mixed_batch: MixedBatch, small_parts: None
) -> None:
    _, batch = mixed_batch
    named = [item for item in batch if "contact_id" in item]
    ids = list(dict.fromkeys(item["contact_id"] for item in named))
    # The first unknown contact comes after the first two parts' ids; a sender that is
    # not the business's, before it, and a second unknown contact, after it, say nothing.
    last_known = named.index(next(i for i in named if i["contact_id"] == ids[len(ids) * 3 // 4]))
    items = [
        {"channel": "sms", "contact_id": ids[0], "from": random_number()},
        *named[: last_known + 1],
        {"channel": "sms", "contact_id": "con_not_here"},
        *named[last_known + 1 :],
        {"channel": "email", "contact_id": "con_not_here_either"},
    ]
    requests = [DecisionRequest.parse(item) for item in items]

    with pytest.raises(NotFound) as missing:
        decisions.decide_many(heed.uow, staff, requests)

    assert missing.value.details["field"] == f"items[{last_known + 2}].contact_id"
    # Every pooled connection, the one left in the middle of its parts among them,
    # answers the next batches whole.
    known = [DecisionRequest.parse(item) for item in batch]
    answers = [decisions.decide_many(heed.uow, staff, known) for _ in range(12)]
    assert all(answer == answers[0] for answer in answers)


# --- the single decision's statement ---------------------------------------------------


def test_a_decision_about_a_stored_contact_is_one_statement_outside_any_transaction_r18(
    heed: Heed, make_customer: MakeRecord, decide: MakeRecord
) -> None:
    contact = make_customer(contacts=[{"kind": "mobile", "value": random_number("512")}])[
        "contacts"
    ][0]
    decide(contact_id=contact["id"])
    # On SQLite the statement goes to the sqlite3 connection directly, past
    # SQLAlchemy's events, so SQLite's own trace is what counts there.
    sqlite = heed.engine.dialect.name == "sqlite"
    counting = counting_sqlite_statements if sqlite else counting_statements

    with counting(heed) as statements:
        answer = decide(contact_id=contact["id"])

    assert answer["reason"] == "ok"
    # No BEGIN, no ROLLBACK statement: one SELECT is atomic on its own.
    assert len(statements) == 1, statements
    assert statements[0].lstrip().upper().startswith("SELECT")


def test_after_a_decision_a_read_on_sqlite_still_begins_its_transaction_r18(
    heed: Heed, make_customer: MakeRecord, decide: MakeRecord
) -> None:
    if heed.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's BEGIN is heed's own; PostgreSQL's case is tested below")
    contact = make_customer(contacts=[{"kind": "mobile", "value": random_number("512")}])[
        "contacts"
    ][0]
    decide(contact_id=contact["id"])

    with counting_statements(heed) as statements, heed.uow.read() as tx:
        tx.session.execute(text("SELECT 1"))

    assert statements[:2] == ["BEGIN", "SELECT 1"], statements


# --- the single decision's statement on PostgreSQL ------------------------------------


@postgres_only
def test_a_decision_runs_a_prepared_statement_with_a_reused_plan_on_postgresql_r18(
    heed: Heed, make_customer: MakeRecord, decide: MakeRecord
) -> None:
    contact = make_customer(contacts=[{"kind": "mobile", "value": random_number("512")}])[
        "contacts"
    ][0]
    # psycopg prepares a statement after five runs on one connection; the pool may
    # hand out a few connections in turn, so every one of them gets that many.
    answers = [decide(contact_id=contact["id"]) for _ in range(60)]

    assert {a["reason"] for a in answers} == {"ok"}
    with statement_connection(heed.engine) as connection:
        plans = connection.execute(
            text(
                "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE '%consent_state%' AND statement LIKE '%accounts%'"
            )
        ).scalar_one()
    assert plans >= 1


@postgres_only
def test_a_connection_lent_to_a_decision_comes_back_to_the_pool_in_transactions_r18(
    heed: Heed, make_customer: MakeRecord, decide: MakeRecord
) -> None:
    contact = make_customer(contacts=[{"kind": "mobile", "value": random_number("512")}])[
        "contacts"
    ][0]
    for _ in range(3):
        decide(contact_id=contact["id"])

    with heed.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        assert driver.autocommit is False
        # Inside a transaction, now() stays at its start while statements move on.
        first = connection.execute(text("SELECT now()")).scalar_one()
        second = connection.execute(text("SELECT now()")).scalar_one()
        assert first == second


# --- permissions -------------------------------------------------------------------------


def test_every_decision_verb_refuses_a_caller_without_customer_view_r22(
    heed: Heed, staff: Principal
) -> None:
    from heed.domain.decision import Category, Channel
    from heed.domain.errors import Forbidden
    from heed.services.permissions import DECLARED

    nobody = Principal(staff.account_id, "user:nobody@acme.example", frozenset())
    request = DecisionRequest.of(Channel.SMS, to=random_number())
    calls: dict[str, Callable[[], object]] = {
        "decide_one": lambda: decisions.decide_one(heed.uow, nobody, request),
        "decide_many": lambda: decisions.decide_many(heed.uow, nobody, [request]),
        "decide_stored_contact": lambda: decisions.decide_stored_contact(
            lambda account_id, contact_id: None, nobody, request
        ),
        "recipients_for": lambda: recipients.recipients_for(
            heed.uow, nobody, customer_id="cus_x", location_id=None, category=Category.JOB
        ),
    }
    for name, call in calls.items():
        module = "recipients" if name == "recipients_for" else "decisions"
        assert DECLARED[f"heed.services.{module}.{name}"] == ("customer:view",)
        with pytest.raises(Forbidden):
            call()
