"""The staff message log: what heed sent or holds, newest first, filtered by status,
number and date, each with its decision's reason, attempts and provider id. Times are
shown in the time zone staff pick, the account's own until they pick another (the
filter's date is a day in that zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response

from heed.domain.errors import Invalid
from heed.entrypoints.web.base import TEMPLATES, HeedDep, PageRoute, StaffDep, render
from heed.services import messages
from heed.services.page_frame import page_frame

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "UTC",
)


def local_time(iso: str | None, zone: str) -> str:
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    return moment.strftime("%Y-%m-%d %H:%M %Z")


TEMPLATES.env.filters["local_time"] = local_time


def _since(day: str, zone: str) -> str | None:
    """The start of ``day`` (YYYY-MM-DD) in ``zone``, as UTC ISO text."""
    if not day:
        return None
    try:
        start = datetime.combine(date.fromisoformat(day), time(), ZoneInfo(zone))
    except ValueError:
        raise Invalid("The date must be a day such as 2026-05-01.", field="since") from None
    return start.astimezone(UTC).isoformat()


@router.get("/messages")
def message_log(
    request: Request,
    who: StaffDep,
    heed: HeedDep,
    status: str = "",
    to: str = "",
    since: str = "",
    tz: str = "",
    cursor: str | None = None,
) -> Response:
    home = page_frame(heed.uow, who.principal.account_id).time_zone
    zones = ZONES if home in ZONES else (home, *ZONES)
    zone = tz if tz in zones else home
    filters = {"status": status, "to": to.strip(), "since": since.strip(), "tz": zone}
    error: str | None = None
    page: dict[str, Any] = {"items": [], "next_cursor": None}
    try:
        command = messages.MessageLog(
            status=status or None,
            to=filters["to"] or None,
            since=_since(filters["since"], zone),
            limit=50,
            cursor=cursor,
        )
        page = messages.message_log(heed.uow, who.principal, command)
    except Invalid as refused:
        error = refused.message
    context = {
        "items": page["items"],
        "next_cursor": page["next_cursor"],
        "filters": filters,
        "statuses": messages.STATUSES,
        "zones": zones,
        "query": urlencode(filters),
        "error": error,
    }
    return render(request, "messages.html", context, who, status=422 if error else 200)
