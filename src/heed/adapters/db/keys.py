"""The database's side of the key: proving it at start-up, sealing leftovers, rotating.

These work on the stored text itself (untyped table views), never through
SealedText, so they can tell a plain value from a sealed one and re-seal it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Engine, bindparam, column, select, table, update
from sqlalchemy.exc import IntegrityError

from heed.adapters.crypto import SEALED, Keyring, SecretKeyError, read_key_file, write_key_file
from heed.adapters.db.instance import SECRET_KEY
from heed.adapters.db.sealed import keyring_for
from heed.adapters.db.uow import Transaction, UnitOfWork

# The check value proves which key sealed this database's secrets.
KEY_CHECK = "secrets_key_check"
_CHECK_TEXT = "heed"
_SECRET_SETTINGS = (SECRET_KEY, KEY_CHECK)

_accounts = table("accounts", column("id"), column("twilio_auth_token"))
_settings = table("instance_settings", column("name"), column("value"))


def check_and_seal(engine: Engine) -> int:
    """At start-up, in one transaction: prove the key opens this database's secrets
    (or stamp the database with it, the first time), then seal any secret still
    stored as plain text from before this version. Answers how many were sealed.

    Raises SecretKeyError, naming what to do, when the key is not the one used before.
    """
    keyring = keyring_for(engine.dialect)
    for _ in range(2):
        try:
            with UnitOfWork(engine).write() as tx:
                check = _setting(tx, KEY_CHECK)
                if check is None:
                    tx.session.execute(
                        _settings.insert().values(name=KEY_CHECK, value=keyring.seal(_CHECK_TEXT))
                    )
                elif keyring.open(check) != _CHECK_TEXT:
                    raise SecretKeyError("the key check stored in this database is damaged")
                sealed = _seal_plain(tx, keyring)
                tx.commit()
                return sealed
        except IntegrityError:
            continue  # another process stamped it first: check against theirs
    raise SecretKeyError("could not read or stamp the key check of this database")


@dataclass(frozen=True)
class Rotated:
    count: int
    key_file: Path | None


def rotate(engine: Engine) -> Rotated:
    """Seal every stored secret with a new key, in one transaction (``heed secrets rotate``).

    With a key file, a new key is written ahead of the old ones first, so until
    the transaction commits every process sharing the file reads every secret;
    the old keys leave the file only after the commit. A rotation stopped half-way
    loses nothing and can be run again. With HEED_SECRET_KEY, the new key is
    HEED_SECRET_KEY itself and the old one stays accepted through
    HEED_OLD_SECRET_KEYS until the operator removes it.
    """
    keyring = keyring_for(engine.dialect)
    if keyring.key_file is None:
        return Rotated(_reseal_all(engine, keyring), None)
    new = Fernet.generate_key()
    write_key_file(keyring.key_file, [new, *read_key_file(keyring.key_file)])
    keyring.reload()
    count = _reseal_all(engine, keyring)
    write_key_file(keyring.key_file, [new])
    keyring.reload()
    return Rotated(count, keyring.key_file)


def _reseal_all(engine: Engine, keyring: Keyring) -> int:
    """Every stored secret sealed again with the current key; any accepted key opens it.

    Answers how many secrets that was, the key check not counted.
    """
    with UnitOfWork(engine).write() as tx:
        tokens = tx.session.execute(
            select(_accounts.c.id, _accounts.c.twilio_auth_token).where(
                _accounts.c.twilio_auth_token.is_not(None)
            )
        ).all()
        settings = tx.session.execute(
            select(_settings.c.name, _settings.c.value).where(
                _settings.c.name.in_(_SECRET_SETTINGS)
            )
        ).all()
        _write(tx, keyring, tokens, settings)
        tx.commit()
    return len(tokens) + sum(1 for name, _ in settings if name != KEY_CHECK)


def _setting(tx: Transaction, name: str) -> str | None:
    found: str | None = tx.session.execute(
        select(_settings.c.value).where(_settings.c.name == name)
    ).scalar_one_or_none()
    return found


def _seal_plain(tx: Transaction, keyring: Keyring) -> int:
    plain_tokens = tx.session.execute(
        select(_accounts.c.id, _accounts.c.twilio_auth_token).where(
            _accounts.c.twilio_auth_token.is_not(None),
            _accounts.c.twilio_auth_token.not_like(SEALED + "%"),
        )
    ).all()
    plain_settings = tx.session.execute(
        select(_settings.c.name, _settings.c.value).where(
            _settings.c.name.in_(_SECRET_SETTINGS), _settings.c.value.not_like(SEALED + "%")
        )
    ).all()
    _write(tx, keyring, plain_tokens, plain_settings)
    return len(plain_tokens) + len(plain_settings)


def _write(
    tx: Transaction,
    keyring: Keyring,
    tokens: Sequence[tuple[str, str]],
    settings: Sequence[tuple[str, str]],
) -> None:
    """Each value sealed with the current key: one statement per table, however many rows."""
    for target, row_id, sealed, rows in (
        (_accounts, _accounts.c.id, "twilio_auth_token", tokens),
        (_settings, _settings.c.name, "value", settings),
    ):
        if rows:
            tx.session.connection().execute(
                update(target)
                .where(row_id == bindparam("row_id"))
                .values({sealed: bindparam("sealed")}),
                [{"row_id": key, "sealed": keyring.reseal(value)} for key, value in rows],
            )
