"""CSV imports (R-32): the job's answer and its report."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from heed.entrypoints.api.schemas.base import Public, examples
from heed.entrypoints.api.schemas.messages import MessagePublic


class ImportStarted(Public):
    model_config = examples({"id": "imp_3c4d5e6f708192a3b4c5", "status": "running"})

    id: str
    status: Literal["running", "done", "failed"]


class ImportFlag(Public):
    row: int = Field(description="The row in the file; the header is row 1.")
    field: str
    value: str
    reason: str = Field(
        description="placeholder, international_number, marketing_consent_without_evidence "
        "or marketing_consent_not_imported."
    )


class ImportRowError(Public):
    row: int
    field: str
    message: str


class ImportPublic(Public):
    model_config = examples(
        {
            "id": "imp_3c4d5e6f708192a3b4c5",
            "status": "done",
            "dry_run": False,
            "filename": "customers.csv",
            "total": 3,
            "rows": 3,
            "created": 2,
            "updated": 0,
            "flagged_count": 1,
            "error_count": 1,
            "flagged": [
                {"row": 3, "field": "mobile", "value": "(123) 456-7890", "reason": "placeholder"}
            ],
            "errors": [{"row": 4, "field": "email", "message": "This is not an email address."}],
            "unknown_columns": ["Favourite colour"],
            "message": None,
            "created_at": "2026-05-01T15:04:05+00:00",
            "finished_at": "2026-05-01T15:04:07+00:00",
        }
    )

    id: str
    status: Literal["running", "done", "failed"]
    dry_run: bool
    filename: str | None
    total: int | None = Field(description="Rows in the file, once counted.")
    rows: int = Field(description="Rows read so far.")
    created: int = Field(description="Customers added.")
    updated: int = Field(description="Known customers (by external_id) changed.")
    flagged_count: int
    error_count: int
    flagged: list[ImportFlag] = Field(description="The first 1,000 flagged values.")
    errors: list[ImportRowError] = Field(description="The first 1,000 rows not imported.")
    unknown_columns: list[str]
    message: str | None = Field(description="Why a failed import stopped.")
    created_at: str
    finished_at: str | None


class MessagePage(Public):
    items: list[MessagePublic]
    next_cursor: str | None
