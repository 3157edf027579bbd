"""Secrets at rest: room for a sealed Twilio auth token.

A sealed token is about twice as long as the token and carries a ``fernet:``
mark, so the column becomes unbounded text. SQLite does not enforce a VARCHAR
length, so only PostgreSQL's column changes.

Values stored plain before this revision are sealed at the next start of heed
(adapters/db/keys.py, ``check_and_seal``), not here: the key lives with the
running process (HEED_SECRET_KEY or the key file), not with the migration, and
until then a plain value still reads as it is.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "accounts",
            "twilio_auth_token",
            type_=sa.Text(),
            existing_type=sa.String(length=200),
            existing_nullable=True,
        )


def downgrade() -> None:
    # Sealed values do not fit 200 characters; a downgrade keeps the wider column.
    pass
