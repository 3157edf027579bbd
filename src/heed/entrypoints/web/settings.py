"""The account's settings page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from heed.bootstrap import Heed
from heed.domain.addresses import display_phone
from heed.domain.errors import Forbidden, HeedError
from heed.entrypoints.web import base
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, Staff, StaffDep
from heed.services import accounts

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ---- settings ----------------------------------------------------------------------------------


@router.get("/settings")
def settings_page(request: Request, who: StaffDep, heed: HeedDep) -> Response:
    current = accounts.settings_to_edit(heed.uow, who.principal)
    return base.render(request, "settings.html", {"s": _settings_form(current), "errors": {}}, who)


def _settings_form(current: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_notifications_enabled": current["customer_notifications_enabled"],
        "sms_opt_out_scope": current["sms_opt_out_scope"],
        "business_numbers": "\n".join(display_phone(n) for n in current["business_numbers"]),
        "window_start": current["sending_window"]["start"],
        "window_end": current["sending_window"]["end"],
        "placeholders": "\n".join(current["placeholders"]),
        "help_text": current["help_text"] or "",
        "twilio_auth_token_set": current["twilio_auth_token_set"],
    }


@router.post("/settings")
def settings_save(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    try:
        saved = accounts.update_account(heed.uow, who.principal, _changes(form))
    except Forbidden:
        raise  # the page's own answer, not a field to correct
    except HeedError as error:
        return base.render(
            request,
            "settings.html",
            {
                "s": _as_sent(heed, who, form),
                "errors": {base.field_of(error) or "form": error.message},
            },
            who,
            status=422,
        )
    return base.render(
        request,
        "settings.html",
        {"s": _settings_form(saved), "errors": {}, "notice": "Settings saved."},
        who,
    )


def _changes(form: FormData) -> accounts.AccountChanges:
    """The form's settings, as the API's PATCH /v1/account gives them."""
    return accounts.AccountChanges(
        customer_notifications_enabled=base.checked(form, "customer_notifications_enabled"),
        sms_opt_out_scope=base.text(form, "sms_opt_out_scope"),
        business_numbers=_lines(form, "business_numbers"),
        sending_window=accounts.Window(
            base.text(form, "window_start"), base.text(form, "window_end")
        ),
        placeholders=_lines(form, "placeholders"),
        help_text=base.text(form, "help_text") or None,
    )


def _lines(form: FormData, name: str) -> list[str]:
    return [x.strip() for x in base.text(form, name).splitlines() if x.strip()]


def _as_sent(heed: Heed, who: Staff, form: FormData) -> dict[str, Any]:
    """The form filled in as it was sent, to correct what was refused."""
    current = accounts.settings_to_edit(heed.uow, who.principal)
    return {
        **{k: base.text(form, k) for k in ("business_numbers", "placeholders", "help_text")},
        "customer_notifications_enabled": base.checked(form, "customer_notifications_enabled"),
        "sms_opt_out_scope": base.text(form, "sms_opt_out_scope"),
        "window_start": base.text(form, "window_start"),
        "window_end": base.text(form, "window_end"),
        "twilio_auth_token_set": current["twilio_auth_token_set"],
    }


__all__ = ["router"]
