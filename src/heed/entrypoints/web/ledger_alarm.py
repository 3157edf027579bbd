"""The warning admins see on every page while the consent ledger's latest check failed (R-17)."""

from __future__ import annotations

from fastapi import Request

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.services import ledger_check


def ledger_alarm(request: Request, account_id: str) -> t.LedgerCheck | None:
    """The account's failed latest check, for the base layout (admins only)."""
    heed: Heed = request.app.state.heed
    return ledger_check.last_failure(heed.uow, account_id)
