"""The statements of staff logins and their sessions, the atomic lockout among them.

A wrong password is counted by one UPDATE … RETURNING that adds one to what the
database holds, so parallel guesses all count and the fifth of any run sets the
lock, whichever process served it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, literal, or_, select, update

from heed.adapters.db import tables as t
from heed.adapters.db.uow import Transaction


@dataclass(frozen=True)
class SessionHolder:
    """Who a live session belongs to, with the name of their business."""

    user: t.User
    account_name: str


def user_by_email(tx: Transaction, email: str) -> t.User | None:
    found: t.User | None = tx.session.scalars(select(t.User).where(t.User.email == email)).first()
    return found


def add_user(tx: Transaction, user: t.User) -> None:
    tx.session.add(user)


def remove_user(tx: Transaction, user: t.User) -> None:
    end_sessions_of(tx, user)
    tx.session.delete(user)


def clear_failures_unless_locked(tx: Transaction, user: t.User, moment: datetime) -> bool:
    """Forget the login's wrong passwords, unless a lock holds at ``moment``.

    Answers whether it was unlocked: a lock set by parallel guesses while this
    password was being checked still holds.
    """
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
    return cleared is not None


def count_failure(
    tx: Transaction, user: t.User, moment: datetime, max_failures: int, lock_for: timedelta
) -> datetime | None:
    """One more wrong password, counted by the database; the lock's end if one holds."""
    reached = t.User.failed_logins + 1 >= max_failures
    # Typed as the column, so the time is stored as every other timestamp is (UTC, naive).
    until = literal(moment + lock_for, t.User.locked_until.type)
    row = tx.session.execute(
        update(t.User)
        .where(t.User.account_id == user.account_id, t.User.id == user.id)
        .values(
            failed_logins=case((reached, 0), else_=t.User.failed_logins + 1),
            locked_until=case((reached, until), else_=t.User.locked_until),
        )
        .returning(t.User.locked_until)
    ).first()
    locked: datetime | None = None if row is None else row.locked_until
    return locked


def start_session(
    tx: Transaction, token_hash: str, user: t.User, moment: datetime, lifetime: timedelta
) -> None:
    """A new session for the user; its sessions that expired go at the same time."""
    tx.session.execute(
        delete(t.StaffSession).where(
            t.StaffSession.account_id == user.account_id,
            t.StaffSession.user_id == user.id,
            t.StaffSession.expires_at <= moment,
        )
    )
    tx.session.add(
        t.StaffSession(
            token_hash=token_hash,
            account_id=user.account_id,
            user_id=user.id,
            created_at=moment,
            expires_at=moment + lifetime,
        )
    )


def session_holder(tx: Transaction, token_hash: str, moment: datetime) -> SessionHolder | None:
    """The user of a live session and their business's name, in one statement."""
    row = tx.session.execute(
        select(t.User, t.Account.name)
        .join(
            t.StaffSession,
            and_(
                t.StaffSession.account_id == t.User.account_id,
                t.StaffSession.user_id == t.User.id,
            ),
        )
        .join(t.Account, t.Account.id == t.User.account_id)
        .where(t.StaffSession.token_hash == token_hash)
        .where(t.StaffSession.expires_at > moment)
    ).first()
    return None if row is None else SessionHolder(row[0], row[1])


def end_session(tx: Transaction, token_hash: str) -> None:
    tx.session.execute(delete(t.StaffSession).where(t.StaffSession.token_hash == token_hash))


def end_sessions_of(tx: Transaction, user: t.User) -> None:
    tx.session.execute(
        delete(t.StaffSession).where(
            t.StaffSession.account_id == user.account_id, t.StaffSession.user_id == user.id
        )
    )


def users_by_email(tx: Transaction, account_id: str, emails: Sequence[str]) -> list[t.User]:
    """The account's staff logins among ``emails`` (the audit trail names them)."""
    if not emails:
        return []
    return list(
        tx.session.scalars(
            select(t.User).where(t.User.account_id == account_id, t.User.email.in_(emails))
        )
    )
