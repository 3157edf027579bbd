"""Staff logins for the web UI: signing in with throttling, and finding the user behind a session.

Five wrong passwords in a row lock the login for a minute; the lock is stored on
the user row, so it holds across server processes and restarts.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.adapters.db.uow import UnitOfWork
from heed.domain.addresses import normalize_email
from heed.domain.errors import Invalid, Unauthorized
from heed.services.accounts import _hasher, verify_password
from heed.services.common import now

MAX_FAILURES = 5
LOCK_FOR = timedelta(seconds=60)
WRONG = "The email or password is not right."

# Checked against when the email is unknown, so a wrong email costs as long as a wrong password
# and response times do not reveal which staff emails exist.
_DUMMY_HASH = _hasher.hash("heed-dummy-password")


class LoginLocked(Unauthorized):
    code = "login_locked"


def authenticate_user(uow: UnitOfWork, email: str, password: str) -> t.User:
    """The user whose email and password these are, or Unauthorized / LoginLocked."""
    try:
        address: str | None = normalize_email(email, field="email")
    except Invalid:
        address = None
    with uow.write() as tx:
        user = (
            tx.session.scalars(select(t.User).where(t.User.email == address)).first()
            if address
            else None
        )
        if user is None:
            verify_password(_DUMMY_HASH, password)
            raise Unauthorized(WRONG)
        moment = now()
        if user.locked_until is not None and user.locked_until > moment:
            raise _locked(int((user.locked_until - moment).total_seconds()) + 1)
        if not verify_password(user.password_hash, password):
            user.failed_logins = (user.failed_logins or 0) + 1
            locked = user.failed_logins >= MAX_FAILURES
            if locked:
                user.failed_logins = 0
                user.locked_until = moment + LOCK_FOR
            tx.commit()
            if locked:
                raise _locked(int(LOCK_FOR.total_seconds()))
            raise Unauthorized(WRONG)
        user.failed_logins = 0
        user.locked_until = None
        tx.commit()
    return user


def _locked(seconds: int) -> LoginLocked:
    return LoginLocked(
        f"Too many failed sign-in attempts. This login is locked; try again in {seconds} seconds.",
        retry_after=seconds,
    )


def get_user(uow: UnitOfWork, account_id: str, user_id: str) -> t.User | None:
    with uow.read() as tx:
        return tx.session.get(t.User, (account_id, user_id))
