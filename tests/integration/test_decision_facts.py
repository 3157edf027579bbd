"""The decision's reader: each statement's rows come back by name, the same on both
databases (heed.adapters.db.decision_facts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from integration_support import postgres_only, random_number

from heed.adapters.db import decision_facts as read
from heed.adapters.db.uow import Transaction
from heed.bootstrap import Heed
from heed.domain.decision import Category
from heed.domain.recipient_facts import stored_contact
from heed.services import accounts
from heed.services.common import Principal
from heed.services.views import fold_consent


def test_stored_contacts_come_back_by_name_with_their_consent_rows(
    heed: Heed,
    staff: Principal,
    make_customer: Callable[..., dict[str, Any]],
    make_location: Callable[..., dict[str, Any]],
    add_contact: Callable[..., dict[str, Any]],
    inbound: Callable[..., Any],
) -> None:
    customer = make_customer()
    dnm = make_customer(do_not_mail=True, contacts=[{"kind": "email", "value": "dnm@acme.org"}])
    dnm_contact = dnm["contacts"][0]["id"]
    cabin = make_location(customer["id"], "Cabin", time_zone="America/Denver")
    number = random_number("512")
    on_cabin = add_contact(cabin["id"], "mobile", number, notifications={"marketing": True})
    inbound(number, "STOP")

    with heed.uow.read() as tx:
        found = read.stored_contacts(
            tx, staff.account_id, [on_cabin["id"], dnm_contact, "con_unknown"]
        )

    assert set(found.contacts) == {on_cabin["id"], dnm_contact}
    assert found.contacts[dnm_contact] == stored_contact(
        "email", "dnm@acme.org", notify=(False, False, False), do_not_mail=True
    )
    assert found.contacts[on_cabin["id"]] == stored_contact(
        "mobile", number, notify=(True, False, True), time_zone="America/Denver"
    )
    assert fold_consent(found.consent_rows)[on_cabin["id"]].sms_opted_out


def test_one_contact_reads_the_account_settings_alongside(
    heed: Heed,
    staff: Principal,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(
            sending_window=accounts.Window("09:00", "18:30"),
            placeholders=["none@acme.example"],
        ),
    )
    contact = make_customer(contacts=[{"kind": "mobile", "value": random_number()}])["contacts"][0]

    found = read.one_contact(heed.engine, staff.account_id, contact["id"])

    assert found is not None
    assert list(found.stored.contacts) == [contact["id"]]
    assert found.stored.consent_rows == []
    assert found.rules.placeholders == ("none@acme.example",)
    assert (found.rules.window.describe(), found.rules.notifications_enabled) == (
        "9:00 AM–6:30 PM",
        True,
    )
    assert read.one_contact(heed.engine, staff.account_id, "con_unknown") is None


def test_a_raw_address_is_held_to_every_record_that_lists_it(
    heed: Heed, staff: Principal, make_customer: Callable[..., dict[str, Any]]
) -> None:
    number = random_number()
    make_customer(contacts=[{"kind": "mobile", "value": number}])
    make_customer(
        do_not_mail=True,
        contacts=[{"kind": "mobile", "value": number, "notifications": {"job": False}}],
    )

    with heed.uow.read() as tx:
        records = read.raw_records(tx, staff.account_id, [number, random_number()])

    assert list(records) == [number]
    assert records[number].do_not_mail is True
    assert records[number].enabled == {Category.JOB}


def test_the_decision_reads_contacts_customers_and_locations_from_their_indexes_alone(
    heed: Heed, staff: Principal
) -> None:
    # Migration 0020's indexes hold every column the two statements read of these three
    # tables; a column added to a statement and not to its index fails here.
    if heed.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's plan depends on its statistics; SQLite's is fixed")
    ids = ["con_a", "con_b", "con_c"]
    statements = {
        "batch": (read._CONTACTS_SQLITE.format(",".join("?" * len(ids))), [*ids]),
        "one": (read._ONE_CONTACT_SQLITE, ["con_a"]),
    }
    with heed.engine.connect() as connection:
        for name, (sql, ids_given) in statements.items():
            plan = " / ".join(
                row[-1]
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + sql, (staff.account_id, *ids_given)
                )
            )
            for table in ("contacts", "customers", "locations"):
                index = f"{table} USING COVERING INDEX ix_{table}_account_decision"
                assert index in plan, (name, plan.split(" / "))


# --- a batch's contacts in parts (PostgreSQL's pipeline) -------------------------------


@pytest.fixture
def eight_contacts(
    staff: Principal, make_customer: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Eight contacts' ids, read in four parts."""
    monkeypatch.setattr(read, "PART_MIN", 2)
    customer = make_customer(
        contacts=[{"kind": "mobile", "value": random_number()} for _ in range(8)]
    )
    ids = [contact["id"] for contact in customer["contacts"]]
    assert len(read.parts_of(ids)) == 4
    return ids


