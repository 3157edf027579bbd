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
from typing import NoReturn

from sqlalchemy import and_, case, delete, literal, or_, select, update

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction, UnitOfWork
from heed.domain.addresses import normalize_email
from heed.domain.errors import Invalid, NotFound, Unauthorized
from heed.services.accounts import _hasher, verify_password
from heed.services.common import now as clock_now

MAX_FAILURES = 5
LOCK_FOR = timedelta(seconds=60)
SESSION_LIFETIME = timedelta(hours=12)
WRONG = "The email or password is not right."

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


def token_hash(token: str) -> str:
    # The token carries 256 random bits, so one fast hash is enough (as for API keys).
    return hashlib.sha256(token.encode()).hexdigest()


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
    try:
        address: str | None = normalize_email(email, field="email")
    except Invalid:
        address = None
    with uow.read() as tx:
        user = (
            tx.session.scalars(select(t.User).where(t.User.email == address)).first()
            if address
            else None
        )
    if user is None:
        verify(_DUMMY_HASH, password)
        raise Unauthorized(WRONG)
    if user.locked_until is not None and user.locked_until > moment:
        raise _locked(_seconds_left(user.locked_until, moment))
    if not verify(user.password_hash, password):
        _count_failure(uow, user, moment)
    token = secrets.token_urlsafe(32)
    with uow.write() as tx:
        # Only an unlocked login signs in: a lock set by parallel guesses while this
        # password was being checked still holds.
        cleared = tx.session.execute(
            update(t.User)
            .where(
                t.User.account_id == user.account_id,
                t.User.id == user.id,
                or_(t.User.locked_until.is_(None), t.User.locked_until <= moment),
            )
            .values(failed_logins=0, locked_until=None)
            .returning(t.User.id)
        ).first()
        if cleared is None:
            raise _locked(int(LOCK_FOR.total_seconds()))
        tx.session.execute(
            delete(t.StaffSession).where(
                t.StaffSession.account_id == user.account_id,
                t.StaffSession.user_id == user.id,
                t.StaffSession.expires_at <= moment,
            )
        )
        tx.session.add(
            t.StaffSession(
                token_hash=token_hash(token),
                account_id=user.account_id,
                user_id=user.id,
                created_at=moment,
                expires_at=moment + SESSION_LIFETIME,
            )
        )
        tx.commit()
    return SignIn(user, token)


def _count_failure(uow: UnitOfWork, user: t.User, moment: datetime) -> NoReturn:
    """Count one wrong password in a single UPDATE … RETURNING, then refuse.

    The database adds one to what it holds, not to what this request read, so forty
    parallel guesses count forty and the fifth of any run sets the lock.
    """
    reached = t.User.failed_logins + 1 >= MAX_FAILURES
    # Typed as the column, so the time is stored as every other timestamp is (UTC, naive).
    until = literal(moment + LOCK_FOR, t.User.locked_until.type)
    with uow.write() as tx:
        row = tx.session.execute(
            update(t.User)
            .where(t.User.account_id == user.account_id, t.User.id == user.id)
            .values(
                failed_logins=case((reached, 0), else_=t.User.failed_logins + 1),
                locked_until=case((reached, until), else_=t.User.locked_until),
            )
            .returning(t.User.locked_until)
        ).first()
        tx.commit()
    if row is not None and row.locked_until is not None and row.locked_until > moment:
        raise _locked(_seconds_left(row.locked_until, moment))
    raise Unauthorized(WRONG)


def _seconds_left(until: datetime, moment: datetime) -> int:
    return int((until - moment).total_seconds()) + 1


def _locked(seconds: int) -> LoginLocked:
    return LoginLocked(
        f"Too many failed sign-in attempts. This login is locked; try again in {seconds} seconds.",
        retry_after=seconds,
    )


# ---- sessions -----------------------------------------------------------------------------


def session_user(uow: UnitOfWork, token: str, now: datetime | None = None) -> t.User | None:
    """The user a live session token belongs to; None once it is ended or expired."""
    moment = now or clock_now()
    with uow.read() as tx:
        return tx.session.scalars(
            select(t.User)
            .join(
                t.StaffSession,
                and_(
                    t.StaffSession.account_id == t.User.account_id,
                    t.StaffSession.user_id == t.User.id,
                ),
            )
            .where(t.StaffSession.token_hash == token_hash(token))
            .where(t.StaffSession.expires_at > moment)
        ).first()


def end_session(uow: UnitOfWork, token: str) -> None:
    """Log out: the session's cookie is worth nothing from now on."""
    with uow.write() as tx:
        tx.session.execute(
            delete(t.StaffSession).where(t.StaffSession.token_hash == token_hash(token))
        )
        tx.commit()


def get_user(uow: UnitOfWork, account_id: str, user_id: str) -> t.User | None:
    with uow.read() as tx:
        return tx.session.get(t.User, (account_id, user_id))


# ---- managing logins ------------------------------------------------------------------------


def set_password(uow: UnitOfWork, email: str, password: str) -> None:
    """Give a staff login a new password and end every session it has."""
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters long.", field="password")
    address = normalize_email(email, field="email")
    new_hash = _hasher.hash(password)
    with uow.write() as tx:
        user = _find(tx.session.scalars(select(t.User).where(t.User.email == address)).first())
        _end_sessions_of(tx, user)
        user.password_hash = new_hash
        user.failed_logins = 0
        user.locked_until = None
        tx.commit()


def remove_user(uow: UnitOfWork, email: str) -> None:
    """Remove a staff login and end every session it has."""
    address = normalize_email(email, field="email")
    with uow.write() as tx:
        user = _find(tx.session.scalars(select(t.User).where(t.User.email == address)).first())
        _end_sessions_of(tx, user)
        tx.session.delete(user)
        tx.commit()


def _find(user: t.User | None) -> t.User:
    if user is None:
        raise NotFound("No staff login with this email.", field="email")
    return user


def _end_sessions_of(tx: Transaction, user: t.User) -> None:
    tx.session.execute(
        delete(t.StaffSession).where(
            t.StaffSession.account_id == user.account_id, t.StaffSession.user_id == user.id
        )
    )


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
