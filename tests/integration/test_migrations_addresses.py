"""Migration 0011 (structured addresses, R-27) on a database holding rows from before it:
their text addresses and typed zones are kept, and the zones say they were given."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text
from tamper_support import private_database

from heed.adapters.db.migrate import alembic_config, upgrade

CREATED = datetime(2026, 11, 30, 12, tzinfo=UTC).replace(tzinfo=None)


def test_rows_from_before_structured_addresses_keep_their_text_and_zone(
    db_url: str, tmp_path: Path
) -> None:
    with private_database(db_url, tmp_path, "addresses_0011") as url:
        upgrade(url, "0009")
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO accounts (id, name, customer_notifications_enabled,"
                        " sms_opt_out_scope, window_start, window_end, placeholders, ledger_seq,"
                        " ledger_head, created_at) VALUES ('acc_m', 'Old Co', true, 'account',"
                        " '08:00', '21:00', '[]', 0, :head, :at)"
                    ),
                    {"head": "0" * 64, "at": CREATED},
                )
                connection.execute(
                    text(
                        "INSERT INTO customers (account_id, id, name, name_key, do_not_mail,"
                        " invoice_delivery, billing_address, created_at) VALUES ('acc_m',"
                        " 'cus_m', 'Ann', 'ann', false, 'mail', '1 Main St, Austin TX', :at)"
                    ),
                    {"at": CREATED},
                )
                connection.execute(
                    text(
                        "INSERT INTO locations (account_id, id, customer_id, name, address,"
                        " time_zone, created_at) VALUES ('acc_m', 'loc_z', 'cus_m', 'Home',"
                        " '1 Main St', 'America/Denver', :at), ('acc_m', 'loc_n', 'cus_m',"
                        " 'Shed', NULL, NULL, :at)"
                    ),
                    {"at": CREATED},
                )
            upgrade(url)
            with engine.connect() as connection:
                locations = connection.execute(
                    text(
                        "SELECT id, address, time_zone, time_zone_source, address_state"
                        " FROM locations ORDER BY id"
                    )
                ).all()
                billing = connection.execute(
                    text("SELECT billing_address, billing_postal_code FROM customers")
                ).one()
            assert [tuple(row) for row in locations] == [
                ("loc_n", None, None, None, None),
                ("loc_z", "1 Main St", "America/Denver", "given", None),
            ]
            assert tuple(billing) == ("1 Main St, Austin TX", None)
            # And back: the revision's downgrade leaves the text columns as they were.
            command.downgrade(alembic_config(url), "0009")
            with engine.connect() as connection:
                kept = connection.execute(
                    text("SELECT address, time_zone FROM locations WHERE id = 'loc_z'")
                ).one()
            assert tuple(kept) == ("1 Main St", "America/Denver")
        finally:
            engine.dispose()
