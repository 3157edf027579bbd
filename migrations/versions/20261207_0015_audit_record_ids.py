"""Each audit row names the customer and location it belongs to (R-23, R-33), so a
record's history is one indexed read and keeps the rows of contacts removed since.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07 02:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWNER = (
    "(SELECT {column} FROM {table} o WHERE o.account_id = audit_log.account_id"
    " AND o.id = audit_log.entity_id)"
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("customer_id", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("location_id", sa.String(length=40), nullable=True))
    # Rows written before: their record as it stands now (a contact removed since stays
    # unplaced, and is found by its own id).
    op.execute("UPDATE audit_log SET customer_id = entity_id WHERE entity = 'customer'")
    op.execute(
        "UPDATE audit_log SET location_id = entity_id, customer_id = "
        + _OWNER.format(column="customer_id", table="locations")
        + " WHERE entity = 'location'"
    )
    op.execute(
        "UPDATE audit_log SET customer_id = "
        + _OWNER.format(column="customer_id", table="contacts")
        + ", location_id = "
        + _OWNER.format(column="location_id", table="contacts")
        + " WHERE entity = 'contact'"
    )
    op.create_index("ix_audit_log_customer", "audit_log", ["account_id", "customer_id", "at", "id"])
    op.create_index("ix_audit_log_location", "audit_log", ["account_id", "location_id", "at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_location", table_name="audit_log")
    op.drop_index("ix_audit_log_customer", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("location_id")
        batch.drop_column("customer_id")
