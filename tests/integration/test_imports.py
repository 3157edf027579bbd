"""Bulk import and staff-recorded opt-outs (R-2, R-12, R-17)."""

from __future__ import annotations

import pytest
from integration_support import counting_statements

from heed.bootstrap import Heed
from heed.domain.errors import Invalid, SmsOptedOut
from heed.services import consent, customers, decisions, imports
from heed.services.common import Principal


def _row(name: str, *contacts: dict[str, object]) -> dict[str, object]:
    return {"name": name, "contacts": list(contacts)}


def test_an_import_keeps_placeholders_flagged_and_never_messages_them(
    heed: Heed, staff: Principal
) -> None:
    result = imports.import_customers(
        heed.uow,
        staff,
        [
            _row("Ann Placeholder", {"kind": "mobile", "value": "(123) 456-7890"}),
            _row("Real Rita", {"kind": "mobile", "value": "(512) 621-3344"}),
        ],
    )
    ann = customers.get_customer(heed.uow, staff, result["created"][0])
    contact = ann["contacts"][0]
    assert contact["placeholder"] is True
    assert "placeholder_contact" in ann["flags"]
    decision = decisions.decide_one(
        heed.uow,
        staff,
        decisions.DecisionRequest.parse(
            {"channel": "sms", "contact_id": contact["id"], "manual": True}
        ),
    )
    assert decision["reason"] == "placeholder"


def test_an_import_with_one_bad_row_writes_nothing(heed: Heed, staff: Principal) -> None:
    with pytest.raises(Invalid) as refused:
        imports.import_customers(
            heed.uow,
            staff,
            [
                _row("Good Gary", {"kind": "mobile", "value": "(512) 621-3345"}),
                _row("Bad Bea", {"kind": "mobile", "value": "+44 20 7946 0958"}),
            ],
        )
    assert refused.value.details["field"] == "customers[1].contacts[0].value"
    assert customers.list_customers(heed.uow, staff, q="Good Gary")["items"] == []


def test_contacts_imported_as_opted_out_arrive_opted_out_in_the_ledger(
    heed: Heed, staff: Principal
) -> None:
    imports.import_customers(
        heed.uow,
        staff,
        [
            _row(
                "Olive Out",
                {"kind": "mobile", "value": "512-621-3346", "opted_out": True},
                {"kind": "email", "value": "olive@acme-mail.com", "opted_out": True},
            ),
        ],
    )
    sms = consent.address_consent(heed.uow, staff, "+15126213346")
    email = consent.address_consent(heed.uow, staff, "olive@acme-mail.com")
    assert sms["opted_out"] and sms["events"][0]["source"] == "import"
    assert email["suppressed"] and email["events"][0]["source"] == "import"


def test_staff_can_record_an_opt_out_but_never_an_opt_in(heed: Heed, staff: Principal) -> None:
    assert consent.record_opt_out_for_customer(
        heed.uow, staff, "(512) 621-3347", note="asked on the phone"
    )
    assert not consent.record_opt_out_for_customer(heed.uow, staff, "5126213347")
    state = consent.address_consent(heed.uow, staff, "+15126213347")
    assert state["opted_out"]
    assert [e["source"] for e in state["events"]] == ["staff"]
    assert state["events"][0]["actor"] == staff.actor
    with pytest.raises(Invalid):
        consent.record_opt_out_for_customer(heed.uow, staff, "5126213347", source="keyword")


def _customers(count: int, first_number: int) -> list[dict[str, object]]:
    """Customers each with a mobile asking for texts, a location and an email."""
    rows: list[dict[str, object]] = []
    for n in range(first_number, first_number + count):
        mobile = f"(512) 62{n // 10000 % 10}-{n % 10000:04d}"
        rows.append(
            {
                "name": f"Customer {n}",
                "contacts": [{"kind": "mobile", "value": mobile, "notifications": {"job": True}}],
                "locations": [
                    {"name": "Home", "contacts": [{"kind": "email", "value": f"c{n}@example.com"}]}
                ],
            }
        )
    return rows


def test_an_import_of_a_thousand_customers_runs_as_many_statements_as_one_of_ten(
    heed: Heed, staff: Principal
) -> None:
    with counting_statements(heed) as ten:
        imports.import_customers(heed.uow, staff, _customers(10, 0))
    with counting_statements(heed) as thousand:
        result = imports.import_customers(heed.uow, staff, _customers(1000, 100))
    assert len(result["created"]) == 1000
    assert len(thousand) == len(ten)
    imported = customers.get_customer(heed.uow, staff, result["created"][999])
    assert imported["contacts"][0]["notifications"]["job"] is True
    assert imported["locations"][0]["name"] == "Home"


def test_an_import_names_the_first_refused_row_when_several_are_wrong(
    heed: Heed, staff: Principal
) -> None:
    consent.record_opt_out_for_customer(heed.uow, staff, "+15126200001", note="asked on a call")
    rows = _customers(3, 0)
    rows[2]["contacts"] = [{"kind": "mobile", "value": "not a number"}]
    with pytest.raises(SmsOptedOut) as refused:
        imports.import_customers(heed.uow, staff, rows)
    assert refused.value.details["field"] == "customers[1].contacts[0].notifications.job"
    assert customers.list_customers(heed.uow, staff)["items"] == []


def test_an_import_with_a_vanity_number_is_refused_naming_the_row(
    heed: Heed, staff: Principal
) -> None:
    with pytest.raises(Invalid) as refused:
        imports.import_customers(
            heed.uow,
            staff,
            [
                _row("Vera Vanity", {"kind": "phone", "value": "(512) 621-3346"}),
                _row("Tom Tryheed", {"kind": "mobile", "value": "512-TRY-HEED"}),
            ],
        )
    assert refused.value.code == "invalid_phone"
    assert "Letters are not accepted" in refused.value.message
    assert refused.value.details["field"] == "customers[1].contacts[0].value"
    assert customers.list_customers(heed.uow, staff, q="Vera Vanity")["items"] == []


def test_an_imported_vanity_placeholder_is_kept_flagged_like_any_placeholder(
    heed: Heed, staff: Principal
) -> None:
    result = imports.import_customers(
        heed.uow, staff, [_row("Pat Keypad", {"kind": "mobile", "value": "222-AAA-AAAA"})]
    )
    pat = customers.get_customer(heed.uow, staff, result["created"][0])
    assert pat["contacts"][0]["placeholder"] is True
    assert "placeholder_contact" in pat["flags"]
