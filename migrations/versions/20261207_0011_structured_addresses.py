"""Structured addresses on locations and customers, and where a location's zone came from
(R-26, R-27). The plain-text address columns stay: a string is still accepted.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (suffix, length) of each part; locations' columns are address_<suffix>, customers'
# billing_<suffix>.
PARTS = (
    ("street", 200),
    ("unit", 50),
    ("city", 100),
    ("state", 2),
    ("postal_code", 10),
    ("country", 2),
)


def upgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        for suffix, length in PARTS:
            batch.add_column(sa.Column(f"address_{suffix}", sa.String(length), nullable=True))
        batch.add_column(sa.Column("time_zone_source", sa.String(20), nullable=True))
    with op.batch_alter_table("customers") as batch:
        for suffix, length in PARTS:
            batch.add_column(sa.Column(f"billing_{suffix}", sa.String(length), nullable=True))
    # Every zone stored before this revision was typed by staff or an API caller.
    op.execute("UPDATE locations SET time_zone_source = 'given' WHERE time_zone IS NOT NULL")


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both databases (SQLite has it since 3.35): a batch
    # copy would drop and re-create tables other tables' foreign keys point at.
    for suffix, _ in reversed(PARTS):
        op.execute(f"ALTER TABLE customers DROP COLUMN billing_{suffix}")
    op.execute("ALTER TABLE locations DROP COLUMN time_zone_source")
    for suffix, _ in reversed(PARTS):
        op.execute(f"ALTER TABLE locations DROP COLUMN address_{suffix}")
