"""Marketing consent's pure parts (R-24): the evidence an entry carries, the disclosure's
version, the current state an address's marketing entries fold to, and Canada's implied
consent (CASL).

Under the TCPA a marketing text needs the customer's prior express written consent, and
in a dispute the business must show what the customer agreed to, when, how and who
captured it. So every consent is a ledger entry whose evidence names the disclosure the
customer saw (and its version, a hash of the text), the method, and for the web the IP
and user agent. Staff may record a consent only with the customer's evidence: a YES to
the double opt-in text, a signed written form (its reference and wording), or the
preference page's consent box; they may always withdraw one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from heed.domain import limits
from heed.domain.errors import Invalid

# A YES gives consent when it answers a request sent at most this long before.
PENDING_FOR = timedelta(days=7)
# CASL implied consent: from a purchase, two years; from an inquiry, six months.
PURCHASE_IMPLIES = timedelta(days=730)
INQUIRY_IMPLIES = timedelta(days=183)

DISCLOSURE_MAX = limits.CONSENT_WORDING
REFERENCE_MAX = limits.CONSENT_REFERENCE
USER_AGENT_MAX = 500
IP_MAX = 64


class Method(StrEnum):
    SMS_DOUBLE_OPT_IN = "sms_double_opt_in"
    WRITTEN = "written"
    WEB_FORM = "web_form"


class Status(StrEnum):
    """How an address's marketing consent reads (the contact's ``marketing_consent``)."""

    CONSENTED = "consented"
    PENDING = "pending"
    NOT_ON_RECORD = "not_on_record"
    NONE = "none"
    WITHDRAWN = "withdrawn"


def default_disclosure(business: str) -> str:
    """The double opt-in text an account sends until it writes its own: who sends, what,
    how often, the carriers' rates notice, STOP and HELP."""
    return (
        f"{business}: reply YES to get marketing texts from {business} with offers and "
        "service reminders, up to 4 msgs/month. Consent is not a condition of purchase. "
        "Msg & data rates may apply. Reply STOP to opt out, HELP for help."
    )


