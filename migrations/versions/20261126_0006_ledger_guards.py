"""Ledger guards: SQLite refuses INSERT OR REPLACE on the ledger, an account's ledger
head only moves forward; ledger check results.

SQLite's REPLACE removes the row it conflicts with without firing DELETE
triggers (unless recursive_triggers is on), so ``INSERT OR REPLACE`` could
rewrite an entry past the UPDATE and DELETE triggers. A BEFORE INSERT trigger
now refuses any insert that would meet an existing entry (same seq, or same
provider message id), whatever the connection's pragmas. PostgreSQL needs
nothing new: ``INSERT … ON CONFLICT DO UPDATE`` and MERGE fire its row UPDATE
and DELETE triggers, which refuse.

An account's recorded head (ledger_seq, ledger_head) is what shows that the newest
entries were removed or rewritten, so the database refuses to move it back or to
change its hash without a new entry, on both databases.

ledger_checks keeps each account's latest verification; ledger_check_runs the
one row the periodic check claims.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "consent_events is append-only: consent history cannot be changed"
HEAD_MESSAGE = (
    "accounts.ledger_seq and ledger_head only move forward: consent history cannot be changed"
)


def upgrade() -> None:
    op.create_table(
        "ledger_checks",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_ledger_checks")),
    )
    runs = op.create_table(
        "ledger_check_runs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ledger_check_runs")),
    )
    op.bulk_insert(runs, [{"name": "ledger", "started_at": None}])
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_guards()
    else:
        _postgresql_guards()


def _sqlite_guards() -> None:
    op.execute(
        "CREATE TRIGGER consent_events_no_replace BEFORE INSERT ON consent_events "
        "WHEN EXISTS (SELECT 1 FROM consent_events "
        "WHERE account_id = NEW.account_id AND seq = NEW.seq) "
        "OR (NEW.provider_message_id IS NOT NULL AND EXISTS (SELECT 1 FROM consent_events "
        "WHERE account_id = NEW.account_id "
        "AND provider_message_id = NEW.provider_message_id)) "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )
    op.execute(
        "CREATE TRIGGER accounts_ledger_head_forward "
        "BEFORE UPDATE OF ledger_seq, ledger_head ON accounts "
        "WHEN NEW.ledger_seq < OLD.ledger_seq OR (NEW.ledger_seq = OLD.ledger_seq "
        "AND NEW.ledger_head IS NOT OLD.ledger_head) "
        f"BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END"
    )


def _postgresql_guards() -> None:
    op.execute(
        "CREATE FUNCTION heed_refuse_ledger_head_move() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{HEAD_MESSAGE}'; END $$ LANGUAGE plpgsql"
    )
    # WHEN is tested before the function is called: heed's own writes, which move
    # the head forward, pay no function call.
    op.execute(
        "CREATE TRIGGER accounts_ledger_head_forward "
        "BEFORE UPDATE OF ledger_seq, ledger_head ON accounts FOR EACH ROW "
        "WHEN (NEW.ledger_seq < OLD.ledger_seq OR (NEW.ledger_seq = OLD.ledger_seq "
        "AND NEW.ledger_head IS DISTINCT FROM OLD.ledger_head)) "
        "EXECUTE FUNCTION heed_refuse_ledger_head_move()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER consent_events_no_replace")
        op.execute("DROP TRIGGER accounts_ledger_head_forward")
    else:
        op.execute("DROP TRIGGER accounts_ledger_head_forward ON accounts")
        op.execute("DROP FUNCTION heed_refuse_ledger_head_move()")
    op.drop_table("ledger_check_runs")
    op.drop_table("ledger_checks")
