"""What a caller asks of a contact method, as typed commands checked once at the edge.

The API builds them from its request schemas, the staff pages from their forms,
imports from their rows; the contact verbs take them as they are. Each parser
names the field it refuses, under the path the caller gives (``contacts[0].value``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from heed.domain import limits
from heed.domain.addresses import ParsedValue, is_placeholder
from heed.domain.errors import Invalid, PlaceholderSyncForbidden
from heed.domain.preferences import CATEGORIES, KINDS


def _prefix(path: str) -> str:
    return f"{path}." if path else ""


def parse_kind(value: object, field: str) -> str:
    if not isinstance(value, str) or value not in KINDS:
        raise Invalid(f"{field} must be one of {', '.join(KINDS)}.", field=field)
    return value


def parse_memo(value: object, field: str) -> str | None:
    """A memo as kept: trimmed, and empty is none."""
    if value is not None and (not isinstance(value, str) or len(value) > limits.MEMO):
        raise Invalid(f"{field} must be text of at most {limits.MEMO} characters.", field=field)
    return (value or "").strip() or None


def parse_notifications(value: object, field: str) -> dict[str, bool]:
    """The categories asked to be on or off; a category left out stays as it is."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise Invalid(f"{field} must be an object of on/off settings.", field=field)
    parsed: dict[str, bool] = {}
    for key, setting in value.items():
        if key not in CATEGORIES:
            raise Invalid(
                f"{field}.{key} is not a notification type; use job, "
                "invoice_statement or marketing.",
                field=f"{field}.{key}",
            )
        if not isinstance(setting, bool):
            raise Invalid(f"{field}.{key} must be true or false.", field=f"{field}.{key}")
        parsed[key] = setting
    # Applied in one order whatever order they came in, so the first refusal is stable.
    return {c: parsed[c] for c in CATEGORIES if c in parsed}


@dataclass(frozen=True)
class ContactInput:
    """A new contact method: kind, the value as typed, a memo and the settings asked for."""

    kind: str
    value: str
    memo: str | None
    notifications: dict[str, bool] = field(default_factory=dict)
    # An import has already parsed the value (with the account's placeholders); only
    # an import's insert reads it, so no other caller can skip the parse.
    parsed: ParsedValue | None = None

    @classmethod
    def parse(cls, data: object, field: str = "") -> ContactInput:
        prefix = _prefix(field)
        if not isinstance(data, Mapping):
            raise Invalid(f"{field or 'contact'} must be an object.", field=field or "contact")
        value = data.get("value")
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"{prefix}value is required.", field=f"{prefix}value")
        return cls(
            kind=parse_kind(data.get("kind"), f"{prefix}kind"),
            value=value,
            memo=parse_memo(data.get("memo"), f"{prefix}memo"),
            notifications=parse_notifications(data.get("notifications"), f"{prefix}notifications"),
        )


@dataclass(frozen=True)
class ContactEdit:
    """A change to a contact method; ``None`` leaves a part as it is.

    ``memo=""`` clears the memo. ``notifications`` names only the categories to set.
    """

    kind: str | None = None
    value: str | None = None
    memo: str | None = None
    notifications: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> ContactEdit:
        """From the fields a caller sent; a part sent as null is refused, but for the memo."""
        notifications = parse_notifications(data.get("notifications"), "notifications")
        kind = parse_kind(data["kind"], "kind") if "kind" in data else None
        memo = (parse_memo(data["memo"], "memo") or "") if "memo" in data else None
        value = data.get("value")
        if "value" in data and not isinstance(value, str):
            raise Invalid("value must be text.", field="value")
        text = value if isinstance(value, str) else None
        return cls(kind=kind, value=text, memo=memo, notifications=notifications)


# ---- sync (R-6) ----------------------------------------------------------------------

_PLACEHOLDER_SYNC = "A placeholder value is never synced to or from other records."


class SyncTarget(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def value(self) -> str: ...

    @property
    def placeholder(self) -> bool: ...


def check_sync_source(
    kind: str, placeholder: bool, old: str | None, new: str | None, extra: Iterable[str]
) -> tuple[str, str]:
    """The change a sync copies, ``(old, new)``: refused when there is none, or when the
    source or either value is a placeholder."""
    if old is None or new is None:
        raise Invalid(
            "This contact's value has not been changed, so there is nothing to sync.",
            field="targets",
        )
    if placeholder or is_placeholder(kind, old, extra) or is_placeholder(kind, new, extra):
        raise PlaceholderSyncForbidden(_PLACEHOLDER_SYNC)
    return old, new


def check_sync_target(i: int, target: SyncTarget | None, old: str) -> None:
    """Refuse target ``i`` unless it is another real record still carrying ``old``."""
    if target is None:
        raise Invalid(
            f"targets[{i}] is not another contact of this account.", field=f"targets[{i}]"
        )
    if target.placeholder:
        raise PlaceholderSyncForbidden(_PLACEHOLDER_SYNC, contact_id=target.id)
    if target.value != old:
        raise Invalid(f"targets[{i}] no longer carries the old value {old}.", field=f"targets[{i}]")
