"""Marketing consent with its evidence through the services (R-24): the double opt-in and
the YES that answers it, written and web-form consent, withdrawal, the gates, the
contacts whose setting predates the evidence, and CASL for Canadian email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration_support import (
    NOON_CENTRAL,
    MakeRecord,
    ReceiveText,
    SetClock,
    audit_rows,
    ledger,
    message_id,
    random_number,
    written_consent,
)
from sqlalchemy import select

from heed.adapters.db import tables as t
from heed.bootstrap import Heed
from heed.domain.consent import ConsentAction, stripe_of
from heed.domain.contacts import ContactEdit
from heed.domain.errors import ConsentEvidenceRequired, Invalid, SmsOptedOut
from heed.domain.marketing import disclosure_version, read_evidence
from heed.services import accounts, consent, contacts, customers, ledger_check
from heed.services.common import Principal, new_id
from heed.services.consent.ledger import Ledger
from heed.services.customer_commands import CustomerChanges

SIGNED = "I agree to get marketing texts from Acme Plumbing, up to 4 a month."


def request_double_opt_in(heed: Heed, staff: Principal, number: str) -> dict[str, object]:
    return consent.record_marketing_consent(
        heed.uow, staff, consent.RecordMarketing(number, "sms_double_opt_in")
    )


def marketing(heed: Heed, staff: Principal, number: str) -> dict[str, object]:
    answer = consent.address_consent(heed.uow, staff, number)["marketing"]
    assert isinstance(answer, dict)
    return answer


def test_a_written_consent_is_a_chained_ledger_entry_carrying_its_evidence(
    heed: Heed, staff: Principal, frozen_clock: SetClock
) -> None:
    number = random_number()
    answer = consent.record_marketing_consent(
        heed.uow,
        staff,
        consent.RecordMarketing(number, "written", disclosure=SIGNED, reference="Form 2026-114"),
    )

    assert answer["status"] == "consented"
    entry = ledger(heed, staff.account_id)[-1]
    assert (entry.seq, entry.action, entry.address) == (
        answer["event_id"],
        "marketing_consent",
        number,
    )
    assert read_evidence(entry.evidence) == {
        "method": "written",
        "disclosure": SIGNED,
        "disclosure_version": disclosure_version(SIGNED),
        "reference": "Form 2026-114",
    }
    receipt = marketing(heed, staff, number)
    assert receipt["consented"] is True
    assert receipt["method"] == "written"
    assert receipt["disclosure"] == SIGNED
    assert receipt["captured_at"] == NOON_CENTRAL.isoformat()
    assert receipt["captured_via"] == staff.via
    assert receipt["hash"] == entry.hash
    assert consent.verify_ledger(heed.uow, staff.account_id) is None
    exported = consent.ledger_events(heed.uow, staff)[-1]
    assert exported["evidence"] == entry.evidence


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"disclosure": SIGNED}, "reference"),
        ({"reference": "Form 7"}, "disclosure"),
        ({"disclosure": SIGNED, "reference": "Form 7", "disclosure_version": "sha256:0"}, None),
    ],
)
def test_a_written_consent_without_its_reference_or_wording_is_refused_naming_the_field(
    heed: Heed, staff: Principal, fields: dict[str, str], named: str | None
) -> None:
    number = random_number()
    with pytest.raises(Invalid) as refused:
        consent.record_marketing_consent(
            heed.uow, staff, consent.RecordMarketing(number, "written", **fields)
        )
    assert refused.value.details["field"] == (named or "disclosure_version")
    assert marketing(heed, staff, number)["consented"] is False


def test_a_web_form_consent_keeps_the_ip_and_user_agent(heed: Heed, staff: Principal) -> None:
    number = random_number()
    consent.record_marketing_consent(
        heed.uow,
        staff,
        consent.RecordMarketing(
            number,
            "web_form",
            disclosure=SIGNED,
            ip="203.0.113.7",
            user_agent="Mozilla/5.0",
            via="preference_page",
        ),
    )
    receipt = marketing(heed, staff, number)
    assert (receipt["method"], receipt["ip"], receipt["user_agent"]) == (
        "web_form",
        "203.0.113.7",
        "Mozilla/5.0",
    )
    assert receipt["captured_via"] == "preference_page"


def test_a_double_opt_in_texts_the_disclosure_and_a_yes_within_seven_days_gives_consent(
    heed: Heed, staff: Principal, inbound: ReceiveText, frozen_clock: SetClock
) -> None:
    number = random_number()
    answer = request_double_opt_in(heed, staff, number)

    assert answer["status"] == "pending"
    with heed.uow.read() as tx:
        sent = tx.session.get(t.Message, (staff.account_id, answer["request_message_id"]))
        assert sent is not None
        assert sent.to == number
        assert sent.status == "queued"
        assert "Msg & data rates may apply" in sent.body
        assert "Reply STOP to opt out, HELP for help" in sent.body
    assert marketing(heed, staff, number)["pending_since"] == NOON_CENTRAL.isoformat()

    frozen_clock(NOON_CENTRAL + timedelta(days=6, hours=23))
    reply = inbound(number, "Yes!")

    assert reply.action == "opted_in"
    assert reply.reply is not None and "subscribed to marketing texts" in reply.reply
    receipt = marketing(heed, staff, number)
    assert receipt["consented"] is True
    assert receipt["method"] == "sms_double_opt_in"
    assert receipt["disclosure"] == sent.body
    assert receipt["captured_by"] == f"customer:{number}"
    assert receipt["captured_via"] == "twilio_webhook"
    # A second YES answers no request: today's meaning, and no second confirmation.
    again = inbound(number, "YES")
    assert (again.action, again.reply) == ("none", None)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_a_yes_after_seven_days_or_with_no_request_keeps_its_everyday_meaning(
    heed: Heed, staff: Principal, inbound: ReceiveText, frozen_clock: SetClock
) -> None:
    late, never = random_number(), random_number()
    request_double_opt_in(heed, staff, late)
    frozen_clock(NOON_CENTRAL + timedelta(days=7))

    assert (inbound(late, "YES").action, inbound(never, "YES").action) == ("none", "none")
    assert marketing(heed, staff, late)["consented"] is False
    assert marketing(heed, staff, never)["consented"] is False


def test_a_stop_ends_consent_and_only_start_then_a_fresh_consent_brings_it_back(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    number = random_number()
    written_consent(heed, staff, number)
    inbound(number, "STOP")

    assert marketing(heed, staff, number)["consented"] is False
    with pytest.raises(SmsOptedOut):
        written_consent(heed, staff, number)
    with pytest.raises(SmsOptedOut):
        request_double_opt_in(heed, staff, number)

    inbound(number, "START")
    assert marketing(heed, staff, number)["consented"] is False
    written_consent(heed, staff, number)
    assert marketing(heed, staff, number)["consented"] is True


def test_stops_arriving_together_end_each_sender_s_consent_or_waiting_request_alone(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    consented, waiting, neither = random_number(), random_number(), random_number()
    written_consent(heed, staff, consented)
    request_double_opt_in(heed, staff, waiting)
    texts = [
        consent.InboundText(staff.account_id, number, business_number, "STOP", message_id())
        for number in (consented, waiting, neither)
    ]

    results = consent.record_inbound_batch(heed.uow, texts)

    assert [getattr(r, "action", r) for r in results] == ["opted_out"] * 3
    with heed.uow.read() as tx:
        rows = tx.session.scalars(
            select(t.MarketingConsent).where(t.MarketingConsent.account_id == staff.account_id)
        ).all()
        stored = {r.address: (r.consented, r.pending_since, r.withdrawn_seq) for r in rows}
    assert neither not in stored
    for number in (consented, waiting):
        assert stored[number][:2] == (False, None)
        assert stored[number][2] is not None
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_a_yes_then_a_stop_in_one_batch_gives_consent_and_the_stop_ends_it(
    heed: Heed, staff: Principal, business_number: str
) -> None:
    number = random_number()
    request_double_opt_in(heed, staff, number)
    texts = [
        consent.InboundText(staff.account_id, number, business_number, body, message_id())
        for body in ("YES", "STOP")
    ]

    yes, stop = consent.record_inbound_batch(heed.uow, texts)

    assert (getattr(yes, "action", yes), getattr(stop, "action", stop)) == (
        "opted_in",
        "opted_out",
    )
    with heed.uow.read() as tx:
        row = tx.session.get(t.MarketingConsent, (staff.account_id, number))
        assert row is not None
        withdrawn = (row.consented, row.pending_since, row.withdrawn_seq)
    [stopped] = [
        e for e in ledger(heed, staff.account_id) if e.provider_message_id == texts[1].message_id
    ]
    assert withdrawn == (False, None, stopped.seq)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_an_opt_out_written_beside_a_loaded_marketing_row_brings_that_row_up_to_date(
    heed: Heed, staff: Principal
) -> None:
    number = random_number()
    written_consent(heed, staff, number)

    with heed.uow.write() as tx:
        tx.lock_stripes([(staff.account_id, stripe_of(number))])
        account = tx.accounts([staff.account_id])[staff.account_id]
        held = tx.session.get(t.MarketingConsent, (staff.account_id, number))
        assert held is not None and held.consented
        book = Ledger(tx, account, [number])
        entry = book.append(
            address=number,
            channel="sms",
            scope="*",
            action=ConsentAction.OPT_OUT,
            source="keyword",
            actor=f"customer:{number}",
            via="twilio_webhook",
        )
        book.write()

        assert (held.consented, held.withdrawn_seq) == (False, entry.seq)
        tx.commit()
    assert marketing(heed, staff, number)["consented"] is False


def test_staff_can_always_withdraw_and_the_withdrawal_is_in_the_ledger_and_audited(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    number = random_number()
    contact = add_contact(
        make_customer()["id"], "mobile", number, notifications={"marketing": True}
    )
    assert contact["marketing_consent"] == "consented"

    after = consent.withdraw_marketing_consent(heed.uow, staff, number, "Asked on the phone")

    assert (after["consented"], after["withdrawn"]) == (False, True)
    assert ledger(heed, staff.account_id)[-1].action == "marketing_withdraw"
    changes = [
        (row.field, row.old, row.new) for row in audit_rows(heed, staff.account_id, contact["id"])
    ]
    assert ("marketing_consent", "consented", "withdrawn") in changes
    assert contacts.get_contact(heed.uow, staff, contact["id"])["marketing_consent"] == "withdrawn"


def test_marketing_turns_on_for_a_phone_only_with_consent_on_record(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> None:
    number = random_number()
    customer = make_customer()
    with pytest.raises(ConsentEvidenceRequired):
        add_contact(
            customer["id"], "mobile", number, notifications={"marketing": True}, consent=False
        )
    contact = add_contact(customer["id"], "mobile", number)
    on = ContactEdit(notifications={"marketing": True})
    with pytest.raises(ConsentEvidenceRequired) as refused:
        contacts.update_contact(heed.uow, staff, contact["id"], on)
    assert refused.value.details["field"] == "notifications.marketing"

    written_consent(heed, staff, number)
    changed = contacts.update_contact(heed.uow, staff, contact["id"], on)["contact"]
    assert changed["notifications"]["marketing"] is True
    # Email marketing in the US is as before: the setting alone.
    email = add_contact(customer["id"], "email", "dana.whitfield@gmail.com", consent=False)
    contacts.update_contact(heed.uow, staff, email["id"], on)


def test_marketing_on_from_before_the_upgrade_is_kept_flagged_listed_and_blocked(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    number = random_number()
    customer = make_customer("Casey Old")
    contact = add_contact(customer["id"], "mobile", number)
    with heed.uow.write() as tx:
        # The setting as an older heed left it: on, with no evidence anywhere.
        row = tx.session.get(t.Contact, (staff.account_id, contact["id"]))
        assert row is not None
        row.notify_marketing = True
        tx.commit()

    view = contacts.get_contact(heed.uow, staff, contact["id"])
    assert (view["notifications"]["marketing"], view["marketing_consent"]) == (
        True,
        "not_on_record",
    )
    listed = consent.marketing_not_on_record(heed.uow, staff)
    assert contact["id"] in [item["contact_id"] for item in listed]
    for manual in (False, True):
        answer = decide(contact_id=contact["id"], category="marketing", manual=manual)
        assert answer["reason"] == "no_marketing_consent"
    assert decide(to=number, category="marketing", manual=True)["reason"] == "no_marketing_consent"

    written_consent(heed, staff, number)
    assert decide(contact_id=contact["id"], category="marketing")["outcome"] == "allowed"
    assert decide(to=number, category="marketing", manual=True)["outcome"] == "allowed"
    listed = consent.marketing_not_on_record(heed.uow, staff)
    assert contact["id"] not in [item["contact_id"] for item in listed]


def _canadian_email(
    heed: Heed, staff: Principal, make_customer: MakeRecord, add_contact: MakeRecord
) -> tuple[str, str]:
    customer = make_customer("Jeanne Tremblay")
    customers.update_customer(
        heed.uow, staff, customer["id"], CustomerChanges.parse({"consent_country": "CA"})
    )
    address = f"jeanne.{new_id('x')}@videotron.ca"
    email = add_contact(customer["id"], "email", address, notifications={"marketing": True})
    return customer["id"], email["id"]


@pytest.mark.parametrize(
    ("field", "ago", "allowed"),
    [
        ("last_purchase_at", timedelta(days=700), True),
        ("last_purchase_at", timedelta(days=731), False),
        ("last_inquiry_at", timedelta(days=150), True),
        ("last_inquiry_at", timedelta(days=190), False),
    ],
)
def test_canadian_marketing_email_goes_on_implied_consent_until_it_expires(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
    field: str,
    ago: timedelta,
    allowed: bool,
) -> None:
    customer_id, email_id = _canadian_email(heed, staff, make_customer, add_contact)
    asked = {"contact_id": email_id, "channel": "email", "category": "marketing"}
    assert decide(**asked)["reason"] == "no_marketing_consent"

    when = (NOON_CENTRAL - ago).isoformat()
    view = customers.update_customer(
        heed.uow, staff, customer_id, CustomerChanges.parse({field: when})
    )
    assert view[field] == when
    assert (decide(**asked)["outcome"] == "allowed") is allowed


def test_canadian_marketing_email_goes_on_express_consent_and_us_email_as_before(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    _, email_id = _canadian_email(heed, staff, make_customer, add_contact)
    with heed.uow.read() as tx:
        address = tx.session.scalars(select(t.Contact.value).where(t.Contact.id == email_id)).one()
    written_consent(heed, staff, address)
    asked = {"contact_id": email_id, "channel": "email", "category": "marketing"}
    assert decide(**asked)["outcome"] == "allowed"

    us = add_contact(make_customer()["id"], "email", "pat.lee@gmail.com")
    on = ContactEdit(notifications={"marketing": True})
    contacts.update_contact(heed.uow, staff, us["id"], on)
    us_answer = decide(contact_id=us["id"], channel="email", category="marketing")
    assert us_answer["outcome"] == "allowed"


def test_the_account_disclosure_defaults_to_the_required_wording_and_is_length_limited(
    heed: Heed, staff: Principal
) -> None:
    settings = accounts.get_account_settings(heed.uow, staff)
    text = settings["marketing_disclosure"]
    for part in ("Acme Plumbing", "Msg & data rates may apply", "Reply STOP to opt out"):
        assert part in text
    assert settings["marketing_disclosure_version"] == disclosure_version(text)

    own = "Acme Plumbing deals, 2 msgs/mo. Msg & data rates may apply. Reply STOP to opt out."
    changed = accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(marketing_disclosure=own)
    )
    assert changed["marketing_disclosure"] == own
    with pytest.raises(Invalid) as refused:
        accounts.update_account(
            heed.uow, staff, accounts.AccountChanges(marketing_disclosure="x" * 481)
        )
    assert refused.value.details["field"] == "marketing_disclosure"


def test_a_marketing_consent_the_ledger_never_gave_is_found_by_the_ledger_check(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    given, stopped = random_number(), random_number()
    written_consent(heed, staff, given)
    written_consent(heed, staff, stopped)
    inbound(stopped, "STOP")
    assert ledger_check.verify_account(heed.uow, staff.account_id).intact

    with heed.uow.write() as tx:
        # What is at stake: marketing texts to a number whose consent ended with its STOP.
        row = tx.session.get(t.MarketingConsent, (staff.account_id, stopped))
        assert row is not None
        row.consented = True
        tx.commit()

    (problem,) = ledger_check.verify_account(heed.uow, staff.account_id).problems
    assert (problem.kind, problem.address, problem.scope) == ("state", stopped, "marketing")
    assert "its ledger says not given" in problem.reason


MONTREAL = {
    "street": "1 Rue Sainte-Catherine O",
    "city": "Montréal",
    "state": "QC",
    "postal_code": "H2X 1K4",
    "country": "CA",
}


@pytest.mark.parametrize(("stated", "outcome"), [(None, "blocked"), ("US", "allowed")])
def test_a_canadian_billing_address_brings_casl_unless_the_integrator_says_otherwise(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
    stated: str | None,
    outcome: str,
) -> None:
    customer = make_customer("Luc Gagnon", billing_address=MONTREAL)
    if stated is not None:
        customers.update_customer(
            heed.uow, staff, customer["id"], CustomerChanges.parse({"consent_country": stated})
        )
    address = f"luc.{new_id('x')}@videotron.ca"
    email = add_contact(customer["id"], "email", address, notifications={"marketing": True})
    answer = decide(contact_id=email["id"], channel="email", category="marketing")
    assert answer["outcome"] == outcome
    if outcome == "blocked":
        assert answer["reason"] == "no_marketing_consent"


def test_an_email_at_a_canadian_location_brings_casl(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    customer = make_customer("Chalet Gagnon")
    chalet = make_location(customer["id"], "Chalet", address=MONTREAL)
    address = f"chalet.{new_id('x')}@videotron.ca"
    email = add_contact(chalet["id"], "email", address, notifications={"marketing": True})
    answer = decide(contact_id=email["id"], channel="email", category="marketing")
    assert (answer["outcome"], answer["reason"]) == ("blocked", "no_marketing_consent")
