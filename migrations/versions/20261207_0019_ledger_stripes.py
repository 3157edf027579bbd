"""The ledger in stripes (issue 18, R-17): each account's ledger grows as 16 chains.

Every existing entry stays as it is: the account's legacy segment, ending at the
account's ledger_seq and ledger_head, which heed no longer moves. Each account
gets one ledger_stripes row per stripe, starting from that legacy head; new
entries carry their stripe (consent_events.stripe) and chain after their stripe's
head, whose row is the lock a writer takes. A stripe's head only moves forward,
as the account's does.

consent_events gains an index by time: stripes interleave seqs, so "newest
first" is read by time.

Downgrading drops the stripes: entries written in stripes then no longer verify
against heed 0018's single chain.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# domain/consent.py's STRIPES, as it was when this revision was written.
STRIPES = 16
STRIPE_HEAD_MESSAGE = (
    "ledger_stripes.seq and head only move forward: consent history cannot be changed"
)


def upgrade() -> None:
    op.create_table(
        "ledger_stripes",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("stripe", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_ledger_stripes_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "stripe", name=op.f("pk_ledger_stripes")),
    )
    op.add_column("consent_events", sa.Column("stripe", sa.Integer(), nullable=True))
    op.create_index("ix_consent_events_at", "consent_events", ["account_id", "at"])
    # Every account's stripes at once, in this transaction: each starts where the
    # account's chain ends.
    for stripe in range(STRIPES):
        op.execute(
            sa.text(
                "INSERT INTO ledger_stripes (account_id, stripe, seq, head) "
                "SELECT id, :stripe, 0, ledger_head FROM accounts"
            ).bindparams(stripe=stripe)
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER ledger_stripes_head_forward "
            "BEFORE UPDATE OF seq, head ON ledger_stripes "
            "WHEN NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.head IS NOT OLD.head) "
            f"BEGIN SELECT RAISE(ABORT, '{STRIPE_HEAD_MESSAGE}'); END"
        )
    else:
        op.execute(
            "CREATE FUNCTION heed_refuse_stripe_head_move() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{STRIPE_HEAD_MESSAGE}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER ledger_stripes_head_forward "
            "BEFORE UPDATE OF seq, head ON ledger_stripes FOR EACH ROW "
            "WHEN (NEW.seq < OLD.seq OR (NEW.seq = OLD.seq "
            "AND NEW.head IS DISTINCT FROM OLD.head)) "
            "EXECUTE FUNCTION heed_refuse_stripe_head_move()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER ledger_stripes_head_forward")
    else:
        op.execute("DROP TRIGGER ledger_stripes_head_forward ON ledger_stripes")
        op.execute("DROP FUNCTION heed_refuse_stripe_head_move()")
    op.drop_index("ix_consent_events_at", table_name="consent_events")
    op.drop_column("consent_events", "stripe")
    op.drop_table("ledger_stripes")
