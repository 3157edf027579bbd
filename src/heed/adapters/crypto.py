"""The keys that seal heed's stored secrets, and sealing and opening them.

A Twilio auth token and the signing secret are kept in the database sealed with
Fernet (AES-128-CBC with an HMAC-SHA256), so a copy of the database or a backup
gives away no secret without the key. The key is derived from ``HEED_SECRET_KEY``
when that is set, else read from a key file made at first start (``HEED_KEY_FILE``;
by default beside the SQLite file, or ``heed.key`` in the working folder with
PostgreSQL). Every process sharing a database needs the same key.

Older keys are still accepted for reading, so a rotation never leaves a secret
unreadable: the key file's later lines, ``HEED_OLD_SECRET_KEYS``, and, while
``HEED_SECRET_KEY`` is set, the key file if one is there (which is how an
installation moves from a key file to ``HEED_SECRET_KEY``).
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Stored values carry this mark so a value written before encryption existed (plain
# text) is still read as it is, and is told apart from a sealed one.
SEALED = "fernet:"
_DERIVATION = b"heed secrets at rest v1"
# Sealed values remembered opened: one per account's token is plenty.
_OPENED_KEPT = 4096


class SecretKeyError(Exception):
    """The key given cannot open the secrets stored, or the key file is unusable."""


def derive_key(secret_key: str) -> bytes:
    """A Fernet key from ``HEED_SECRET_KEY``, apart from the one that signs sessions."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"heed", info=_DERIVATION).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(derived)


def read_key_file(path: Path) -> list[bytes]:
    try:
        lines = path.read_text().split()
    except OSError as error:
        raise SecretKeyError(f"cannot read the key file {path}: {error.strerror}") from error
    keys = [line.encode() for line in lines]
    try:
        for key in keys:
            Fernet(key)
    except ValueError:
        raise SecretKeyError(
            f"{path} is not a heed key file: each line must be a Fernet key"
        ) from None
    if not keys:
        raise SecretKeyError(f"the key file {path} is empty")
    return keys


def write_key_file(path: Path, keys: Sequence[bytes]) -> None:
    """Replace the key file at once, readable by its owner only."""
    temporary = path.with_name(path.name + ".new")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write("".join(key.decode() + "\n" for key in keys))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _make_key_file(path: Path) -> None:
    """A new key file with one fresh key, unless another process made it first.

    The key is written to a file of this process's own and then linked into place: the
    key file appears whole or not at all, so a process starting beside this one (two
    ``heed serve`` workers on a first start) never reads it empty.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(Fernet.generate_key().decode() + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()


class Keyring:
    """The current key, which seals, and the older ones, which still open.

    With a key file, the file is looked at again before each use, so a server
    keeps working when ``heed secrets rotate`` replaces the key beside it.
    """

    def __init__(
        self,
        primary: Sequence[bytes],
        older: Sequence[bytes] = (),
        *,
        key_file: Path | None = None,
    ) -> None:
        self.key_file = key_file
        self._opened: dict[str, str] = {}
        self._older = list(older)
        self._stamp = self._file_stamp()
        self._use(list(primary))

    @classmethod
    def load(cls, *, secret_key: str, old_secret_keys: str, key_file: Path) -> Keyring:
        """The keyring a process runs with (see the module's docstring)."""
        older = [derive_key(old.strip()) for old in old_secret_keys.split(",") if old.strip()]
        if secret_key:
            if key_file.exists():
                older.extend(read_key_file(key_file))
            return cls([derive_key(secret_key)], older)
        if not key_file.exists():
            _make_key_file(key_file)
        return cls(read_key_file(key_file), older, key_file=key_file)

    def seal(self, plain: str) -> str:
        self._refresh()
        return SEALED + self._fernet.encrypt(plain.encode()).decode()

    def open(self, stored: str) -> str:
        """The plain text of a stored value; a value stored before sealing is plain already."""
        if not stored.startswith(SEALED):
            return stored
        # A sealed value always opens to the same text, whichever key opened it, so
        # the signed-webhook path pays for decryption once per token, not per text.
        known = self._opened.get(stored)
        if known is not None:
            return known
        self._refresh()
        try:
            plain = self._fernet.decrypt(stored[len(SEALED) :].encode()).decode()
        except InvalidToken:
            raise SecretKeyError(self._cannot_open()) from None
        if len(self._opened) >= _OPENED_KEPT:
            self._opened.clear()
        self._opened[stored] = plain
        return plain

    def reseal(self, stored: str) -> str:
        """The value sealed with the current key, from plain text or any accepted key."""
        return self.seal(self.open(stored))

    def _cannot_open(self) -> str:
        source = "HEED_SECRET_KEY" if self.key_file is None else f"the key file {self.key_file}"
        return (
            f"the secrets in this database were sealed with another key than {source}: "
            "give every heed process on this database the same HEED_SECRET_KEY (or key "
            "file), and keep a replaced key in HEED_OLD_SECRET_KEYS until "
            "`heed secrets rotate` has run"
        )

    def _use(self, keys: list[bytes]) -> None:
        self.keys = keys
        self._fernet = MultiFernet([Fernet(key) for key in [*keys, *self._older]])

    def reload(self) -> None:
        """Read the key file again (a rotation may have replaced it)."""
        if self.key_file is not None:
            self._stamp = self._file_stamp()
            self._use(read_key_file(self.key_file))

    def _file_stamp(self) -> tuple[int, int, int] | None:
        if self.key_file is None:
            return None
        try:
            status = self.key_file.stat()
        except OSError:
            return None
        return (status.st_ino, status.st_mtime_ns, status.st_size)

    def _refresh(self) -> None:
        if self.key_file is not None and self._file_stamp() != self._stamp:
            self.reload()
