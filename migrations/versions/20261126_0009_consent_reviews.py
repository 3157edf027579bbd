"""Inbound texts heed could not read with confidence wait for a person (R-29).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_reviews",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("provider_message_id", sa.String(length=500), nullable=False),
        sa.Column("from_number", sa.String(length=20), nullable=False),
        sa.Column("to_number", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("why", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_reviews")),
    )
    op.create_index(
        "ux_consent_reviews_account_id_message",
        "consent_reviews",
        ["account_id", "provider_message_id"],
        unique=True,
    )
    op.create_index(
        "ix_consent_reviews_account_id_from_number",
        "consent_reviews",
        ["account_id", "from_number"],
    )


def downgrade() -> None:
    op.drop_index("ix_consent_reviews_account_id_from_number", table_name="consent_reviews")
    op.drop_index("ux_consent_reviews_account_id_message", table_name="consent_reviews")
    op.drop_table("consent_reviews")
