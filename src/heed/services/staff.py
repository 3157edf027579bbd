"""Staff logins for the web UI: signing in, the sessions that follow, and ending them.

Five wrong passwords in a row lock the login for a minute. The lock lives on the
user row and is counted by one atomic UPDATE, so parallel guesses cannot slip past
it and it holds across server processes and restarts. A client that keeps failing
is throttled (ClientThrottle) before any password is hashed.

Passwords are hashed outside every database transaction: argon2 takes a fifth of
a CPU-second, and a write transaction held that long (SQLite's one writer lock
above all) stalls every STOP behind it. The web layer runs sign_in in a thread and
bounds how many run at once (entrypoints/web/hashing.py).

A sign-in is a row in ``staff_sessions`` holding the SHA-256 of a random token the
browser keeps in its signed cookie. Logging out deletes the row; a new password or
removing the user deletes all of that user's rows, so old cookies stop working.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from heed.adapters.db import staff as logins
from heed.adapters.db import tables as t
from heed.adapters.db.uow import UnitOfWork
from heed.domain import limits
from heed.domain.addresses import normalize_email
from heed.domain.errors import Conflict, Invalid, NotFound, Unauthorized
from heed.services.common import INBOUND, ROLES, Principal, get_account, new_id
from heed.services.common import now as clock_now

MAX_FAILURES = 5
LOCK_FOR = timedelta(seconds=60)
SESSION_LIFETIME = timedelta(hours=12)
WRONG = "The email or password is not right."

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password
# and response times do not reveal which staff emails exist.
_DUMMY_HASH = _hasher.hash("heed-dummy-password")


class TooManyAttempts(Unauthorized):
    """A refusal that asks the client to come back later (details["retry_after"], seconds)."""


class LoginLocked(TooManyAttempts):
    code = "login_locked"


class LoginThrottled(TooManyAttempts):
    code = "login_throttled"


class LoginBusy(TooManyAttempts):
    code = "login_busy"


@dataclass(frozen=True)
class SignIn:
    user: t.User
    token: str


@dataclass(frozen=True)
class StaffMember:
    """Who is signed in to the staff pages, read in one statement per request."""

    principal: Principal
    email: str
    role: str
    account_name: str
    name: str | None = None


def token_hash(token: str) -> str:
    # The token carries 256 random bits, so one fast hash is enough (as for API keys).
    return hashlib.sha256(token.encode()).hexdigest()


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


# ---- signing in -------------------------------------------------------------------------


def sign_in(
    uow: UnitOfWork,
    email: str,
    password: str,
    now: datetime | None = None,
    *,
    verify: Callable[[str, str], bool] = verify_password,
) -> SignIn:
    """A new session for the user whose email and password these are.

    Refuses with Unauthorized (wrong email or password) or LoginLocked. ``verify``
    checks a password against its hash; the web layer passes one that runs it on
    its own low-priority threads.
    """
    moment = now or clock_now()
    user = _user_to_sign_in(uow, email)
    if user is None:
        verify(_DUMMY_HASH, password)
        raise Unauthorized(WRONG)
    if user.locked_until is not None and user.locked_until > moment:
        raise _locked(_seconds_left(user.locked_until, moment))
    if not verify(user.password_hash, password):
        raise _count_failure(uow, user, moment)
    token = secrets.token_urlsafe(32)
    with uow.write() as tx:
        if not logins.clear_failures_unless_locked(tx, user, moment):
            raise _locked(int(LOCK_FOR.total_seconds()))
        logins.start_session(tx, token_hash(token), user, moment, SESSION_LIFETIME)
        tx.commit()
    return SignIn(user, token)


def _user_to_sign_in(uow: UnitOfWork, email: str) -> t.User | None:
    try:
        address = normalize_email(email, field="email")
    except Invalid:
        return None
    with uow.read() as tx:
        return logins.user_by_email(tx, address)


def _count_failure(uow: UnitOfWork, user: t.User, moment: datetime) -> Unauthorized:
    """Count one wrong password in the database (atomically), then the refusal to raise."""
    with uow.write() as tx:
        until = logins.count_failure(tx, user, moment, MAX_FAILURES, LOCK_FOR)
        tx.commit()
    if until is not None and until > moment:
        return _locked(_seconds_left(until, moment))
    return Unauthorized(WRONG)


def _seconds_left(until: datetime, moment: datetime) -> int:
    return int((until - moment).total_seconds()) + 1


def _locked(seconds: int) -> LoginLocked:
    return LoginLocked(
        f"Too many failed sign-in attempts. This login is locked; try again in {seconds} seconds.",
        retry_after=seconds,
    )


# ---- sessions -----------------------------------------------------------------------------


def signed_in(uow: UnitOfWork, token: str, now: datetime | None = None) -> StaffMember | None:
    """Who a live session token belongs to, with their business's name, in one read;
    None once the session is ended or expired."""
    with uow.read() as tx:
        holder = logins.session_holder(tx, token_hash(token), now or clock_now())
    if holder is None:
        return None
    user = holder.user
    return StaffMember(
        principal_for_user(user), user.email, user.role, holder.account_name, user.name
    )


def end_session(uow: UnitOfWork, token: str) -> None:
    """Log out: the session's cookie is worth nothing from now on."""
    with uow.write() as tx:
        logins.end_session(tx, token_hash(token))
        tx.commit()


