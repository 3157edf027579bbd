"""The API's request and response shapes (CONTRACT.md), apart from the domain's types.

Request models (``…Create``, ``…Update``, ``…Request``) are strict: a wrong JSON
type is a 422 ``validation_error`` naming the field, never a silent coercion
("true" is not true). They only check shape; the services own the rules (a valid
phone number, a placeholder, Do Not Mail), so routes pass ``sent()`` (the
fields sent, ``model_dump(exclude_unset=True)``) on and an absent field stays absent.
Response models (``…Public``) mirror the plain dicts the services answer, so
/openapi.json describes every answer exactly.
"""

from __future__ import annotations

from heed.entrypoints.api.schemas.account import (
    AccountPublic,
    AccountUpdate,
    SendingWindow,
    SendingWindowPublic,
)
from heed.entrypoints.api.schemas.base import (
    CategoryName,
    ChannelName,
    ErrorDetail,
    ErrorPublic,
    HealthPublic,
    Kind,
    OwnerType,
    Public,
    Request,
)
from heed.entrypoints.api.schemas.consent import (
    ConsentEventPublic,
    ConsentPublic,
    InboundEmail,
    InboundEmailPublic,
    InboundSms,
    InboundSmsPublic,
    LedgerPublic,
    MarketingConsentCreate,
    MarketingConsentRecorded,
    MarketingPublic,
    MarketingWithdraw,
    NotOnRecordPublic,
    StaffOptOut,
)
from heed.entrypoints.api.schemas.contacts import (
    ContactChangePublic,
    ContactCreate,
    ContactPublic,
    ContactUpdate,
    ContactUpdated,
    NotificationsIn,
    NotificationsPublic,
    OwnerRef,
    SyncCandidate,
    SyncRequest,
    SyncResult,
)
from heed.entrypoints.api.schemas.customers import (
    CustomerCreate,
    CustomerPage,
    CustomerPublic,
    CustomerRef,
    CustomerSummary,
    CustomerUpdate,
    LocationCreate,
    LocationPublic,
    LocationRef,
    LocationUpdate,
    LookupPublic,
)
from heed.entrypoints.api.schemas.decisions import (
    DecisionBatch,
    DecisionBatchPublic,
    DecisionPublic,
    DecisionRequest,
    RecipientPublic,
    RecipientsPublic,
    RecipientsRequest,
)
from heed.entrypoints.api.schemas.messages import MessageCreate, MessagePublic

__all__ = [
    "AccountPublic",
    "AccountUpdate",
    "CategoryName",
    "ChannelName",
    "ConsentEventPublic",
    "ConsentPublic",
    "ContactChangePublic",
    "ContactCreate",
    "ContactPublic",
    "ContactUpdate",
    "ContactUpdated",
    "CustomerCreate",
    "CustomerPage",
    "CustomerPublic",
    "CustomerRef",
    "CustomerSummary",
    "CustomerUpdate",
    "DecisionBatch",
    "DecisionBatchPublic",
    "DecisionPublic",
    "DecisionRequest",
    "ErrorDetail",
    "ErrorPublic",
    "HealthPublic",
    "InboundEmail",
    "InboundEmailPublic",
    "InboundSms",
    "InboundSmsPublic",
    "Kind",
    "LedgerPublic",
    "LocationCreate",
    "LocationPublic",
    "LocationRef",
    "LocationUpdate",
    "LookupPublic",
    "MarketingConsentCreate",
    "MarketingConsentRecorded",
    "MarketingPublic",
    "MarketingWithdraw",
    "MessageCreate",
    "MessagePublic",
    "NotOnRecordPublic",
    "NotificationsIn",
    "NotificationsPublic",
    "OwnerRef",
    "OwnerType",
    "Public",
    "RecipientPublic",
    "RecipientsPublic",
    "RecipientsRequest",
    "Request",
    "SendingWindow",
    "SendingWindowPublic",
    "StaffOptOut",
    "SyncCandidate",
    "SyncRequest",
    "SyncResult",
]