def disclosure_version(text: str) -> str:
    """A short, stable name of a disclosure's exact wording: the first 16 hex digits of
    its SHA-256, so two receipts naming one version showed the customer the same text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Evidence:
    """What a consent entry proves, beside the entry's own address, actor, via and time."""

    method: Method
    disclosure: str
    disclosure_version: str
    reference: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_message_id: str | None = None

    def as_text(self) -> str:
        """Canonical JSON (sorted keys, no spaces): what the entry stores and hashes."""
        document = {
            key: value
            for key, value in (
                ("method", str(self.method)),
                ("disclosure", self.disclosure),
                ("disclosure_version", self.disclosure_version),
                ("reference", self.reference),
                ("ip", self.ip),
                ("user_agent", self.user_agent),
                ("request_message_id", self.request_message_id),
            )
            if value is not None
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_evidence(text: str | None) -> dict[str, str]:
    """An entry's stored evidence as a mapping (empty for entries without any)."""
    if not text:
        return {}
    found = json.loads(text)
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _required(value: str | None, field: str, limit: int, why: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(f"{field} is required: {why}", field=field)
    if len(text) > limit:
        raise Invalid(f"{field} must be at most {limit} characters.", field=field)
    return text


def _optional(value: str | None, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise Invalid(f"{field} must be at most {limit} characters.", field=field)
    return text or None


def parse_method(value: str | None) -> Method:
    try:
        return Method(value or "")
    except ValueError:
        raise Invalid(
            "method must be sms_double_opt_in, written or web_form.", field="method"
        ) from None


def checked_evidence(
    method: Method,
    *,
    disclosure: str | None,
    disclosure_version_given: str | None,
    reference: str | None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Evidence:
    """The evidence of a written or web-form consent, or a refusal naming the field.

    A written consent needs the signed form's reference and the exact wording signed; a
    web form needs the wording shown and the IP and user agent that sent it. A version
    given must be the wording's own: a receipt may not name a text it does not show.
    """
    wording = _required(disclosure, "disclosure", DISCLOSURE_MAX, "the exact wording agreed to.")
    version = disclosure_version(wording)
    if disclosure_version_given is not None and disclosure_version_given.strip() != version:
        raise Invalid(
            f"disclosure_version does not match the disclosure's text (its version is {version}).",
            field="disclosure_version",
        )
    if method is Method.WRITTEN:
        ref = _required(reference, "reference", REFERENCE_MAX, "the signed form's id.")
        return Evidence(method, wording, version, reference=ref)
    if method is Method.WEB_FORM:
        return Evidence(
            method,
            wording,
            version,
            reference=_optional(reference, "reference", REFERENCE_MAX),
            ip=_required(ip, "ip", IP_MAX, "the address the form came from."),
            user_agent=_required(user_agent, "user_agent", USER_AGENT_MAX, "the form's browser."),
        )
    raise Invalid("A double opt-in is given by the customer's YES, not recorded.", field="method")


# --- current state -------------------------------------------------------------------


@dataclass(frozen=True)
class MarketingState:
    """An address's marketing consent now: the projection kept beside the ledger."""

    consented: bool = False
    consent_seq: int | None = None
    withdrawn_seq: int | None = None
    pending_since: datetime | None = None
    pending_seq: int | None = None
    request_message_id: str | None = None
    # The method of the consent in force, and when consent was last given or withdrawn.
    method: str | None = None
    changed_at: datetime | None = None

    def pending_at(self, now: datetime) -> bool:
        """A double opt-in request waits for a YES (sent less than 7 days before ``now``)."""
        return self.pending_since is not None and now - self.pending_since < PENDING_FOR

    def status(self, now: datetime, *, setting_on: bool) -> Status:
        """How the address reads for a contact whose marketing setting is ``setting_on``.

        A setting that is on with no consent is one from before heed kept evidence: the
        setting stays, but no marketing text goes until evidence exists.
        """
        if self.consented:
            return Status.CONSENTED
        if self.pending_at(now):
            return Status.PENDING
        if self.withdrawn_seq is not None:
            return Status.WITHDRAWN
        return Status.NOT_ON_RECORD if setting_on else Status.NONE


NO_MARKETING = MarketingState()


def requested(state: MarketingState, seq: int, at: datetime, message_id: str) -> MarketingState:
    return replace(state, pending_since=at, pending_seq=seq, request_message_id=message_id)


def consented(state: MarketingState, seq: int, method: Method, at: datetime) -> MarketingState:
    return MarketingState(True, seq, state.withdrawn_seq, method=str(method), changed_at=at)


def withdrawn(state: MarketingState, seq: int, at: datetime) -> MarketingState:
    """A withdrawal, or an SMS opt-out: after a STOP only START and a fresh consent
    bring marketing back."""
    return MarketingState(False, state.consent_seq, seq, changed_at=at)


def consented_after(actions: Iterable[str]) -> bool:
    """Whether an address's ledger actions, oldest first, leave marketing consent given:
    a consent gives it, a withdrawal or an SMS opt-out ends it (what the current state
    beside the ledger must agree with)."""
    given = False
    for action in actions:
        if action == "marketing_consent":
            given = True
        elif action in ("marketing_withdraw", "opt_out"):
            given = False
    return given


# --- CASL ----------------------------------------------------------------------------


def is_canadian(country: str | None) -> bool:
    return (country or "").strip().upper() == "CA"


def implied_until(
    last_purchase_at: datetime | None, last_inquiry_at: datetime | None
) -> datetime | None:
    """When CASL's implied consent ends: two years after a purchase, six months after an
    inquiry, whichever is later; None without either."""
    ends = [
        at + span
        for at, span in ((last_purchase_at, PURCHASE_IMPLIES), (last_inquiry_at, INQUIRY_IMPLIES))
        if at is not None
    ]
    return max(ends) if ends else None
