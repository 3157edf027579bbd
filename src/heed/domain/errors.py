"""One error hierarchy for heed.

Every refusal carries a stable ``code`` (CONTRACT.md) and a sentence for people.
The HTTP edge maps each base class to one status; nothing below the routes knows
about HTTP.
"""

from __future__ import annotations

from typing import Any


class HeedError(Exception):
    """Base of every refusal heed makes on purpose."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details


class Unauthorized(HeedError):
    code = "unauthorized"


class Forbidden(HeedError):
    code = "forbidden"


class InvalidSignature(Forbidden):
    code = "invalid_signature"


class NotFound(HeedError):
    code = "not_found"


class Conflict(HeedError):
    """The request is well formed but a rule forbids it (409)."""

    code = "conflict"


class SmsOptedOut(Conflict):
    code = "sms_opt_out"
    MESSAGE = (
        "This contact has opted out of SMS communication. "
        "Only the customer can opt back in by texting START."
    )

    def __init__(self, message: str | None = None, **details: Any) -> None:
        super().__init__(message or self.MESSAGE, **details)


class EmailSuppressed(Conflict):
    code = "email_suppressed"


class ConsentEvidenceRequired(Conflict):
    """Marketing texts need the customer's express written consent on record (R-24)."""

    code = "consent_evidence_required"
    MESSAGE = (
        "Marketing texts need the customer's consent on record: send the double opt-in "
        "text or record the signed written consent first."
    )

    def __init__(self, message: str | None = None, **details: Any) -> None:
        super().__init__(message or self.MESSAGE, **details)


class DoNotMail(Conflict):
    code = "do_not_mail"


class ConfirmationRequired(Conflict):
    code = "confirmation_required"


class PlaceholderSyncForbidden(Conflict):
    code = "placeholder_sync_forbidden"


class LocationHasContacts(Conflict):
    """A location is deleted only once it has no contacts: its numbers' consent and
    notification settings belong to that place, so staff remove or re-add them first."""

    code = "location_has_contacts"


class Invalid(HeedError):
    """The input itself is wrong (422). ``field`` names what is wrong."""

    code = "validation_error"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        if field is not None:
            details["field"] = field
        super().__init__(message, **details)


class InvalidPhone(Invalid):
    code = "invalid_phone"


class InternationalNumber(InvalidPhone):
    code = "international_number"


class InvalidEmail(Invalid):
    code = "invalid_email"


class PlaceholderContact(Invalid):
    code = "placeholder_contact"
