"""heed's tables.

The account id leads every primary key and index, so every look-up is scoped to
one account and the schema could be distributed by account later. Alembic owns
the schema (migrations/); these classes are its mirror for queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from heed.adapters.db.sealed import SealedText

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored and returned as aware UTC datetimes on every database.

    SQLite keeps no time zone, so values are written as naive UTC and read back
    with UTC attached; the ledger's hashes depend on reading back what was written.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("heed stores aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    customer_notifications_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sms_opt_out_scope: Mapped[str] = mapped_column(String(10), default="account")
    window_start: Mapped[str] = mapped_column(String(5), default="08:00")
    window_end: Mapped[str] = mapped_column(String(5), default="21:00")
    placeholders: Mapped[list[str]] = mapped_column(JSON, default=list)
    help_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The account's own STOP/START confirmations and HELP replies, language → kind →
    # text; the English HELP reply is help_text.
    reply_texts: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    # The double opt-in text; None: heed's default naming the business.
    marketing_disclosure: Mapped[str | None] = mapped_column(Text, nullable=True)
    twilio_auth_token: Mapped[str | None] = mapped_column(SealedText(), nullable=True)
    # The head of the ledger's legacy segment: the entries written before the
    # ledger was striped. Frozen since; new entries move their stripe's head.
    ledger_seq: Mapped[int] = mapped_column(Integer, default=0)
    ledger_head: Mapped[str] = mapped_column(String(64), default="0" * 64)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BusinessNumber(Base):
    __tablename__ = "business_numbers"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    __table_args__ = (
        ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        # A number rings at one business: inbound texts find their account by it.
        Index("ux_business_numbers_number", "number", unique=True),
    )


class ApiKey(Base):
    __tablename__ = "api_keys"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    permissions: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "standard" (the account's own and its integrations' keys) or "gateway": a key
    # that may only post inbound messages, and the only key that may.
    kind: Mapped[str] = mapped_column(String(20), default="standard", server_default="standard")
    __table_args__ = (
        ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        Index("ux_api_keys_key_hash", "key_hash", unique=True),
    )


class User(Base):
    __tablename__ = "users"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    # How staff know each other; None shows the email instead (issue 16).
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (
        ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        Index("ux_users_email", "email", unique=True),
    )


class StaffSession(Base):
    """A signed-in staff member. Only a hash of the cookie's token is kept, so a copy of
    the database signs nobody in; deleting the row ends the sign-in at once."""

    __tablename__ = "staff_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (
        ForeignKeyConstraint(["account_id", "user_id"], ["users.account_id", "users.id"]),
        Index("ix_staff_sessions_account_id_user_id", "account_id", "user_id"),
    )


class Customer(Base):
    __tablename__ = "customers"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Case folding can triple a name's length ("ΐ" folds to three characters).
    name_key: Mapped[str] = mapped_column(String(600))
    do_not_mail: Mapped[bool] = mapped_column(Boolean, default=False)
    invoice_delivery: Mapped[str] = mapped_column(String(20), default="mail")
    billing_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The billing address's parts when it was given structured; else all None.
    billing_street: Mapped[str | None] = mapped_column(String(200), nullable=True)
    billing_unit: Mapped[str | None] = mapped_column(String(50), nullable=True)
    billing_city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    billing_state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    billing_postal_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    billing_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    # The country whose email marketing law applies: "CA" needs CASL consent.
    consent_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    # CASL implied consent: a purchase (2 years) or an inquiry (6 months), set by the integrator.
    last_purchase_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_inquiry_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The customer's id in the system it was imported from: a later import of the same
    # id updates this customer instead of adding another.
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    __table_args__ = (
        ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        Index("ix_customers_account_name", "account_id", "name_key", "id"),
        Index("ux_customers_account_external_id", "account_id", "external_id", unique=True),
        # Every column the send decision reads of a customer (adapters/db/decision_facts.py),
        # so a decision finds them in the index and never visits the table (migration 0020).
        Index(
            "ix_customers_account_decision",
            "account_id",
            "id",
            "do_not_mail",
            "consent_country",
            "billing_country",
            "last_purchase_at",
            "last_inquiry_at",
        ),
    )


class Location(Base):
    __tablename__ = "locations"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The address's parts when it was given structured; else all None.
    address_street: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address_unit: Mapped[str | None] = mapped_column(String(50), nullable=True)
    address_city: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address_state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    address_postal_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    address_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    # The zone the location's texts are timed in, and where it came from: "given" (typed
    # by staff or a caller) or "postal_code" (the structured address's); None: neither.
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    time_zone_source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "customer_id"], ["customers.account_id", "customers.id"]
        ),
        Index("ix_locations_account_customer", "account_id", "customer_id"),
        # What the send decision reads of a location (zone and structured state), 0020.
        Index(
            "ix_locations_account_decision",
            "account_id",
            "id",
            "time_zone",
            "address_country",
            "address_state",
        ),
    )


class Contact(Base):
    __tablename__ = "contacts"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40))
    location_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(320))
    memo: Mapped[str | None] = mapped_column(String(200), nullable=True)
    notify_job: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_invoice_statement: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    placeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "customer_id"], ["customers.account_id", "customers.id"]
        ),
        Index("ix_contacts_account_value", "account_id", "value"),
        Index("ix_contacts_account_customer", "account_id", "customer_id"),
        Index("ix_contacts_account_location", "account_id", "location_id"),
        # Every column the send decision reads of a contact, and the keys it joins on:
        # a batch of 1,000 decisions probes three tables a thousand times each, and an
        # index holding the columns halves the pages each probe reads (migration 0020).
        Index(
            "ix_contacts_account_decision",
            "account_id",
            "id",
            "customer_id",
            "location_id",
            "kind",
            "value",
            "placeholder",
            "notify_job",
            "notify_invoice_statement",
            "notify_marketing",
        ),
    )


class PreferenceLink(Base):
    """The current preference-page link of a customer (R-31). Only a hash of its nonce is
    kept; raising ``generation`` revokes every link made before."""

    __tablename__ = "preference_links"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    nonce_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "customer_id"], ["customers.account_id", "customers.id"]
        ),
    )


class ContactChange(Base):
    """Every change of a contact's value (R-5), and the source of a later sync (R-6)."""

    __tablename__ = "contact_changes"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(String(320), nullable=True)
    new_value: Mapped[str | None] = mapped_column(String(320), nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (Index("ix_contact_changes_contact", "account_id", "contact_id", "at"),)


class ConsentEvent(Base):
    """The consent ledger (R-17): append-only; the database refuses UPDATE and DELETE."""

    __tablename__ = "consent_events"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    address: Mapped[str] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(30))
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(500), nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The credential that delivered the entry; empty on entries from before.
    via: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A marketing consent's evidence: canonical JSON, part of the entry's hash.
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The stripe whose chain holds the entry; None in the legacy segment.
    stripe: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (
        Index("ix_consent_events_address", "account_id", "address", "seq"),
        # Stripes interleave seqs, so "newest first" reads by time.
        Index("ix_consent_events_at", "account_id", "at"),
        # A provider message is recorded once, however often it is delivered.
        Index(
            "ux_consent_events_provider_message",
            "account_id",
            "provider_message_id",
            unique=True,
        ),
    )


