"""A CSV row of customers, locations and contacts as heed reads it (R-32).

Plain rules, no database: which header names mean which column (with the aliases
other systems use), what one row asks for, and what is wrong or suspicious in it.
The import service (heed.services.csv_import) decides what the row changes.

A row is the unit of failure: a value heed would refuse by hand (a malformed
number, a name too long, a NUL) refuses the row, named in ``errors``; the other
rows go on. Placeholders (R-2) are kept and flagged; an international number is
left out and flagged; a column claiming marketing consent is flagged and never
gives consent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from heed.domain import limits
from heed.domain.addresses import ParsedValue, parse_contact_value
from heed.domain.errors import InternationalNumber, Invalid

#: The columns heed reads and writes, in the order its export writes them (CONTRACT.md).
COLUMNS = (
    "external_id",
    "customer_name",
    "location_name",
    "street",
    "unit",
    "city",
    "state",
    "postal_code",
    "country",
    "mobile",
    "phone",
    "email",
    "fax",
    "memo",
    "do_not_mail",
    "invoice_delivery",
    "sms_opted_out",
)
CONTACT_COLUMNS = ("mobile", "phone", "email", "fax")
ADDRESS_COLUMNS = ("street", "unit", "city", "state", "postal_code", "country")
#: Columns that claim marketing consent: read only to flag them (never consent).
MARKETING_CLAIM = "marketing_claim"
#: Columns that would carry consent evidence; still no consent without a form (R-13).
EVIDENCE = "consent_evidence"

_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "customer_id", "customer_number", "account_number", "ext_id"),
    "customer_name": ("name", "customer", "full_name", "client_name", "display_name"),
    "location_name": ("location", "site", "site_name", "service_location"),
    "street": ("address", "address1", "address_1", "street_address", "address_line_1"),
    "unit": ("address2", "address_2", "address_line_2", "apt", "suite"),
    "city": ("town",),
    "state": ("province", "region", "state_province"),
    "postal_code": ("zip", "zip_code", "zipcode", "postcode", "postal"),
    "country": ("country_code",),
    "mobile": ("mobile_phone", "cell", "cell_phone", "cellphone", "mobile_number", "sms"),
    "phone": ("phone_number", "home_phone", "landline", "telephone", "tel", "work_phone"),
    "email": ("e_mail", "email_address", "e_mail_address"),
    "fax": ("fax_number",),
    "memo": ("note", "notes", "contact_memo"),
    "do_not_mail": ("dnm", "no_mail"),
    "invoice_delivery": ("invoice_by", "invoices"),
    "sms_opted_out": ("opted_out", "sms_opt_out", "unsubscribed", "do_not_text"),
    MARKETING_CLAIM: (
        "marketing",
        "marketing_consent",
        "accepts_marketing",
        "sms_marketing",
        "email_marketing",
        "marketing_opt_in",
        "opt_in",
    ),
    EVIDENCE: (
        "consent_source",
        "consent_date",
        "consent_at",
        "consent_ip",
        "consent_evidence",
        "opt_in_date",
        "opt_in_source",
    ),
}
ALIASES: dict[str, str] = {
    alias: column for column, names in _ALIASES.items() for alias in (column, *names)
}

_TRUE = {"true", "yes", "y", "1", "x", "on"}
_FALSE = {"false", "no", "n", "0", "off", ""}
_LIMITS = {
    "external_id": limits.NAME,
    "customer_name": limits.NAME,
    "location_name": limits.NAME,
    "memo": limits.MEMO,
    **dict.fromkeys(ADDRESS_COLUMNS, limits.NAME),
}


def header_key(name: str) -> str:
    """``"Mobile Phone"``, ``"E-mail"``, ``" Zip "`` → ``mobile_phone``, ``e_mail``, ``zip``."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lstrip("\ufeff").casefold()).strip("_")


@dataclass(frozen=True)
class Header:
    """Which position of the file holds which column; what heed did not recognise."""

    positions: dict[str, int]
    unknown: list[str]
    evidence: bool

    @classmethod
    def read(cls, names: Sequence[str]) -> Header:
        """Columns by name, any order; the first of two names for one column wins and
        the second is reported with the unknown ones. Refuses a file heed cannot read."""
        positions: dict[str, int] = {}
        unknown: list[str] = []
        evidence = False
        for i, name in enumerate(names):
            column = ALIASES.get(header_key(name))
            if column == EVIDENCE:
                evidence = True
            elif column is None or column in positions:
                unknown.append(name)
            else:
                positions[column] = i
        if "customer_name" not in positions and "external_id" not in positions:
            raise Invalid(
                "The header names neither customer_name nor external_id: heed cannot tell "
                "whose row is whose. The first line must name the columns.",
                field="header",
            )
        return cls(positions, unknown, evidence)

    def cells(self, record: Sequence[str]) -> dict[str, str]:
        return {
            column: record[i].strip() if i < len(record) else ""
            for column, i in self.positions.items()
        }


@dataclass(frozen=True)
class Flag:
    """A value kept (or left out) and listed for clean-up; the row still imports."""

    row: int
    field: str
    value: str
    reason: str


@dataclass(frozen=True)
class RowError:
    """Why a row was not imported."""

    row: int
    field: str
    message: str


@dataclass(frozen=True)
class RowContact:
    kind: str
    value: str
    placeholder: bool


