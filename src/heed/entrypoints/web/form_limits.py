"""The staff UI's form fields and their limits: the same rules as the API's (R-34).

Every posted form is checked here once its CSRF token holds, before any service
runs: a field over its limit, or holding a NUL or another control character, is
refused with a 422 page naming the field, on SQLite and PostgreSQL alike. Textareas
(addresses, a message, a note, help text, lists one per line) may hold line breaks
and tabs; one-line inputs may not.
"""

from __future__ import annotations

from starlette.datastructures import FormData

from heed.domain import limits, replies

# field name -> (limit, may span lines); the names the templates' forms post.
FIELDS: dict[str, tuple[int, bool]] = {
    "name": (limits.NAME, False),
    "email": (limits.ADDRESS, False),
    "password": (limits.PASSWORD, False),
    "mobile": (limits.ADDRESS, False),
    "phone": (limits.ADDRESS, False),
    "value": (limits.ADDRESS, False),
    "memo": (limits.MEMO, False),
    "billing_address": (limits.POSTAL_ADDRESS, True),
    "address": (limits.POSTAL_ADDRESS, True),
    "time_zone": (limits.TIME_ZONE, False),
    "contact_id": (limits.ID, False),
    "targets": (limits.ID, False),
    "body": (limits.MESSAGE_BODY, True),
    "note": (limits.NOTE, True),
    "help_text": (limits.HELP_TEXT, True),
    "twilio_auth_token": (limits.SECRET, False),
    "window_start": (limits.CLOCK_TIME, False),
    "window_end": (limits.CLOCK_TIME, False),
    # One number or value per line.
    "business_numbers": (limits.SHORT_TEXT * 10, True),
    "placeholders": (limits.SHORT_TEXT * 10, True),
    # The replies page: one box per language and kind ("es.help").
    **{
        f"{lang}.{kind}": (replies.TEXT_LIMIT, True)
        for lang in replies.LANGUAGES
        for kind in replies.ReplyKind
    },
}

#: Everything else a form posts (CSRF token, ``back``, ``next``, a check box, a choice).
OTHER = (limits.SHORT_TEXT, False)

#: What the templates label each field as, for the refusal's sentence.
LABELS = {
    "name": "Name",
    "billing_address": "Billing address",
    "address": "Address",
    "time_zone": "Time zone",
    "value": "Number or email",
    "memo": "Memo",
    "body": "Message",
    "note": "Note",
    "help_text": "HELP reply",
    "business_numbers": "Business numbers",
    "placeholders": "Placeholders",
    **{
        f"{lang}.{kind}": f"{replies.LANGUAGE_NAMES[lang]} {replies.KIND_NAMES[kind]}"
        for lang in replies.LANGUAGES
        for kind in replies.ReplyKind
    },
}


class FormTextRefused(Exception):
    """A posted field is too long or holds a character heed does not store."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def check_form_text(form: FormData) -> None:
    """Refuse the form when any of its text fields breaks its rule; nothing is changed."""
    for field, value in form.multi_items():
        if not isinstance(value, str):
            continue
        limit, multiline = FIELDS.get(field, OTHER)
        why = limits.too_long(value, limit) or limits.refused_character(value, multiline=multiline)
        if why is not None:
            label = LABELS.get(field, field)
            raise FormTextRefused(field, f"{label} ({field}) {why}. Nothing was changed.")
