"""Reading a CSV import's header and rows (R-32, R-2): aliases, flags and refusals."""

from __future__ import annotations

import pytest

from heed.domain.errors import Invalid
from heed.domain.import_rows import Header, address_cells, compose_address, read_row


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("Mobile Phone", "mobile"),
        ("Cell", "mobile"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Zip", "postal_code"),
        (" ZIP Code ", "postal_code"),
        ("\ufeffExternal ID", "external_id"),
        ("Name", "customer_name"),
        ("SMS Opted Out", "sms_opted_out"),
    ],
)
def test_common_header_names_are_read_as_heed_s_columns(name: str, column: str) -> None:
    header = Header.read(["customer_name", name] if column != "customer_name" else [name])
    assert column in header.positions


def test_unknown_and_repeated_columns_are_reported_not_read() -> None:
    header = Header.read(["Name", "Cell", "Mobile", "Favourite colour"])
    assert header.unknown == ["Mobile", "Favourite colour"]


def test_a_header_naming_no_customer_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        Header.read(["colour", "size"])
    assert refused.value.details["field"] == "header"


def _row(**cells: str) -> dict[str, str]:
    return {"customer_name": "Ann", **cells}


def test_a_placeholder_is_kept_and_flagged_and_an_international_number_left_out() -> None:
    header = Header.read(["customer_name", "mobile", "phone"])
    row = read_row(2, _row(mobile="(123) 456-7890", phone="+44 20 7946 0958"), header)
    assert [(c.kind, c.placeholder) for c in row.contacts] == [("mobile", True)]
    assert [(f.field, f.reason) for f in row.flags] == [
        ("mobile", "placeholder"),
        ("phone", "international_number"),
    ]


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"mobile": "512-55"}, "mobile"),
        ({"email": "not an email"}, "email"),
        ({"customer_name": "x" * 201}, "customer_name"),
        ({"memo": "a\x00b"}, "memo"),
        ({"do_not_mail": "maybe"}, "do_not_mail"),
        ({"invoice_delivery": "fax"}, "invoice_delivery"),
        ({"customer_name": ""}, "customer_name"),
    ],
)
def test_a_value_refused_by_hand_refuses_its_row_naming_the_column(
    cells: dict[str, str], field: str
) -> None:
    header = Header.read(["customer_name", *cells])
    with pytest.raises(Invalid) as refused:
        read_row(2, _row(**cells), header)
    assert refused.value.details["field"] == field


def test_a_marketing_claim_is_flagged_never_consent() -> None:
    plain = Header.read(["customer_name", "Accepts Marketing"])
    row = read_row(2, _row(marketing_claim="yes"), plain)
    assert row.flags[0].reason == "marketing_consent_without_evidence"
    evidenced = Header.read(["customer_name", "Accepts Marketing", "Consent Source"])
    row = read_row(2, _row(marketing_claim="yes"), evidenced)
    assert row.flags[0].reason == "marketing_consent_not_imported"


def test_address_columns_compose_one_text_and_the_export_writes_it_back_whole() -> None:
    cells = {"street": "12 Main St", "unit": "Apt 4", "city": "Austin", "state": "TX"}
    text = compose_address({**cells, "postal_code": "78701", "country": "US"})
    assert text == "12 Main St, Apt 4\nAustin, TX 78701\nUS"
    assert compose_address(address_cells(text)) == text
    assert compose_address({}) is None
