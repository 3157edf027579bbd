"""How long each kind of text heed accepts may be, and which characters text may hold (R-34).

Every string that comes in through the API or the staff UI is checked against one of
these limits at the edge, so the same input gets the same answer on SQLite (which
does not enforce column lengths) and on PostgreSQL (which does). Each limit fits the
column the value ends in (adapters/db/tables.py).

Characters: NUL cannot be stored by PostgreSQL at all, and the other C0 control
characters are never part of a name, number or id. So text heed is *given* (by
staff, by API callers) is refused when it carries any of them; multi-line text
(addresses, message bodies, notes, help text) may hold tab, line feed and carriage
return. Lone UTF-16 surrogates (possible in JSON's ``\\ud800`` escapes) are not text
either and are refused alike.

Text a provider *relays* (the body of a customer's SMS, a message id) is not ours to
refuse: a STOP must be recorded whatever else it carries. :func:`provider_text` and
:func:`provider_id` clean such values instead of refusing them.
"""

from __future__ import annotations

import hashlib
import re

# ---- limits, in characters ---------------------------------------------------------

#: Every heed id (``cus_…``, ``con_…``): String(40) columns.
ID = 40
#: Customer, location and business names: String(200).
NAME = 200
#: A staff member's name (users.name): String(100).
STAFF_NAME = 100
#: A phone number in any format, or an email: contacts.value, String(320).
ADDRESS = 320
#: A contact's memo ("cell", "tenant"): String(200).
MEMO = 200
#: A postal address as one text (billing_address, locations.address: Text).
POSTAL_ADDRESS = 500
#: A structured address's parts (R-27): locations' and customers' address_* columns.
STREET = 200
UNIT = 50
CITY = 100
STATE = 2
POSTAL_CODE = 10
COUNTRY = 2
#: An IANA time-zone name: String(64).
TIME_ZONE = 64
#: A local time of day, ``HH:MM``: String(5).
CLOCK_TIME = 5
#: The reply to HELP: two SMS segments at most.
HELP_TEXT = 320
#: The account's double opt-in text (R-24): three SMS segments at most.
MARKETING_DISCLOSURE = 480
#: The wording a customer signed or ticked (R-24): consent_events.evidence, Text.
CONSENT_WORDING = 2000
#: A signed form's reference (R-24).
CONSENT_REFERENCE = 200
#: A message heed sends (SMS or email): messages.body, Text. Twilio refuses SMS bodies
#: longer than 1,600 characters.
MESSAGE_BODY = 1600
#: A staff note on a recorded opt-out: consent_events.body, Text.
NOTE = 500
#: A provider credential (the Twilio auth token): String(200).
SECRET = 200
#: A staff password (only its hash is stored).
PASSWORD = 1000
#: Any other short text a form or query carries (a CSRF token, a cursor, a filter).
SHORT_TEXT = 1000
#: A phone number to look up, in any format.
PHONE_QUERY = 40
#: A page cursor heed gave out (the last name's sort key and id, encoded).
CURSOR = 10_000
#: The raw text of an inbound message posted by a gateway (inbound_messages.body,
#: consent_events.body: Text). A real SMS is at most 1,600 characters.
INBOUND_BODY = 20_000
#: A provider's message id (inbound_messages.provider_message_id,
#: consent_events.provider_message_id: String(500)). 500 characters stay within
#: PostgreSQL's B-tree entry limit whatever the characters, so the id can be a key.
PROVIDER_ID = 500

# ---- characters --------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: The same rules as JSON Schema patterns, published in the OpenAPI document.
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f]*$"
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be accepted as given text, or None when it can.

    The answer is a phrase naming the character and where it is, for a 422 message.
    """
    found = (_CONTROL_EXCEPT_LINES if multiline else _CONTROL).search(value)
    if found is not None:
        character = found.group()
        what = "a NUL character" if character == "\x00" else "a control character"
        return f"must not contain {what} (U+{ord(character):04X} at position {found.start() + 1})"
    if not _encodable(value):
        return "must be valid Unicode text (it holds a lone surrogate)"
    return None


def too_long(value: str, limit: int) -> str | None:
    """The phrase for a 422 message when ``value`` is over ``limit``, else None."""
    if len(value) > limit:
        return f"must be at most {limit} characters (it has {len(value)})"
    return None


def provider_text(value: str) -> str:
    """Text relayed by a provider as heed stores it: NUL characters dropped, lone
    surrogates replaced. Everything else, control characters included, is kept as
    the customer sent it."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not _encodable(value):
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def provider_id(value: str) -> str:
    """A provider's message id as heed keys it: :func:`provider_text`, and an id
    longer than :data:`PROVIDER_ID` shortened to its head plus the SHA-256 of the whole,
    so it fits its column and a redelivery of the same id still finds it. An empty id
    stays empty (the caller refuses it)."""
    kept = provider_text(value)
    if not value or 0 < len(kept) <= PROVIDER_ID:
        return kept
    # An id made of NULs alone is keyed by its digest too: it still names one message.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kept[: PROVIDER_ID - len(digest) - 1]}~{digest}"


def _encodable(value: str) -> bool:
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
