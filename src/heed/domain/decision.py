"""The send decision (R-18): may this message go to this address, on this channel,
from this sender, now?

This module owns the order in which heed's sending rules are checked,
``PRECEDENCE``, one row per rule, each naming the layer it belongs to, and the
answer each one gives: ``allowed``, ``blocked`` or ``deferred``, with a stable
reason code (CONTRACT.md), a sentence for office staff, the layer that decided
and, for a deferral, the UTC moment it may go. The clock arithmetic across time
zones lives in ``heed.domain.sending_window``; the jurisdictions' rules table
(R-26) is evaluated by ``heed.domain.jurisdictions``.

``decide`` is a pure function of plain facts: the caller has already looked up
the contact, resolved the opt-out for the sender's scope (R-13), the email
suppression, the review list, the recipient's time zones and recent marketing
sends. "No" is a value, never an exception; only a programming error (a naive
``now``) raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum

from heed.domain import jurisdictions
from heed.domain.consent import Suppression
from heed.domain.errors import SmsOptedOut
from heed.domain.outcome import Outcome as Outcome
from heed.domain.sending_rules import Rule as SendingRule
from heed.domain.sending_rules import sending_rules
from heed.domain.sending_window import CONTINENTAL_US_ZONES as CONTINENTAL_US_ZONES
from heed.domain.sending_window import SendingWindow as SendingWindow
from heed.domain.sending_window import Timing, as_utc
from heed.domain.sending_window import next_open as next_open


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"

    # A member hashes as its text, as it compares: an enum's own __hash__ is Python
    # code, and facts and their keys hash these in every batch decision.
    __hash__ = str.__hash__


class Category(StrEnum):
    JOB = "job"
    INVOICE_STATEMENT = "invoice_statement"
    MARKETING = "marketing"

    # A member hashes as its text, as it compares: an enum's own __hash__ is Python
    # code, and facts and their keys hash these in every batch decision.
    __hash__ = str.__hash__


class Reason(StrEnum):
    OK = "ok"
    INVALID_ADDRESS = "invalid_address"
    PLACEHOLDER = "placeholder"
    FAX = "fax"
    SMS_OPT_OUT = "sms_opt_out"
    EMAIL_SUPPRESSED = "email_suppressed"
    NOTIFICATIONS_DISABLED = "notifications_disabled"
    DO_NOT_MAIL = "do_not_mail"
    PREFERENCE_OFF = "preference_off"
    OUTSIDE_SENDING_WINDOW = "outside_sending_window"
    QUIET_DAY = "quiet_day"  # a jurisdiction's Sunday or holiday ban
    STATE_LIMIT = "state_limit"
    # No marketing consent on record: express written consent for a text; for
    # a Canadian email, express or implied consent (CASL).
    NO_MARKETING_CONSENT = "no_marketing_consent"
    # The number sent a text that may revoke consent and waits on the review list.
    REVOCATION_UNDER_REVIEW = "revocation_under_review"

    # Hashes as its text (see Channel): a block's Decision is looked up by it.
    __hash__ = str.__hash__


class Layer(StrEnum):
    """Who a rule speaks for, in R-18's order: the layer that decided a message."""

    ADDRESS = "address"  # a valid, real address
    OPT_OUT = "opt_out"  # the recipient's SMS opt-out or email suppression
    ACCOUNT_SWITCH = "account_switch"  # the account's customer-notifications switch
    DO_NOT_MAIL = "do_not_mail"  # the customer's Do Not Mail flag
    CONTACT_SETTING = "contact_setting"  # the contact's setting for the category
    MARKETING_CONSENT = "marketing_consent"  # marketing consent, the review list
    JURISDICTION = "jurisdiction"  # the sending window, the rules table's hours and caps

    # Hashes as its text (see Channel): a block's Decision is looked up by it.
    __hash__ = str.__hash__


SAVED_AS_LANDLINE = "saved_as_landline"


_KINDS_FOR_CHANNEL = {
    Channel.SMS: frozenset({"mobile", "phone"}),
    Channel.EMAIL: frozenset({"email"}),
}


_DEFAULT_WINDOW = SendingWindow()


