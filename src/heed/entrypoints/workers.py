"""Several server processes on one port: uvicorn's supervisor, told when to give up.

uvicorn's supervisor replaces a worker that dies. A worker that cannot start (its
database refuses it, its settings are wrong) would die again the same way, so a
replacement loop would hide the fault behind a server that never answers. heed's
supervisor stops instead, with exit code 3 (uvicorn's own for a server that could not
start), in two cases: a worker says it could not start (uvicorn's startup-failure exit
code, which ``worker_app`` uses), or workers keep dying faster than they could serve.
"""

from __future__ import annotations

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


def serve_workers(factory: str, host: str, port: int, workers: int) -> bool:
    """``workers`` uvicorn processes on one port, each making its app with ``factory``
    (an import string) once it runs, so nothing of the parent's is shared but the port.

    Returns when the server stops: True after a signal, False when its workers could
    not start.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        failed = False

        def keep_subprocess_alive(self) -> None:
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
    supervisor = Supervisor(config, sockets=[config.bind_socket()])
    supervisor.run()
    return not supervisor.failed
