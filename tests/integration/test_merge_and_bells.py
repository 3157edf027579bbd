"""Merging two customers (contacts and locations move, consent stays with the address) and
setting one notification for every contact of a customer at once (R-8, R-12, R-17, R-23)."""

from __future__ import annotations

from typing import Any

import pytest
from integration_support import MakeRecord, ReceiveText, audit_rows, ledger, random_number
from sqlalchemy import func, select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.errors import Forbidden, Invalid, NotFound
from heed.services import bells, common, customers, merge, preference_links
from heed.services.common import Principal
from heed.services.customer_commands import CustomerChanges


def _merge(heed: Heed, staff: Principal, keep: str, other: str) -> dict[str, object]:
    command = merge.MergeCustomers.parse(keep, {"from_customer_id": other})
    return merge.merge_customers(heed.uow, staff, command)


def _consent_rows(heed: Heed, account_id: str) -> list[tuple[object, ...]]:
    with heed.uow.read() as tx:
        return [
            tuple(row)
            for row in tx.session.execute(
                select(
                    t.ConsentState.address,
                    t.ConsentState.scope,
                    t.ConsentState.opted_out,
                    t.ConsentState.last_seq,
                )
                .where(t.ConsentState.account_id == account_id)
                .order_by(t.ConsentState.address, t.ConsentState.scope)
            )
        ]


