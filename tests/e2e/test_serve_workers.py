"""`heed serve --workers N`: several server processes on one port and one PostgreSQL
database, each answering on its own; refused on SQLite, which one process owns."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from api_support import bearer, free_port, heed_command, heed_serve, wait_until_up

from heed.bootstrap import Heed
from heed.services import accounts


def _workers_of(parent: int) -> list[int]:
    """The uvicorn workers ``parent`` spawned (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        # Fields after the command name, which is in parentheses: state, then the parent.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in command:
            found.append(int(entry.name))
    return sorted(found)


def _wait_for(what: str, check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _alone(worker: int, others: list[int], ask: Callable[[], httpx.Response]) -> httpx.Response:
    """``ask``'s answer while every other worker is stopped, so only ``worker`` can give it.

    A stop lasts at most two seconds: uvicorn takes a worker that misses its 5 s health
    check for dead and replaces it. Asked again until ``worker`` has finished starting.
    """
    deadline = time.monotonic() + 60
    while True:
        for other in others:
            os.kill(other, signal.SIGSTOP)
        try:
            return ask()
        except httpx.TimeoutException:
            assert time.monotonic() < deadline, f"worker {worker} never answered alone"
        finally:
            for other in others:
                os.kill(other, signal.SIGCONT)
        time.sleep(0.5)


def test_serve_with_two_workers_answers_from_two_processes_on_one_port(
    db_url: str, heed: Heed, account: accounts.NewAccount
) -> None:
    if heed.engine.dialect.name != "postgresql":
        pytest.skip("--workers needs PostgreSQL (set HEED_TEST_DATABASE_URL)")
    environment = {**os.environ, "HEED_DATABASE_URL": db_url}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    auth = bearer(account.api_key)
    with heed_serve(environment, port, subprocess.PIPE, "--workers", "2") as server:
        wait_until_up(url, server)
        _wait_for("two workers", lambda: len(_workers_of(server.pid)) == 2)
        workers = _workers_of(server.pid)
        for worker in workers:
            others = [other for other in workers if other != worker]
            answer = _alone(
                worker, others, lambda: httpx.get(f"{url}/v1/account", headers=auth, timeout=2)
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["id"] == account.account_id
    _wait_for(
        "the workers to stop with the server",
        lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers),
        seconds=10,
    )


def test_serve_refuses_several_workers_on_sqlite_and_says_why(tmp_path: Path) -> None:
    database = tmp_path / "heed.sqlite3"
    refused = subprocess.run(
        heed_command("serve", "--workers", "2", "--port", str(free_port())),
        env={**os.environ, "HEED_DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        "error (workers): --workers 2 needs PostgreSQL: a SQLite database is served by one process"
    ), refused.stderr
    assert not database.exists()  # refused before anything was made
