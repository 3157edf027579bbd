"""What outsiders call without an API key: Twilio's inbound webhook and email unsubscribe links.

Each proves itself another way: Twilio signs its request with the auth token of
the account that owns ``To``; an unsubscribe link carries heed's own HMAC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import escape as html_escape
from typing import Annotated
from urllib.parse import unquote, urlparse
from xml.sax.saxutils import escape as xml_escape

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.routing import Route
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    add_port,
    compare,
    get_signature_algorithm,
    remove_port,
)

from heed.bootstrap import Heed
from heed.domain import limits
from heed.domain.errors import HeedError, Invalid, InvalidPhone, InvalidSignature, NotFound
from heed.domain.limits import provider_id, provider_text
from heed.entrypoints.api.batches import BatchWriter
from heed.entrypoints.api.deps import HeedDep
from heed.entrypoints.api.routes import json_errors
from heed.services import consent, unsubscribe

router = APIRouter(tags=["webhooks"])

_TWIML = {"application/xml": {"schema": {"type": "string"}}}
_HTML = {"text/html": {"schema": {"type": "string"}}}
_TWILIO_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["From", "To", "Body", "MessageSid"],
                    "properties": {
                        "From": {"type": "string", "example": "+15128675309"},
                        "To": {"type": "string", "example": "+15125550100"},
                        "Body": {"type": "string", "example": "STOP"},
                        "MessageSid": {
                            "type": "string",
                            "example": "SM0123456789abcdef0123456789abcdef",
                        },
                        "OptOutType": {
                            "type": "string",
                            "description": "Set when Twilio's Advanced Opt-Out handled a keyword.",
                            "example": "STOP",
                        },
                    },
                    "additionalProperties": {"type": "string"},
                }
            }
        },
    },
    "parameters": [
        {
            "name": "X-Twilio-Signature",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "Twilio's signature over HEED_PUBLIC_URL + path and the form.",
        }
    ],
}


def twiml(reply: str | None) -> str:
    if reply is None:
        return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Message>{xml_escape(reply)}</Message></Response>"
    )


@dataclass(frozen=True)
class SignedText:
    """A Twilio webhook as received: the form, the URL it was signed over, the signature."""

    form: ImmutableMultiDict[str, str]
    url: str
    signature: str
    algorithm: str


Outcome = consent.InboundResult | HeedError


def record_signed_texts(heed: Heed, texts: list[SignedText]) -> list[Outcome]:
    """Check each text's signature with the auth token of the account owning its ``To``,
    then record the genuine ones together (``consent.record_inbound_batch``).

    A text with an unknown ``To`` or a bad signature is refused before anything of it
    is recorded; the owners of all numbers are read in one statement.
    """
    owners = consent.accounts_by_number(heed.uow, (text.form.get("To", "") for text in texts))
    outcomes: list[Outcome | None] = [None] * len(texts)
    genuine: list[consent.InboundText] = []
    for i, text in enumerate(texts):
        try:
            genuine.append(_verified(text, owners, heed.settings.twilio_auth_token))
        except HeedError as refused:
            outcomes[i] = refused
    recorded = iter(consent.record_inbound_batch(heed.uow, genuine))
    return [next(recorded) if outcome is None else outcome for outcome in outcomes]


def _verified(
    text: SignedText, owners: dict[str, consent.InboundAccount], fallback_token: str
) -> consent.InboundText:
    form = text.form
    owner = owners.get(form.get("To", ""))
    if owner is None:
        raise NotFound("No business uses this number.", field="To")
    # An account's own token, else the installation's (HEED_TWILIO_AUTH_TOKEN): both
    # are set by the operator alone, never through the API or the staff UI.
    token = owner.twilio_auth_token or fallback_token
    if not token or not text.signature or not _signature_holds(token, text):
        raise InvalidSignature("The X-Twilio-Signature header does not match this request.")
    for field in ("From", "MessageSid"):
        if not form.get(field):
            raise Invalid(f"{field} is required.", field=field)
    # Cleaned only now that the signature over the form as sent has held: a NUL or an
    # id longer than any real one is Twilio's to send and never a reason to lose a STOP.
    return consent.InboundText(
        owner.id,
        from_number=provider_text(form["From"]),
        to_number=provider_text(form["To"]),
        body=provider_text(form.get("Body", "")),
        message_id=provider_id(form["MessageSid"]),
        provider_opt_out_type=provider_text(form.get("OptOutType", "")) or None,
        via="twilio_webhook",
    )


def _signature_holds(token: str, text: SignedText) -> bool:
    """What ``RequestValidator.validate`` answers for this text, computing a signature
    only as often as needed.

    validate signs the URL both without and with its port (Twilio's own signing is
    inconsistent about it) and accepts either; the one without is Twilio's usual, so
    it is computed first and the other only when it does not match. The form goes to
    the validator whole: it signs every value of a repeated field.
    """
    validator = RequestValidator(token)
    values = _FormValues(text.form)
    try:
        for url in _signed_urls(text.url):
            if compare(validator.compute_signature(url, values, text.algorithm), text.signature):
                return True
    except ValueError:
        # An algorithm the library does not know: validate refuses it, and logs why.
        return bool(validator.validate(text.url, text.form, text.signature, text.algorithm))
    return False


@lru_cache(maxsize=64)
def _signed_urls(url: str) -> tuple[str, str]:
    """The URL as validate signs it without its port, then with it."""
    parsed = urlparse(url)
    return remove_port(parsed), add_port(parsed)


class _FormValues:
    """A form as RequestValidator reads a multidict (its names, then ``getall``), each
    name's values gathered once."""

    __slots__ = ("_values",)

    def __init__(self, form: ImmutableMultiDict[str, str]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in form.multi_items():
            self._values.setdefault(name, []).append(value)

    def __bool__(self) -> bool:
        return bool(self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def getall(self, name: str) -> list[str]:
        return self._values[name]


async def _form(request: Request) -> ImmutableMultiDict[str, str]:
    """The posted text fields, repeated ones included (Twilio signs every value).

    Twilio posts urlencoded forms; they are read as the standard library's parse_qsl
    reads them, which decodes as Starlette's does at a fraction of python-multipart's
    cost (the largest part of this route's own work). Any other body goes through
    Starlette.
    """
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        body = (await request.body()).decode("latin-1")
        if body and body.count("&") >= _MAX_FIELDS:
            raise Invalid("The form has too many fields.", field="body")
        return ImmutableMultiDict(urlencoded_fields(body))
    form = await request.form(max_fields=_MAX_FIELDS)
    return ImmutableMultiDict(
        [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    )


_MAX_FIELDS = 1000


def urlencoded_fields(body: str) -> list[tuple[str, str]]:
    """``parse_qsl(body, keep_blank_values=True)``'s fields, read without its per-field
    overhead: a name or value with no ``+`` or ``%`` is taken as it stands (most of a
    Twilio form), the others decoded as parse_qsl decodes them."""
    fields = []
    for piece in body.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            fields.append((_unquoted(name), _unquoted(value)))
    return fields


def _unquoted(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, encoding="utf-8", errors="replace") if "%" in text else text


@router.post(
    "/webhooks/twilio/sms",
    response_class=Response,
    responses={
        200: {"content": _TWIML, "description": "TwiML; one <Message> when a reply is due."},
        **json_errors(403, 404),
    },
    openapi_extra=_TWILIO_FORM,
)
async def twilio_sms(request: Request) -> Response:
    """Twilio's "a message comes in" webhook. The account is the one owning ``To``; the
    signature is checked with its auth token before anything is read or recorded. When
    Twilio's Advanced Opt-Out already answered a keyword (OptOutType), heed records it
    and stays quiet (R-16a). Twilio retries a text whose answer it did not see: a
    retried MessageSid records nothing twice and gets the first answer again, so the
    customer's confirmation is not lost with it (R-16).

    Texts arriving together are recorded in one transaction by the app's inbound
    writer; each answer is sent after the transaction holding its text committed."""
    # heed's wiring straight from the app, not through a dependency: the busiest route
    # spent a fifth of its own time on the event loop solving it.
    heed: Heed = request.app.state.heed
    form = await _form(request)
    url = heed.settings.public_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    text = SignedText(
        form,
        url,
        signature=request.headers.get(SIGNATURE_HEADER, ""),
        # Absent settings header means the classic auth-token signature, HMAC-SHA1.
        algorithm=get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER)),
    )
    writer: BatchWriter[SignedText, Outcome] = request.app.state.inbound
    if writer.running:
        outcome = await writer.submit(text)
    else:
        [outcome] = await run_in_threadpool(record_signed_texts, heed, [text])
    if isinstance(outcome, InvalidPhone) and outcome.details.get("field") == "from":
        # A sender heed can never text (abroad, R-1) has no consent to keep; an error
        # would only make Twilio retry. Acknowledge, record nothing, reply nothing.
        return Response(twiml(None), media_type="application/xml")
    if isinstance(outcome, HeedError):
        raise outcome
    return Response(twiml(outcome.reply), media_type="application/xml")


# The app matches this router before all others (app.py): the same route, undocumented
# here since the webhooks router documents it.
first_router = APIRouter()
first_router.routes.append(Route("/webhooks/twilio/sms", twilio_sms, methods=["POST"]))


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/heed.css"></head>
<body class="notice-page">
<h1>{title}</h1>{body}</body></html>"""


@router.get(
    "/unsubscribe/{token}",
    response_class=HTMLResponse,
    responses={200: {"content": _HTML}, **json_errors(403, 404)},
)
def unsubscribe_page(heed: HeedDep, token: str) -> HTMLResponse:
    """The page behind an email's unsubscribe link. It only asks: a GET must not
    unsubscribe, because mail scanners follow links (RFC 8058)."""
    found = unsubscribe.describe(heed.uow, heed.settings, token)
    body = (
        f"<p>Stop automated emails from {html_escape(found['business'])} to "
        f"<strong>{html_escape(found['email'])}</strong>?</p>"
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">Unsubscribe</button></form>'
    )
    return HTMLResponse(_PAGE.format(title="Unsubscribe", body=body))


@router.post(
    "/unsubscribe/{token}",
    response_class=HTMLResponse,
    responses={200: {"content": _HTML}, **json_errors(403, 404)},
)
def unsubscribe_one_click(
    heed: HeedDep,
    token: str,
    list_unsubscribe: Annotated[str, Form(alias="List-Unsubscribe", max_length=limits.SHORT_TEXT)],
) -> HTMLResponse:
    """RFC 8058 one-click: the mail client posts ``List-Unsubscribe=One-Click``. The
    address is suppressed for automated email (R-14)."""
    if list_unsubscribe != "One-Click":
        raise Invalid("List-Unsubscribe must be One-Click.", field="List-Unsubscribe")
    done = unsubscribe.unsubscribe(heed.uow, heed.settings, token)
    body = (
        f"<p><strong>{html_escape(done['email'])}</strong> will get no more automated emails "
        f"from {html_escape(done['business'])}.</p>"
    )
    return HTMLResponse(_PAGE.format(title="You are unsubscribed", body=body))
