"""Bulk import and staff-recorded opt-outs (R-2, R-12, R-17)."""

from __future__ import annotations

import pytest

from heed.bootstrap import Heed
from heed.domain.errors import Invalid
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
        heed.uow, staff, {"channel": "sms", "contact_id": contact["id"], "manual": True}
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
