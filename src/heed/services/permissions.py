"""Each service verb declares the permission it needs; the verb itself refuses without it.

A face (the API, the staff pages, the CLI, the next one) calls the verb and maps
``Forbidden`` to its own answer: no face has to remember which permission which
action needs. ``requires`` names a fixed permission; ``checked_inside`` marks a
verb whose permission depends on the record it reads (a contact on a location needs
``location:edit``, on a customer ``customer:edit``), which it checks itself.

A verb's principal is its second argument (after the unit of work) or ``principal=``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from heed.services.common import Principal

P = ParamSpec("P")
R = TypeVar("R")

DECLARED: dict[str, tuple[str, ...]] = {}
"""``module.verb`` → the permissions it declares (empty: checked inside, by the record)."""


def _principal_of(args: tuple[object, ...], kwargs: dict[str, object]) -> Principal:
    found = kwargs.get("principal", args[1] if len(args) > 1 else None)
    if not isinstance(found, Principal):
        raise TypeError("a service verb takes (uow, principal, ...)")
    return found


def requires(*permissions: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The verb runs only for a principal holding every one of ``permissions``."""

    def declare(verb: Callable[P, R]) -> Callable[P, R]:
        DECLARED[f"{verb.__module__}.{verb.__qualname__}"] = permissions

        @functools.wraps(verb)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            principal = _principal_of(args, kwargs)
            for permission in permissions:
                principal.require(permission)
            return verb(*args, **kwargs)

        return checked

    return declare


def checked_inside(verb: Callable[P, R]) -> Callable[P, R]:
    """Declares that ``verb`` checks its permission itself, once it knows the record."""
    DECLARED[f"{verb.__module__}.{verb.__qualname__}"] = ()
    return verb


def refuse_early(verb: Callable[..., object], principal: Principal) -> Principal:
    """Refuses ``principal`` if ``verb`` would, before a face reads the request's body,
    so a caller without the permission learns nothing about its body's faults."""
    for permission in DECLARED[f"{verb.__module__}.{verb.__qualname__}"]:
        principal.require(permission)
    return principal
