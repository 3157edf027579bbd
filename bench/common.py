"""What every part of the benchmark shares: where databases live, sizes, memory readings."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
PROFILES = BENCH / "profiles"
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# Databases are named <prefix>_<size>; two checkouts benchmarking at once use two prefixes.
PG_PREFIX = os.environ.get("BENCH_PG_PREFIX", "heed_bench")
BUSINESS_NUMBER = "+15125550100"
TWILIO_TOKEN = "bench-twilio-auth-token"
ACCOUNT_NAME = "Bench Plumbing & Air"


def parse_size(text: str) -> int:
    text = text.strip().lower()
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def database_url(database: str, size: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'heed_bench_{size_label(size)}.sqlite3'}"
    if database == "postgresql":
        return f"{PG_SERVER}/{PG_PREFIX}_{size_label(size)}"
    raise ValueError(f"database must be sqlite or postgresql, not {database!r}")


def meta_path(database: str, size: int) -> Path:
    return DATA / f"{database}-{size_label(size)}.json"


@dataclass
class Meta:
    """What a finished load leaves beside its database, so a later run can reuse it."""

    database: str
    size: int
    account_id: str
    contacts: int
    customers: int
    locations: int
    opted_out: int
    do_not_mail: int
    load_seconds: float
    load_peak_rss_kb: int
    load_command: str

    def save(self) -> None:
        DATA.mkdir(parents=True, exist_ok=True)
        meta_path(self.database, self.size).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def read(cls, database: str, size: int) -> Meta | None:
        path = meta_path(database, size)
        if not path.exists():
            return None
        data: dict[str, Any] = json.loads(path.read_text())
        return cls(**data)


def status_kb(pid: int | str, field: str) -> int:
    """A memory figure from /proc/<pid>/status (VmHWM = peak RSS, VmRSS = current), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = status_meminfo("MemTotal")
    pg = _psql("SELECT current_setting('server_version')")
    # The settings docs/SCALING.md says the 1 M figures need (`heed db check`).
    settings = _psql(
        "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) "
        "FROM pg_settings WHERE name IN ('shared_buffers', 'autovacuum', 'work_mem', "
        "'max_wal_size', 'synchronous_commit')"
    )
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": os.uname().release,
        "postgresql": pg or "n/a",
        "postgresql_settings": settings or "n/a",
    }


def _psql(query: str) -> str:
    """One value from the benchmark's PostgreSQL server, or "" when it does not answer."""
    with contextlib.suppress(OSError):
        return subprocess.run(
            ["psql", f"{PG_SERVER}/postgres", "-tAc", query],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return ""


def status_meminfo(field: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0
