"""Opaque page cursors: the position of the last row a page listed, which heed reads
back only as the values it wrote (a cursor heed did not give out is a 422 on ``cursor``)."""

from __future__ import annotations

import base64
import json

from heed.domain.errors import Invalid
from heed.domain.limits import refused_character


def encode(*position: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode()


def decode(cursor: str, size: int) -> tuple[str, ...]:
    """The ``size`` strings :func:`encode` was given."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(position, list) or len(position) != size:
            raise ValueError
        if not all(isinstance(part, str) for part in position):
            raise ValueError
        if refused_character("".join(position), multiline=True):
            raise ValueError
    except (ValueError, TypeError):
        raise Invalid("cursor is not one heed gave out.", field="cursor") from None
    return tuple(position)
