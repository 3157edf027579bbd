"""Messages heed sends through the outbox."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from heed.entrypoints.api.limits import (
    Address,
    Id,
    MessageBody,
)
from heed.entrypoints.api.schemas.base import CategoryName, ChannelName, Public, Request, examples
from heed.services.messages import SendMessage


class MessageCreate(Request):
    model_config = examples(
        {
            "channel": "sms",
            "contact_id": "con_8c1f6a2b3d4e5f607182",
            "body": "Acme Plumbing: your technician Luis is on the way.",
            "category": "job",
        }
    )

    channel: ChannelName
    contact_id: Id | None = None
    to: Address | None = None
    body: MessageBody
    category: CategoryName | None = None
    manual: bool = False
    from_: Address | None = Field(default=None, alias="from")

    def command(self) -> SendMessage:
        return SendMessage(
            channel=self.channel,
            body=self.body,
            contact_id=self.contact_id,
            to=self.to,
            # Left out, a message is about a job; given as null, it is refused.
            category=self.category if "category" in self.model_fields_set else "job",
            manual=self.manual,
            sender=self.from_,
        )


class MessagePublic(Public):
    model_config = examples(
        {
            "id": "msg_3c4d5e6f708192a3b4c5",
            "status": "queued",
            "channel": "sms",
            "to": "+15128675309",
            "from": "+15125550100",
            "contact_id": "con_8c1f6a2b3d4e5f607182",
            "category": "job",
            "manual": False,
            "body": "Acme Plumbing: your technician Luis is on the way.",
            "reason": "ok",
            "not_before": None,
            "created_at": "2026-05-01T15:04:05+00:00",
            "sent_at": None,
            "provider_id": None,
            "error": None,
            "attempts": 0,
            "last_error": None,
        }
    )

    id: str
    status: Literal["queued", "deferred", "sending", "sent", "delivered", "blocked", "failed"]
    channel: ChannelName
    to: str
    from_: str | None = Field(alias="from", serialization_alias="from")
    contact_id: str | None
    category: CategoryName
    manual: bool
    body: str
    reason: str | None
    not_before: str | None
    created_at: str
    sent_at: str | None
    provider_id: str | None
    error: str | None
    attempts: int = Field(description="Hand-overs to the provider so far (R-30).")
    last_error: str | None = Field(
        description="Why the last attempt did not go through; kept after a later success."
    )
    warnings: list[str] | None = None
