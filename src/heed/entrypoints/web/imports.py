"""The staff Import page (R-32): upload a CSV, a dry run's first problems, the progress
of a running import (the page reloads itself without JavaScript; htmx polls the panel),
and the report, its flagged rows downloadable as CSV."""

from __future__ import annotations

import shutil

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.datastructures import UploadFile

from heed.domain.import_rows import COLUMNS, REASONS
from heed.entrypoints.import_jobs import spool, start_in_background
from heed.entrypoints.web.base import (
    FormDep,
    HeedDep,
    PageRoute,
    StaffDep,
    checked,
    is_htmx,
    render,
)
from heed.services import csv_import

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SHOWN = 20


@router.get("/imports")
def imports_page(request: Request, who: StaffDep, heed: HeedDep) -> Response:
    recent = csv_import.recent_imports(heed.uow, who.principal)
    context = {"recent": recent, "columns": COLUMNS, "error": None}
    return render(request, "imports.html", context, who)


@router.post("/imports")
def upload(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        recent = csv_import.recent_imports(heed.uow, who.principal)
        context = {"recent": recent, "columns": COLUMNS, "error": "Choose a CSV file to import."}
        return render(request, "imports.html", context, who, status=422)
    path, target = spool()
    try:
        with target, upload.file as source:
            shutil.copyfileobj(source, target)
        command = csv_import.StartImport(upload.filename, dry_run=checked(form, "dry_run"))
        job = csv_import.start_import(heed.uow, who.principal, command)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    start_in_background(heed, who.principal, job["id"], path)
    return RedirectResponse(f"/imports/{job['id']}", status_code=303)


@router.get("/imports/{import_id}")
def import_page(request: Request, import_id: str, who: StaffDep, heed: HeedDep) -> Response:
    job = csv_import.get_import(heed.uow, who.principal, import_id)
    context = {"job": job, "reasons": REASONS, "shown": SHOWN}
    name = "_import_job.html" if is_htmx(request) else "import_job.html"
    return render(request, name, context, who)


@router.get("/imports/{import_id}/problems.csv")
def problems(import_id: str, who: StaffDep, heed: HeedDep) -> Response:
    pages = csv_import.problems_csv(heed.uow, who.principal, import_id)
    return StreamingResponse(
        pages,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="heed-{import_id}-problems.csv"'},
    )