def in_parts(tx: Transaction, account_id: str, ids: list[str]) -> list[read.ContactsPart]:
    with read.stored_contacts_in_parts(tx, account_id, ids) as parts:
        return list(parts)


def left_as_it_was(tx: Transaction) -> None:
    driver: Any = tx.connection.connection.driver_connection
    assert driver.pgconn.pipeline_status == psycopg.pq.PipelineStatus.OFF
    assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


@postgres_only
def test_a_batch_read_in_parts_gives_each_part_its_own_ids_contacts(
    heed: Heed, staff: Principal, eight_contacts: list[str]
) -> None:
    ids = [*eight_contacts[:5], "con_unknown", *eight_contacts[5:]]
    with heed.uow.statements() as tx:
        parts = in_parts(tx, staff.account_id, ids)
        whole = read.stored_contacts(tx, staff.account_id, ids)
        left_as_it_was(tx)

    assert [list(part.ids) for part in parts] == [list(p) for p in read.parts_of(ids)]
    for part in parts:
        assert set(part.stored.contacts) == set(part.ids) - {"con_unknown"}
    assert {k: v for part in parts for k, v in part.stored.contacts.items()} == whole.contacts


@postgres_only
def test_a_statement_failing_mid_pipeline_leaves_the_connection_reading_on(
    heed: Heed, staff: Principal, eight_contacts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second part's statement divides by zero on the server; the first part's runs.
    failing = read._CONTACTS_PREPARED_SQL.replace(
        "WHERE contacts.account_id = $1::VARCHAR",
        "WHERE contacts.account_id = $1::VARCHAR"
        " AND 1 / (CASE WHEN 'boom' = ANY($2::VARCHAR[]) THEN 0 ELSE 1 END) = 1",
    )
    assert failing != read._CONTACTS_PREPARED_SQL
    ids = [*eight_contacts[:4], "boom", *eight_contacts[4:]]
    with heed.uow.statements() as tx:
        with monkeypatch.context() as patched:
            patched.setattr(read, "_CONTACTS_PREPARED_SQL", failing)
            patched.setattr(read, "_CONTACTS_PREPARED", "heed_contacts_failing")
            read_parts: list[read.ContactsPart] = []
            with (
                pytest.raises(psycopg.errors.DivisionByZero),
                read.stored_contacts_in_parts(tx, staff.account_id, ids) as parts,
            ):
                read_parts.extend(parts)
        assert len(read_parts) == 1
        left_as_it_was(tx)

        again = in_parts(tx, staff.account_id, eight_contacts)

    assert {k for part in again for k in part.stored.contacts} == set(eight_contacts)


@postgres_only
def test_a_batch_left_after_its_first_part_leaves_the_connection_reading_on(
    heed: Heed, staff: Principal, eight_contacts: list[str]
) -> None:
    with heed.uow.statements() as tx:
        with (
            pytest.raises(LookupError),
            read.stored_contacts_in_parts(tx, staff.account_id, eight_contacts) as parts,
        ):
            next(parts)
            raise LookupError("the caller stops at its first part")
        left_as_it_was(tx)

        again = in_parts(tx, staff.account_id, eight_contacts)

    assert {k for part in again for k in part.stored.contacts} == set(eight_contacts)


@postgres_only
def test_parts_are_read_after_the_connection_dropped_or_kept_its_prepared_statement(
    heed: Heed, staff: Principal, eight_contacts: list[str]
) -> None:
    with heed.uow.statements() as tx:
        first = in_parts(tx, staff.account_id, eight_contacts)
        driver: Any = tx.connection.connection.driver_connection
        # psycopg drops every prepared statement after a rollback: read again, prepared anew.
        driver.execute("DEALLOCATE ALL")
        dropped = in_parts(tx, staff.account_id, eight_contacts)
        # A connection that has it, where heed's note of it is gone: read again, as it is.
        tx.connection.connection.info.clear()
        kept = in_parts(tx, staff.account_id, eight_contacts)
        left_as_it_was(tx)

    assert first == dropped == kept
