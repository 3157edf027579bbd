"""The preference link's request and answer (R-31)."""

from __future__ import annotations

from pydantic import Field

from heed.entrypoints.api.schemas.base import Public, Request, examples
from heed.services.preference_links import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS


class PreferenceLinkCreate(Request):
    model_config = examples({"expires_in_days": 90})

    expires_in_days: int = Field(
        DEFAULT_DAYS,
        ge=MIN_DAYS,
        le=MAX_DAYS,
        description="How long the link works, in days; a new link revokes the old one.",
    )


class PreferenceLinkPublic(Public):
    model_config = examples(
        {"url": "https://heed.example/p/WyJhY2Nf…", "expires_at": "2027-03-07T02:00:00+00:00"}
    )

    url: str = Field(description="The customer's preference page; no login needed.")
    expires_at: str
