"""Renders bench/results/*.json into bench/RESULTS.md.

Only the part between the GENERATED markers is rewritten; the prose around it
(what the figures mean, what was changed, what is left) is kept as written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import BENCH, machine, size_label
from bench.plot import draw

RESULTS_MD = BENCH / "RESULTS.md"
PLOT = BENCH / "results.png"
START = "<!-- GENERATED: start (bench/report.py rewrites this part) -->"
END = "<!-- GENERATED: end -->"
DATABASES = ("sqlite", "postgresql")

Getter = Callable[[dict[str, Any]], Any]


def _get(*keys: str) -> Getter:
    def get(result: dict[str, Any]) -> Any:
        value: Any = result
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    return get


def _ratio(a: tuple[str, ...], b: tuple[str, ...]) -> Getter:
    def get(result: dict[str, Any]) -> Any:
        x, y = _get(*a)(result), _get(*b)(result)
        return round(x / y, 2) if x and y else None

    return get


def _mib(*keys: str) -> Getter:
    def get(result: dict[str, Any]) -> Any:
        value = _get(*keys)(result)
        return round(value / 1024, 1) if value else None

    return get


ROWS: list[tuple[str, Getter]] = [
    ("contacts loaded", _get("data", "contacts")),
    ("customers / locations", lambda r: _pair(r, "customers", "locations")),
    ("opted-out numbers / Do Not Mail customers", lambda r: _pair(r, "opted_out", "do_not_mail")),
    ("load time (s)", _get("data", "load_seconds")),
    ("load peak RSS (MiB)", _mib("data", "load_peak_rss_kb")),
    ("(1) decide_one, decisions/s", _get("decide_one", "per_second")),
    ("(1) decide_one p50 / p99 (ms)", lambda r: _lat(r, "decide_one")),
    ("(1) decide_many ×1000, decisions/s", _get("decide_many", "per_second")),
    ("(4) recipients, jobs/s (10 k jobs)", _get("recipients", "jobs_per_second")),
    ("(4) recipients, 10 k jobs (s)", _get("recipients", "seconds")),
    ("(2) bare route, req/s", _get("http", "bare", "per_second")),
    ("(2) bare p50 / p99 (ms)", lambda r: _lat(r, "http", "bare")),
    ("(2) one-SELECT route, req/s", _get("http", "select", "per_second")),
    ("(2) one-SELECT p50 / p99 (ms)", lambda r: _lat(r, "http", "select")),
    ("(2) POST /v1/decisions, req/s", _get("http", "decisions", "per_second")),
    ("(2) /v1/decisions p50 / p99 (ms)", lambda r: _lat(r, "http", "decisions")),
    (
        "(2) decisions ÷ one-SELECT",
        _ratio(("http", "decisions", "per_second"), ("http", "select", "per_second")),
    ),
    (
        "(2) decisions ÷ bare",
        _ratio(("http", "decisions", "per_second"), ("http", "bare", "per_second")),
    ),
    ("(3) STOP webhook, req/s", _get("http", "webhook", "per_second")),
    ("(3) webhook p50 / p99 (ms)", lambda r: _lat(r, "http", "webhook")),
    (
        "(3) webhook ÷ one-SELECT",
        _ratio(("http", "webhook", "per_second"), ("http", "select", "per_second")),
    ),
    (
        "(3) webhook ÷ bare",
        _ratio(("http", "webhook", "per_second"), ("http", "bare", "per_second")),
    ),
    ("(5) server RSS at start (MiB)", _mib("http", "server_start_rss_kb")),
    ("(5) server RSS after the run (MiB)", _mib("http", "server_memory", "rss_kb")),
    ("(5) server peak RSS (MiB)", _mib("http", "server_memory", "peak_rss_kb")),
    ("non-2xx or socket errors", lambda r: _errors(r)),
]


def _pair(result: dict[str, Any], a: str, b: str) -> Any:
    data = result.get("data", {})
    return f"{data.get(a, 0):,} / {data.get(b, 0):,}" if data else None


def _lat(result: dict[str, Any], *keys: str) -> Any:
    p50, p99 = _get(*keys, "p50_ms")(result), _get(*keys, "p99_ms")(result)
    return f"{p50} / {p99}" if p50 is not None else None


def _errors(result: dict[str, Any]) -> Any:
    http = result.get("http")
    if not http:
        return None
    total = 0
    for key in ("bare", "select", "decisions", "webhook"):
        if key in http:
            total += http[key]["errors"] + http[key]["non2xx"]
    return total


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(results: list[dict[str, Any]]) -> str:
    if not results:
        return "No results yet: run `uv run python -m bench.run`.\n"
    keyed = {(r["database"], r["size"]): r for r in results}
    sizes = sorted({r["size"] for r in results})
    columns = [(d, s) for d in DATABASES for s in sizes if (d, s) in keyed]
    m = machine()
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, Linux {m['kernel']}, "
        f"PostgreSQL {m['postgresql']} on the same machine ({m['postgresql_settings']}). "
        "wrk and the server share the CPUs.",
        "",
        "| figure | " + " | ".join(f"{d} {size_label(s)}" for d, s in columns) + " |",
        "| --- | " + " | ".join("---:" for _ in columns) + " |",
    ]
    for label, get in ROWS:
        cells = [_fmt(get(keyed[c])) for c in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Growth from the smallest to the largest size, per database:", ""]
    lines += _growth(keyed, sizes)
    lines += ["", "Each column's run:", ""]
    for d, s in columns:
        r = keyed[(d, s)]
        lines.append(f"- **{d} {size_label(s)}** — {r['date']}: `{r['command']}`")
        lines.append(f"  - data: `{r['data']['load_command']}`")
        http = r.get("http") or {}
        for key in ("bare", "select", "decisions", "webhook"):
            if key in http:
                lines.append(f"  - {key}: `{http[key]['command']}`")
        for key in ("decisions_probe", "webhook_probe"):
            if key in http and http[key][0] != 200:
                lines.append(f"  - {key}: HTTP {http[key][0]} — not measured")
    # Paths relative to the repository, whoever ran it where.
    return "\n".join(lines).replace(str(BENCH.parent) + "/", "") + "\n"


GROWTH = [
    ("decide_one p50 (ms)", _get("decide_one", "p50_ms")),
    ("decide_many, decisions/s", _get("decide_many", "per_second")),
    ("POST /v1/decisions p50 (ms)", _get("http", "decisions", "p50_ms")),
    ("POST /v1/decisions req/s", _get("http", "decisions", "per_second")),
    ("STOP webhook req/s", _get("http", "webhook", "per_second")),
    ("recipients, jobs/s", _get("recipients", "jobs_per_second")),
    ("server RSS after the run (MiB)", _mib("http", "server_memory", "rss_kb")),
]


def _growth(keyed: dict[tuple[str, int], dict[str, Any]], sizes: list[int]) -> list[str]:
    lines = ["| figure | " + " | ".join(f"{d} largest ÷ smallest" for d in DATABASES) + " |"]
    lines.append("| --- | ---: | ---: |")
    for label, get in GROWTH:
        cells = []
        for d in DATABASES:
            have = [s for s in sizes if (d, s) in keyed]
            if len(have) < 2:
                cells.append("—")
                continue
            lo, hi = get(keyed[(d, have[0])]), get(keyed[(d, have[-1])])
            cells.append(
                f"{hi / lo:.2f}× ({size_label(have[0])} → {size_label(have[-1])})"
                if lo and hi
                else "—"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def write(results_dir: Path) -> None:
    # Other benchmarks (bench.spray, bench.outbox) keep their own files here too.
    results = [json.loads(p.read_text()) for p in sorted(results_dir.glob("*.json"))]
    results = [r for r in results if "database" in r and "size" in r]
    body = render(results)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    m = machine()
    caption = f"heed bench/results/*.json, rendered {stamp}; {m['nproc']} CPUs ({m['cpu']})"
    if draw(results, PLOT, caption):
        body += f"\n![Throughput and p99 against contacts]({PLOT.name})\n"
    generated = f"{START}\n\n_Rendered {stamp} from bench/results/*.json._\n\n{body}\n{END}"
    if RESULTS_MD.exists():
        text = RESULTS_MD.read_text()
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            RESULTS_MD.write_text(head + generated + tail)
            return
    RESULTS_MD.write_text(f"# heed benchmark results\n\n{generated}\n")
