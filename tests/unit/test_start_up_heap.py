"""A started server keeps its start-up objects out of the collector's scans."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from heed.bootstrap import freeze_start_up_heap

pytestmark = pytest.mark.usefixtures("thawed_after")


@pytest.fixture
def thawed_after() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_objects_alive_at_the_freeze_leave_the_scans_and_later_ones_stay_in_them() -> None:
    made_at_start_up = ["routes", "tables"]
    freeze_start_up_heap()
    made_by_a_request = ["a", "batch"]
    scanned = {id(o) for o in gc.get_objects()}
    assert id(made_at_start_up) not in scanned
    assert id(made_by_a_request) in scanned


def test_garbage_left_by_start_up_is_collected_before_the_freeze_not_kept() -> None:
    class Node:
        other: object = None

    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle only the collector frees
    gone = weakref.ref(first)
    del first, second
    freeze_start_up_heap()
    assert gone() is None
