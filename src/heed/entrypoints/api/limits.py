"""The API's string types: each kind of text with its length limit and character rule (R-34).

The limits themselves live in heed.domain.limits, the one place that sets them; these
types apply them to request schemas, so a value over its limit or holding a NUL is a
422 ``validation_error`` naming the field and the limit before anything is read or
written, on every database alike. The rules are published in /openapi.json too
(``maxLength`` and a ``pattern`` excluding control characters).

Text a provider relays (an inbound SMS's body, its message id) is cleaned rather
than refused, so a STOP is recorded whatever else the text carries.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from heed.domain import limits
from heed.domain.limits import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN


def _single_line(value: str) -> str:
    why = limits.refused_character(value)
    if why is not None:
        raise PydanticCustomError("control_character", why)
    return value


def _multi_line(value: str) -> str:
    why = limits.refused_character(value, multiline=True)
    if why is not None:
        raise PydanticCustomError("control_character", why)
    return value


_SINGLE = AfterValidator(_single_line)
_MULTI = AfterValidator(_multi_line)
_SINGLE_SCHEMA = Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN})
_MULTI_SCHEMA = Field(json_schema_extra={"pattern": MULTI_LINE_PATTERN})

# ---- text heed is given: refused when too long or holding control characters -------

Id = Annotated[str, Field(max_length=limits.ID), _SINGLE, _SINGLE_SCHEMA]
Name = Annotated[str, Field(max_length=limits.NAME), _SINGLE, _SINGLE_SCHEMA]
Address = Annotated[str, Field(max_length=limits.ADDRESS), _SINGLE, _SINGLE_SCHEMA]
Memo = Annotated[str, Field(max_length=limits.MEMO), _SINGLE, _SINGLE_SCHEMA]
TimeZone = Annotated[str, Field(max_length=limits.TIME_ZONE), _SINGLE, _SINGLE_SCHEMA]
ClockTime = Annotated[str, Field(max_length=limits.CLOCK_TIME), _SINGLE, _SINGLE_SCHEMA]
Secret = Annotated[str, Field(max_length=limits.SECRET), _SINGLE, _SINGLE_SCHEMA]
PostalAddress = Annotated[str, Field(max_length=limits.POSTAL_ADDRESS), _MULTI, _MULTI_SCHEMA]
HelpText = Annotated[str, Field(max_length=limits.HELP_TEXT), _MULTI, _MULTI_SCHEMA]
MarketingDisclosure = Annotated[
    str, Field(max_length=limits.MARKETING_DISCLOSURE), _MULTI, _MULTI_SCHEMA
]
ConsentWording = Annotated[str, Field(max_length=limits.CONSENT_WORDING), _MULTI, _MULTI_SCHEMA]
ConsentReference = Annotated[
    str, Field(max_length=limits.CONSENT_REFERENCE), _SINGLE, _SINGLE_SCHEMA
]
MessageBody = Annotated[str, Field(max_length=limits.MESSAGE_BODY), _MULTI, _MULTI_SCHEMA]
Note = Annotated[str, Field(max_length=limits.NOTE), _MULTI, _MULTI_SCHEMA]

# ---- text a provider relays: NULs dropped, never refused for what it holds ---------

RelayedAddress = Annotated[
    str, Field(max_length=limits.ADDRESS), AfterValidator(limits.provider_text)
]
InboundBody = Annotated[
    str, Field(max_length=limits.INBOUND_BODY), AfterValidator(limits.provider_text)
]
ProviderId = Annotated[
    str, Field(max_length=limits.PROVIDER_ID), AfterValidator(limits.provider_id)
]