# ---- managing logins ------------------------------------------------------------------------


def create_user(
    uow: UnitOfWork,
    account_id: str,
    email: str,
    password: str,
    role: str,
    name: str | None = None,
) -> str:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}.", field="role")
    staff_name = checked_staff_name(name)
    password_hash = _new_hash(password)
    address = normalize_email(email, field="email")
    with uow.write() as tx:
        get_account(tx, account_id)
        if logins.user_by_email(tx, address) is not None:
            raise Conflict(
                "A staff login with this email already exists.", code="email_taken", field="email"
            )
        user = t.User(
            account_id=account_id,
            id=new_id("usr"),
            email=address,
            name=staff_name,
            password_hash=password_hash,
            role=role,
            failed_logins=0,
            created_at=clock_now(),
        )
        logins.add_user(tx, user)
        tx.commit()
    return user.id


def checked_staff_name(value: str | None) -> str | None:
    """A staff member's name as stored: trimmed, None when blank; refused when too long
    or holding a control character."""
    name = (value or "").strip()
    if not name:
        return None
    problem = limits.too_long(name, limits.STAFF_NAME) or limits.refused_character(name)
    if problem:
        raise Invalid(f"name {problem}.", field="name")
    return name


def set_password(uow: UnitOfWork, email: str, password: str) -> None:
    """Give a staff login a new password and end every session it has."""
    new_hash = _new_hash(password)
    address = normalize_email(email, field="email")
    with uow.write() as tx:
        user = _find(logins.user_by_email(tx, address))
        logins.end_sessions_of(tx, user)
        user.password_hash = new_hash
        user.failed_logins = 0
        user.locked_until = None
        tx.commit()


def remove_user(uow: UnitOfWork, email: str) -> None:
    """Remove a staff login and end every session it has."""
    address = normalize_email(email, field="email")
    with uow.write() as tx:
        logins.remove_user(tx, _find(logins.user_by_email(tx, address)))
        tx.commit()


def _new_hash(password: str) -> str:
    """The password's hash, made before any transaction: argon2 is slow on purpose."""
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters long.", field="password")
    return _hasher.hash(password)


def _find(user: t.User | None) -> t.User:
    if user is None:
        raise NotFound("No staff login with this email.", field="email")
    return user


# ---- limits on attempts -------------------------------------------------------------------------


class ClientThrottle:
    """Sign-in attempts per client address, in this process.

    Each attempt is counted when it starts, so a parallel burst is held to the limit
    too, and a successful sign-in gives its attempt back. Kept in memory: with several
    server processes each holds its own count, which multiplies the limit by their
    number; the per-user lock in the database holds regardless.
    """

    def __init__(self, limit: int = 20, window: timedelta = timedelta(minutes=5)) -> None:
        self.limit = limit
        self.window = window
        self._seen: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, client: str, now: datetime) -> None:
        """Count an attempt from ``client``, or refuse it with LoginThrottled."""
        with self._lock:
            attempts = self._seen.pop(client, None) or deque()
            while attempts and attempts[0] <= now - self.window:
                attempts.popleft()
            self._seen[client] = attempts
            while len(self._seen) > 10_000:
                self._seen.popitem(last=False)
            if len(attempts) >= self.limit:
                seconds = _seconds_left(attempts[0] + self.window, now)
                raise LoginThrottled(
                    f"Too many sign-in attempts from this address. Try again in {seconds} seconds.",
                    retry_after=seconds,
                )
            attempts.append(now)

    def forgive(self, client: str) -> None:
        """A sign-in succeeded: its attempt does not count against the address."""
        with self._lock:
            attempts = self._seen.get(client)
            if attempts:
                attempts.pop()
