"""Gateway keys: only they post inbound messages; the ledger names each entry's credential.

Keys gain a ``kind``. A key that held ``inbound:record`` and nothing else was a
gateway in all but name and becomes one; every other key loses ``inbound:record``
(the account's first key had it), so no key that can act for staff can post a
START any more (R-25). Ledger entries gain ``via``; entries written before stay
as they are, without it, and keep verifying.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INBOUND = "inbound:record"

_keys = sa.table(
    "api_keys",
    sa.column("account_id", sa.String),
    sa.column("id", sa.String),
    sa.column("permissions", sa.JSON),
    sa.column("kind", sa.String),
)


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: on SQLite a batch copy of consent_events
    # would drop the triggers that keep the ledger append-only.
    op.add_column(
        "api_keys",
        sa.Column("kind", sa.String(length=20), server_default="standard", nullable=False),
    )
    op.add_column("consent_events", sa.Column("via", sa.String(length=200), nullable=True))
    move_inbound_to_gateway_keys(op.get_bind())


def move_inbound_to_gateway_keys(connection: sa.Connection) -> None:
    """Take ``inbound:record`` from every standard key; a key that had nothing else
    becomes a gateway key. Running it again changes nothing."""
    rows = connection.execute(
        sa.select(_keys.c.account_id, _keys.c.id, _keys.c.permissions).where(
            _keys.c.kind == "standard"
        )
    ).all()
    for account_id, key_id, permissions in rows:
        if INBOUND not in permissions:
            continue
        rest = [p for p in permissions if p != INBOUND]
        changes = {"permissions": rest} if rest else {"kind": "gateway", "permissions": [INBOUND]}
        connection.execute(
            sa.update(_keys)
            .where(_keys.c.account_id == account_id, _keys.c.id == key_id)
            .values(**changes)
        )


def downgrade() -> None:
    # A gateway key goes back to being a key holding inbound:record alone; what other
    # keys lost is not given back.
    op.drop_column("consent_events", "via")
    op.drop_column("api_keys", "kind")