def test_a_merge_moves_contacts_and_locations_and_removes_the_other_customer(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    keep = make_customer("Maria Alvarez", billing_address="4100 Speedway")
    other = make_customer("Maria Alvarez (old)")
    own = add_contact(other["id"], "mobile", random_number())
    lake = make_location(other["id"], "Lake house")
    on_lake = add_contact(lake["id"], "email", "maria@lake-house.org")

    merged = _merge(heed, staff, keep["id"], other["id"])

    assert merged["moved_contact_ids"] == [own["id"], on_lake["id"]]
    assert merged["moved_location_ids"] == [lake["id"]]
    after = customers.get_customer(heed.uow, staff, keep["id"])
    assert [c["id"] for c in after["contacts"]] == [own["id"]]
    assert [loc["id"] for loc in after["locations"]] == [lake["id"]]
    assert [c["id"] for c in after["locations"][0]["contacts"]] == [on_lake["id"]]
    assert after["billing_address"] == "4100 Speedway"
    with pytest.raises(NotFound):
        customers.get_customer(heed.uow, staff, other["id"])
    fields = {
        (row.field, row.old, row.new) for row in audit_rows(heed, staff.account_id, own["id"])
    }
    assert ("customer_id", other["id"], keep["id"]) in fields
    gone = {(row.field, row.new) for row in audit_rows(heed, staff.account_id, other["id"])}
    assert ("merged_into", keep["id"]) in gone


def test_a_merge_removes_the_merged_customers_preference_link_and_keeps_the_kept_ones(
    heed: Heed, staff: Principal, make_customer: MakeRecord
) -> None:
    keep, other = make_customer("Ana Ruiz"), make_customer("Ana Ruiz (old)")
    for customer in (keep, other):
        request = preference_links.LinkRequest(customer_id=customer["id"])
        preference_links.create_link(heed.uow, staff, request, settings=heed.settings)

    _merge(heed, staff, keep["id"], other["id"])

    with heed.uow.read() as tx:
        linked = set(
            tx.session.scalars(
                select(t.PreferenceLink.customer_id).where(
                    t.PreferenceLink.account_id == staff.account_id,
                    t.PreferenceLink.customer_id.in_([keep["id"], other["id"]]),
                )
            )
        )
    assert linked == {keep["id"]}


def test_a_merge_leaves_consent_with_the_address_and_the_ledger_untouched(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    number = random_number()
    keep = make_customer("Dana Whitfield")
    other = make_customer("Dana W.")
    add_contact(other["id"], "mobile", number)
    inbound(number, "STOP")
    entries_before = [(e.seq, e.hash) for e in ledger(heed, staff.account_id)]
    consent_before = _consent_rows(heed, staff.account_id)

    _merge(heed, staff, keep["id"], other["id"])

    assert [(e.seq, e.hash) for e in ledger(heed, staff.account_id)] == entries_before
    assert _consent_rows(heed, staff.account_id) == consent_before
    (moved,) = customers.get_customer(heed.uow, staff, keep["id"])["contacts"]
    assert moved["sms_opted_out"] is True
    assert moved["bell"] == "opted_out"


def test_do_not_mail_on_the_merged_customer_comes_over_and_turns_every_bell_off(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    keep = make_customer("Lou Moss")
    kept_phone = add_contact(keep["id"], "mobile", random_number())
    assert kept_phone["notifications"]["job"] is True
    other = make_customer("Lou Moss Sr.", do_not_mail=True)

    _merge(heed, staff, keep["id"], other["id"])

    after = customers.get_customer(heed.uow, staff, keep["id"])
    assert after["do_not_mail"] is True
    assert after["contacts"][0]["notifications"]["job"] is False


def test_a_merge_fails_whole_and_moves_nothing_when_a_step_fails(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keep = make_customer("Ana Ruiz")
    other = make_customer("Ana Ruiz 2")
    contact = add_contact(other["id"], "mobile", random_number())
    make_location(other["id"], "Shop")

    def failing_audit(*args: object) -> None:
        if args[4] == "merged_from":
            raise RuntimeError("the database went away")
        common.audit(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "audit", failing_audit)
    with pytest.raises(RuntimeError):
        _merge(heed, staff, keep["id"], other["id"])

    still = customers.get_customer(heed.uow, staff, other["id"])
    assert [c["id"] for c in still["contacts"]] == [contact["id"]]
    assert [loc["name"] for loc in still["locations"]] == ["Shop"]
    assert customers.get_customer(heed.uow, staff, keep["id"])["contacts"] == []


def test_another_accounts_customer_cannot_be_merged_in_or_into(
    heed: Heed,
    staff: Principal,
    other_staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    mine = make_customer("Maria Alvarez")
    theirs = make_customer("Maria Alvarez", principal=other_staff)
    add_contact(theirs["id"], "mobile", random_number(), principal=other_staff)

    with pytest.raises(NotFound):
        _merge(heed, staff, mine["id"], theirs["id"])
    with pytest.raises(NotFound):
        _merge(heed, other_staff, theirs["id"], mine["id"])
    assert len(customers.get_customer(heed.uow, other_staff, theirs["id"])["contacts"]) == 1


def test_a_customer_cannot_be_merged_into_itself_and_a_viewer_cannot_merge(
    heed: Heed, staff: Principal, make_customer: MakeRecord
) -> None:
    one, two = make_customer("Ann"), make_customer("Bo")
    with pytest.raises(Invalid) as refused:
        _merge(heed, staff, one["id"], one["id"])
    assert refused.value.details["field"] == "from_customer_id"
    viewer = Principal(staff.account_id, "user:viewer", frozenset(common.ROLES["viewer"]))
    with pytest.raises(Forbidden):
        _merge(heed, viewer, one["id"], two["id"])
    with heed.uow.read() as tx:
        count = tx.session.scalar(
            select(func.count()).where(
                t.Customer.account_id == staff.account_id, t.Customer.id.in_([one["id"], two["id"]])
            )
        )
    assert count == 2


# ---- set all bells ----------------------------------------------------------------------


def _bells(
    heed: Heed, staff: Principal, customer_id: str, category: str, on: bool
) -> dict[str, Any]:
    command = bells.SetAllBells.parse(customer_id, {"category": category, "on": on})
    return bells.set_all_bells(heed.uow, staff, command)


def test_set_all_bells_turns_a_category_on_for_every_contact_it_may_and_says_why_not(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    customer = make_customer("Dana Whitfield")
    mobile = add_contact(customer["id"], "mobile", random_number(), notifications={"job": False})
    stopped_number = random_number()
    stopped = add_contact(customer["id"], "mobile", stopped_number, notifications={"job": False})
    inbound(stopped_number, "STOP")
    fax = add_contact(customer["id"], "fax", random_number())
    lake = make_location(customer["id"], "Lake house")
    on_lake = add_contact(lake["id"], "email", "dana@lake-house.org")

    report = _bells(heed, staff, customer["id"], "job", True)

    assert report["changed"] == [mobile["id"]]
    assert report["unchanged"] == [on_lake["id"]]
    skipped = {s["contact_id"]: s["reason"] for s in report["skipped"]}
    assert skipped == {stopped["id"]: "sms_opt_out", fax["id"]: "not_carried"}
    after = customers.get_customer(heed.uow, staff, customer["id"])
    by_id = {c["id"]: c for c in after["contacts"]}
    assert by_id[mobile["id"]]["notifications"]["job"] is True
    assert by_id[stopped["id"]]["notifications"]["job"] is False
    rows = audit_rows(heed, staff.account_id, mobile["id"])
    assert ("notifications.job", "off", "on") in {(r.field, r.old, r.new) for r in rows}


def test_set_all_bells_turns_off_everything_and_cannot_turn_on_a_do_not_mail_customer(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    customer = make_customer("Lou Moss")
    one = add_contact(customer["id"], "mobile", random_number())
    two = add_contact(customer["id"], "email", "lou@moss-family.org")

    off = _bells(heed, staff, customer["id"], "job", False)
    assert sorted(off["changed"]) == sorted([one["id"], two["id"]])
    customers.update_customer(
        heed.uow,
        staff,
        customer["id"],
        CustomerChanges(given=frozenset({"do_not_mail"}), do_not_mail=True),
    )
    on = _bells(heed, staff, customer["id"], "job", True)
    assert on["changed"] == []
    assert {s["reason"] for s in on["skipped"]} == {"do_not_mail"}


def test_set_all_bells_refuses_an_unknown_category_and_another_accounts_customer(
    heed: Heed, staff: Principal, other_staff: Principal, make_customer: MakeRecord
) -> None:
    customer = make_customer("Ann")
    with pytest.raises(Invalid):
        bells.SetAllBells.parse(customer["id"], {"category": "weather", "on": True})
    with pytest.raises(NotFound):
        _bells(heed, other_staff, customer["id"], "job", True)
