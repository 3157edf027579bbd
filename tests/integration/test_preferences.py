"""Notification preferences: the account switch, Do Not Mail, invoice delivery (R-7 … R-10)."""

from __future__ import annotations

import pytest
from integration_support import MakeRecord, Record, random_number

from heed.bootstrap import Heed
from heed.domain.contacts import ContactEdit, ContactInput
from heed.domain.errors import DoNotMail, Invalid
from heed.services import accounts, consent, contacts, customers
from heed.services.common import Principal
from heed.services.customer_commands import CustomerChanges, CustomerInput


def test_account_switch_off_blocks_every_automated_message_but_not_a_manual_one_r7(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    customer = make_customer()
    mobile = add_contact(customer["id"], "mobile", random_number())
    email = add_contact(customer["id"], "email", "dana@whitfield.org")
    assert decide(contact_id=mobile["id"])["outcome"] == "allowed"

    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(customer_notifications_enabled=False)
    )
    for contact, channel in ((mobile, "sms"), (email, "email")):
        answer = decide(contact_id=contact["id"], channel=channel)
        assert (answer["outcome"], answer["reason"]) == ("blocked", "notifications_disabled")
        assert decide(contact_id=contact["id"], channel=channel, manual=True)["outcome"] == (
            "allowed"
        )
    # Raw addresses with no record are automated messages too.
    raw = decide(to=random_number())
    assert raw["reason"] == "notifications_disabled"


@pytest.fixture
def household(
    make_customer: MakeRecord, make_location: MakeRecord, add_contact: MakeRecord
) -> Record:
    """A customer with a phone and an email, and a location with its own phone."""
    customer = make_customer("Dana Whitfield", invoice_delivery=["email"])
    location = make_location(customer["id"], "Lake house")
    return {
        "customer": customer,
        "location": location,
        "mobile": add_contact(customer["id"], "mobile", random_number()),
        "email": add_contact(
            customer["id"],
            "email",
            "dana@whitfield.org",
            notifications={"invoice_statement": True, "marketing": True},
        ),
        "site": add_contact(location["id"], "mobile", random_number()),
    }


def _contact(heed: Heed, staff: Principal, contact_id: str) -> Record:
    return contacts.get_contact(heed.uow, staff, contact_id)


def test_do_not_mail_turns_everything_off_on_the_customer_and_its_locations_r8(
    heed: Heed, staff: Principal, household: Record, decide: MakeRecord
) -> None:
    assert _contact(heed, staff, household["site"]["id"])["notifications"]["job"] is True
    view = customers.update_customer(
        heed.uow, staff, household["customer"]["id"], CustomerChanges.parse({"do_not_mail": True})
    )
    assert view["do_not_mail"] is True
    everyone = [*view["contacts"], *view["locations"][0]["contacts"]]
    assert len(everyone) == 3
    for contact in everyone:
        assert contact["notifications"] == {
            "job": False,
            "invoice_statement": False,
            "marketing": False,
        }
        assert contact["bell"] == "locked"
    answer = decide(contact_id=household["site"]["id"])
    assert (answer["outcome"], answer["reason"]) == ("blocked", "do_not_mail")
    # a manual message is still the staff's call.
    assert decide(contact_id=household["site"]["id"], manual=True)["outcome"] == "allowed"


@pytest.mark.parametrize("category", ["job", "marketing"])
def test_do_not_mail_contact_cannot_be_turned_on_while_the_flag_stands_r8(
    heed: Heed, staff: Principal, household: Record, category: str
) -> None:
    customers.update_customer(
        heed.uow, staff, household["customer"]["id"], CustomerChanges.parse({"do_not_mail": True})
    )
    for key in ("mobile", "site"):
        with pytest.raises(DoNotMail) as refused:
            contacts.update_contact(
                heed.uow, staff, household[key]["id"], ContactEdit(notifications={category: True})
            )
        assert refused.value.code == "do_not_mail"
        assert "Do Not Mail" in refused.value.message
        assert _contact(heed, staff, household[key]["id"])["notifications"][category] is False
    # Nor on a contact added while the flag stands.
    with pytest.raises(DoNotMail):
        contacts.add_contact(
            heed.uow,
            staff,
            ContactInput(
                kind="mobile", value=random_number(), memo=None, notifications={"job": True}
            ),
            location_id=household["location"]["id"],
        )


def test_clearing_do_not_mail_turns_nothing_back_on_but_allows_turning_on_again_r8(
    heed: Heed, staff: Principal, household: Record
) -> None:
    customer_id = household["customer"]["id"]
    customers.update_customer(
        heed.uow, staff, customer_id, CustomerChanges.parse({"do_not_mail": True})
    )
    view = customers.update_customer(
        heed.uow, staff, customer_id, CustomerChanges.parse({"do_not_mail": False})
    )
    everyone = [*view["contacts"], *view["locations"][0]["contacts"]]
    assert all(not any(c["notifications"].values()) for c in everyone)
    assert {c["bell"] for c in everyone} == {"off"}
    turned = contacts.update_contact(
        heed.uow, staff, household["mobile"]["id"], ContactEdit(notifications={"job": True})
    )
    assert turned["contact"]["notifications"]["job"] is True
    assert turned["contact"]["bell"] == "on"


