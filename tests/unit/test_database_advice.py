"""What heed expects of PostgreSQL (data/database_settings.toml), against what it finds."""

from __future__ import annotations

from heed.domain.database_advice import DatabaseFacts, Finding, advise, expectations, size

MB = 1 << 20
SERVING: dict[str, str | int] = {
    "autovacuum": "on",
    "track_counts": "on",
    "shared_buffers": 4096 * MB,
    "work_mem": 4 * MB,
    "max_connections": 100,
}


def _facts(hot_bytes: int = 1700 * MB, **settings: str | int) -> DatabaseFacts:
    return DatabaseFacts("postgresql", {**SERVING, **settings}, hot_bytes)


def _by_name(findings: list[Finding]) -> dict[str, Finding]:
    return {finding.name: finding for finding in findings}


def test_a_database_that_serves_heed_gets_one_ok_per_setting_of_the_table() -> None:
    findings = advise(_facts())

    assert [f.name for f in findings] == [row.name for row in expectations()]
    assert {f.level for f in findings} == {"ok"}


def test_autovacuum_off_is_a_problem_that_says_what_it_costs() -> None:
    finding = _by_name(advise(_facts(autovacuum="off")))["autovacuum"]

    assert finding.level == "problem"
    assert finding.current == "off"
    assert finding.sentence.startswith("turn autovacuum on:")
    assert "ANALYZE" in finding.sentence


def test_shared_buffers_smaller_than_heed_s_hot_data_asks_for_that_size() -> None:
    finding = _by_name(advise(_facts(hot_bytes=1700 * MB, shared_buffers=128 * MB)))[
        "shared_buffers"
    ]

    assert finding.level == "advice"
    assert finding.current == "128 MB"
    assert "raise shared_buffers to at least 1.7 GB" in finding.sentence


def test_max_connections_below_one_process_s_pool_is_advice() -> None:
    finding = _by_name(advise(_facts(max_connections=30)))["max_connections"]

    assert finding.level == "advice"
    assert "at least 38" in finding.sentence


def test_a_big_table_never_analyzed_is_named_and_a_small_one_is_not() -> None:
    facts = DatabaseFacts("postgresql", SERVING, 0, [("contacts", 250_000), ("accounts", 3)])

    named = [f.name for f in advise(facts) if f.name.startswith("ANALYZE")]

    assert named == ["ANALYZE contacts"]


def test_sqlite_has_nothing_to_tune() -> None:
    (finding,) = advise(DatabaseFacts("sqlite", {"journal_mode": "wal"}))

    assert finding.level == "ok"


def test_every_row_of_the_table_cites_postgresql_s_documentation() -> None:
    for row in expectations():
        assert row.source.startswith("https://www.postgresql.org/docs/"), row.name
        assert row.why


def test_sizes_read_as_postgresql_writes_them() -> None:
    assert [size(n) for n in (512, 8192, 128 * MB, 1700 * MB)] == [
        "512 bytes",
        "8 kB",
        "128 MB",
        "1.7 GB",
    ]
