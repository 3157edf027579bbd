"""The inbound writer's statements sent on the driver's cursor (adapters/db/many.py) send
the SQL and the values SQLAlchemy itself sends for the same rows, on either database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from heed.adapters.db import inbound, ledger, marketing
from heed.adapters.db.many import ManyRows
from heed.bootstrap import Heed
from heed.domain.consent import ConsentAction

AT = datetime(2026, 12, 7, 14, 30, 15, 123456, tzinfo=UTC)
ELSEWHERE = datetime(2026, 12, 7, 9, 30, 15, 5, tzinfo=timezone(timedelta(hours=-5)))

_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "entries": [
        (
            "acc_x",
            7,
            "+15125550123",
            "sms",
            "all",
            ConsentAction.OPT_OUT,
            "keyword",
            "STOP",
            "SM1",
            "customer:+15125550123",
            AT,
            "0" * 64,
            "a" * 64,
            "twilio_webhook",
            None,
            3,
        ),
        (
            "acc_x",
            8,
            "+15125550124",
            "sms",
            "+15125550100",
            "opt_in",
            "keyword",
            None,
            None,
            "staff",
            ELSEWHERE,
            "a" * 64,
            "b" * 64,
            None,
            '{"k":1}',
            None,
        ),
    ],
    "heads": [("acc_x", 3, 8, "b" * 64), ("acc_x", 11, 2, "c" * 64)],
    "add_states": [
        ("acc_x", "+15125550123", "all", True, "none", 7, AT, "sms"),
        ("acc_x", "a@example.com", "all", False, "hard", 8, ELSEWHERE, "email"),
    ],
    "update_states": [
        ("acc_x", "+15125550123", "all", False, "none", 9, AT),
        ("acc_x", "a@example.com", "all", True, "complaint", 10, ELSEWHERE),
    ],
    "inbound": [
        ("acc_x", "SM1", "+15125550123", "+15125550100", "STOP", "opt_out", "Bye", AT),
        ("acc_x", "SM2", "+15125550124", "+15125550100", "hi\u00e9", "none", None, ELSEWHERE),
    ],
    "void": [("acc_x", "+15125550123", 7, AT), ("acc_x", "+15125550124", 8, ELSEWHERE)],
}

_STATEMENTS = {
    "entries": ledger._APPEND,
    "heads": ledger._MOVE_HEAD,
    "add_states": ledger._ADD_STATES,
    "update_states": ledger._UPDATE_STATES,
    "inbound": inbound._ADD,
    "void": marketing._VOID,
}


@pytest.mark.parametrize("name", sorted(_STATEMENTS))
def test_a_statement_sends_what_sqlalchemy_sends_for_the_same_rows(heed: Heed, name: str) -> None:
    many: ManyRows = _STATEMENTS[name]
    rows = _ROWS[name]
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        sent.append((statement, parameters))

    with heed.engine.connect() as connection:
        event.listen(connection, "before_cursor_execute", capture)
        transaction = connection.begin()
        try:
            connection.execute(
                many._statement, [dict(zip(many.columns, row, strict=True)) for row in rows]
            )
        finally:
            transaction.rollback()
            event.remove(connection, "before_cursor_execute", capture)
        [(sql, parameters)] = [s for s in sent if not s[0].startswith(("BEGIN", "SAVEPOINT"))]
        ours = many.prepared(connection.dialect, rows)
    assert ours == (sql, list(parameters))


def test_rows_sent_on_the_driver_are_read_back_as_written(heed: Heed) -> None:
    account = f"acc_many_{datetime.now(UTC).timestamp()}"
    rows = [
        (account, "SM1", "+15125550123", "+15125550100", "STOP", "opt_out", "Bye", AT),
        (account, "SM2", "+15125550124", "+15125550100", "hi\u00e9", "none", None, ELSEWHERE),
    ]
    messages = inbound._INBOUND
    with heed.engine.connect() as connection:
        transaction = connection.begin()
        try:
            inbound._ADD.run(connection, rows)
            read = connection.execute(
                select(*messages.c)
                .where(messages.c.account_id == account)
                .order_by(messages.c.provider_message_id)
            ).all()
        finally:
            transaction.rollback()
    assert [tuple(row) for row in read] == [
        (account, "SM1", "+15125550123", "+15125550100", "STOP", "opt_out", "Bye", AT),
        (account, "SM2", "+15125550124", "+15125550100", "hi\u00e9", "none", None, ELSEWHERE),
    ]


def test_a_statement_with_values_computed_per_row_is_refused(heed: Heed) -> None:
    # opted_out and suppression left to their defaults: SQLAlchemy's to fill in per row.
    columns = ("account_id", "address", "scope", "channel", "last_seq", "updated_at")
    with_default = ManyRows(insert(ledger._STATES), columns)
    row = ("acc_x", "+15125550123", "all", "sms", 1, AT)
    with heed.engine.connect() as connection, pytest.raises(ValueError, match="every value"):
        with_default.prepared(connection.dialect, [row])
