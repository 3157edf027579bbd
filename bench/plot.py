"""Draws bench/results.png beside RESULTS.md: throughput and p99 against contacts.

    uv run python -m bench.report        # re-renders RESULTS.md and this plot

Left: decisions per second in-process (``decide_many`` in batches of 1,000) and
requests per second over HTTP (``POST /v1/decisions``, the STOP webhook, and the
one-SELECT reference route measured in the same run). Right: p99 latency of the
same HTTP routes under wrk's load. One colour a database, one line style a figure;
the contact axis is logarithmic (10 k, 100 k, 1 M).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from bench.common import size_label

COLOURS = {"sqlite": "#1f77b4", "postgresql": "#d62728"}
#: (label, keys into a result, line style) for the throughput panel.
THROUGHPUT = (
    ("decide_many (in-process)", ("decide_many", "per_second"), "-"),
    ("POST /v1/decisions", ("http", "decisions", "per_second"), "--"),
    ("STOP webhook", ("http", "webhook", "per_second"), ":"),
    ("one-SELECT reference", ("http", "select", "per_second"), "-."),
)
#: The same HTTP routes' p99, for the latency panel.
LATENCY = (
    ("POST /v1/decisions", ("http", "decisions", "p99_ms"), "--"),
    ("STOP webhook", ("http", "webhook", "p99_ms"), ":"),
    ("one-SELECT reference", ("http", "select", "p99_ms"), "-."),
)


def _value(result: dict[str, Any], keys: Sequence[str]) -> float | None:
    value: Any = result
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, int | float) else None


def series(
    results: list[dict[str, Any]], database: str, keys: Sequence[str]
) -> tuple[list[int], list[float]]:
    points = sorted(
        (r["size"], v)
        for r in results
        if r["database"] == database and (v := _value(r, keys)) is not None
    )
    return [size for size, _ in points], [value for _, value in points]


def _panel(
    axes: Any,
    results: list[dict[str, Any]],
    figures: Sequence[tuple[str, tuple[str, ...], str]],
    ylabel: str,
) -> None:
    for database, colour in COLOURS.items():
        for label, keys, style in figures:
            sizes, values = series(results, database, keys)
            if sizes:
                axes.plot(
                    sizes,
                    values,
                    style,
                    marker="o",
                    color=colour,
                    label=f"{database}: {label}",
                )
    sizes = sorted({r["size"] for r in results})
    axes.set_xscale("log")
    axes.set_xticks(sizes, [size_label(s) for s in sizes])
    axes.minorticks_off()
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(ScalarFormatter())
    axes.set_xlabel("contacts")
    axes.set_ylabel(ylabel)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=7)


def draw(results: list[dict[str, Any]], path: Path, caption: str) -> bool:
    """Write the plot to ``path``; False (and no file) when there is nothing to draw."""
    if not results:
        return False
    # A Figure without pyplot: no display, no global state; it draws with Agg.
    figure = Figure(figsize=(12, 5), dpi=100)
    left, right = figure.subplots(1, 2)
    _panel(left, results, THROUGHPUT, "per second (log)")
    left.set_title("Throughput")
    _panel(right, results, LATENCY, "p99 latency, ms (log)")
    right.set_title("p99 under load (wrk, 32 connections)")
    figure.suptitle(caption, fontsize=9)
    figure.tight_layout()
    # No timestamp in the file's metadata: the same results draw the same bytes.
    figure.savefig(path, format="png", metadata={"Software": None})
    return True
