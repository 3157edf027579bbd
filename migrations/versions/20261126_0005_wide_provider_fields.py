"""Provider ids wide enough for any real value; a customer's folded name never outgrows its column.

Provider message ids (inbound_messages, consent_events, messages) go from 100 to 500
characters: heed.domain.limits.PROVIDER_ID, which still fits PostgreSQL's B-tree entry
limit whatever the characters, so inbound_messages keeps the id as its key. The
customers' sort key (the case-folded name) goes to three times the name's 200
characters, the most case folding can make of it.

SQLite does not enforce VARCHAR lengths, so only PostgreSQL's columns change (a
widening there rewrites no table and fires no trigger).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, before, after)
WIDENED = [
    ("inbound_messages", "provider_message_id", 100, 500),
    ("consent_events", "provider_message_id", 100, 500),
    ("messages", "provider_id", 100, 500),
    ("customers", "name_key", 200, 600),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, before, after in WIDENED:
        op.alter_column(
            table, column, type_=sa.String(length=after), existing_type=sa.String(length=before)
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Narrowing fails if a longer value was stored since: it is kept, not cut.
    for table, column, before, after in WIDENED:
        op.alter_column(
            table, column, type_=sa.String(length=before), existing_type=sa.String(length=after)
        )
