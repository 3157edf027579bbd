"""Which notifications a contact method carries, and when one may be turned on.

The one place that says it (R-3, R-4, R-8, R-12, R-14): emails take job,
invoice_statement and marketing; mobiles and landlines take job and marketing;
faxes take none. The service that changes settings and the staff page that shows
the bells both ask here.
"""

from __future__ import annotations

from collections.abc import Mapping

from heed.domain.consent import AddressState
from heed.domain.errors import (
    ConsentEvidenceRequired,
    DoNotMail,
    EmailSuppressed,
    Invalid,
    SmsOptedOut,
)

CATEGORIES = ("job", "invoice_statement", "marketing")
"""Every notification category, in the order settings are shown and applied."""

PHONE_KINDS = ("mobile", "phone", "fax")
KINDS = ("mobile", "phone", "email", "fax")

_CATEGORIES_OF: dict[str, tuple[str, ...]] = {
    "email": CATEGORIES,
    "mobile": ("job", "marketing"),
    "phone": ("job", "marketing"),
    "fax": (),
}

# A number stays a number: mobile, landline and fax switch among themselves.
_SWITCHABLE = frozenset(PHONE_KINDS)


def categories_for(kind: str) -> tuple[str, ...]:
    """The notification categories a contact of ``kind`` carries, in CATEGORIES order."""
    return _CATEGORIES_OF.get(kind, ())


def check_kind_change(old: str, new: str, field: str = "kind") -> None:
    """Refuse to turn a number into an email or the other way round (R-4)."""
    if old != new and {old, new} - _SWITCHABLE:
        raise Invalid(
            "A phone number cannot become an email or the other way round: "
            "add a new contact instead.",
            field=field,
        )


def initial_settings(
    kind: str, *, notifications_enabled: bool, do_not_mail: bool, placeholder: bool
) -> dict[str, bool]:
    """A new contact's settings (R-3): job follows the account switch unless the customer
    is Do Not Mail or the value is a placeholder; the rest start off; faxes get none."""
    job = "job" in categories_for(kind) and notifications_enabled
    return {
        "job": job and not do_not_mail and not placeholder,
        "invoice_statement": False,
        "marketing": False,
    }


def new_contact_settings(
    kind: str,
    asked: Mapping[str, bool],
    consent: AddressState,
    *,
    notifications_enabled: bool,
    do_not_mail: bool,
    placeholder: bool,
    field: str,
    marketing_consented: bool = False,
) -> dict[str, bool]:
    """A new contact's settings: the defaults (R-3) with what the caller asked for."""
    settings = initial_settings(
        kind,
        notifications_enabled=notifications_enabled,
        do_not_mail=do_not_mail,
        placeholder=placeholder,
    )
    for category, on in asked.items():
        # Asking for a setting is checked even where the default would give it:
        # the caller must learn that an opted-out number cannot be switched on.
        if on:
            check_turn_on(
                kind,
                category,
                consent,
                do_not_mail=do_not_mail,
                field=f"{field}.{category}",
                marketing_consented=marketing_consented,
            )
        settings[category] = on
    return settings


def check_turn_on(
    kind: str,
    category: str,
    consent: AddressState,
    *,
    do_not_mail: bool,
    field: str,
    marketing_consented: bool = False,
) -> None:
    """Refuse to turn ``category`` on where a rule forbids it, naming the first that does:
    the kind (R-3), the customer's own word (R-12, R-14), Do Not Mail (R-8), then for
    marketing to a phone the customer's consent on record (R-24)."""
    if not categories_for(kind):
        raise Invalid("Faxes get no notifications.", field=field)
    if category not in categories_for(kind):
        raise Invalid("Invoices and statements go to email contacts only.", field=field)
    if kind in PHONE_KINDS and consent.sms_opted_out:
        raise SmsOptedOut(field=field)
    if kind == "email" and consent.suppression != "none":
        raise EmailSuppressed(
            "This email address unsubscribed or bounced; automated email to it stays off.",
            field=field,
        )
    if do_not_mail:
        raise DoNotMail(
            "This customer is Do Not Mail: notifications stay off until the flag is cleared.",
            field=field,
        )
    if category == "marketing" and kind in PHONE_KINDS and not marketing_consented:
        raise ConsentEvidenceRequired(field=field)


def turned_on(current: Mapping[str, bool], wanted: Mapping[str, bool]) -> list[str]:
    """The categories ``wanted`` switches from off to on, in CATEGORIES order."""
    return [c for c in CATEGORIES if wanted.get(c) and not current.get(c)]
