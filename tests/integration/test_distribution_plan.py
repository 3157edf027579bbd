"""Every account's rows can live on one shard: the schema is account-led, and the Citus
plan (scripts/citus/distribute.sql, docs/SCALING.md) places every table heed has.

Citus cannot be installed here, so its two functions are stood in for by PL/pgSQL that
enforces the rules Citus enforces when a table is distributed: the distribution column is
in every primary key and unique index; a distributed table points only at reference
tables or at colocated tables through the distribution column; a reference table points
only at reference tables. The plan runs against a database migrated to head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from integration_support import postgres_only
from sqlalchemy import Connection, Table, create_engine, text
from tamper_support import private_database

from heed.adapters.db.migrate import upgrade
from heed.adapters.db.tables import Base

PLAN = Path(__file__).parents[2] / "scripts" / "citus" / "distribute.sql"


@dataclass(frozen=True)
class Plan:
    distributed: dict[str, str]
    reference: frozenset[str]

    @classmethod
    def read(cls, sql: str) -> Plan:
        distributed = dict(re.findall(r"create_distributed_table\('(\w+)', '(\w+)'", sql))
        reference = frozenset(re.findall(r"create_reference_table\('(\w+)'\)", sql))
        return cls(distributed=distributed, reference=reference)


PLANNED = Plan.read(PLAN.read_text())


def test_the_plan_places_every_table_heed_has_exactly_once() -> None:
    tables = set(Base.metadata.tables)
    assert set(PLANNED.distributed) | PLANNED.reference == tables
    assert not set(PLANNED.distributed) & PLANNED.reference


@pytest.mark.parametrize("name", sorted(PLANNED.distributed))
def test_a_distributed_tables_keys_and_unique_indexes_lead_with_the_account(name: str) -> None:
    table: Table = Base.metadata.tables[name]
    column = PLANNED.distributed[name]
    assert next(c.name for c in table.primary_key.columns) == column
    for index in table.indexes:
        if index.unique:
            assert next(c.name for c in index.columns) == column, index.name


@pytest.mark.parametrize("name", sorted(PLANNED.distributed))
def test_a_distributed_table_points_at_another_only_through_the_account(name: str) -> None:
    column = PLANNED.distributed[name]
    for key in Base.metadata.tables[name].foreign_key_constraints:
        target = key.referred_table.name
        if target in PLANNED.reference:
            continue
        pairs = {(e.parent.name, e.column.name) for e in key.elements}
        assert (column, PLANNED.distributed[target]) in pairs, key.name


def test_every_account_table_carries_the_account_id() -> None:
    owned = set(PLANNED.distributed) - {"accounts"}
    lookups = {"business_numbers", "api_keys", "users", "staff_sessions"}
    for name in owned | lookups:
        assert "account_id" in Base.metadata.tables[name].columns, name


# Stand-ins for Citus's create_reference_table and create_distributed_table: each checks
# what Citus checks and records the placement in citus_plan.placed.
STAND_INS = """
CREATE SCHEMA citus_plan;
CREATE TABLE citus_plan.placed (
    tbl regclass PRIMARY KEY, kind text NOT NULL, col text, colocated_with regclass);

CREATE FUNCTION citus_plan.kind_of(t regclass) RETURNS text LANGUAGE sql AS
$$ SELECT kind FROM citus_plan.placed WHERE tbl = t $$;

