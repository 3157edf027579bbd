"""The review list's key leads with the account, as every account's table does.

Every table that holds an account's rows is keyed by (account_id, …), so that a store
sharded by account (docs/SCALING.md) keeps each account's rows, keys and unique indexes
on one shard. consent_reviews was the one keyed by its id alone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 02:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent_reviews", recreate="always") as batch:
        batch.drop_constraint("pk_consent_reviews", type_="primary")
        batch.create_primary_key("pk_consent_reviews", ["account_id", "id"])


def downgrade() -> None:
    with op.batch_alter_table("consent_reviews", recreate="always") as batch:
        batch.drop_constraint("pk_consent_reviews", type_="primary")
        batch.create_primary_key("pk_consent_reviews", ["id"])
