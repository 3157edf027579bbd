"""The account's settings page."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from heed.bootstrap import Heed
from heed.domain import limits
from heed.domain.addresses import display_phone
from heed.domain.errors import Forbidden, HeedError
from heed.entrypoints.web import base
from heed.entrypoints.web.base import FormDep, HeedDep, PageRoute, Staff, StaffDep
from heed.services import accounts
from heed.services.settings_form import settings_problems

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# ---- settings ----------------------------------------------------------------------------------


@router.get("/settings")
def settings_page(request: Request, who: StaffDep, heed: HeedDep) -> Response:
    current = accounts.settings_to_edit(heed.uow, who.principal)
    context = {"s": _settings_form(current), "errors": {}, "first_error": None}
    return base.render(request, "settings.html", context, who)


def _settings_form(current: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_notifications_enabled": current["customer_notifications_enabled"],
        "sms_opt_out_scope": current["sms_opt_out_scope"],
        "business_numbers": "\n".join(display_phone(n) for n in current["business_numbers"]),
        "window_start": current["sending_window"]["start"],
        "window_end": current["sending_window"]["end"],
        "placeholders": "\n".join(current["placeholders"]),
        "help_text": current["help_text"] or "",
        "marketing_disclosure": current["marketing_disclosure"],
        "twilio_auth_token_set": current["twilio_auth_token_set"],
    }


# Each setting's refusal in the words of the page (the service's name the API's fields).
PLAIN = {
    "name": "Enter the business's name.",
    "sms_opt_out_scope": "Choose whether a STOP stops texts from all our numbers or only "
    "from the number it was sent to.",
    "sending_window": "Enter two times like 08:00 and 21:00, the start before the end.",
    "placeholders": "Enter one placeholder value per line.",
    "help_text": f"The HELP reply can be at most {limits.HELP_TEXT} characters.",
    "marketing_disclosure": "The marketing disclosure can be at most "
    f"{limits.MARKETING_DISCLOSURE} characters.",
}
# The order of the page's fields: the first with a problem gets the focus.
FIELD_ORDER = ("sms_opt_out_scope", "business_numbers", "sending_window", "placeholders")


def _plain(name: str, error: HeedError) -> str:
    if name != "business_numbers":
        return PLAIN.get(name, error.message)
    line = re.search(r"\[(\d+)\]", str(error.details.get("field") or ""))
    if line:
        return f"Number {int(line.group(1)) + 1} of the list: {error.message}"
    return error.message


def _problems(changes: accounts.AccountChanges, refused: HeedError) -> dict[str, str]:
    """Every setting the form got wrong, beside the one the save refused."""
    found = settings_problems(changes)
    found.setdefault(base.field_of(refused) or "form", refused)
    return {name: _plain(name, error) for name, error in found.items()}


@router.post("/settings")
def settings_save(request: Request, who: StaffDep, heed: HeedDep, form: FormDep) -> Response:
    changes = _changes(form)
    try:
        saved = accounts.update_account(heed.uow, who.principal, changes)
    except Forbidden:
        raise  # the page's own answer, not a field to correct
    except HeedError as error:
        errors = _problems(changes, error)
        first = next(
            (
                name
                for name in (*FIELD_ORDER, "help_text", "marketing_disclosure")
                if name in errors
            ),
            None,
        )
        return base.render(
            request,
            "settings.html",
            {"s": _as_sent(heed, who, form), "errors": errors, "first_error": first},
            who,
            status=422,
        )
    return base.render(
        request,
        "settings.html",
        {
            "s": _settings_form(saved),
            "errors": {},
            "first_error": None,
            "notice": "Settings saved.",
        },
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
        marketing_disclosure=_disclosure(form),
    )


def _disclosure(form: FormData) -> str | accounts.Unset | None:
    """The disclosure as sent; empty: heed's standard wording with the business's name;
    a form without the field leaves it as it is."""
    if "marketing_disclosure" not in form:
        return accounts.UNSET
    return base.text(form, "marketing_disclosure") or None


def _lines(form: FormData, name: str) -> list[str]:
    return [x.strip() for x in base.text(form, name).splitlines() if x.strip()]


def _as_sent(heed: Heed, who: Staff, form: FormData) -> dict[str, Any]:
    """The form filled in as it was sent, to correct what was refused."""
    current = accounts.settings_to_edit(heed.uow, who.principal)
    return {
        **{
            k: base.text(form, k)
            for k in ("business_numbers", "placeholders", "help_text", "marketing_disclosure")
        },
        "customer_notifications_enabled": base.checked(form, "customer_notifications_enabled"),
        "sms_opt_out_scope": base.text(form, "sms_opt_out_scope"),
        "window_start": base.text(form, "window_start"),
        "window_end": base.text(form, "window_end"),
        "twilio_auth_token_set": current["twilio_auth_token_set"],
    }


__all__ = ["router"]