CREATE FUNCTION public.create_reference_table(t regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE fk record;
BEGIN
    FOR fk IN SELECT conname, confrelid::regclass AS target FROM pg_constraint
              WHERE conrelid = t AND contype = 'f' LOOP
        IF citus_plan.kind_of(fk.target) IS DISTINCT FROM 'reference' THEN
            RAISE EXCEPTION 'reference table % points at % (%), not a reference table',
                t, fk.target, fk.conname;
        END IF;
    END LOOP;
    INSERT INTO citus_plan.placed VALUES (t, 'reference', NULL, NULL);
END $$;

CREATE FUNCTION public.create_distributed_table(
    t regclass, col text, colocate_with text DEFAULT 'default') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    attnum smallint;
    idx record;
    fk record;
    target_col text;
    partner regclass;
BEGIN
    SELECT a.attnum INTO attnum FROM pg_attribute a
    WHERE a.attrelid = t AND a.attname = col AND NOT a.attisdropped;
    IF attnum IS NULL THEN
        RAISE EXCEPTION 'table % has no column %', t, col;
    END IF;
    FOR idx IN SELECT indexrelid::regclass AS name, indkey FROM pg_index
               WHERE indrelid = t AND indisunique LOOP
        IF NOT attnum = ANY (idx.indkey::smallint[]) THEN
            RAISE EXCEPTION 'unique index % of % leaves out %', idx.name, t, col;
        END IF;
    END LOOP;
    FOR fk IN SELECT conname, conkey, confkey, confrelid::regclass AS target
              FROM pg_constraint WHERE conrelid = t AND contype = 'f' LOOP
        CONTINUE WHEN citus_plan.kind_of(fk.target) = 'reference';
        SELECT p.col INTO target_col FROM citus_plan.placed p
        WHERE p.tbl = fk.target AND p.kind = 'distributed';
        IF target_col IS NULL THEN
            RAISE EXCEPTION '% points at %, which is not placed yet', t, fk.target;
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM unnest(fk.conkey, fk.confkey) AS k(here, there)
            JOIN pg_attribute a ON a.attrelid = t AND a.attnum = k.here
            JOIN pg_attribute b ON b.attrelid = fk.target AND b.attnum = k.there
            WHERE a.attname = col AND b.attname = target_col) THEN
            RAISE EXCEPTION 'foreign key % of % does not go through %', fk.conname, t, col;
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_constraint c JOIN citus_plan.placed p ON p.tbl = c.conrelid
               WHERE c.confrelid = t AND c.contype = 'f' AND p.kind = 'reference') THEN
        RAISE EXCEPTION 'a reference table points at %', t;
    END IF;
    IF colocate_with NOT IN ('default', 'none') THEN
        partner := colocate_with::regclass;
        IF citus_plan.kind_of(partner) IS DISTINCT FROM 'distributed' THEN
            RAISE EXCEPTION '% is colocated with %, which is not distributed', t, partner;
        END IF;
        IF (SELECT atttypid FROM pg_attribute WHERE attrelid = t AND attname = col)
           <> (SELECT a.atttypid FROM pg_attribute a JOIN citus_plan.placed p
               ON a.attrelid = p.tbl AND a.attname = p.col WHERE p.tbl = partner) THEN
            RAISE EXCEPTION '% and % are distributed by columns of different types',
                t, partner;
        END IF;
    END IF;
    INSERT INTO citus_plan.placed VALUES (t, 'distributed', col, partner);
END $$;
"""


def _run(connection: Connection, sql: str) -> None:
    """A script as it is written: the driver's cursor, no placeholders read into it."""
    connection.connection.dbapi_connection.cursor().execute(sql)  # type: ignore[union-attr]


@postgres_only
def test_the_citus_plan_runs_against_the_migrated_schema_and_places_every_table(
    db_url: str, tmp_path: Path
) -> None:
    with private_database(db_url, tmp_path, "citus_plan") as url:
        upgrade(url)
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                _run(connection, STAND_INS)
                _run(connection, PLAN.read_text())
                placed: dict[str, str] = dict(
                    connection.execute(text("SELECT tbl::text, kind FROM citus_plan.placed")).all()
                )
                tables = set(
                    connection.execute(
                        text(
                            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                            "AND tablename <> 'alembic_version'"
                        )
                    ).scalars()
                )
        finally:
            engine.dispose()
    assert set(placed) == tables
    assert {name for name, kind in placed.items() if kind == "reference"} == PLANNED.reference


@postgres_only
def test_the_stand_ins_refuse_a_unique_index_without_the_account(
    db_url: str, tmp_path: Path
) -> None:
    # The stand-ins are only evidence if they fail where Citus fails.
    with private_database(db_url, tmp_path, "citus_refuse") as url:
        upgrade(url)
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                _run(connection, STAND_INS)
                connection.exec_driver_sql("CREATE UNIQUE INDEX ux_bad ON messages (id)")
                connection.exec_driver_sql("SELECT create_distributed_table('accounts', 'id')")
                with pytest.raises(Exception, match="ux_bad"):
                    connection.exec_driver_sql(
                        "SELECT create_distributed_table('messages', 'account_id', "
                        "colocate_with => 'accounts')"
                    )
        finally:
            engine.dispose()