@dataclass
class ImportRow:
    """What one valid row asks for; blank cells ask for nothing."""

    row: int
    external_id: str | None = None
    customer_name: str | None = None
    do_not_mail: bool | None = None
    invoice_delivery: str | None = None
    location_name: str | None = None
    address: str | None = None
    contacts: list[RowContact] = field(default_factory=list)
    memo: str | None = None
    sms_opted_out: bool = False
    flags: list[Flag] = field(default_factory=list)

    @property
    def has_location(self) -> bool:
        return self.location_name is not None or self.address is not None


def compose_address(cells: Mapping[str, str]) -> str | None:
    """The location's address text from the structured columns.

    The one place that turns street, unit, city, state, postal_code and country into
    the single ``locations.address`` text; when locations keep those columns
    themselves, this and :func:`address_cells` are what change.
    """
    street = ", ".join(p for p in (cells.get("street", ""), cells.get("unit", "")) if p)
    region = " ".join(p for p in (cells.get("state", ""), cells.get("postal_code", "")) if p)
    town = ", ".join(p for p in (cells.get("city", ""), region) if p)
    text = "\n".join(p for p in (street, town, cells.get("country", "")) if p)
    return text or None


def address_cells(address: str | None) -> dict[str, str]:
    """The export's address columns for a stored address text (see compose_address):
    the whole text in ``street``, so importing it again composes the same text."""
    return {column: "" for column in ADDRESS_COLUMNS} | {"street": address or ""}


def parse_flag(value: str, column: str) -> bool:
    folded = value.strip().casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise Invalid(f"{column} must be true or false (yes/no, 1/0), not {value!r}.", field=column)


def parse_invoice_delivery(value: str) -> str:
    """``mail``, ``email``, ``both``, ``mail,email`` or ``mail email`` → stored form."""
    parts = {p for p in re.split(r"[\s,;/+&]+", value.strip().casefold()) if p}
    if parts == {"both"}:
        parts = {"mail", "email"}
    if not parts or not parts <= {"mail", "email"}:
        raise Invalid(
            f'invoice_delivery must be "mail", "email" or "mail,email", not {value!r}.',
            field="invoice_delivery",
        )
    return ",".join(p for p in ("mail", "email") if p in parts)


def _checked_text(cells: Mapping[str, str]) -> None:
    for column, value in cells.items():
        multiline = column in ADDRESS_COLUMNS
        why = limits.refused_character(value, multiline=multiline) or too_long(column, value)
        if why:
            raise Invalid(f"{column} {why}.", field=column)


def too_long(column: str, value: str) -> str | None:
    return limits.too_long(value, _LIMITS.get(column, limits.ADDRESS))


def read_row(
    number: int, cells: Mapping[str, str], header: Header, placeholders: Sequence[str] = ()
) -> ImportRow:
    """One row's request, or Invalid naming the column that refuses the row."""
    _checked_text(cells)
    row = ImportRow(
        row=number,
        external_id=cells.get("external_id") or None,
        customer_name=cells.get("customer_name") or None,
        location_name=cells.get("location_name") or None,
        address=compose_address(cells),
        memo=cells.get("memo") or None,
    )
    if row.address is not None and len(row.address) > limits.POSTAL_ADDRESS:
        raise Invalid(
            f"The address (street to country) must be at most {limits.POSTAL_ADDRESS} "
            "characters together.",
            field="street",
        )
    if cells.get("do_not_mail"):
        row.do_not_mail = parse_flag(cells["do_not_mail"], "do_not_mail")
    if cells.get("invoice_delivery"):
        row.invoice_delivery = parse_invoice_delivery(cells["invoice_delivery"])
    row.sms_opted_out = parse_flag(cells.get("sms_opted_out", ""), "sms_opted_out")
    if row.external_id is None and row.customer_name is None:
        raise Invalid(
            "customer_name is required when a row has no external_id.", field="customer_name"
        )
    for kind in CONTACT_COLUMNS:
        if cells.get(kind):
            _add_contact(row, kind, cells[kind], placeholders)
    claim = cells.get(MARKETING_CLAIM, "")
    if claim and parse_flag(claim, MARKETING_CLAIM):
        reason = (
            "marketing_consent_not_imported"
            if header.evidence
            else ("marketing_consent_without_evidence")
        )
        row.flags.append(Flag(number, "marketing", claim, reason))
    return row


def _add_contact(row: ImportRow, kind: str, text: str, placeholders: Sequence[str]) -> None:
    try:
        parsed: ParsedValue = parse_contact_value(
            kind, text, extra_placeholders=placeholders, allow_placeholder=True, field=kind
        )
    except InternationalNumber:
        row.flags.append(Flag(row.row, kind, text, "international_number"))
        return
    if parsed.placeholder:
        row.flags.append(Flag(row.row, kind, text, "placeholder"))
    row.contacts.append(RowContact(kind, parsed.value, parsed.placeholder))


REASONS = {
    "placeholder": "kept and flagged: a placeholder is never messaged (R-2)",
    "international_number": "left out: only US and Canadian numbers can be saved",
    "marketing_consent_without_evidence": (
        "no marketing consent given: the file claims it without any evidence"
    ),
    "marketing_consent_not_imported": (
        "no marketing consent given: an import never gives it; record it from the "
        "customer's own consent"
    ),
}