class LedgerStripe(Base):
    """The head of one of an account's ledger stripes (R-17, domain/consent.py): the seq
    of its last entry (0 for none) and that entry's hash (the legacy head for none).
    Its row is the lock a writer of that stripe takes; it only moves forward."""

    __tablename__ = "ledger_stripes"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    stripe: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    __table_args__ = (ForeignKeyConstraint(["account_id"], ["accounts.id"]),)


class ConsentState(Base):
    """Current consent per address and scope, kept in step with the ledger."""

    __tablename__ = "consent_state"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    suppression: Mapped[str] = mapped_column(String(10), default="none")
    last_seq: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MarketingConsent(Base):
    """Current marketing consent per address (R-24), kept in step with the ledger's
    marketing entries; the evidence itself stays in the ledger entry ``consent_seq``."""

    __tablename__ = "marketing_consent"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    consented: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    withdrawn_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    pending_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    request_message_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboundMessage(Base):
    """Every inbound text, keyword or not, recorded once per provider message id."""

    __tablename__ = "inbound_messages"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider_message_id: Mapped[str] = mapped_column(String(500), primary_key=True)
    from_number: Mapped[str] = mapped_column(String(20))
    to_number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsentReview(Base):
    """An inbound text heed could not read as a revocation or not: a person decides (R-29)."""

    __tablename__ = "consent_reviews"
    __table_args__ = (
        Index(
            "ux_consent_reviews_account_id_message",
            "account_id",
            "provider_message_id",
            unique=True,
        ),
        Index("ix_consent_reviews_account_id_from_number", "account_id", "from_number"),
    )
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider_message_id: Mapped[str] = mapped_column(String(500))
    from_number: Mapped[str] = mapped_column(String(20))
    to_number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(8))
    why: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


