"""The lists staff work through (opted out, placeholders, caller ID with consent) and the
business numbers that may still text a number opted out from one of them (R-2, R-12,
R-13, R-14, R-20)."""

from __future__ import annotations

from integration_support import MakeRecord, ReceiveText, random_number

from heed.bootstrap import Heed
from heed.services import account_lists, accounts, consent, customer_record, senders
from heed.services.account_lists import ListQuery
from heed.services.common import Principal


def _two_numbers_per_number_scope(heed: Heed, staff: Principal, business_number: str) -> str:
    other = random_number("737")
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(
            sms_opt_out_scope="number", business_numbers=[business_number, other]
        ),
    )
    return other


def test_a_number_opted_out_from_one_business_number_may_be_texted_from_another_r13(
    heed: Heed,
    staff: Principal,
    business_number: str,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    other = _two_numbers_per_number_scope(heed, staff, business_number)
    number = random_number()
    customer = make_customer("Maria Alvarez")
    contact = add_contact(customer["id"], "mobile", number)
    inbound(number, "STOP", to=business_number)

    page = customer_record.customer_record(heed.uow, staff, customer["id"])
    (shown,) = page.customer["contacts"]
    assert shown["sms_opt_out_scopes"] == [business_number]
    assert sorted(page.senders) == sorted([business_number, other])
    choices = {c["number"]: c for c in senders.sender_choices(page.senders, shown)}
    assert choices[business_number]["allowed"] is False
    assert choices[business_number]["why"] == "opted out of texts from this number"
    assert choices[other]["allowed"] is True
    assert senders.opt_out_scope_sentence(shown["sms_opt_out_scopes"]) == (
        f"Opted out of texts from {senders.business_display(business_number)} only."
    )

    sent = customer_record.send_from_record(
        heed.uow, staff, customer["id"], contact["id"], "Your part came in.", other
    )
    assert sent.message["from"] == other
    assert sent.message["status"] == "queued"


def test_an_opt_out_from_every_number_leaves_no_sender_allowed(
    heed: Heed,
    staff: Principal,
    business_number: str,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    number = random_number()
    customer = make_customer("Dana Whitfield")
    contact = add_contact(customer["id"], "mobile", number)
    inbound(number, "STOP")
    choices = senders.sender_choices_for(heed.uow, staff, customer["id"], contact["id"])
    assert [(c["number"], c["allowed"]) for c in choices] == [(business_number, False)]
    assert senders.opt_out_scope_sentence(["*"]) == "Opted out of texts from every business number."


def test_the_opted_out_list_shows_when_and_how_and_whose_record_lists_it(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    stopped = random_number()
    customer = make_customer("Maria Alvarez")
    add_contact(customer["id"], "mobile", stopped)
    inbound(stopped, "STOP")
    consent.record_opt_out(heed.uow, staff, consent.OptOut("lou@moss-family.org", "on the phone"))
    also = random_number()
    inbound(also, "please stop texting me")

    listed = account_lists.opted_out_list(heed.uow, staff, ListQuery.parse("", "1"))
    by_address = {item["address"]: item for item in listed["items"]}
    assert set(by_address) >= {stopped, "lou@moss-family.org"}
    first = by_address[stopped]
    assert first["source"] == "keyword"
    assert first["what"] == "Opted out of texts from every business number."
    assert first["customers"] == [{"id": customer["id"], "name": "Maria Alvarez"}]
    assert by_address["lou@moss-family.org"]["how"] == "asked staff"
    assert by_address["lou@moss-family.org"]["what"] == "Unsubscribed from automated email."
    # Newest first.
    assert listed["items"][0]["address"] in (also, "lou@moss-family.org")

    searched = account_lists.opted_out_list(
        heed.uow, staff, ListQuery.parse(f"{stopped[5:8]}-{stopped[8:]}", None)
    )
    assert [item["address"] for item in searched["items"]] == [stopped]
    by_email = account_lists.opted_out_list(heed.uow, staff, ListQuery.parse("MOSS-family", "1"))
    assert [item["address"] for item in by_email["items"]] == ["lou@moss-family.org"]


def test_the_opted_out_list_pages_by_fifty(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    for _ in range(account_lists.PAGE + 1):
        inbound(random_number(), "STOP")
    first = account_lists.opted_out_list(heed.uow, staff, ListQuery.parse("", "1"))
    second = account_lists.opted_out_list(heed.uow, staff, ListQuery.parse("", "2"))
    assert (len(first["items"]), first["has_more"]) == (account_lists.PAGE, True)
    assert (len(second["items"]), second["has_more"]) == (1, False)
    assert not {i["address"] for i in first["items"]} & {i["address"] for i in second["items"]}


def test_the_placeholder_list_finds_imported_stand_ins_and_the_accounts_own(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    customer = make_customer("Ana Ruiz")
    flagged = add_contact(customer["id"], "mobile", "(123) 456-7890", imported=True)
    lake = make_location(customer["id"], "Lake house")
    on_lake = add_contact(lake["id"], "email", "noemail@gmail.com", imported=True)
    later = add_contact(customer["id"], "email", "office@ruiz-family.org")
    add_contact(customer["id"], "mobile", random_number())
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(placeholders=["office@ruiz-family.org"])
    )

    listed = account_lists.placeholder_list(heed.uow, staff, ListQuery.parse("", "1"))

    assert [item["contact_id"] for item in listed["items"]] == [
        flagged["id"],
        on_lake["id"],
        later["id"],
    ]
    assert listed["total"] == 3
    assert listed["items"][1]["location_name"] == "Lake house"
    assert listed["items"][0]["display"] == "(123) 456-7890"


def test_caller_id_names_the_records_and_the_numbers_consent_r20(
    heed: Heed,
    staff: Principal,
    other_staff: Principal,
    business_number: str,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    other = _two_numbers_per_number_scope(heed, staff, business_number)
    number = random_number()
    customer = make_customer("Maria Alvarez")
    add_contact(customer["id"], "mobile", number)
    lake = make_location(customer["id"], "Lake house")
    add_contact(lake["id"], "phone", number)
    inbound(number, "STOP", to=other)
    typed = f"({number[2:5]}) {number[5:8]}.{number[8:]}"

    found = account_lists.caller_id(heed.uow, staff, typed)

    assert found["customers"] == [{"id": customer["id"], "name": "Maria Alvarez"}]
    assert [loc["id"] for loc in found["locations"]] == [lake["id"]]
    assert found["sms_opted_out"] is True
    assert found["opt_out"] == f"Opted out of texts from {senders.business_display(other)} only."
    assert account_lists.caller_id(heed.uow, other_staff, typed)["customers"] == []
    assert account_lists.caller_id(heed.uow, staff, "12")["number"] is None
