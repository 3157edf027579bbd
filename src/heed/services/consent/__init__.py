"""Consent (R-11 … R-17): inbound texts, email events, staff opt-outs and the ledger.

``ledger`` chains entries and keeps current consent beside them; ``texts``,
``email`` and ``staff`` are the verbs that change or read it.
"""

from heed.services.consent.email import (
    EMAIL_EVENTS,
    EmailEvent,
    EmailEventName,
    record_email,
    record_email_event,
)
from heed.services.consent.ledger import Ledger, append, current_consent, sms_scope
from heed.services.consent.marketing import (
    RecordMarketing,
    marketing_not_on_record,
    marketing_receipt,
    record_marketing_consent,
    withdraw_marketing_consent,
)
from heed.services.consent.staff import (
    EVENT_FIELDS,
    OptOut,
    address_consent,
    consent_history,
    event_view,
    events_csv,
    latest_events,
    ledger_events,
    parse_address,
    record_contact_opt_out,
    record_opt_out,
    record_opt_out_for_customer,
    record_staff_opt_out,
    verify_ledger,
)
from heed.services.consent.texts import (
    InboundAccount,
    InboundResult,
    InboundText,
    accounts_by_number,
    record_inbound,
    record_inbound_batch,
    record_inbound_sms,
    record_provider_opt_out,
)

# The review list's decision imports the scope rule under its former name.
_sms_scope = sms_scope

__all__ = [
    "EMAIL_EVENTS",
    "EVENT_FIELDS",
    "EmailEvent",
    "EmailEventName",
    "InboundAccount",
    "InboundResult",
    "InboundText",
    "Ledger",
    "OptOut",
    "RecordMarketing",
    "accounts_by_number",
    "address_consent",
    "append",
    "consent_history",
    "current_consent",
    "event_view",
    "events_csv",
    "latest_events",
    "ledger_events",
    "marketing_not_on_record",
    "marketing_receipt",
    "parse_address",
    "record_contact_opt_out",
    "record_email",
    "record_email_event",
    "record_inbound",
    "record_inbound_batch",
    "record_inbound_sms",
    "record_marketing_consent",
    "record_opt_out",
    "record_opt_out_for_customer",
    "record_provider_opt_out",
    "record_staff_opt_out",
    "sms_scope",
    "verify_ledger",
    "withdraw_marketing_consent",
]
