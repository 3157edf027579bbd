"""Running an uploaded CSV import in the background, for the API and the staff pages.

The upload is written to a file on disk as it arrives; a thread of this process
imports it (services/csv_import.py) and removes the file. Progress lives in the
job's row, so any heed process can answer for it; a process that dies leaves its
job ``running`` until ``recover_abandoned`` marks it failed (at start-up, or when
the job is read after it stopped beating).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import IO

from heed.bootstrap import Heed
from heed.services import csv_import
from heed.services.common import Principal

log = logging.getLogger("heed.imports")


def spool() -> tuple[Path, IO[bytes]]:
    """A new file on disk for an upload, with its path."""
    handle, name = tempfile.mkstemp(prefix="heed-import-", suffix=".csv")
    return Path(name), os.fdopen(handle, "wb")


def start_in_background(heed: Heed, principal: Principal, job_id: str, path: Path) -> None:
    """Run the started job in a thread of this process; the file is removed after."""

    def run() -> None:
        try:
            csv_import.run_import(heed.uow, principal, csv_import.RunImport(job_id, path))
        except Exception:
            log.exception("import %s stopped", job_id)
        finally:
            path.unlink(missing_ok=True)

    threading.Thread(target=run, name=f"heed-import-{job_id}", daemon=True).start()