def _first_due(context: Any) -> datetime | None:
    """A new message is due when queued, or at its not_before when deferred; a row
    inserted without saying so still reaches the outbox."""
    row = context.get_current_parameters()
    due: datetime | None = {"queued": row.get("created_at"), "deferred": row.get("not_before")}.get(
        row.get("status")
    )
    return due


class Message(Base):
    """The outbox: every message heed let through, with its fate."""

    __tablename__ = "messages"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column(String(320))
    from_: Mapped[str | None] = mapped_column("from", String(320), nullable=True)
    contact_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    manual: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    provider_id: Mapped[str | None] = mapped_column(String(500), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Delivery attempts so far; one per hand-over to the provider.
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    # When the outbox should next look at the message: queued now, deferred at
    # not_before, sending when its lease runs out, a retry after its backoff. NULL
    # once settled, so the outbox's one due query reads only live messages.
    next_attempt_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, default=_first_due
    )
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (
        Index("ix_messages_due", "account_id", "status", "not_before"),
        Index("ix_messages_to", "account_id", "to", "category", "created_at"),
        Index("ix_messages_next_attempt", "next_attempt_at", "status"),
    )


class AuditEntry(Base):
    """Who changed what, when, old → new (R-23)."""

    __tablename__ = "audit_log"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The record the row belongs to: a customer's history reads by customer_id and
    # keeps the rows of contacts removed since; empty for account settings and reviews.
    customer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    location_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    __table_args__ = (
        Index("ix_audit_log_entity", "account_id", "entity", "entity_id", "at"),
        Index("ix_audit_log_customer", "account_id", "customer_id", "at", "id"),
        Index("ix_audit_log_location", "account_id", "location_id", "at", "id"),
    )


class InstanceSetting(Base):
    """Settings of the heed installation itself, not of any one business.

    Holds the signing secret when HEED_SECRET_KEY is not set, so sessions and
    unsubscribe links outlive a restart, and the key check; both stored sealed
    (adapters/db/keys.py).
    """

    __tablename__ = "instance_settings"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LedgerCheck(Base):
    """The latest verification of each account's consent ledger (R-17), seen by every
    process: the staff UI warns admins while the latest one failed."""

    __tablename__ = "ledger_checks"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean)
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)


class LedgerCheckRun(Base):
    """When the periodic ledger check last started: one row, claimed by a conditional
    UPDATE, so of several heed processes one runs each check."""

    __tablename__ = "ledger_check_runs"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ImportJob(Base):
    """One CSV import (R-32): its status, progress and counts, seen by every process.

    A process running an import touches ``heartbeat_at`` after every chunk; a job
    still ``running`` long after its last heartbeat belonged to a process that died,
    and is marked failed by a conditional UPDATE (one process wins it).
    """

    __tablename__ = "import_jobs"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rows: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
    unknown_columns: Mapped[list[str]] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (
        ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        Index("ix_import_jobs_status", "status", "heartbeat_at"),
    )


class ImportProblem(Base):
    """A flagged value (``kind`` flag) or a refused row (``kind`` error) of an import."""

    __tablename__ = "import_problems"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    import_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(10))
    row: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "import_id"], ["import_jobs.account_id", "import_jobs.id"]
        ),
    )
