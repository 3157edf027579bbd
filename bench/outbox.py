"""The outbox shared by heed processes on PostgreSQL: messages/s with one and two
`heed serve` processes, and what an idle outbox costs with 1 and with 2,000 accounts.

    uv run python -m bench.outbox                      # 2,000 messages, 1 and 2,000 accounts
    uv run python -m bench.outbox --messages 5000 --idle-seconds 20

It makes a fresh database (``heed_outbox_bench`` on ``BENCH_PG``), queues the
messages in-process and holds them back, starts the servers (log transport,
output to /dev/null), and releases every message in one UPDATE once all servers
answer, so each server races from the first message. Throughput is messages over
the time from the release to the last ``sent_at``.

Idle cost, two ways: statements per idle round counted in-process with
SQLAlchemy's ``before_cursor_execute`` event (every statement the driver is
handed, BEGIN and ROLLBACK included), and transactions per idle second of a real
`heed serve` from PostgreSQL's ``pg_stat_database`` (``xact_commit +
xact_rollback`` deltas; nothing else connects to the database meanwhile).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import create_engine, event, func, select, text, update

from bench.common import PG_SERVER
from heed.adapters.db import tables as t
from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed, build
from heed.config import Settings, normalize_database_url
from heed.services import accounts, messages
from heed.services.common import PERMISSIONS, Principal

DATABASE = "heed_outbox_bench"
HELD = datetime(2100, 1, 1, tzinfo=UTC)
CLI = "import sys; from heed.entrypoints.cli import main; sys.argv[0] = 'heed'; main()"


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def fresh_database(server: str, name: str) -> str:
    admin = create_engine(
        normalize_database_url(f"{server}/postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


Servers = list[tuple[subprocess.Popen[bytes], int]]


def start_servers(url: str, count: int, interval: float) -> Servers:
    environment = {
        **os.environ,
        "HEED_DATABASE_URL": url,
        "HEED_TRANSPORT": "log",
        "HEED_OUTBOX_INTERVAL": str(interval),
    }
    servers: Servers = []
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-c", CLI, "serve", "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append((process, port))
    for process, port in servers:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("heed serve did not come up")
            time.sleep(0.2)
    return servers


def stop_servers(servers: Servers) -> None:
    for process, _ in servers:
        process.terminate()
    for process, _ in servers:
        process.wait(timeout=30)


def queue_held(heed: Heed, count: int) -> str:
    made = accounts.create_account(heed.uow, f"Outbox bench {random.randint(0, 10**9)}")
    staff = Principal(made.account_id, "user:bench@example.com", frozenset(PERMISSIONS))
    for i in range(count):
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(
                channel="sms", to=f"+1512{6210000 + i:07d}", body=f"Job {i}", manual=True
            ),
        )
    with heed.uow.write() as tx:
        tx.session.execute(
            update(t.Message)
            .where(t.Message.account_id == made.account_id)
            .values(next_attempt_at=HELD)
        )
        tx.commit()
    return made.account_id


def throughput(heed: Heed, url: str, processes: int, count: int) -> dict[str, Any]:
    account_id = queue_held(heed, count)
    servers = start_servers(url, processes, interval=0.1)
    try:
        released = datetime.now(UTC)
        with heed.uow.write() as tx:
            tx.session.execute(
                update(t.Message)
                .where(t.Message.account_id == account_id)
                .values(next_attempt_at=t.Message.created_at)
            )
            tx.commit()
        deadline = time.monotonic() + 600
        while True:
            with heed.uow.read() as tx:
                sent, last, attempts = tx.session.execute(
                    select(
                        func.count(), func.max(t.Message.sent_at), func.sum(t.Message.attempts)
                    ).where(t.Message.account_id == account_id, t.Message.status == "sent")
                ).one()
            if sent == count or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        stop_servers(servers)
    assert last is not None, "nothing was sent"
    seconds = (last - released).total_seconds()
    return {
        "processes": processes,
        "messages": count,
        "sent": sent,
        "attempts": int(attempts or 0),
        "seconds": round(seconds, 2),
        "messages_per_second": round(sent / seconds, 1),
    }


def idle_round_statements(heed: Heed) -> int:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    # Settle anything left by the throughput runs, then measure a round with nothing due.
    messages.deliver_due(heed.uow, LogTransport(io.StringIO()))
    event.listen(heed.engine, "before_cursor_execute", count)
    try:
        messages.deliver_due(heed.uow, LogTransport(io.StringIO()))
    finally:
        event.remove(heed.engine, "before_cursor_execute", count)
    return len(seen)


def idle_transactions_per_second(heed: Heed, url: str, seconds: float) -> float:
    name = url.rsplit("/", 1)[1]
    servers = start_servers(url, 1, interval=1.0)
    query = text("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = :name")

    def transactions() -> int:
        # pg_stat_database is per-backend cached inside a transaction; read it fresh.
        with heed.engine.connect() as connection:
            connection.execute(text("SELECT pg_stat_clear_snapshot()"))
            found: int = connection.execute(query, {"name": name}).scalar_one()
            return found

    try:
        time.sleep(3)  # let start-up settle
        before = transactions()
        time.sleep(seconds)
        after = transactions()
    finally:
        stop_servers(servers)
    # Each reading is itself a transaction on this database: take ours out.
    return round((after - before - 1) / seconds, 2)


def add_accounts(heed: Heed, total: int) -> None:
    with heed.uow.read() as tx:
        have = tx.session.scalar(select(func.count()).select_from(t.Account)) or 0
    for i in range(have, total):
        accounts.create_account(heed.uow, f"Idle shop {i}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--only", choices=("throughput", "idle"), default=None)
    args = parser.parse_args()
    url = normalize_database_url(fresh_database(PG_SERVER, args.database))
    heed = build(Settings(database_url=url), migrate=True)
    results: dict[str, Any] = {
        "command": " ".join(["uv run python -m bench.outbox", *sys.argv[1:]]),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_start": os.getloadavg(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "throughput": [],
        "idle": [],
    }
    for processes in (1, 2) if args.only != "idle" else ():
        say(f"throughput: {processes} process(es), {args.messages} messages")
        results["throughput"].append(throughput(heed, url, processes, args.messages))
        say(f"  {results['throughput'][-1]}")
    for total in (1, args.accounts) if args.only != "throughput" else ():
        if total == 1:
            # Only the throughput runs' accounts exist; measure with exactly one.
            with heed.uow.write() as tx:
                tx.session.execute(text("TRUNCATE messages"))
                tx.commit()
        add_accounts(heed, total)
        with heed.uow.read() as tx:
            have = tx.session.scalar(select(func.count()).select_from(t.Account)) or 0
        say(f"idle: {have} accounts")
        per_round = idle_round_statements(heed)
        interval = Settings().outbox_interval
        results["idle"].append(
            {
                "accounts": have,
                "statements_per_round": per_round,
                "rounds_per_second_at_default_interval": round(1 / interval, 2),
                "statements_per_idle_second": round(per_round / interval, 2),
                "pg_transactions_per_idle_second_at_1s_interval": idle_transactions_per_second(
                    heed, url, args.idle_seconds
                ),
            }
        )
        say(f"  {results['idle'][-1]}")
    results["load_average_at_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    heed.engine.dispose()


if __name__ == "__main__":
    main()