@dataclass(frozen=True)
class Facts:
    """Everything the decision needs, already looked up by the caller."""

    channel: Channel
    category: Category
    manual: bool
    address_valid: bool
    placeholder: bool
    kind: str | None
    sms_opted_out: bool
    email_suppression: Suppression
    notifications_enabled: bool
    do_not_mail: bool
    preference_on: bool | None
    time_zones: tuple[str, ...]
    region: str | None  # the jurisdiction, "US-TX" or "TX"; None: somewhere in the US
    window: SendingWindow = _DEFAULT_WINDOW
    marketing_sent: tuple[datetime, ...] = ()
    # The number has a text on the review list that may ask to stop.
    under_review: bool = False
    # Express marketing consent on record for the address.
    marketing_consent: bool = False
    # A Canadian customer's email: CASL's consent applies.
    casl: bool = False
    # When CASL's implied consent (a purchase or an inquiry) ends; None: none implied.
    implied_consent_until: datetime | None = None
    # Hashed once: a batch's facts are kept from one batch to the next (FactsOf) and
    # decide_each looks each up by value; hashing nineteen fields was 1 us a look-up.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compared = (getattr(self, f.name) for f in fields(self) if f.compare)
        object.__setattr__(self, "_hash", hash(tuple(compared)))

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: Reason
    message: str
    not_before: datetime | None = None
    warnings: tuple[str, ...] = ()
    # The layer whose rule decided; None when every layer let the message pass.
    layer: Layer | None = None
    # The rules table's row that decided the timing, or (allowed) the most local
    # one that applied; None when none did.
    rule: SendingRule | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED


Check = Callable[[Facts, datetime, Timing], Decision | None]


@dataclass(frozen=True)
class Rule:
    """One row of the precedence: ``check`` answers, or None lets the message on."""

    layer: Layer
    says: str
    check: Check
    automated_only: bool = False


# --- the rules, each a row of PRECEDENCE below ---------------------------------------


