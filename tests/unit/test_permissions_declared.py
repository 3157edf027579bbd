"""Every service verb declares its permission, so a new face cannot forget one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator

import heed.services
from heed.services.permissions import DECLARED


def _verbs() -> Iterator[tuple[str, Callable[..., object]]]:
    for info in pkgutil.walk_packages(heed.services.__path__, "heed.services."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(value).parameters.values())
            takes_uow = bool(parameters) and parameters[0].name == "uow"
            if takes_uow and any(p.name == "principal" for p in parameters):
                yield f"{module.__name__}.{value.__qualname__}", value


def test_every_service_verb_taking_a_principal_declares_its_permission() -> None:
    undeclared = sorted(name for name, _ in _verbs() if name not in DECLARED)
    assert undeclared == []


def test_the_walk_finds_the_verbs_it_checks() -> None:
    names = {name for name, _ in _verbs()}
    assert "heed.services.customers.create_customer" in names
    assert "heed.services.consent.staff.record_staff_opt_out" in names
