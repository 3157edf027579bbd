"""The bench report's plot: throughput and p99 against contacts, drawn from results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.plot import draw, series

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _result(database: str, size: int, decide_many: float, p99: float) -> dict[str, Any]:
    route = {"per_second": 1000.0, "p99_ms": p99}
    return {
        "database": database,
        "size": size,
        "decide_many": {"per_second": decide_many},
        "http": {"decisions": route, "webhook": route, "select": route},
    }


def test_the_plot_is_a_png_drawn_from_both_databases_results(tmp_path: Path) -> None:
    path = tmp_path / "results.png"
    results = [
        _result("sqlite", 10_000, 48_000.0, 27.0),
        _result("sqlite", 1_000_000, 32_000.0, 26.0),
        _result("postgresql", 10_000, 21_000.0, 156.0),
    ]

    assert draw(results, path, "caption") is True

    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_nothing_to_draw_writes_no_file(tmp_path: Path) -> None:
    path = tmp_path / "results.png"

    assert draw([], path, "caption") is False
    assert not path.exists()


def test_aseries_is_in_contact_order_and_skips_sizes_without_the_figure() -> None:
    results = [
        _result("sqlite", 1_000_000, 32_000.0, 26.0),
        _result("sqlite", 10_000, 48_000.0, 27.0),
        {"database": "sqlite", "size": 100_000, "http": {}},
        _result("postgresql", 100_000, 12_000.0, 143.0),
    ]

    assert series(results, "sqlite", ("decide_many", "per_second")) == (
        [10_000, 1_000_000],
        [48_000.0, 32_000.0],
    )
