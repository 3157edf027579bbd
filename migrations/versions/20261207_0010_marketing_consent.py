"""Marketing consent with evidence (R-24): the evidence column of the ledger, the
current marketing consent per address, the account's disclosure, and the customer's
country and CASL dates.

Contacts with marketing on keep the setting; with no consent on record they read
"not_on_record" and get no marketing text until evidence exists. Keys holding every
permission heed had (the account's first key) gain ``consent:record``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = {
    "customer:view",
    "customer:edit",
    "location:view",
    "location:edit",
    "settings:view",
    "settings:manage",
    "messages:send",
    "consent:export",
}


def upgrade() -> None:
    op.add_column("consent_events", sa.Column("evidence", sa.Text(), nullable=True))
    op.add_column("accounts", sa.Column("marketing_disclosure", sa.Text(), nullable=True))
    op.add_column("customers", sa.Column("consent_country", sa.String(length=2), nullable=True))
    op.add_column("customers", sa.Column("last_purchase_at", sa.DateTime(), nullable=True))
    op.add_column("customers", sa.Column("last_inquiry_at", sa.DateTime(), nullable=True))
    op.create_table(
        "marketing_consent",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("consent_seq", sa.Integer(), nullable=True),
        sa.Column("withdrawn_seq", sa.Integer(), nullable=True),
        sa.Column("pending_since", sa.DateTime(), nullable=True),
        sa.Column("pending_seq", sa.Integer(), nullable=True),
        sa.Column("request_message_id", sa.String(length=40), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "address", name=op.f("pk_marketing_consent")),
    )
    _grant_consent_record()


def _grant_consent_record() -> None:
    keys = sa.table(
        "api_keys",
        sa.column("account_id", sa.String()),
        sa.column("id", sa.String()),
        sa.column("permissions", sa.JSON()),
    )
    connection = op.get_bind()
    for account_id, key_id, permissions in connection.execute(
        sa.select(keys.c.account_id, keys.c.id, keys.c.permissions)
    ):
        held = json.loads(permissions) if isinstance(permissions, str) else list(permissions)
        if set(held) >= _BEFORE and "consent:record" not in held:
            connection.execute(
                keys.update()
                .where(keys.c.account_id == account_id, keys.c.id == key_id)
                .values(permissions=[*held, "consent:record"])
            )


def downgrade() -> None:
    op.drop_table("marketing_consent")
    op.drop_column("customers", "last_inquiry_at")
    op.drop_column("customers", "last_purchase_at")
    op.drop_column("customers", "consent_country")
    op.drop_column("accounts", "marketing_disclosure")
    op.drop_column("consent_events", "evidence")
