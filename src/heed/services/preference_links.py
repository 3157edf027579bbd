"""Signed links to a customer's preference page (R-31): made by staff, read by the page.

A link is itsdangerous' URL-safe signature of ``[account_id, customer_id, generation,
expires]`` under a key of its own derived from ``HEED_SECRET_KEY`` (or the
installation's secret). The database keeps, per customer, the current generation and
a SHA-256 hash of its nonce: making a new link raises the generation, so every
earlier link, whatever its expiry, stops working at once. The nonce is derived from
the signing key and the generation, so the outbox can put the current link in an
automated email's footer without the database holding anything that opens a page.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from itsdangerous import BadData, URLSafeSerializer

from heed.adapters.db import accounts as stored_accounts
from heed.adapters.db import preference_links as stored
from heed.adapters.db import tables as t
from heed.adapters.db.contacts import ContactRepository
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.config import Settings
from heed.domain.addresses import display_phone
from heed.domain.errors import Invalid, InvalidSignature, NotFound
from heed.services.common import Principal, audit, now
from heed.services.permissions import requires
from heed.services.unsubscribe import signing_key

# What a customer's own principal holds: their preferences, nothing of staff's. No role
# or key grants it; only a valid link does (see principal_of_link).
OWN_PREFERENCES = "preferences:own"
VIA = "preference_page"
PATH = "/p/"
DEFAULT_DAYS = 90
MIN_DAYS, MAX_DAYS = 60, 365
_PURPOSE = b"heed/preference-link/v1"
_SALT = "heed.preference_link"

_NOT_VALID = "This preferences link is not valid. Check that the whole link was copied."
_EXPIRED = "This preferences link has expired."
_REVOKED = "This preferences link was replaced by a newer one."


def link_key(settings: Settings) -> bytes:
    return hmac.new(signing_key(settings), _PURPOSE, hashlib.sha256).digest()


def _nonce_hash(key: bytes, account_id: str, customer_id: str, generation: int) -> str:
    nonce = hmac.new(key, f"{account_id}/{customer_id}/{generation}".encode(), hashlib.sha256)
    return hashlib.sha256(nonce.digest()).hexdigest()


def _url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}{PATH}{quote(token)}"


def _token(key: bytes, row: t.PreferenceLink, expires_at: datetime) -> str:
    data = [row.account_id, row.customer_id, row.generation, int(expires_at.timestamp())]
    return str(URLSafeSerializer(key, salt=_SALT).dumps(data))


@dataclass(frozen=True)
class LinkRequest:
    customer_id: str
    expires_in_days: int = DEFAULT_DAYS

    def __post_init__(self) -> None:
        days = self.expires_in_days
        if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
            raise Invalid(
                f"expires_in_days must be a whole number from {MIN_DAYS} to {MAX_DAYS}.",
                field="expires_in_days",
            )


@requires("customer:edit")
def create_link(
    uow: UnitOfWork, principal: Principal, command: LinkRequest, *, settings: Settings
) -> dict[str, Any]:
    """A new preference link for the customer (customer:edit); every earlier one stops working."""
    key, moment = link_key(settings), now()
    with uow.write() as tx:
        tx.lock_account(principal.account_id)
        customer = ContactRepository(tx, principal.account_id).customer(command.customer_id)
        if customer is None:
            raise NotFound("No customer with this id.")
        row = stored.current(tx, customer.account_id, customer.id)
        old = row.generation if row else 0
        row = _save(tx, key, customer, old + 1, principal.actor, moment)
        audit(tx, principal, "customer", customer.id, "preference_link", old or None, old + 1)
        expires_at = moment + timedelta(days=command.expires_in_days)
        token = _token(key, row, expires_at)
        tx.commit()
    return {"url": _url(settings, token), "expires_at": expires_at.isoformat()}


def _save(
    tx: Transaction, key: bytes, customer: t.Customer, generation: int, by: str, at: datetime
) -> t.PreferenceLink:
    return stored.save(
        tx,
        customer.account_id,
        customer.id,
        generation=generation,
        nonce_hash=_nonce_hash(key, customer.account_id, customer.id, generation),
        at=at,
        by=by,
    )


def footer_link(
    tx: Transaction, settings: Settings, account_id: str, contact_id: str | None, moment: datetime
) -> str | None:
    """The current link of the customer a message goes to, for an automated email's footer,
    inside the caller's write transaction; the customer's first link is made here if needed.
    None when the message names no contact (or its contact is gone)."""
    if contact_id is None:
        return None
    repo = ContactRepository(tx, account_id)
    contact = repo.get(contact_id)
    customer = repo.customer(contact.customer_id) if contact else None
    if customer is None:
        return None
    key = link_key(settings)
    row = stored.current(tx, account_id, customer.id)
    if row is None:
        outbox = Principal(account_id, "system:outbox")
        row = _save(tx, key, customer, 1, outbox.actor, moment)
        audit(tx, outbox, "customer", customer.id, "preference_link", None, 1)
    return _url(settings, _token(key, row, moment + timedelta(days=DEFAULT_DAYS)))


@dataclass(frozen=True)
class Business:
    """Whom a customer holding a refused link can ask for a new one."""

    name: str
    phone: str | None


def principal_of_link(
    uow: UnitOfWork, settings: Settings, token: str, moment: datetime | None = None
) -> Principal:
    """The customer a valid link speaks for, as a principal over their own preferences.

    A forged link is refused with ``invalid_signature``; an expired or replaced one with
    ``link_expired`` or ``link_revoked``, carrying the business (``details["business"]``)
    so the page can say whom to ask for a new one.
    """
    key = link_key(settings)
    try:
        data = URLSafeSerializer(key, salt=_SALT).loads(token)
    except BadData:
        raise InvalidSignature(_NOT_VALID) from None
    account_id, customer_id, generation, expires = _fields(data)
    with uow.read() as tx:
        row = stored.current(tx, account_id, customer_id)
        business = _business(tx, account_id)
    if business is None:
        raise InvalidSignature(_NOT_VALID)
    if datetime.fromtimestamp(expires, UTC) <= (moment or now()):
        raise InvalidSignature(_EXPIRED, code="link_expired", business=business)
    expected = _nonce_hash(key, account_id, customer_id, generation)
    if row is None or row.generation != generation or row.nonce_hash != expected:
        raise InvalidSignature(_REVOKED, code="link_revoked", business=business)
    return Principal(
        account_id, f"customer:{customer_id}", frozenset({OWN_PREFERENCES}), credential=VIA
    )


def _fields(data: object) -> tuple[str, str, int, int]:
    if not isinstance(data, list) or len(data) != 4:
        raise InvalidSignature(_NOT_VALID)
    account_id, customer_id, generation, expires = data
    if not (isinstance(account_id, str) and isinstance(customer_id, str)):
        raise InvalidSignature(_NOT_VALID)
    if not (isinstance(generation, int) and isinstance(expires, int)):
        raise InvalidSignature(_NOT_VALID)
    return account_id, customer_id, generation, expires


def _business(tx: Transaction, account_id: str) -> Business | None:
    account = stored_accounts.get(tx, account_id)
    if account is None:
        return None
    number = stored_accounts.first_business_number(tx, account_id)
    return Business(account.name, display_phone(number) if number else None)


def customer_of(principal: Principal) -> str:
    """The customer a preference-page principal speaks for."""
    kind, _, customer_id = principal.actor.partition(":")
    if kind != "customer" or not customer_id:
        raise NotFound("No customer with this id.")
    return customer_id
