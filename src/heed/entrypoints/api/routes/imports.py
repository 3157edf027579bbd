"""/v1/imports and /v1/customers/export: CSV in and out (R-32).

The upload is streamed to a file on disk as it arrives (never held in memory), then
imported in the background by a thread of this process; GET /v1/imports/{id} reads
the job's progress from the database, so any heed process answers it.
"""

from __future__ import annotations

import shutil
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from heed.bootstrap import Heed
from heed.domain.errors import Invalid
from heed.entrypoints.api.deps import CurrentKey, UowDep, get_principal
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas.imports import ImportPublic, ImportStarted
from heed.entrypoints.import_jobs import spool, start_in_background
from heed.services import csv_import, customer_export
from heed.services.permissions import refuse_early

router = APIRouter(prefix="/v1", tags=["import and export"])

_CSV = {"text/csv": {"schema": {"type": "string"}}}
_CSV_TYPES = ("text/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel")
_UPLOAD = {
    "requestBody": {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
        "required": True,
    }
}


async def receive_csv(request: Request, target: IO[bytes]) -> str | None:
    """Copy the request's CSV (the body, or the multipart field ``file``) to ``target``
    as it arrives; answers the uploaded file's name, if any."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        async with request.form(max_files=1, max_fields=5) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise Invalid(
                    "The multipart body must carry the CSV in the field file.", field="file"
                )
            await run_in_threadpool(shutil.copyfileobj, upload.file, target)
            return upload.filename
    if kind not in _CSV_TYPES:
        raise Invalid(
            "Send the CSV as the body (Content-Type: text/csv) or as the multipart field file.",
            field="body",
        )
    async for chunk in request.stream():
        # A local file write of one received chunk: the loop does not wait on the network.
        target.write(chunk)
    return None


@router.post(
    "/imports",
    status_code=202,
    response_model=ImportStarted,
    responses=errors(),
    openapi_extra=_UPLOAD,
)
async def start_import(
    request: Request,
    dry_run: Annotated[bool, Query(description="Check every row and write nothing.")] = False,
) -> dict[str, Any]:
    """Import customers, locations and contacts from a CSV (customer:edit and
    location:edit): 202 at once; the import runs in the background, its progress and
    report in GET /v1/imports/{id}. docs/IMPORT.md has the columns and the rules."""
    key = refuse_early(csv_import.start_import, await get_principal(request))
    heed: Heed = request.app.state.heed
    path, target = spool()
    try:
        with target:
            filename = await receive_csv(request, target)
        if path.stat().st_size == 0:
            raise Invalid("The body is empty: send the CSV file.", field="body")
        command = csv_import.StartImport(filename=filename, dry_run=dry_run)
        started = await run_in_threadpool(csv_import.start_import, heed.uow, key, command)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    start_in_background(heed, key, started["id"], path)
    return started


@router.get("/imports/{import_id}", response_model=ImportPublic, responses=errors(404))
def get_import(uow: UowDep, key: CurrentKey, import_id: str) -> dict[str, Any]:
    """An import's status (running, done, failed), counts and first problems (customer:view)."""
    return csv_import.get_import(uow, key, import_id)


@router.get(
    "/imports/{import_id}/problems",
    responses={**errors(404), 200: {"content": _CSV, "description": "Every problem, as CSV."}},
    response_class=StreamingResponse,
)
def import_problems(uow: UowDep, key: CurrentKey, import_id: str) -> StreamingResponse:
    """Every flagged value and refused row of an import, as CSV (customer:view)."""
    pages = csv_import.problems_csv(uow, key, import_id)
    return StreamingResponse(
        pages,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{import_id}-problems.csv"'},
    )


@router.get(
    "/customers/export",
    responses={**errors(), 200: {"content": _CSV, "description": "The customers, as CSV."}},
    response_class=StreamingResponse,
)
def export_customers(
    uow: UowDep,
    key: CurrentKey,
    format: Annotated[Literal["csv"], Query(description="Only csv.")] = "csv",
) -> StreamingResponse:
    """Every customer with its locations and contacts in the import's columns; importing
    it again changes nothing (customer:view and location:view)."""
    pages = customer_export.export_customers(uow, key)
    return StreamingResponse(
        pages,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="customers.csv"'},
    )
