"""The column type of stored secrets: sealed as they are written, opened as they are read.

``SealedText`` is the type of every secret column, so service code reads
``account.twilio_auth_token`` as plain text and never sees the key. Each engine
is given its keyring by ``attach`` (bootstrap does it).
"""

from __future__ import annotations

import weakref

from sqlalchemy import Engine, Text, TypeDecorator
from sqlalchemy.engine import Dialect

from heed.adapters.crypto import SEALED, Keyring, SecretKeyError

_keyrings: weakref.WeakKeyDictionary[Dialect, Keyring] = weakref.WeakKeyDictionary()


def attach(engine: Engine, keyring: Keyring) -> None:
    _keyrings[engine.dialect] = keyring


def keyring_for(dialect: Dialect) -> Keyring:
    try:
        return _keyrings[dialect]
    except KeyError:
        raise SecretKeyError(
            "this database connection has no key for stored secrets: build it through "
            "heed.bootstrap.build"
        ) from None


class SealedText(TypeDecorator[str]):
    """Text sealed with the installation's key; a plain value from before sealing reads as is."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring_for(dialect).seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not value.startswith(SEALED):
            return value
        return keyring_for(dialect).open(value)
