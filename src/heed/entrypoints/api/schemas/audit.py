"""The audit trail's answers (R-23, R-33; CONTRACT "v2 additions / Audit")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from heed.entrypoints.api.schemas.base import Public, examples


class AuditActorPublic(Public):
    type: Literal["user", "key", "customer", "provider", "system"]
    id: str | None = Field(description="The staff login's or key's id; the customer's address.")
    label: str = Field(description="Who, as staff know them: the login's email, the key, Twilio.")


class AuditTargetPublic(Public):
    type: str = Field(description="customer, location, contact, or consent (an address).")
    id: str
    label: str = Field(
        description="The record's name now; a contact's value (a removed one's last value)."
    )


class AuditItemPublic(Public):
    id: str
    at: str = Field(description="When, ISO 8601 in UTC.")
    actor: AuditActorPublic
    action: Literal["created", "updated", "removed", "opted_out"]
    target: AuditTargetPublic
    changes: dict[str, list[Any]] = Field(description="Each changed field: [old, new].")


class AuditPage(Public):
    model_config = examples(
        {
            "items": [
                {
                    "id": "aud_0a1b2c3d4e5f60718293",
                    "at": "2026-12-07T20:05:00+00:00",
                    "actor": {"type": "user", "id": "usr_1", "label": "office@acme.example"},
                    "action": "updated",
                    "target": {
                        "type": "customer",
                        "id": "cus_1a2b3c4d5e6f70819203",
                        "label": "Maria Alvarez",
                    },
                    "changes": {"do_not_mail": [False, True]},
                }
            ],
            "next_cursor": None,
        }
    )

    items: list[AuditItemPublic]
    next_cursor: str | None = Field(description="Pass as cursor for the next, older page.")
