"""Each customer's preference-page link: its generation and a hash of its nonce (R-31).

A new link raises the generation, which revokes every link made before it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "preference_links",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id", "customer_id"],
            ["customers.account_id", "customers.id"],
            name=op.f("fk_preference_links_account_id_customers"),
        ),
        sa.PrimaryKeyConstraint("account_id", "customer_id", name=op.f("pk_preference_links")),
    )


def downgrade() -> None:
    op.drop_table("preference_links")
