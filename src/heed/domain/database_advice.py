"""What heed expects of its PostgreSQL (data/database_settings.toml), checked against
what the database says of itself: `heed db check`, and `heed serve` at start-up.

The facts come from adapters/db/database_facts.py; this module only compares them
with the table's rows and says, per setting, whether it serves and if not why.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Level = Literal["ok", "advice", "problem"]
#: Tables of this many rows or more that PostgreSQL has never analyzed are named.
UNANALYZED_ROWS = 10_000


@dataclass(frozen=True)
class DatabaseFacts:
    """What the database says of itself: its settings (memory in bytes), the size of
    heed's hot tables with their indexes, and big tables never analyzed."""

    dialect: str
    settings: Mapping[str, str | int]
    hot_bytes: int = 0
    unanalyzed: Sequence[tuple[str, int]] = ()


@dataclass(frozen=True)
class Finding:
    level: Level
    name: str
    current: str
    sentence: str


@dataclass(frozen=True)
class Expectation:
    name: str
    kind: str
    level: Level
    why: str
    source: str
    bytes: int = 0
    per_process: int = 0


@cache
def expectations() -> tuple[Expectation, ...]:
    """The table's rows, read and checked once."""
    raw = tomllib.loads(
        resources.files("heed.domain.data").joinpath("database_settings.toml").read_text()
    )
    return tuple(_expectation(row) for row in raw["setting"])


def _expectation(row: Mapping[str, Any]) -> Expectation:
    if row["kind"] not in _CHECKS:
        raise ValueError(
            f"database_settings.toml: {row['name']} has an unknown kind {row['kind']!r}"
        )
    if row["level"] not in ("advice", "problem"):
        raise ValueError(f"database_settings.toml: {row['name']} has an unknown level")
    return Expectation(**row)


def advise(facts: DatabaseFacts) -> list[Finding]:
    """One finding per expectation (PostgreSQL), then one per big table never analyzed."""
    if facts.dialect != "postgresql":
        return [
            Finding(
                "ok",
                "sqlite",
                str(facts.settings.get("journal_mode", "")),
                "SQLite in WAL mode with synchronous=FULL; nothing to tune.",
            )
        ]
    findings = [_CHECKS[row.kind](row, facts) for row in expectations()]
    findings += [
        Finding(
            "advice",
            f"ANALYZE {table}",
            f"{rows:,} rows",
            f"PostgreSQL has never analyzed {table}; run ANALYZE {table} (autovacuum would).",
        )
        for table, rows in facts.unanalyzed
        if rows >= UNANALYZED_ROWS
    ]
    return findings


def _switch(row: Expectation, facts: DatabaseFacts) -> Finding:
    current = str(facts.settings.get(row.name, "unknown"))
    if current == "on":
        return Finding("ok", row.name, current, "on, as heed expects.")
    return Finding(row.level, row.name, current, f"turn {row.name} on: {row.why}")


def _hot_data(row: Expectation, facts: DatabaseFacts) -> Finding:
    current = int(facts.settings.get(row.name, 0))
    if current >= facts.hot_bytes:
        return Finding(
            "ok", row.name, size(current), f"holds heed's hot data ({size(facts.hot_bytes)})."
        )
    return Finding(
        row.level,
        row.name,
        size(current),
        f"raise {row.name} to at least {size(facts.hot_bytes)}, the size of heed's hot "
        f"tables and indexes: {row.why}",
    )


def _at_least(row: Expectation, facts: DatabaseFacts) -> Finding:
    current = int(facts.settings.get(row.name, 0))
    if current >= row.bytes:
        return Finding("ok", row.name, size(current), row.why)
    return Finding(
        row.level, row.name, size(current), f"raise {row.name} to {size(row.bytes)}: {row.why}"
    )


def _per_process(row: Expectation, facts: DatabaseFacts) -> Finding:
    current = int(facts.settings.get(row.name, 0))
    processes = current // row.per_process
    if processes >= 1:
        return Finding(
            "ok",
            row.name,
            str(current),
            f"room for {processes} heed serve process(es) at full pool: {row.why}",
        )
    return Finding(
        row.level,
        row.name,
        str(current),
        f"raise {row.name} to at least {row.per_process}: {row.why}",
    )


_CHECKS = {"on": _switch, "hot_data": _hot_data, "at_least": _at_least, "per_process": _per_process}


def size(value: int) -> str:
    """Bytes as PostgreSQL's own units read (kB, MB, GB)."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if value >= factor:
            return f"{value / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{value} bytes"
