"""Contact commands as callers build them, and the sync rules (R-1, R-6, R-34)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from heed.domain.contacts import (
    ContactEdit,
    ContactInput,
    check_sync_source,
    check_sync_target,
)
from heed.domain.errors import HeedError, Invalid, PlaceholderSyncForbidden


def test_a_new_contact_is_parsed_with_its_memo_trimmed_and_settings_in_category_order() -> None:
    parsed = ContactInput.parse(
        {
            "kind": "email",
            "value": "Dana@Whitfield.org",
            "memo": "  billing  ",
            "notifications": {"marketing": False, "job": True},
        }
    )
    assert parsed == ContactInput(
        kind="email",
        value="Dana@Whitfield.org",
        memo="billing",
        notifications={"job": True, "marketing": False},
    )
    assert list(parsed.notifications) == ["job", "marketing"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "pager", "value": "512-555-0142"}, "contacts[1].kind"),
        ({"kind": "mobile", "value": "   "}, "contacts[1].value"),
        ({"kind": "mobile"}, "contacts[1].value"),
        ({"kind": "mobile", "value": "512-555-0142", "memo": "x" * 201}, "contacts[1].memo"),
        (
            {"kind": "mobile", "value": "512-555-0142", "notifications": {"job": None}},
            "contacts[1].notifications.job",
        ),
        (
            {"kind": "mobile", "value": "512-555-0142", "notifications": {"sms": True}},
            "contacts[1].notifications.sms",
        ),
        ("a string", "contacts[1]"),
    ],
)
def test_a_new_contact_refused_names_the_field_under_its_path(data: Any, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        ContactInput.parse(data, "contacts[1]")
    assert refused.value.details["field"] == field


def test_an_edit_keeps_what_was_not_sent_and_a_null_memo_clears_it() -> None:
    assert ContactEdit.parse({}) == ContactEdit()
    assert ContactEdit.parse({"memo": None}) == ContactEdit(memo="")
    assert ContactEdit.parse({"memo": " gate "}).memo == "gate"
    assert ContactEdit.parse({"kind": "phone", "value": "512-555-0142"}) == ContactEdit(
        kind="phone", value="512-555-0142"
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": None}, "kind"),
        ({"value": None}, "value"),
        ({"notifications": {"job": "yes"}}, "notifications.job"),
        ({"notifications": ["job"]}, "notifications"),
    ],
)
def test_an_edit_refuses_a_null_kind_or_value_and_a_setting_that_is_not_on_or_off(
    data: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        ContactEdit.parse(data)
    assert refused.value.details["field"] == field


OLD, NEW = "+15125552142", "+15125552143"


def test_a_sync_copies_the_last_change_of_a_real_value_r6() -> None:
    assert check_sync_source("mobile", False, OLD, NEW, ()) == (OLD, NEW)


@pytest.mark.parametrize(
    ("placeholder", "old", "new", "extra", "refusal"),
    [
        (False, None, None, (), Invalid),
        (False, OLD, None, (), Invalid),
        (True, OLD, NEW, (), PlaceholderSyncForbidden),
        (False, "+15555555555", NEW, (), PlaceholderSyncForbidden),
        (False, OLD, NEW, ("(512) 555-2143",), PlaceholderSyncForbidden),
    ],
)
def test_nothing_to_sync_or_a_placeholder_on_either_side_refuses_the_sync_r6(
    placeholder: bool,
    old: str | None,
    new: str | None,
    extra: tuple[str, ...],
    refusal: type[HeedError],
) -> None:
    with pytest.raises(refusal):
        check_sync_source("mobile", placeholder, old, new, extra)


@dataclass
class Record:
    id: str
    value: str
    placeholder: bool = False


@pytest.mark.parametrize(
    ("target", "refusal", "field"),
    [
        (None, Invalid, "targets[2]"),
        (Record("con_b", OLD, placeholder=True), PlaceholderSyncForbidden, None),
        (Record("con_b", NEW), Invalid, "targets[2]"),
    ],
)
def test_a_target_must_be_another_real_record_still_carrying_the_old_value_r6(
    target: Record | None, refusal: type[HeedError], field: str | None
) -> None:
    with pytest.raises(refusal) as refused:
        check_sync_target(2, target, OLD)
    assert refused.value.details.get("field") == field
    check_sync_target(2, Record("con_b", OLD), OLD)
