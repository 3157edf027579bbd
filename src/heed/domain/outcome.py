"""The three answers a send decision gives (CONTRACT ``outcome``), shared by the
decision and the jurisdictions' rules it asks."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    ALLOWED = "allowed"
    BLOCKED = "blocked"
    DEFERRED = "deferred"
