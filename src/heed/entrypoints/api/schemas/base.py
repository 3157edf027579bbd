"""Shared request and response bases, error shapes and the names every schema uses."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["mobile", "phone", "email", "fax"]


CategoryName = Literal["job", "invoice_statement", "marketing"]


ChannelName = Literal["sms", "email"]


OwnerType = Literal["customer", "location"]


def _examples(*examples: dict[str, Any]) -> dict[str, Any]:
    return {"examples": list(examples)}


def examples(*examples: dict[str, Any]) -> ConfigDict:
    """A model's config that only gives its OpenAPI examples."""
    return ConfigDict(json_schema_extra=_examples(*examples))


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    def sent(self) -> dict[str, Any]:
        """The fields the caller sent: one left out stays out, and null is a value."""
        return self.model_dump(exclude_unset=True)


class Public(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class ErrorDetail(Public):
    code: str = Field(description="Stable code from CONTRACT.md, e.g. sms_opt_out.")
    message: str = Field(description="A sentence for people.")
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorPublic(Public):
    model_config = examples(
        {
            "error": {
                "code": "sms_opt_out",
                "message": "This contact has opted out of SMS communication. "
                "Only the customer can opt back in by texting START.",
                "details": {"field": "notifications.job"},
            }
        }
    )

    error: ErrorDetail


class HealthPublic(Public):
    status: Literal["ok"]
