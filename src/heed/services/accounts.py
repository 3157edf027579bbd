"""Accounts and their settings (R-7, R-13); the operator's Twilio auth token (R-25)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from heed.adapters.db import accounts as stored
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits
from heed.domain.addresses import normalize_phone
from heed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from heed.domain.marketing import default_disclosure, disclosure_version
from heed.domain.replies import LANGUAGES, ReplyKind, checked_overrides, with_help_text

# API keys live in services/api_keys.py and staff logins in services/staff.py; their
# verbs stay importable from here, where callers have always found them.
from heed.services.api_keys import (
    API_KEY_CACHE_SECONDS,
    GATEWAY,
    STANDARD,
    NewKey,
    add_key,
    authenticate_api_key,
    cached_api_key,
    create_api_key,
    create_gateway_key,
    forget_api_keys,
    hash_api_key,
)
from heed.services.common import PERMISSIONS, Principal, audit, get_account, new_id, now
from heed.services.permissions import checked_inside, requires
from heed.services.staff import create_user, principal_for_user, verify_password

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class NewAccount:
    account_id: str
    api_key: str


# Who changes a provider credential in the audit trail when no login is named.
OPERATOR = "operator"

TOKEN_BY_OPERATOR = (
    "twilio_auth_token is set by the operator (heed account set-twilio-token, or "
    "HEED_TWILIO_AUTH_TOKEN), not through an API key or the staff UI."
)


def create_account(
    uow: UnitOfWork,
    name: str,
    business_numbers: list[str] | tuple[str, ...] = (),
    twilio_auth_token: str | None = None,
    *,
    operator: str = OPERATOR,
) -> NewAccount:
    """A new business and its first key, which may do everything staff may do; posting
    inbound messages is for gateway keys only (R-25)."""
    name = _checked_name(name)
    numbers = _parse_business_numbers(business_numbers)
    token = _checked_token(twilio_auth_token) if twilio_auth_token else None
    with uow.write() as tx:
        _refuse_taken_numbers(tx, numbers, account_id=None)
        account = t.Account(
            id=new_id("acc"),
            name=name,
            customer_notifications_enabled=True,
            sms_opt_out_scope="account",
            window_start="08:00",
            window_end="21:00",
            placeholders=[],
            help_text=None,
            twilio_auth_token=None,
            ledger_seq=0,
            ledger_head="0" * 64,
            created_at=now(),
        )
        stored.add(tx, account, numbers)
        _change_twilio_auth_token(tx, account, token, operator)
        _, raw = add_key(tx, account.id, PERMISSIONS)
        tx.commit()
    return NewAccount(account.id, raw)


def set_twilio_auth_token(
    uow: UnitOfWork, account_id: str, token: str | None, *, operator: str = OPERATOR
) -> bool:
    """The operator sets (or, with ``None``, removes) the auth token that signs the
    account's Twilio webhooks. Answers whether it changed; the audit row names the
    operator and says "set", "changed" or "removed", never the value."""
    if token is not None:
        token = _checked_token(token)
    with uow.write() as tx:
        account = tx.lock_account(account_id)
        if account is None:
            raise NotFound("No such account.")
        changed = _change_twilio_auth_token(tx, account, token, operator)
        tx.commit()
    return changed


def _checked_token(token: str) -> str:
    token = token.strip()
    if not token:
        raise Invalid("The Twilio auth token must not be empty.", field="twilio_auth_token")
    if len(token) > 200 or "\x00" in token:
        raise Invalid(
            "The Twilio auth token must be at most 200 characters, without NUL bytes.",
            field="twilio_auth_token",
        )
    return token


def _change_twilio_auth_token(
    tx: Transaction, account: t.Account, token: str | None, operator: str
) -> bool:
    old = account.twilio_auth_token
    if token == old:
        return False
    new = "removed" if token is None else ("changed" if old else "set")
    # The audit says that the secret changed, never what it is.
    audit(
        tx,
        Principal(account.id, operator),
        "account",
        account.id,
        "twilio_auth_token",
        "set" if old else None,
        new,
    )
    account.twilio_auth_token = token
    return True


def account_view(tx: Transaction, account: t.Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "customer_notifications_enabled": account.customer_notifications_enabled,
        "sms_opt_out_scope": account.sms_opt_out_scope,
        "business_numbers": stored.business_numbers(tx, account.id),
        "sending_window": {"start": account.window_start, "end": account.window_end},
        "placeholders": list(account.placeholders),
        "help_text": account.help_text,
        "reply_texts": with_help_text(account.reply_texts, account.help_text),
        "marketing_disclosure": account.marketing_disclosure or default_disclosure(account.name),
        "marketing_disclosure_version": disclosure_version(
            account.marketing_disclosure or default_disclosure(account.name)
        ),
        "twilio_auth_token_set": bool(account.twilio_auth_token),
    }


@checked_inside
def get_account_settings(uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    """The account's settings: settings:view, or settings:manage, which includes it."""
    if not principal.can("settings:manage"):
        principal.require("settings:view")
    return _settings(uow, principal)


