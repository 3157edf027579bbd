"""The account's settings page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from heed.domain.addresses import display_phone
from heed.domain.errors import (
    HeedError,
)
from heed.entrypoints.web.base import (
    FormDep,
    HeedDep,
    PageRoute,
    StaffDep,
    checked,
    field_of,
    render,
    text,
)
from heed.services import accounts

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ---- settings ----------------------------------------------------------------------------------


@router.get("/settings")
def settings_page(request: Request, who: StaffDep, heed: HeedDep) -> Response:
    who.principal.require("settings:manage")
    current = accounts.get_account_settings(heed.uow, who.principal)
    return render(request, "settings.html", {"s": _settings_form(current), "errors": {}}, who)


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
    who.principal.require("settings:manage")

    def lines(name: str) -> list[str]:
        return [x.strip() for x in text(form, name).splitlines() if x.strip()]

    changes: dict[str, Any] = {
        "customer_notifications_enabled": checked(form, "customer_notifications_enabled"),
        "sms_opt_out_scope": text(form, "sms_opt_out_scope"),
        "business_numbers": lines("business_numbers"),
        "sending_window": {"start": text(form, "window_start"), "end": text(form, "window_end")},
        "placeholders": lines("placeholders"),
        "help_text": text(form, "help_text") or None,
    }
    try:
        saved = accounts.update_account(heed.uow, who.principal, changes)
    except HeedError as error:
        values = {
            **{k: text(form, k) for k in ("business_numbers", "placeholders", "help_text")},
            "customer_notifications_enabled": changes["customer_notifications_enabled"],
            "sms_opt_out_scope": changes["sms_opt_out_scope"],
            "window_start": text(form, "window_start"),
            "window_end": text(form, "window_end"),
            "twilio_auth_token_set": accounts.get_account_settings(heed.uow, who.principal)[
                "twilio_auth_token_set"
            ],
        }
        return render(
            request,
            "settings.html",
            {"s": values, "errors": {field_of(error) or "form": error.message}},
            who,
            status=422,
        )
    return render(
        request,
        "settings.html",
        {"s": _settings_form(saved), "errors": {}, "notice": "Settings saved."},
        who,
    )


__all__ = ["router"]
