"""Consent: inbound texts and email events from gateways, and the ledger as evidence (R-11 … R-17).

Whoever can post inbound texts can opt numbers back in, so only a gateway key
(``heed key create --gateway``) may post them, and a gateway key may do nothing
else (R-25); the ledger names the key that delivered each entry. Reading and
exporting the ledger needs consent:export.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from heed.entrypoints.api import schemas
from heed.entrypoints.api.deps import CurrentKey, GatewayKey, UowDep
from heed.entrypoints.api.routes import errors
from heed.services import consent

router = APIRouter(prefix="/v1", tags=["consent"])

_CSV = {"text/csv": {"schema": {"type": "string"}}}


@router.post("/inbound/sms", response_model=schemas.InboundSmsPublic, responses=errors(404))
def inbound_sms(uow: UowDep, key: GatewayKey, body: schemas.InboundSms) -> dict[str, Any]:
    """A text a customer sent to one of the business's numbers, from a gateway other than
    Twilio; only a gateway key may post it (R-25). Keywords and plain requests to stop act
    on it (R-11, R-15); ``reply`` is the one text the gateway should send back (R-16). The
    same message_id twice acts once and is answered the same both times."""
    text = consent.InboundText(
        key.account_id, body.from_, body.to, body.body, body.message_id, via=key.via
    )
    result = consent.record_inbound(uow, text)
    return {"action": result.action, "reply": result.reply, "duplicate": result.duplicate}


@router.post("/inbound/email", response_model=schemas.InboundEmailPublic, responses=errors())
def inbound_email(uow: UowDep, key: GatewayKey, body: schemas.InboundEmail) -> dict[str, Any]:
    """An unsubscribe, hard bounce or complaint reported by the email provider (R-14); only
    a gateway key may post it (R-25)."""
    event = consent.EmailEvent(
        key.account_id, body.email, body.event, body.provider_message_id, via=key.via
    )
    changed = consent.record_email(uow, event)
    return {"email": body.email, "event": body.event, "changed": changed}


@router.get(
    "/consent/events",
    response_model=schemas.LedgerPublic,
    responses={**errors(), 200: {"content": _CSV, "description": "The ledger, oldest first."}},
)
def consent_events(
    uow: UowDep,
    key: CurrentKey,
    since: Annotated[
        datetime | None, Query(description="Entries at or after this time (UTC if no offset).")
    ] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Any:
    """The account's whole ledger in seq order: its legacy chain and its stripes' chains,
    each entry naming its stripe, so an export verifies on its own (R-17)."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    events = consent.ledger_events(uow, key, since)
    if format == "csv":
        return Response(
            "".join(consent.events_csv(events)),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="consent-ledger.csv"'},
        )
    return {"events": events}


@router.get(
    "/consent/marketing/not-on-record",
    response_model=schemas.NotOnRecordPublic,
    responses=errors(),
)
def marketing_not_on_record(uow: UowDep, key: CurrentKey) -> dict[str, Any]:
    """Phone contacts with marketing on from before heed kept evidence (R-24): they keep
    the setting and get no marketing text until consent is recorded."""
    return {"items": consent.marketing_not_on_record(uow, key)}


@router.get("/consent/{address}", response_model=schemas.ConsentPublic, responses=errors())
def address_consent(uow: UowDep, key: CurrentKey, address: str) -> dict[str, Any]:
    """One phone number's or email's consent now, and every ledger entry about it."""
    return consent.address_consent(uow, key, address)


@router.post("/consent/{address}/opt-out", response_model=schemas.ConsentPublic, responses=errors())
def record_opt_out(
    uow: UowDep, key: CurrentKey, address: str, body: schemas.StaffOptOut
) -> dict[str, Any]:
    """Record that the customer asked, by phone or in person, to stop (R-15, R-17):
    texts to a number stop on every business number; an email stops getting automated
    mail. Staff can only ever opt out here; opting back in is the customer's alone (R-12)."""
    return consent.record_staff_opt_out(
        uow, key, consent.OptOut(address, body.note, method=body.method)
    )


@router.post(
    "/consent/{address}/marketing",
    response_model=schemas.MarketingConsentRecorded,
    status_code=201,
    responses={**errors(404, 409), 202: {"description": "A double opt-in text is queued."}},
)
def record_marketing_consent(
    uow: UowDep,
    key: CurrentKey,
    address: str,
    body: schemas.MarketingConsentCreate,
    response: Response,
) -> dict[str, Any]:
    """Marketing consent with the customer's evidence (R-24). ``sms_double_opt_in`` texts
    the account's marketing_disclosure (202, pending) and a YES from the number within 7
    days gives consent; ``written`` needs the signed form's ``reference`` and the exact
    ``disclosure`` signed (201); ``web_form`` needs the wording, ``ip`` and ``user_agent``.
    A number that texted STOP gets none (409 sms_opt_out) until it texts START."""
    answer = consent.record_marketing_consent(
        uow,
        key,
        consent.RecordMarketing(
            address,
            body.method,
            disclosure=body.disclosure,
            disclosure_version=body.disclosure_version,
            reference=body.reference,
            contact_id=body.contact_id,
            ip=body.ip,
            user_agent=body.user_agent,
        ),
    )
    if answer["status"] == "pending":
        response.status_code = 202
    return answer


@router.delete(
    "/consent/{address}/marketing", response_model=schemas.MarketingPublic, responses=errors()
)
def withdraw_marketing_consent(
    uow: UowDep, key: CurrentKey, address: str, body: schemas.MarketingWithdraw | None = None
) -> dict[str, Any]:
    """Withdraw the address's marketing consent (customer:edit): always allowed, recorded
    in the ledger and audited."""
    return consent.withdraw_marketing_consent(uow, key, address, body.note if body else None)