@requires("settings:manage")
def settings_to_edit(uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    """The account's settings, for whoever may change them (the staff settings page)."""
    return _settings(uow, principal)


def _settings(uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    with uow.read() as tx:
        return account_view(tx, get_account(tx, principal.account_id))


# ---- changing settings ------------------------------------------------------------------


class Unset(Enum):
    UNSET = "unset"


UNSET: Final = Unset.UNSET
"""A setting the change leaves as it is (``None`` is a value: it clears help_text)."""


@dataclass(frozen=True)
class Window:
    """The sending window, local times "HH:MM"."""

    start: str
    end: str


@dataclass(frozen=True)
class AccountChanges:
    """The settings to change, as the API, the staff settings page and tests give them.

    Only the shape is typed here; :func:`update_account` checks the rules and names the
    field that breaks one.
    """

    name: str | Unset | None = UNSET
    customer_notifications_enabled: bool | Unset | None = UNSET
    sms_opt_out_scope: str | Unset | None = UNSET
    business_numbers: Sequence[str] | Unset | None = UNSET
    sending_window: Window | Unset | None = UNSET
    placeholders: Sequence[str] | Unset | None = UNSET
    help_text: str | Unset | None = UNSET
    # Per language, the texts that replace that language's; None clears them all.
    reply_texts: Mapping[str, Mapping[str, str]] | Unset | None = UNSET
    # None goes back to heed's default disclosure, naming the business.
    marketing_disclosure: str | Unset | None = UNSET
    # Never accepted (TOKEN_BY_OPERATOR); carried so the refusal names it.
    twilio_auth_token: str | Unset | None = UNSET


@requires("settings:manage")
def update_account(
    uow: UnitOfWork, principal: Principal, changes: AccountChanges
) -> dict[str, Any]:
    """Apply the given settings; every field is checked before anything is written.

    The Twilio auth token is not among them: whoever holds it can sign an inbound
    START, so only the operator sets it (:func:`set_twilio_auth_token`, R-25).
    """
    if changes.twilio_auth_token is not UNSET:
        raise Forbidden(TOKEN_BY_OPERATOR, field="twilio_auth_token")
    settings = checked_settings(changes)
    texts = dict(settings).get("reply_texts")
    if changes.help_text is not UNSET and isinstance(texts, dict) and "en" in texts:
        raise Invalid(
            "reply_texts.en.help: the English HELP reply is given twice; "
            "give help_text or reply_texts.en, not both.",
            field="reply_texts.en.help",
        )
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        if account is None:
            raise Invalid("No such account.")
        for name, value in settings:
            _apply(tx, principal, account, name, value)
        view = account_view(tx, account)
        tx.commit()
    return view


_Check = Callable[[Any], object]


def checked_settings(changes: AccountChanges) -> list[tuple[str, object]]:
    """(setting, its new value) for each setting given, checked, in the order applied."""
    checks: tuple[tuple[str, object, _Check], ...] = (
        ("name", changes.name, _checked_name),
        ("customer_notifications_enabled", changes.customer_notifications_enabled, bool),
        ("sms_opt_out_scope", changes.sms_opt_out_scope, _checked_scope),
        ("sending_window", changes.sending_window, _parse_window),
        ("placeholders", changes.placeholders, _checked_placeholders),
        ("help_text", changes.help_text, _checked_help_text),
        ("reply_texts", changes.reply_texts, _checked_reply_texts),
        ("marketing_disclosure", changes.marketing_disclosure, _checked_disclosure),
        ("business_numbers", changes.business_numbers, _parse_business_numbers),
    )
    return [(name, check(value)) for name, value, check in checks if value is not UNSET]


def _apply(
    tx: Transaction, principal: Principal, account: t.Account, name: str, value: object
) -> None:
    """Write one checked setting, with its audit row."""
    if name == "business_numbers":
        assert isinstance(value, list)
        _refuse_taken_numbers(tx, value, account_id=account.id)
        old = stored.business_numbers(tx, account.id)
        audit(tx, principal, "account", account.id, name, old, value)
        stored.replace_business_numbers(tx, account.id, value)
    elif name == "reply_texts":
        assert isinstance(value, dict)
        _apply_reply_texts(tx, principal, account, value)
    elif name == "sending_window":
        assert isinstance(value, Window)
        old_window = f"{account.window_start}-{account.window_end}"
        audit(tx, principal, "account", account.id, name, old_window, f"{value.start}-{value.end}")
        account.window_start, account.window_end = value.start, value.end
    else:
        audit(tx, principal, "account", account.id, name, getattr(account, name), value)
        setattr(account, name, value)


def _checked_reply_texts(value: Mapping[str, Mapping[str, str]] | None) -> dict[str, Any]:
    if value is None:
        return {language: {} for language in LANGUAGES}
    return checked_overrides(value)


def _apply_reply_texts(
    tx: Transaction, principal: Principal, account: t.Account, given: dict[str, dict[str, str]]
) -> None:
    """Each language given replaces that language's texts; the English HELP reply is
    help_text (v1), kept in its own column."""
    texts = {language: dict(kinds) for language, kinds in (account.reply_texts or {}).items()}
    for language, kinds in given.items():
        kinds = dict(kinds)
        if language == "en":
            help_text = kinds.pop(ReplyKind.HELP, None)
            if help_text != account.help_text:
                audit(
                    tx, principal, "account", account.id, "help_text", account.help_text, help_text
                )
                account.help_text = help_text
        if kinds:
            texts[language] = kinds
        else:
            texts.pop(language, None)
    if texts != (account.reply_texts or {}):
        audit(tx, principal, "account", account.id, "reply_texts", account.reply_texts, texts)
        account.reply_texts = texts


def _checked_name(value: str | None) -> str:
    name = (value or "").strip()
    if not name:
        raise Invalid("name must not be empty.", field="name")
    return name


def _checked_scope(value: str | None) -> str:
    if value not in ("account", "number"):
        raise Invalid("sms_opt_out_scope must be 'account' or 'number'.", field="sms_opt_out_scope")
    return value


def _checked_placeholders(values: Sequence[str] | None) -> list[str]:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise Invalid("placeholders must be a list of strings.", field="placeholders")
    return sorted({v.strip() for v in values if v.strip()})


def _checked_help_text(text: str | None) -> str | None:
    if text is not None and len(text) > limits.HELP_TEXT:
        raise Invalid(
            f"help_text must be text of at most {limits.HELP_TEXT} characters.",
            field="help_text",
        )
    return text or None


def _checked_disclosure(text: str | None) -> str | None:
    if text is not None and len(text) > limits.MARKETING_DISCLOSURE:
        raise Invalid(
            f"marketing_disclosure must be text of at most {limits.MARKETING_DISCLOSURE} "
            "characters.",
            field="marketing_disclosure",
        )
    return (text or "").strip() or None


def _parse_business_numbers(values: Sequence[str] | None) -> list[str]:
    if not isinstance(values, list | tuple):
        raise Invalid("business_numbers must be a list of phone numbers.", field="business_numbers")
    numbers: list[str] = []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise Invalid(
                "business_numbers must be a list of phone numbers.", field=f"business_numbers[{i}]"
            )
        numbers.append(normalize_phone(value, field=f"business_numbers[{i}]"))
    return sorted(set(numbers))


def _refuse_taken_numbers(tx: Transaction, numbers: list[str], account_id: str | None) -> None:
    others = stored.numbers_held_elsewhere(tx, numbers, account_id)
    if others:
        raise Conflict(
            f"{', '.join(others)} already belongs to another business.",
            code="business_number_taken",
            field="business_numbers",
        )


def _parse_window(value: Window | None) -> Window:
    if not isinstance(value, Window):
        raise Invalid(
            'sending_window must look like {"start": "08:00", "end": "21:00"}.',
            field="sending_window",
        )
    for name, part in (("start", value.start), ("end", value.end)):
        if not isinstance(part, str) or not _HHMM.match(part):
            raise Invalid(
                f"sending_window.{name} must be a time like 08:00.", field=f"sending_window.{name}"
            )
    if value.start >= value.end:
        raise Invalid(
            "sending_window.start must be before sending_window.end.", field="sending_window"
        )
    return value


__all__ = [
    "API_KEY_CACHE_SECONDS",
    "GATEWAY",
    "OPERATOR",
    "STANDARD",
    "UNSET",
    "AccountChanges",
    "NewAccount",
    "NewKey",
    "Window",
    "account_view",
    "authenticate_api_key",
    "cached_api_key",
    "create_account",
    "create_api_key",
    "create_gateway_key",
    "create_user",
    "forget_api_keys",
    "get_account_settings",
    "hash_api_key",
    "principal_for_user",
    "set_twilio_auth_token",
    "settings_to_edit",
    "update_account",
    "verify_password",
]
