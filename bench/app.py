"""The benchmark's server: heed's own app plus baseline routes, in one process or several.

``/bench/bare`` answers without touching anything (``/bench/pid`` with its process
id); ``/bench/select`` reads one contact by primary key through heed's engine, on
the event loop, and ``/bench/select-pool`` does the same read in the thread pool. All
are ``async def`` like the product's hot routes, and all exist only here, never in the
product: they tell how much of a request's cost is the framework and one query, so
heed's routes can be judged against them on the same machine, in the same run.

``uv run python -m bench.app --port 8765`` serves it the way ``heed serve`` does
(uvicorn, one worker, one process); ``--workers N`` the way ``heed serve --workers N``
does (N uvicorn processes on one port, each building its app, engine and pool once it
runs); the database comes from HEED_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from sqlalchemy import bindparam, select
from starlette.concurrency import run_in_threadpool

from heed.adapters.db import tables as t
from heed.bootstrap import Heed, build, build_worker, freeze_start_up_heap
from heed.config import Settings
from heed.entrypoints.api.app import create_app
from heed.entrypoints.workers import serve_workers


def bench_app(heed: Heed) -> FastAPI:
    app = create_app(heed)
    engine = heed.engine
    # The bench's one account: every heed look-up is scoped to an account as well.
    account_id = os.environ.get("BENCH_ACCOUNT_ID", "")
    # Built once, like heed's own hot statements, so the baseline is not handicapped by
    # building a query per request.
    one_contact = select(t.Contact.value).where(
        t.Contact.account_id == bindparam("account_id"), t.Contact.id == bindparam("contact_id")
    )

    @app.post("/bench/bare", include_in_schema=False)
    async def bare() -> dict[str, Any]:
        return {"ok": True}

    # Which process answered: under --workers N, the benchmark waits until each has.
    @app.post("/bench/pid", include_in_schema=False)
    async def pid() -> dict[str, int]:
        return {"pid": os.getpid()}

    def read_one(contact_id: str) -> dict[str, Any]:
        with engine.connect() as conn:
            row = conn.execute(
                one_contact, {"account_id": account_id, "contact_id": contact_id}
            ).first()
        return {"value": row[0] if row else None}

    @app.post("/bench/select", include_in_schema=False)
    async def one_select(request: Request) -> dict[str, Any]:
        body = await request.json()
        return read_one(body["contact_id"])

    # The same read handed to the thread pool, as heed's routes hand theirs since no
    # database work runs on the event loop: the difference is the cost of the hop.
    @app.post("/bench/select-pool", include_in_schema=False)
    async def one_select_in_pool(request: Request) -> dict[str, Any]:
        body = await request.json()
        return await run_in_threadpool(read_one, body["contact_id"])

    return app


def worker_app() -> FastAPI:
    """One worker's app under ``--workers N``, built inside the worker like heed's own."""
    app = bench_app(build_worker(Settings()))
    freeze_start_up_heap()  # as heed's own workers do
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="heed's app plus the benchmark's baselines")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="server processes on the port")
    parser.add_argument("--profile", help="write a pyinstrument profile here on shutdown")
    args = parser.parse_args(argv)
    if args.workers > 1:
        if args.profile:
            parser.error("--profile profiles one process: leave out --workers")
        serve_workers("bench.app:worker_app", args.host, args.port, args.workers)
        return
    heed = build(Settings(), migrate=False)
    app = bench_app(heed)
    freeze_start_up_heap()  # as `heed serve` does
    if not args.profile:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    except KeyboardInterrupt:
        pass
    finally:
        profiler.stop()
        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
