"""Accounts, their settings, API keys and staff logins (R-7, R-13, R-22)."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain import limits
from heed.domain.addresses import normalize_email, normalize_phone
from heed.domain.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from heed.services.common import (
    GRANTABLE,
    INBOUND,
    PERMISSIONS,
    ROLES,
    Principal,
    audit,
    get_account,
    new_id,
    now,
)

_hasher = PasswordHasher()
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class NewAccount:
    account_id: str
    api_key: str


@dataclass(frozen=True)
class NewKey:
    key_id: str
    api_key: str


STANDARD, GATEWAY = "standard", "gateway"

# Who changes a provider credential in the audit trail when no login is named.
OPERATOR = "operator"

TOKEN_BY_OPERATOR = (
    "twilio_auth_token is set by the operator (heed account set-twilio-token, or "
    "HEED_TWILIO_AUTH_TOKEN), not through an API key or the staff UI."
)


def hash_api_key(raw: str) -> str:
    # API keys carry 256 random bits, so one fast hash is enough; passwords use argon2.
    return hashlib.sha256(raw.encode()).hexdigest()


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
    name = name.strip()
    if not name:
        raise Invalid("name must not be empty.", field="name")
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
        tx.session.add(account)
        tx.session.flush()
        for number in numbers:
            tx.session.add(t.BusinessNumber(account_id=account.id, number=number))
        _change_twilio_auth_token(tx, account, token, operator)
        _, raw = _add_key(tx, account.id, PERMISSIONS)
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


def create_api_key(uow: UnitOfWork, account_id: str, permissions: list[str]) -> str:
    if INBOUND in permissions:
        raise Invalid(
            f"{INBOUND} belongs to gateway keys alone: create one with "
            "heed key create --account ID --gateway.",
            field="permissions",
        )
    unknown = [p for p in permissions if p not in GRANTABLE]
    if unknown or not permissions:
        raise Invalid(
            f"permissions must be some of {', '.join(GRANTABLE)}; unknown: {', '.join(unknown)}"
            if unknown
            else "permissions must name at least one permission.",
            field="permissions",
        )
    with uow.write() as tx:
        get_account(tx, account_id)
        _, raw = _add_key(tx, account_id, tuple(permissions))
        tx.commit()
    return raw


def create_gateway_key(uow: UnitOfWork, account_id: str) -> NewKey:
    """A key for the business's SMS or email gateway: it may post inbound messages and
    nothing else, and nothing else may post them (R-25)."""
    with uow.write() as tx:
        get_account(tx, account_id)
        key_id, raw = _add_key(tx, account_id, (INBOUND,), kind=GATEWAY)
        tx.commit()
    return NewKey(key_id, raw)


def _add_key(
    tx: Transaction, account_id: str, permissions: tuple[str, ...], kind: str = STANDARD
) -> tuple[str, str]:
    raw = "heed_" + secrets.token_urlsafe(32)
    key_id = new_id("key")
    tx.session.add(
        t.ApiKey(
            account_id=account_id,
            id=key_id,
            key_hash=hash_api_key(raw),
            permissions=list(permissions),
            created_at=now(),
            kind=kind,
        )
    )
    return key_id, raw


# A valid key's principal is remembered for a few seconds, so a burst of API calls
# costs one key look-up, not one per request. The price: a key deleted or changed in
# the database (heed has no revoke path yet) keeps working for up to
# API_KEY_CACHE_SECONDS in a process that used it just before; forget_api_keys() ends
# that at once, and a revoke service must call it. Unknown keys are never remembered.
# The cache holds at most API_KEY_CACHE_SIZE keys (oldest dropped first), so memory
# stays flat however many keys exist.
API_KEY_CACHE_SECONDS = 5.0
API_KEY_CACHE_SIZE = 256
_key_cache: OrderedDict[tuple[str, str], tuple[float, Principal]] = OrderedDict()
_key_cache_lock = threading.Lock()


def forget_api_keys() -> None:
    """Drop every remembered key: the next call of each key reads the database."""
    with _key_cache_lock:
        _key_cache.clear()


def _cache_key(uow: UnitOfWork, raw: str) -> tuple[str, str]:
    # The database is part of the key: one process may serve several (tests do).
    return (str(uow.engine.url), hash_api_key(raw))


def cached_api_key(uow: UnitOfWork, raw: str | None) -> Principal | None:
    """The key's principal if it was read in the last API_KEY_CACHE_SECONDS, else None.

    It never touches the database, so the API calls it on the event loop and reads
    the database (authenticate_api_key) in a worker thread only when it answers None.
    """
    if not raw:
        return None
    with _key_cache_lock:
        cached = _key_cache.get(_cache_key(uow, raw))
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    return None


def authenticate_api_key(uow: UnitOfWork, raw: str | None) -> Principal:
    if not raw:
        raise Unauthorized("An API key is required: send Authorization: Bearer <api_key>.")
    known = cached_api_key(uow, raw)
    if known is not None:
        return known
    cache_key = _cache_key(uow, raw)
    moment = time.monotonic()
    with uow.read() as tx:
        key = tx.session.scalars(
            select(t.ApiKey).where(t.ApiKey.key_hash == cache_key[1])
        ).one_or_none()
    if key is None:
        with _key_cache_lock:
            _key_cache.pop(cache_key, None)
        raise Unauthorized("The API key is not valid.")
    principal = _key_principal(key)
    with _key_cache_lock:
        _key_cache[cache_key] = (moment + API_KEY_CACHE_SECONDS, principal)
        _key_cache.move_to_end(cache_key)
        while len(_key_cache) > API_KEY_CACHE_SIZE:
            _key_cache.popitem(last=False)
    return principal


def _key_principal(key: t.ApiKey) -> Principal:
    """A gateway key may post inbound messages only; any other key never may, whatever
    its row says (R-25)."""
    if key.kind == GATEWAY:
        name = f"gateway_key:{key.id}"
        return Principal(key.account_id, name, frozenset({INBOUND}), credential=name)
    name = f"api_key:{key.id}"
    granted = frozenset(key.permissions) - {INBOUND}
    return Principal(key.account_id, name, granted, credential=name)


def create_user(uow: UnitOfWork, account_id: str, email: str, password: str, role: str) -> str:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}.", field="role")
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters long.", field="password")
    address = normalize_email(email, field="email")
    password_hash = _hasher.hash(password)  # before the transaction: argon2 is slow on purpose
    with uow.write() as tx:
        get_account(tx, account_id)
        taken = tx.session.scalars(select(t.User).where(t.User.email == address)).first()
        if taken is not None:
            raise Conflict(
                "A staff login with this email already exists.", code="email_taken", field="email"
            )
        user = t.User(
            account_id=account_id,
            id=new_id("usr"),
            email=address,
            password_hash=password_hash,
            role=role,
            failed_logins=0,
            created_at=now(),
        )
        tx.session.add(user)
        tx.commit()
    return user.id


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def principal_for_user(user: t.User) -> Principal:
    return Principal(
        user.account_id,
        f"user:{user.email}",
        frozenset(ROLES[user.role]) - {INBOUND},
        credential=f"user:{user.id}",
    )


def account_view(tx: Transaction, account: t.Account) -> dict[str, Any]:
    numbers = tx.session.scalars(
        select(t.BusinessNumber.number)
        .where(t.BusinessNumber.account_id == account.id)
        .order_by(t.BusinessNumber.number)
    ).all()
    return {
        "id": account.id,
        "name": account.name,
        "customer_notifications_enabled": account.customer_notifications_enabled,
        "sms_opt_out_scope": account.sms_opt_out_scope,
        "business_numbers": list(numbers),
        "sending_window": {"start": account.window_start, "end": account.window_end},
        "placeholders": list(account.placeholders),
        "help_text": account.help_text,
        "twilio_auth_token_set": bool(account.twilio_auth_token),
    }


def get_account_settings(uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    with uow.read() as tx:
        return account_view(tx, get_account(tx, principal.account_id))


def update_account(  # noqa: C901
    uow: UnitOfWork, principal: Principal, changes: dict[str, Any]
) -> dict[str, Any]:
    """Apply the given settings; every field is checked before anything is written.

    The Twilio auth token is not among them: whoever holds it can sign an inbound
    START, so only the operator sets it (:func:`set_twilio_auth_token`, R-25).
    """
    if "twilio_auth_token" in changes:
        raise Forbidden(TOKEN_BY_OPERATOR, field="twilio_auth_token")
    with uow.write() as tx:
        account = tx.lock_account(principal.account_id)
        if account is None:
            raise Invalid("No such account.")
        if "name" in changes:
            name = str(changes["name"] or "").strip()
            if not name:
                raise Invalid("name must not be empty.", field="name")
            audit(tx, principal, "account", account.id, "name", account.name, name)
            account.name = name
        if "customer_notifications_enabled" in changes:
            value = bool(changes["customer_notifications_enabled"])
            audit(
                tx,
                principal,
                "account",
                account.id,
                "customer_notifications_enabled",
                account.customer_notifications_enabled,
                value,
            )
            account.customer_notifications_enabled = value
        if "sms_opt_out_scope" in changes:
            scope = changes["sms_opt_out_scope"]
            if scope not in ("account", "number"):
                raise Invalid(
                    "sms_opt_out_scope must be 'account' or 'number'.", field="sms_opt_out_scope"
                )
            audit(
                tx,
                principal,
                "account",
                account.id,
                "sms_opt_out_scope",
                account.sms_opt_out_scope,
                scope,
            )
            account.sms_opt_out_scope = scope
        if "sending_window" in changes:
            start, end = _parse_window(changes["sending_window"])
            audit(
                tx,
                principal,
                "account",
                account.id,
                "sending_window",
                f"{account.window_start}-{account.window_end}",
                f"{start}-{end}",
            )
            account.window_start, account.window_end = start, end
        if "placeholders" in changes:
            values = changes["placeholders"]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise Invalid("placeholders must be a list of strings.", field="placeholders")
            cleaned = sorted({v.strip() for v in values if v.strip()})
            audit(
                tx, principal, "account", account.id, "placeholders", account.placeholders, cleaned
            )
            account.placeholders = cleaned
        if "help_text" in changes:
            text = changes["help_text"]
            if text is not None and (not isinstance(text, str) or len(text) > limits.HELP_TEXT):
                raise Invalid(
                    f"help_text must be text of at most {limits.HELP_TEXT} characters.",
                    field="help_text",
                )
            audit(
                tx, principal, "account", account.id, "help_text", account.help_text, text or None
            )
            account.help_text = text or None
        if "business_numbers" in changes:
            numbers = _parse_business_numbers(changes["business_numbers"])
            _refuse_taken_numbers(tx, numbers, account_id=account.id)
            old = tx.session.scalars(
                select(t.BusinessNumber.number).where(t.BusinessNumber.account_id == account.id)
            ).all()
            audit(tx, principal, "account", account.id, "business_numbers", sorted(old), numbers)
            tx.session.execute(
                delete(t.BusinessNumber).where(t.BusinessNumber.account_id == account.id)
            )
            tx.session.flush()
            for number in numbers:
                tx.session.add(t.BusinessNumber(account_id=account.id, number=number))
        tx.session.flush()
        view = account_view(tx, account)
        tx.commit()
    return view


def _parse_business_numbers(values: object) -> list[str]:
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
    if not numbers:
        return
    taken = tx.session.scalars(
        select(t.BusinessNumber).where(t.BusinessNumber.number.in_(numbers))
    ).all()
    others = [b.number for b in taken if b.account_id != account_id]
    if others:
        raise Conflict(
            f"{', '.join(others)} already belongs to another business.",
            code="business_number_taken",
            field="business_numbers",
        )


def _parse_window(value: object) -> tuple[str, str]:
    if not isinstance(value, dict):
        raise Invalid(
            'sending_window must look like {"start": "08:00", "end": "21:00"}.',
            field="sending_window",
        )
    start, end = value.get("start"), value.get("end")
    for name, part in (("start", start), ("end", end)):
        if not isinstance(part, str) or not _HHMM.match(part):
            raise Invalid(
                f"sending_window.{name} must be a time like 08:00.", field=f"sending_window.{name}"
            )
    assert isinstance(start, str) and isinstance(end, str)
    if start >= end:
        raise Invalid(
            "sending_window.start must be before sending_window.end.", field="sending_window"
        )
    return start, end
