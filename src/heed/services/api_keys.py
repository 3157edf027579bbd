"""API keys: making them, and knowing a key when a request shows one (R-22, R-25)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from heed.adapters.db import accounts as stored
from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.errors import Invalid, Unauthorized
from heed.services.common import GRANTABLE, INBOUND, Principal, get_account, new_id, now


@dataclass(frozen=True)
class NewKey:
    key_id: str
    api_key: str


STANDARD, GATEWAY = "standard", "gateway"


def hash_api_key(raw: str) -> str:
    # API keys carry 256 random bits, so one fast hash is enough; passwords use argon2.
    return hashlib.sha256(raw.encode()).hexdigest()


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
        _, raw = add_key(tx, account_id, tuple(permissions))
        tx.commit()
    return raw


def create_gateway_key(uow: UnitOfWork, account_id: str) -> NewKey:
    """A key for the business's SMS or email gateway: it may post inbound messages and
    nothing else, and nothing else may post them (R-25)."""
    with uow.write() as tx:
        get_account(tx, account_id)
        key_id, raw = add_key(tx, account_id, (INBOUND,), kind=GATEWAY)
        tx.commit()
    return NewKey(key_id, raw)


def add_key(
    tx: Transaction, account_id: str, permissions: tuple[str, ...], kind: str = STANDARD
) -> tuple[str, str]:
    raw = "heed_" + secrets.token_urlsafe(32)
    key_id = new_id("key")
    stored.add_api_key(
        tx,
        t.ApiKey(
            account_id=account_id,
            id=key_id,
            key_hash=hash_api_key(raw),
            permissions=list(permissions),
            created_at=now(),
            kind=kind,
        ),
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
        key = stored.api_key_by_hash(tx, cache_key[1])
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
