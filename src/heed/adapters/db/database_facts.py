"""What the database says of itself, for domain/database_advice.py: its settings, the
size of heed's hot tables with their indexes, and big tables never analyzed."""

from __future__ import annotations

from sqlalchemy import Engine, bindparam, text

from heed.domain.database_advice import DatabaseFacts, expectations

#: Read on every decision or STOP: their rows and indexes are what must stay in memory.
HOT_TABLES = (
    "accounts",
    "contacts",
    "customers",
    "locations",
    "consent_state",
    "marketing_consent",
    "consent_reviews",
    "business_numbers",
    "api_keys",
)
_UNITS = {"B": 1, "kB": 1 << 10, "8kB": 8 << 10, "MB": 1 << 20, "16MB": 16 << 20}

_SETTINGS = text("SELECT name, setting, unit FROM pg_settings WHERE name IN :names").bindparams(
    bindparam("names", expanding=True)
)
_HOT_BYTES = text(
    "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname IN :tables"
).bindparams(bindparam("tables", expanding=True))
_UNANALYZED = text(
    "SELECT relname, n_live_tup FROM pg_stat_user_tables "
    "WHERE schemaname = current_schema() AND last_analyze IS NULL "
    "AND last_autoanalyze IS NULL AND n_live_tup > 0 ORDER BY relname"
)


def database_facts(engine: Engine) -> DatabaseFacts:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
            return DatabaseFacts("sqlite", {"journal_mode": str(mode)})
        names = [row.name for row in expectations()]
        settings: dict[str, str | int] = {}
        for name, setting, unit in connection.execute(_SETTINGS, {"names": names}):
            settings[name] = int(setting) * _UNITS[unit] if unit in _UNITS else setting
        hot = int(connection.execute(_HOT_BYTES, {"tables": list(HOT_TABLES)}).scalar_one())
        unanalyzed = [(str(name), int(rows)) for name, rows in connection.execute(_UNANALYZED)]
    return DatabaseFacts("postgresql", settings, hot, unanalyzed)
