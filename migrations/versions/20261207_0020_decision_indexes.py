"""Indexes holding every column the send decision reads of a contact, its customer and
its location (issue 18): a batch's thousand primary-key probes per table read the index
alone, never the table.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_contacts_account_decision": (
        "contacts",
        [
            "account_id",
            "id",
            "customer_id",
            "location_id",
            "kind",
            "value",
            "placeholder",
            "notify_job",
            "notify_invoice_statement",
            "notify_marketing",
        ],
    ),
    "ix_customers_account_decision": (
        "customers",
        [
            "account_id",
            "id",
            "do_not_mail",
            "consent_country",
            "billing_country",
            "last_purchase_at",
            "last_inquiry_at",
        ],
    ),
    "ix_locations_account_decision": (
        "locations",
        ["account_id", "id", "time_zone", "address_country", "address_state"],
    ),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
