"""/v1/account: the business's own settings (R-7, R-13)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from heed.entrypoints.api.deps import CurrentKey, UowDep
from heed.entrypoints.api.routes import errors
from heed.entrypoints.api.schemas import AccountPublic, AccountUpdate
from heed.services import accounts

router = APIRouter(prefix="/v1/account", tags=["account"])


@router.get("", response_model=AccountPublic, responses=errors())
def get_account(uow: UowDep, key: CurrentKey) -> dict[str, Any]:
    """The account's settings (settings:view, or settings:manage, which includes it)."""
    return accounts.get_account_settings(uow, key)


@router.patch("", response_model=AccountPublic, responses=errors(409))
def update_account(uow: UowDep, key: CurrentKey, body: AccountUpdate) -> dict[str, Any]:
    """Change settings (settings:manage). ``twilio_auth_token`` is write-only: the answer
    only says whether one is set. A business number another account uses answers 409."""
    return accounts.update_account(uow, key, body.command())
