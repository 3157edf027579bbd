"""The installation's own settings, kept in its database."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from heed.adapters.db import tables as t
from heed.adapters.db.sealed import keyring_for
from heed.adapters.db.uow import UnitOfWork

SECRET_KEY = "secret_key"


def instance_secret(engine: Engine) -> str:
    """The signing secret of this installation, made once and kept.

    Every server process on the same database signs with the same key, and
    links already sent keep working after a restart. It is stored sealed with
    the installation's key (a value stored plain before sealing reads as is).
    """
    keyring = keyring_for(engine.dialect)
    uow = UnitOfWork(engine)
    for _ in range(2):
        with uow.write() as tx:
            found = tx.session.scalars(
                select(t.InstanceSetting.value).where(t.InstanceSetting.name == SECRET_KEY)
            ).one_or_none()
            if found is not None:
                return keyring.open(found)
            value = secrets.token_hex(32)
            tx.session.add(t.InstanceSetting(name=SECRET_KEY, value=keyring.seal(value)))
            try:
                tx.commit()
            except IntegrityError:
                continue  # another process made it first: read theirs
            return value
    raise RuntimeError("could not read or create the instance secret")