def _fax(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if facts.kind != "fax":
        return None
    return _blocked(Reason.FAX, "This number is saved as a fax; faxes get no messages.")


def _invalid_address(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    # A raw address has no saved kind; address_valid already covers it.
    fits = facts.kind is None or facts.kind in _KINDS_FOR_CHANNEL[facts.channel]
    if facts.address_valid and fits:
        return None
    return _blocked(Reason.INVALID_ADDRESS, _invalid_address_message(facts))


def _placeholder(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if not facts.placeholder:
        return None
    return _blocked(
        Reason.PLACEHOLDER,
        "This address is a placeholder, not a real contact; it is never messaged. "
        "Replace it with the customer's real details.",
    )


def _sms_opt_out(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if facts.channel is Channel.SMS and facts.sms_opted_out:
        return _blocked(Reason.SMS_OPT_OUT, SmsOptedOut.MESSAGE)
    return None


def _email_bounced(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if facts.channel is not Channel.EMAIL or facts.email_suppression is not Suppression.ALL:
        return None
    return _blocked(
        Reason.EMAIL_SUPPRESSED,
        "Email to this address bounced or was reported as spam, so no email "
        "(automated or manual) is sent to it.",
    )


def _email_unsubscribed(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if facts.channel is not Channel.EMAIL or facts.email_suppression is not Suppression.AUTOMATED:
        return None
    return _blocked(
        Reason.EMAIL_SUPPRESSED,
        "This address unsubscribed from automated email; you can still write to it by hand.",
    )


def _switched_off(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if facts.notifications_enabled:
        return None
    return _blocked(
        Reason.NOTIFICATIONS_DISABLED,
        "Customer notifications are turned off for this account, so no automated message is sent.",
    )


def _do_not_mail(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if not facts.do_not_mail:
        return None
    return _blocked(
        Reason.DO_NOT_MAIL,
        "This customer is marked Do Not Mail, so no automated message is sent.",
    )


def _setting_off(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    # A raw address with no contact record has no setting: job and invoice messages
    # go, but marketing needs express consent that nobody recorded.
    if facts.preference_on is None:
        allows = facts.category is not Category.MARKETING
    else:
        allows = facts.preference_on
    return None if allows else _blocked(Reason.PREFERENCE_OFF, _preference_off_message(facts))


def _no_marketing_consent(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if facts.category is not Category.MARKETING or facts.marketing_consent:
        return None
    if facts.channel is Channel.SMS:
        return _blocked(
            Reason.NO_MARKETING_CONSENT,
            "Marketing texts need the customer's express written consent on record; none "
            "is recorded for this number. Send the double opt-in or record the signed form.",
        )
    implied = facts.implied_consent_until
    if not facts.casl or (implied is not None and now < implied):
        return None
    return _blocked(
        Reason.NO_MARKETING_CONSENT,
        "Marketing email to a Canadian address needs express consent or a purchase in "
        "the last 2 years or an inquiry in the last 6 months (CASL); none is on record.",
    )


def _under_review(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    marketing_text = facts.category is Category.MARKETING and facts.channel is Channel.SMS
    if not (marketing_text and facts.under_review):
        return None
    return _blocked(
        Reason.REVOCATION_UNDER_REVIEW,
        "This number sent a text that may ask to stop messages; no marketing goes to it "
        "until someone reviews it.",
    )


def _jurisdiction(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    if facts.channel is not Channel.SMS:
        return None
    held = _sms_timing(facts, now, timing)
    if held is None or held.outcome is not Outcome.DEFERRED or not _is_landline_text(facts):
        return held
    return replace(held, warnings=(SAVED_AS_LANDLINE,))


PRECEDENCE: tuple[Rule, ...] = (
    Rule(Layer.ADDRESS, "a fax gets no messages", _fax),
    Rule(Layer.ADDRESS, "the address parses and fits the channel", _invalid_address),
    Rule(Layer.ADDRESS, "a placeholder is never messaged, even by hand", _placeholder),
    Rule(Layer.OPT_OUT, "an SMS opt-out binds staff too (R-12)", _sms_opt_out),
    Rule(Layer.OPT_OUT, "a bounce or complaint stops all email (R-14)", _email_bounced),
    Rule(
        Layer.OPT_OUT,
        "an unsubscribe stops automated email (R-14)",
        _email_unsubscribed,
        automated_only=True,
    ),
    Rule(Layer.ACCOUNT_SWITCH, "the account's notifications switch (R-7)", _switched_off, True),
    Rule(Layer.DO_NOT_MAIL, "the customer's Do Not Mail (R-8)", _do_not_mail, True),
    Rule(Layer.CONTACT_SETTING, "the contact's setting (R-10)", _setting_off, True),
    Rule(
        Layer.MARKETING_CONSENT,
        "marketing needs consent on record: express for texts, CASL for Canadian email (R-24)",
        _no_marketing_consent,
    ),
    Rule(
        Layer.MARKETING_CONSENT,
        "no marketing text while a text waits on the review list (R-29)",
        _under_review,
    ),
    Rule(
        Layer.JURISDICTION,
        "texts wait for the local window, the jurisdiction's hours, quiet days and caps (R-26)",
        _jurisdiction,
    ),
)
"""R-18's order, first row that answers wins. Staff writing by hand skip the rows
marked ``automated_only``. The address comes first: nothing later can make a wrong
address right. Then the recipient's own word (an SMS opt-out blocks manual texts too;
a bounce stops all email, an unsubscribe automated email). Then, for automated
messages, the business's settings: the account switch, Do Not Mail, the contact's
setting for the category. A marketing message, manual or not, needs consent on
record (R-24): a text the customer's express written consent, an email to a Canadian
customer express or still-implied consent (CASL); and a marketing text waits while its
number has a text on the review list. Last, timing, for texts only: automated texts wait
for the sending window in the recipient's local time (deferred, not dropped; email
waits in the inbox without waking anyone, and quiet-hours law is about calls and
texts); marketing texts, manual or automated, obey the rules table of the number's
jurisdiction (R-26, ``heed.domain.jurisdictions``) beside the account's window. A
deferral's ``not_before`` is the earliest moment every timing rule passes, so a
caller that retries then is not deferred again.
Nothing answering means ``ok``; a text to a number saved as a landline goes with
the ``saved_as_landline`` warning, since the carrier may not deliver it."""


# PRECEDENCE as the loop walks it, for automated messages and for messages by hand.
_AUTOMATED = tuple((rule.check, rule.layer) for rule in PRECEDENCE)
_BY_HAND = tuple((rule.check, rule.layer) for rule in PRECEDENCE if not rule.automated_only)


def decide(facts: Facts, now: datetime) -> Decision:
    """Answer R-18 for one message: the first row of ``PRECEDENCE`` that says no wins."""
    return _decide(facts, as_utc(now, "now"), Timing())


def decide_each(items: Iterable[tuple[Facts, datetime]]) -> list[Decision]:
    """``decide(facts, now)`` for each pair, in order, with the same answers.

    A batch repeats itself: a thousand reminders share a few dozen time zones,
    one sending window and usually one moment, and many share all their facts.
    So equal (facts, now) pairs are decided once, and each zone set's "is the
    window open now", next opening and its wording are worked out once per
    batch. The rules and their order are ``decide``'s own, not a copy.
    """
    return Decider().each(items)


class Decider:
    """``decide_each`` over a batch that comes in parts: what one part worked out
    (equal pairs' answers, each zone set's timing) serves the parts after it."""

    __slots__ = ("_answers", "_timing")

    def __init__(self) -> None:
        self._timing = Timing()
        self._answers: dict[tuple[Facts, datetime], Decision] = {}

    def each(self, items: Iterable[tuple[Facts, datetime]]) -> list[Decision]:
        timing, answers = self._timing, self._answers
        decided: list[Decision] = []
        for pair in items:
            # The pair is its own key: no second tuple per item for a batch to hold.
            answer = answers.get(pair)
            if answer is None:
                facts, now = pair
                answer = answers[pair] = _decide(facts, as_utc(now, "now"), timing)
            decided.append(answer)
        return decided


def _decide(facts: Facts, now: datetime, timing: Timing) -> Decision:
    for check, layer in _BY_HAND if facts.manual else _AUTOMATED:
        answer = check(facts, now, timing)
        if answer is not None:
            return _layered(answer, layer)
    rule = next(iter(_laws(facts)), None)
    if _is_landline_text(facts):
        return Decision(
            Outcome.ALLOWED,
            Reason.OK,
            "This text may be sent, but the number is saved as a landline, which may "
            "not receive texts.",
            warnings=(SAVED_AS_LANDLINE,),
            rule=rule,
        )
    return Decision(Outcome.ALLOWED, Reason.OK, "This message may be sent.", rule=rule)


# --- timing -------------------------------------------------------------------


def _sms_timing(facts: Facts, now: datetime, timing: Timing) -> Decision | None:
    """None when the text may go now, else the deferral (or a block when it never may).

    A text no row of the rules table covers waits only for the account's window
    (automated texts; a manual one goes). Otherwise the table's rules for the
    number's jurisdiction decide, with the account's window beside them."""
    laws = _laws(facts)
    if laws:
        return _under_the_rules(facts, now)
    if facts.manual or timing.is_open(now, facts.time_zones, facts.window):
        return None
    not_before = timing.next_open(now, facts.time_zones, facts.window)
    when = timing.describe(not_before, facts.time_zones, facts.window)
    return Decision(
        Outcome.DEFERRED,
        Reason.OUTSIDE_SENDING_WINDOW,
        f"Texts to this number are deferred until {when} "
        f"(outside the {facts.window.describe()} sending window).",
        not_before=not_before,
    )


def _laws(facts: Facts) -> tuple[SendingRule, ...]:
    """The rules table's rows for this text, most local first: none for email or for
    a text by hand other than marketing."""
    marketing = facts.category is Category.MARKETING
    if facts.channel is not Channel.SMS or (facts.manual and not marketing):
        return ()
    return jurisdictions.applicable(sending_rules(), facts.region, marketing)


def _under_the_rules(facts: Facts, now: datetime) -> Decision | None:
    verdict = jurisdictions.evaluate(
        sending_rules(),
        facts.region,
        facts.time_zones,
        str(facts.category),
        now,
        sent=facts.marketing_sent,
        account=facts.window,
    )
    if verdict.outcome is Outcome.ALLOWED:
        return None
    return Decision(
        verdict.outcome,
        Reason(verdict.reason.value),
        verdict.message,
        not_before=verdict.not_before,
        rule=verdict.rule,
    )


# --- small helpers ----------------------------------------------------------------


def _is_landline_text(facts: Facts) -> bool:
    return facts.channel is Channel.SMS and facts.kind == "phone"


def _blocked(reason: Reason, message: str) -> Decision:
    # A block is one of a few fixed sentences: each is one Decision (frozen), built
    # once, and so is each with the layer that decided it (_layered).
    found = _BLOCKS.get((reason, message))
    if found is None:
        found = _BLOCKS[(reason, message)] = Decision(Outcome.BLOCKED, reason, message)
    return found


_BLOCKS: dict[tuple[Reason, str], Decision] = {}
_LAYERED: dict[tuple[Reason, str, Layer], Decision] = {}


def _layered(answer: Decision, layer: Layer) -> Decision:
    """``answer`` as decided by ``layer``: a block of _BLOCKS is looked up, any other
    answer written out (not dataclasses.replace, 3 us a call)."""
    key = (answer.reason, answer.message)
    if _BLOCKS.get(key) is answer:
        found = _LAYERED.get((*key, layer))
        if found is None:
            found = _LAYERED[(*key, layer)] = Decision(
                answer.outcome, answer.reason, answer.message, layer=layer
            )
        return found
    return Decision(
        answer.outcome,
        answer.reason,
        answer.message,
        answer.not_before,
        answer.warnings,
        layer,
        answer.rule,
    )


def _invalid_address_message(facts: Facts) -> str:
    if facts.address_valid and facts.channel is Channel.SMS:
        return "This contact is an email address; texts need a phone number."
    if facts.address_valid:
        return "This contact is a phone number; email needs an email address."
    if facts.channel is Channel.SMS:
        return "This is not a valid North American phone number, so it cannot be texted."
    return "This is not a valid email address, so it cannot be emailed."


_CATEGORY_NAMES = {
    Category.JOB: "job",
    Category.INVOICE_STATEMENT: "invoice and statement",
    Category.MARKETING: "marketing",
}


def _preference_off_message(facts: Facts) -> str:
    name = _CATEGORY_NAMES[facts.category]
    if facts.preference_on is None:
        return (
            "Marketing needs the customer's express consent, and this address has no "
            "contact record with marketing turned on, so no marketing message is sent."
        )
    return (
        f"This contact has {name} notifications turned off, so no automated {name} "
        "message is sent; you can still send a manual message."
    )
