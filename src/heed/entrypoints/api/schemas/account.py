"""The account's settings: its sending window, business numbers and texts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from heed.entrypoints.api.limits import (
    Address,
    ClockTime,
    HelpText,
    MarketingDisclosure,
    Name,
    Secret,
)
from heed.entrypoints.api.schemas.base import Public, Request, examples
from heed.services.accounts import AccountChanges, Window


class SendingWindow(Request):
    start: ClockTime = Field(description="Local time the window opens, HH:MM.", examples=["08:00"])
    end: ClockTime = Field(description="Local time the window closes, HH:MM.", examples=["21:00"])


class SendingWindowPublic(Public):
    start: str
    end: str


class ReplyTexts(Request):
    """One language's texts; a text left out answers with heed's default."""

    opt_out: HelpText | None = Field(default=None, description="Confirms a STOP.")
    opt_in: HelpText | None = Field(
        default=None, description="Confirms a START; must say how to STOP."
    )
    help: HelpText | None = Field(default=None, description="Answers HELP; must say STOP.")


class AccountUpdate(Request):
    model_config = examples(
        {
            "customer_notifications_enabled": True,
            "sms_opt_out_scope": "account",
            "sending_window": {"start": "08:00", "end": "21:00"},
            "help_text": "Acme Plumbing: reply STOP to stop texts. Call (512) 555-0100.",
        }
    )

    name: Name | None = None
    customer_notifications_enabled: bool | None = None
    sms_opt_out_scope: Literal["account", "number"] | None = None
    business_numbers: list[Address] | None = Field(default=None, description="E.164 numbers.")
    sending_window: SendingWindow | None = None
    placeholders: list[Address] | None = Field(
        default=None, description="Extra values treated as placeholders (R-2)."
    )
    help_text: HelpText | None = Field(default=None, description="Reply to HELP (R-16).")
    reply_texts: dict[Literal["en", "es", "fr"], ReplyTexts] | None = Field(
        default=None,
        description="The account's own STOP and START confirmations and HELP replies, per "
        "language of the customer's text (R-29). Each language given replaces that "
        "language's texts; null clears them all. reply_texts.en.help is help_text.",
    )
    marketing_disclosure: MarketingDisclosure | None = Field(
        default=None,
        description="The double opt-in text (R-24); null goes back to heed's default, which "
        "names the business, what is sent and how often, the rates notice, STOP and HELP.",
    )
    twilio_auth_token: Secret | None = Field(
        default=None,
        description="Refused (403 forbidden): the Twilio auth token is set by the operator "
        "(heed account set-twilio-token, or HEED_TWILIO_AUTH_TOKEN), never through the API.",
        json_schema_extra={"deprecated": True},
    )

    def command(self) -> AccountChanges:
        """The changes asked for; a field left out stays out (null is a value)."""
        given = {name: getattr(self, name) for name in self.model_fields_set}
        window = given.get("sending_window")
        if window is not None:
            given["sending_window"] = Window(window.start, window.end)
        texts = given.get("reply_texts")
        if texts is not None:
            given["reply_texts"] = {
                language: kinds.model_dump(exclude_none=True) for language, kinds in texts.items()
            }
        return AccountChanges(**given)


class AccountPublic(Public):
    model_config = examples(
        {
            "id": "acc_5f0c2d9e8a7b6c5d4e3f",
            "name": "Acme Plumbing",
            "customer_notifications_enabled": True,
            "sms_opt_out_scope": "account",
            "business_numbers": ["+15125550100"],
            "sending_window": {"start": "08:00", "end": "21:00"},
            "placeholders": [],
            "help_text": None,
            "reply_texts": {
                "es": {"help": "Acme Plumbing: llame al (512) 555-0100. STOP para salir."}
            },
            "marketing_disclosure": "Acme Plumbing: reply YES to get marketing texts from "
            "Acme Plumbing with offers and service reminders, up to 4 msgs/month. Consent is "
            "not a condition of purchase. Msg & data rates may apply. Reply STOP to opt out, "
            "HELP for help.",
            "marketing_disclosure_version": "sha256:3f1c2b9a8d7e6f50",
            "twilio_auth_token_set": True,
        }
    )

    id: str
    name: str
    customer_notifications_enabled: bool
    sms_opt_out_scope: Literal["account", "number"]
    business_numbers: list[str]
    sending_window: SendingWindowPublic
    placeholders: list[str]
    help_text: str | None
    reply_texts: dict[str, dict[str, str]] = Field(
        description="The account's own texts by language and kind (opt_out, opt_in, help); "
        "a text not set answers with heed's default in that language."
    )
    marketing_disclosure: str = Field(description="The double opt-in text heed sends (R-24).")
    marketing_disclosure_version: str = Field(description="sha256: and 16 hex digits.")
    twilio_auth_token_set: bool
