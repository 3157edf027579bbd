"""The account's own replies to STOP, START and HELP, per language (R-16, R-29)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from heed.domain.errors import Forbidden, HeedError
from heed.domain.replies import (
    KIND_NAMES,
    LANGUAGE_NAMES,
    LANGUAGES,
    TEXT_LIMIT,
    ReplyKind,
    default_reply,
)
from heed.entrypoints.web import base
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, StaffDep
from heed.services import accounts

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/settings/replies")
def replies_page(request: Request, who: StaffDep, heed: HeedDep) -> Response:
    current = accounts.settings_to_edit(heed.uow, who.principal)
    return _page(request, who, current, current["reply_texts"], {})


@router.post("/settings/replies")
def replies_save(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    sent = _texts(form)
    try:
        saved = accounts.update_account(
            heed.uow, who.principal, accounts.AccountChanges(reply_texts=sent)
        )
    except Forbidden:
        raise
    except HeedError as error:
        current = accounts.settings_to_edit(heed.uow, who.principal)
        errors = {str(error.details.get("field") or "form"): error.message}
        return _page(request, who, current, sent, errors, status=422)
    return _page(request, who, saved, saved["reply_texts"], {}, notice="Replies saved.")


def _texts(form: FormData) -> dict[str, dict[str, str]]:
    """Every language's texts as typed; a blank box answers with heed's own words."""
    return {
        language: {kind: base.text(form, f"{language}.{kind}") for kind in ReplyKind}
        for language in LANGUAGES
    }


def _page(
    request: Request,
    who: base.Staff,
    current: dict[str, Any],
    texts: dict[str, dict[str, str]],
    errors: dict[str, str],
    *,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    rows = [
        {
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "kinds": [
                {
                    "kind": kind,
                    "name": KIND_NAMES[kind],
                    "field": f"{language}.{kind}",
                    "value": texts.get(language, {}).get(kind, ""),
                    "default": default_reply(kind, current["name"], language),
                    "error": errors.get(f"reply_texts.{language}.{kind}")
                    or errors.get(f"reply_texts.{language}"),
                }
                for kind in ReplyKind
            ],
        }
        for language in LANGUAGES
    ]
    context = {
        "rows": rows,
        "limit": TEXT_LIMIT,
        "form_error": errors.get("form") or errors.get("reply_texts"),
        "notice": notice,
    }
    return base.render(request, "replies.html", context, who, status=status)


__all__ = ["router"]
