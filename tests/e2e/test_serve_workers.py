"""`heed serve --workers N`: several server processes on one port and one PostgreSQL
database, each answering on its own; refused on SQLite, which one process owns."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
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


def test_serve_with_workers_refuses_a_port_already_taken_before_starting_any(
    db_url: str, heed: Heed
) -> None:
    if heed.engine.dialect.name != "postgresql":
        pytest.skip("--workers needs PostgreSQL (set HEED_TEST_DATABASE_URL)")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = subprocess.run(
            heed_command("serve", "--workers", "2", "--port", str(port)),
            env={**os.environ, "HEED_DATABASE_URL": db_url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert refused.returncode == 1, refused.stderr
    assert f"error (serve): cannot listen on 127.0.0.1:{port}:" in refused.stderr
    assert "Traceback" not in refused.stderr


def _serve_workers_of(
    factory: str, environment: dict[str, str], cwd: Path, port: int = 0
) -> subprocess.Popen[str]:
    """heed's worker supervisor serving ``factory`` in a process of its own, exiting 0
    when it stopped after a signal and 3 when its workers could not start."""
    program = (
        "import sys\n"
        "from heed.entrypoints.workers import serve_workers\n"
        f"served = serve_workers({factory!r}, '127.0.0.1', {port or free_port()}, 2)\n"
        "sys.exit(0 if served else 3)\n"
    )
    # The supervisor polls its workers from a timed wait, which never runs out under
    # libfaketime (the suite's hour check): it runs on the real clock, as a server does.
    real_clock = {
        key: value
        for key, value in environment.items()
        if key != "LD_PRELOAD" and not key.startswith("FAKETIME")
    }
    real_clock["PYTHONPATH"] = f"{cwd}{os.pathsep}{environment.get('PYTHONPATH', '')}"
    return subprocess.Popen(
        [sys.executable, "-c", program],
        env=real_clock,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _ended(server: subprocess.Popen[str], seconds: float) -> str:
    """The server's output once it has ended by itself; killed and failed otherwise."""
    try:
        output, _ = server.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        output, _ = server.communicate()
        pytest.fail(f"the server was still running after {seconds:.0f} s:\n{output}")
    return output


def test_workers_that_cannot_reach_their_database_stop_the_server_with_exit_code_three(
    tmp_path: Path,
) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("HEED_")}
    # Nothing listens on port 1: each worker fails to read the installation's secret.
    environment["HEED_DATABASE_URL"] = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"
    server = _serve_workers_of("heed.entrypoints.api.app:worker_app", environment, tmp_path)
    output = _ended(server, 120)
    assert server.returncode == 3, output
    assert "error (workers): a worker could not start:" in output


def test_workers_that_keep_dying_at_start_stop_the_server_rather_than_being_replaced_forever(
    tmp_path: Path,
) -> None:
    (tmp_path / "failing_app.py").write_text(
        "def make():\n    raise RuntimeError('this app never starts')\n"
    )
    server = _serve_workers_of("failing_app:make", dict(os.environ), tmp_path)
    output = _ended(server, 180)
    assert server.returncode == 3, output
    # The two workers, and at most five replacements at two a round, before it gave up.
    assert 2 <= output.count("RuntimeError: this app never starts") <= 2 + 6, output


_PID_APP = """
import os


def make():
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(os.getpid()).encode()})

    return app
"""


def _listening_sockets(port: int) -> set[str]:
    """The inodes of the sockets listening on ``port`` (/proc/net/tcp, state 0A)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            found.add(fields[9])
    return found


def _sockets_of(pid: int) -> set[str]:
    """The inodes of the sockets process ``pid`` holds open."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[len("socket:[") : -1])
    return found


def _answering_pid(port: int) -> int | None:
    """The pid of the worker that answers a new connection (None while it is starting)."""
    try:
        return int(httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text)
    except httpx.TimeoutException:
        return None


def _both_answer(port: int, workers: list[int]) -> Callable[[], bool]:
    """Asks on new connections until each of ``workers`` has answered one."""
    answered: set[int | None] = set()

    def check() -> bool:
        answered.add(_answering_pid(port))
        return set(workers) <= answered

    return check


@pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT spreads connections on Linux")
def test_each_worker_listens_on_a_socket_of_its_own_and_new_connections_reach_both(
    tmp_path: Path,
) -> None:
    (tmp_path / "pid_app.py").write_text(_PID_APP)
    port = free_port()
    server = _serve_workers_of("pid_app:make", dict(os.environ), tmp_path, port)
    try:
        _wait_for("two workers", lambda: len(_workers_of(server.pid)) == 2, seconds=60)
        workers = _workers_of(server.pid)
        _wait_for("both workers to answer", _both_answer(port, workers), seconds=60)
        # The parent's copies of the workers' sockets are closed within half a second
        # of their start: a socket nobody accepts on would still be given connections.
        _wait_for(
            "the parent to let go of the sockets",
            lambda: not _listening_sockets(port) & _sockets_of(server.pid),
        )
        listening = _listening_sockets(port)
        held = [_sockets_of(worker) & listening for worker in workers]
        assert [len(h) for h in held] == [1, 1], held
        assert held[0] != held[1], "the workers share one socket"
        # 64 new connections: the kernel gives each worker a fair share (fewer than 16
        # of 64 to either by chance: about 1 in 40,000 runs).
        clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(64)]
        try:
            answered = [int(client.get("/", timeout=5).text) for client in clients]
        finally:
            for client in clients:
                client.close()
        shares = sorted(answered.count(worker) for worker in workers)
        assert shares[0] >= 16, shares
    finally:
        server.send_signal(signal.SIGINT)
        output = _ended(server, 30)
    assert server.returncode == 0, output
