"""Several server processes on one port: uvicorn's supervisor, told when to give up.

uvicorn's supervisor replaces a worker that dies. A worker that cannot start (its
database refuses it, its settings are wrong) would die again the same way, so a
replacement loop would hide the fault behind a server that never answers. heed's
supervisor stops instead, with exit code 3 (uvicorn's own for a server that could not
start), in two cases: a worker says it could not start (uvicorn's startup-failure exit
code, which ``worker_app`` uses), or workers keep dying faster than they could serve.
"""

from __future__ import annotations

import socket
import sys
import time
from collections import deque

STARTUP_FAILURE = 3

# A worker that dies this many times per worker within the window is taken to be
# failing at start, not crashing now and then.
DEATHS_PER_WORKER = 2
DEATH_WINDOW_SECONDS = 60.0

# uvicorn's supervisor replaces a worker that misses its health check. A spawned worker
# answers only once it has imported the command's main module (all of heed, for the
# `heed` script): seconds on a busy machine, past uvicorn's default of 5, after which
# the replacement would be replaced in turn, and the server never start.
WORKER_HEALTH_CHECK_SECONDS = 30


class PortTaken(Exception):
    """The port cannot be listened on (another program holds it, say)."""


def _listening(host: str, port: int, backlog: int, *, beside: bool) -> socket.socket:
    """A socket listening on ``host:port``, to be inherited by the worker started next;
    ``beside``: beside the other workers' own (SO_REUSEPORT)."""
    made = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if beside:
            made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        made.bind((host, port))
        made.listen(backlog)
    except OSError as error:
        made.close()
        raise PortTaken(f"cannot listen on {host}:{port}: {error.strerror}") from error
    made.set_inheritable(True)
    return made


class WorkerSockets:
    """The listening sockets of a server's workers.

    On Linux each worker gets a socket of its own, bound to the port with
    SO_REUSEPORT, and the kernel spreads new connections evenly over them. With one
    socket shared (elsewhere), each worker's event loop accepts every connection
    waiting when it wakes, and a burst of clients lands mostly on one worker while
    the other idles. The parent's copy of a worker's socket is closed once the worker
    has started (it inherits the socket at its start): a listening socket nobody
    accepts on would still be given its share of connections.
    """

    def __init__(self, host: str, port: int, backlog: int, *, per_worker: bool) -> None:
        self._host, self._port, self._backlog = host, port, backlog
        self.per_worker = per_worker
        # The first is made here, so a port already taken is reported before any
        # worker starts.
        self._ready = [_listening(host, port, backlog, beside=per_worker)]
        self._handed: list[socket.socket] = []

    def next(self) -> list[socket.socket]:
        """The sockets of the worker about to start."""
        self.close_handed()
        if not self.per_worker:
            return self._ready
        if self._ready:
            made = self._ready.pop()
        else:
            made = _listening(self._host, self._port, self._backlog, beside=True)
        self._handed.append(made)
        return [made]

    def close_handed(self) -> None:
        """Close the parent's copies of the sockets of the workers started so far."""
        while self._handed:
            self._handed.pop().close()

    def close(self) -> None:
        self.close_handed()
        while self._ready:
            self._ready.pop().close()


def serve_workers(factory: str, host: str, port: int, workers: int) -> bool:
    """``workers`` uvicorn processes on one port, each making its app with ``factory``
    (an import string) once it runs, so nothing of the parent's is shared but the port.

    Returns when the server stops: True after a signal, False when its workers could
    not start. Raises :class:`PortTaken` before starting any.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        failed = False

        @property
        def sockets(self) -> list[socket.socket]:
            # uvicorn reads its sockets just before it starts each worker.
            return listening.next()

        @sockets.setter
        def sockets(self, value: list[socket.socket]) -> None:
            pass  # uvicorn's own assignment: each worker's are made by ``listening``

        def keep_subprocess_alive(self) -> None:
            listening.close_handed()
            before = list(self.processes)
            super().keep_subprocess_alive()
            replaced = sum(
                1 for old, new in zip(before, self.processes, strict=True) if old is not new
            )
            now = time.monotonic()
            deaths.extend([now] * replaced)
            while deaths and deaths[0] < now - DEATH_WINDOW_SECONDS:
                deaths.popleft()
            startup_failure = any(
                process.process.exitcode == STARTUP_FAILURE for process in self.processes
            )
            if startup_failure or len(deaths) > DEATHS_PER_WORKER * workers:
                self.failed = True
                self.should_exit.set()

    deaths: deque[float] = deque()
    config = uvicorn.Config(
        factory,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        timeout_worker_healthcheck=WORKER_HEALTH_CHECK_SECONDS,
    )
    listening = WorkerSockets(host, port, config.backlog, per_worker=sys.platform == "linux")
    try:
        supervisor = Supervisor(config, sockets=[])
        supervisor.run()
    finally:
        listening.close()
    return not supervisor.failed