def test_do_not_mail_leaves_other_customers_contacts_alone_r8(
    heed: Heed,
    staff: Principal,
    household: Record,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
) -> None:
    neighbour = make_customer("Sam Neighbour")
    theirs = add_contact(neighbour["id"], "mobile", random_number())
    customers.update_customer(
        heed.uow, staff, household["customer"]["id"], CustomerChanges.parse({"do_not_mail": True})
    )
    assert _contact(heed, staff, theirs["id"])["notifications"]["job"] is True


def test_invoice_delivery_list_filters_and_flags_email_without_an_invoice_contact_r9(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    by_mail = make_customer("Avery Mail")
    by_both = make_customer("Blair Both", invoice_delivery=["mail", "email"])
    add_contact(by_both["id"], "email", "blair@both.org", notifications={"invoice_statement": True})
    by_email_ok = make_customer("Casey Email", invoice_delivery=["email"])
    add_contact(
        by_email_ok["id"], "email", "casey@email.org", notifications={"invoice_statement": True}
    )
    by_email_missing = make_customer("Drew Email", invoice_delivery=["email"])
    # An email with invoices off does not count.
    add_contact(by_email_missing["id"], "email", "drew@email.org")

    def listed(delivery: str) -> dict[str, list[str]]:
        page = customers.list_customers(heed.uow, staff, invoice_delivery=delivery)
        return {item["id"]: item["flags"] for item in page["items"]}

    assert listed("mail") == {by_mail["id"]: []}
    assert listed("both") == {by_both["id"]: []}
    email = listed("email")
    assert set(email) == {by_email_ok["id"], by_email_missing["id"]}
    assert "email_delivery_without_invoice_contact" not in email[by_email_ok["id"]]
    assert "email_delivery_without_invoice_contact" in email[by_email_missing["id"]]
    flagged = customers.list_customers(heed.uow, staff, flagged=True)
    assert [item["id"] for item in flagged["items"]] == [by_email_missing["id"]]


def test_invoice_delivery_change_is_validated_and_stored_r9(
    heed: Heed, staff: Principal, make_customer: MakeRecord
) -> None:
    customer = make_customer()
    assert customer["invoice_delivery"] == ["mail"]
    view = customers.update_customer(
        heed.uow,
        staff,
        customer["id"],
        CustomerChanges.parse({"invoice_delivery": ["email", "mail"]}),
    )
    assert view["invoice_delivery"] == ["mail", "email"]
    with pytest.raises(Invalid) as refused:
        customers.update_customer(
            heed.uow, staff, customer["id"], CustomerChanges.parse({"invoice_delivery": []})
        )
    assert refused.value.details["field"] == "invoice_delivery"
    assert customers.get_customer(heed.uow, staff, customer["id"])["invoice_delivery"] == [
        "mail",
        "email",
    ]


def test_preference_off_blocks_automated_of_that_category_only_and_manual_still_goes_r10(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    customer = make_customer()
    email = add_contact(
        customer["id"], "email", "dana@whitfield.org", notifications={"invoice_statement": True}
    )
    contacts.update_contact(heed.uow, staff, email["id"], ContactEdit(notifications={"job": False}))
    job = decide(contact_id=email["id"], channel="email", category="job")
    assert (job["outcome"], job["reason"]) == ("blocked", "preference_off")
    assert "manual" in job["message"]
    invoice = decide(contact_id=email["id"], channel="email", category="invoice_statement")
    assert invoice["outcome"] == "allowed"
    manual = decide(contact_id=email["id"], channel="email", category="job", manual=True)
    assert manual["outcome"] == "allowed"
    marketing = decide(contact_id=email["id"], channel="email", category="marketing")
    assert marketing["reason"] == "preference_off"


def test_paging_the_flagged_ar_list_never_skips_a_customer_r9(heed: Heed, staff: Principal) -> None:
    for i in range(3):
        customers.create_customer(heed.uow, staff, CustomerInput.parse({"name": f"a{i}"}))
    for i in range(6):
        customers.create_customer(
            heed.uow, staff, CustomerInput.parse({"name": f"b{i}", "invoice_delivery": ["email"]})
        )
    seen: list[str] = []
    cursor = None
    while True:
        page = customers.list_customers(heed.uow, staff, flagged=True, limit=2, cursor=cursor)
        seen += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"b{i}" for i in range(6)]


def test_an_unsubscribed_email_shows_its_bell_as_opted_out_r14(
    heed: Heed, staff: Principal
) -> None:
    made = customers.create_customer(
        heed.uow,
        staff,
        CustomerInput.parse(
            {"name": "Una Unsub", "contacts": [{"kind": "email", "value": "una@unsub-family.com"}]}
        ),
    )
    assert made["contacts"][0]["bell"] == "on"
    consent.record_email_event(
        heed.uow, staff.account_id, email="una@unsub-family.com", event="unsubscribe"
    )
    contact = customers.get_customer(heed.uow, staff, made["id"])["contacts"][0]
    assert (contact["bell"], contact["email_suppressed"]) == ("opted_out", True)
