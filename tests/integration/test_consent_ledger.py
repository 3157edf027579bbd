"""Consent through the services: inbound texts, email events and the ledger (R-11 … R-17)."""

from __future__ import annotations

import dataclasses
import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from integration_support import MakeRecord, ReceiveText, Record, ledger, message_id, random_number
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from heed.adapters.db import tables as t
from heed.adapters.transports import LogTransport
from heed.bootstrap import Heed, build
from heed.config import Settings
from heed.domain.consent import GENESIS_HASH, LedgerEntry, fold, stripe_of, verify_chain
from heed.domain.contacts import ContactEdit
from heed.domain.errors import Conflict, Forbidden, SmsOptedOut
from heed.services import accounts, consent, contacts, messages
from heed.services.common import Principal

R12_SENTENCE = (
    "This contact has opted out of SMS communication. "
    "Only the customer can opt back in by texting START."
)


@pytest.fixture
def number_on_three_records(
    make_customer: MakeRecord, make_location: MakeRecord, add_contact: MakeRecord
) -> tuple[str, list[Record]]:
    """One mobile number on two customers and on one of their locations."""
    number = random_number()
    dana = make_customer("Dana Whitfield")
    lee = make_customer("Lee Whitfield")
    lake = make_location(dana["id"], "Lake house")
    records = [
        add_contact(dana["id"], "mobile", number),
        add_contact(lee["id"], "mobile", number),
        add_contact(lake["id"], "mobile", number),
    ]
    return number, records


def test_stop_from_any_record_blocks_every_record_of_that_number_r11_r12(
    heed: Heed,
    staff: Principal,
    number_on_three_records: tuple[str, list[Record]],
    inbound: ReceiveText,
    decide: MakeRecord,
) -> None:
    number, records = number_on_three_records
    assert all(decide(contact_id=r["id"])["outcome"] == "allowed" for r in records)

    result = inbound(number, "  Stop!! ")
    assert result.action == "opted_out"
    assert result.reply is not None and "Acme Plumbing" in result.reply
    assert "START" in result.reply

    for record in records:
        view = contacts.get_contact(heed.uow, staff, record["id"])
        assert view["bell"] == "opted_out"
        assert view["sms_opted_out"] is True
        for manual in (False, True):
            for category in ("job", "marketing"):
                answer = decide(contact_id=record["id"], manual=manual, category=category)
                assert (answer["outcome"], answer["reason"]) == ("blocked", "sms_opt_out")
                assert answer["message"] == R12_SENTENCE
    # A raw "to" is blocked just the same.
    assert decide(to=number, manual=True)["reason"] == "sms_opt_out"
    (entry,) = ledger(heed, staff.account_id)
    assert (entry.address, entry.action, entry.source, entry.scope) == (
        number,
        "opt_out",
        "keyword",
        "*",
    )
    assert entry.body == "  Stop!! "
    assert (entry.actor, entry.via) == (f"customer:{number}", "twilio_webhook")


@pytest.mark.parametrize(
    "body", ["STOPALL", "stop all", "End.", "cancel", "UNSUBSCRIBE", "quit", "Revoke", "opt out"]
)
def test_every_opt_out_keyword_opts_out_r11(
    staff: Principal, heed: Heed, inbound: ReceiveText, body: str
) -> None:
    number = random_number()
    assert inbound(number, body).action == "opted_out"
    assert [e.action for e in ledger(heed, staff.account_id)] == ["opt_out"]


def test_arret_with_or_without_accent_opts_out_r11(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    first, second = random_number(), random_number()
    assert inbound(first, "ARRÊT").action == "opted_out"
    assert inbound(second, "arret").action == "opted_out"
    assert {e.address for e in ledger(heed, staff.account_id)} == {first, second}


def test_manual_send_to_an_opted_out_number_is_refused_with_the_r12_sentence(
    heed: Heed,
    staff: Principal,
    number_on_three_records: tuple[str, list[Record]],
    inbound: ReceiveText,
) -> None:
    number, records = number_on_three_records
    inbound(number, "STOP")
    with pytest.raises(Conflict) as refused:
        messages.send_message(
            heed.uow,
            staff,
            messages.SendMessage(
                channel="sms", contact_id=records[1]["id"], body="Hi", manual=True
            ),
        )
    assert refused.value.code == "sms_opt_out"
    assert refused.value.message == R12_SENTENCE


def test_staff_cannot_turn_notifications_on_for_an_opted_out_number_r12(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
) -> None:
    number = random_number()
    customer = make_customer()
    contact = add_contact(customer["id"], "mobile", number)
    contacts.update_contact(
        heed.uow, staff, contact["id"], ContactEdit(notifications={"job": False})
    )
    inbound(number, "STOP")
    for category in ("job", "marketing"):
        with pytest.raises(SmsOptedOut) as refused:
            contacts.update_contact(
                heed.uow, staff, contact["id"], ContactEdit(notifications={category: True})
            )
        assert refused.value.code == "sms_opt_out"
        assert refused.value.message == R12_SENTENCE
    assert not any(contacts.get_contact(heed.uow, staff, contact["id"])["notifications"].values())
    # Nor through a new record of the same number.
    with pytest.raises(SmsOptedOut):
        add_contact(customer["id"], "mobile", number, notifications={"marketing": True})
    # Staff may record an opt-out, never lift one.
    assert consent.record_opt_out_for_customer(heed.uow, staff, number) is False
    assert [e.action for e in ledger(heed, staff.account_id)] == ["opt_out"]


def test_opt_out_survives_deleting_and_re_adding_the_contact_r12_r17(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
    decide: MakeRecord,
) -> None:
    number = random_number()
    customer = make_customer()
    contact = add_contact(customer["id"], "mobile", number)
    inbound(number, "STOP")
    contacts.delete_contact(heed.uow, staff, contact["id"])
    again = add_contact(customer["id"], "mobile", f"({number[2:5]}) {number[5:8]}-{number[8:]}")
    assert again["value"] == number
    assert again["bell"] == "opted_out"
    assert decide(contact_id=again["id"], manual=True)["reason"] == "sms_opt_out"


def test_yes_opts_in_only_when_the_number_is_opted_out_r11(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
    decide: MakeRecord,
) -> None:
    number = random_number()
    contact = add_contact(make_customer()["id"], "mobile", number)
    answered = inbound(number, "Yes")
    assert (answered.action, answered.reply) == ("none", None)
    assert ledger(heed, staff.account_id) == []

    inbound(number, "STOP")
    assert decide(contact_id=contact["id"])["reason"] == "sms_opt_out"
    result = inbound(number, "yes!")
    assert result.action == "opted_in"
    assert result.reply is not None and "STOP" in result.reply
    assert decide(contact_id=contact["id"])["outcome"] == "allowed"
    assert [e.action for e in ledger(heed, staff.account_id)] == ["opt_out", "opt_in"]


@pytest.mark.parametrize("keyword", ["START", "unstop"])
def test_start_lifts_the_opt_out_r11_r12(
    heed: Heed,
    staff: Principal,
    number_on_three_records: tuple[str, list[Record]],
    inbound: ReceiveText,
    decide: MakeRecord,
    keyword: str,
) -> None:
    number, records = number_on_three_records
    inbound(number, "STOP")
    result = inbound(number, keyword)
    assert result.action == "opted_in"
    assert "resubscribed" in (result.reply or "")
    for record in records:
        assert contacts.get_contact(heed.uow, staff, record["id"])["bell"] == "on"
        assert decide(contact_id=record["id"])["outcome"] == "allowed"


def test_help_replies_with_the_business_help_text_and_changes_nothing_r11_r16(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    number = random_number()
    default = inbound(number, "help")
    assert default.action == "help"
    assert default.reply is not None and "Acme Plumbing" in default.reply
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(help_text="Acme Plumbing: call (512) 555-0100. Reply STOP to end."),
    )
    custom = inbound(number, "INFO")
    assert custom.reply == "Acme Plumbing: call (512) 555-0100. Reply STOP to end."
    assert ledger(heed, staff.account_id) == []


def test_a_second_stop_is_not_a_second_entry_and_gets_no_second_reply_r16(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    number = random_number()
    assert inbound(number, "STOP").reply is not None
    again = inbound(number, "STOP")
    assert again.reply is None
    assert len(ledger(heed, staff.account_id)) == 1


@pytest.mark.parametrize("body", ["please stop texting me", "Remove me from your list."])
def test_plain_language_request_to_stop_opts_out_marked_natural_language_r15(
    heed: Heed, staff: Principal, inbound: ReceiveText, decide: MakeRecord, body: str
) -> None:
    number = random_number()
    result = inbound(number, body)
    assert result.action == "opted_out"
    (entry,) = ledger(heed, staff.account_id)
    assert (entry.action, entry.source, entry.body) == ("opt_out", "natural_language", body)
    assert decide(to=number, manual=True)["reason"] == "sms_opt_out"


def test_an_ordinary_reply_changes_no_consent_r15(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    result = inbound(random_number(), "Can you stop by at 3pm?")
    assert (result.action, result.reply) == ("none", None)
    assert ledger(heed, staff.account_id) == []


def test_replayed_provider_message_is_recorded_once_and_answered_the_same_r17(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    number, sid = random_number(), message_id()
    first = inbound(number, "STOP", msg_id=sid)
    replay = inbound(number, "STOP", msg_id=sid)
    assert (first.action, first.duplicate) == ("opted_out", False)
    assert first.reply is not None
    assert replay.duplicate is True
    assert replay.reply == first.reply
    (entry,) = ledger(heed, staff.account_id)
    assert entry.provider_message_id == sid
    # Even a replay carrying other text changes nothing and is answered as the first was.
    assert inbound(number, "START", msg_id=sid) == replay
    assert len(ledger(heed, staff.account_id)) == 1


def test_inbound_to_a_number_the_business_does_not_use_is_refused(
    heed: Heed, staff: Principal
) -> None:
    from heed.domain.errors import NotFound

    with pytest.raises(NotFound):
        consent.record_inbound_sms(
            heed.uow,
            staff.account_id,
            from_number=random_number(),
            to_number=random_number("737"),
            body="STOP",
            message_id=message_id(),
        )
    assert ledger(heed, staff.account_id) == []


def test_per_number_scope_blocks_only_the_number_texted_r13(
    heed: Heed,
    staff: Principal,
    business_number: str,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
    decide: MakeRecord,
) -> None:
    other_number = random_number("737")
    accounts.update_account(
        heed.uow,
        staff,
        accounts.AccountChanges(
            sms_opt_out_scope="number", business_numbers=[business_number, other_number]
        ),
    )
    customer_number = random_number()
    contact = add_contact(make_customer()["id"], "mobile", customer_number)
    inbound(customer_number, "STOP", to=business_number)
    (entry,) = ledger(heed, staff.account_id)
    assert entry.scope == business_number

    from_a = decide(contact_id=contact["id"], **{"from": business_number})
    from_b = decide(contact_id=contact["id"], **{"from": other_number})
    assert (from_a["outcome"], from_a["reason"]) == ("blocked", "sms_opt_out")
    assert from_b["outcome"] == "allowed"
    # Without a sender heed cannot tell which number would send, so it blocks.
    assert decide(contact_id=contact["id"])["reason"] == "sms_opt_out"


def test_account_scope_blocks_every_business_number_r13(
    heed: Heed,
    staff: Principal,
    business_number: str,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    inbound: ReceiveText,
    decide: MakeRecord,
) -> None:
    other_number = random_number("737")
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(business_numbers=[business_number, other_number])
    )
    customer_number = random_number()
    contact = add_contact(make_customer()["id"], "mobile", customer_number)
    inbound(customer_number, "STOP", to=other_number)
    for sender in (business_number, other_number):
        assert decide(contact_id=contact["id"], **{"from": sender})["reason"] == "sms_opt_out"


def test_start_after_the_account_switched_to_per_number_scope_lifts_the_old_opt_out_r13(
    heed: Heed, staff: Principal, business_number: str, inbound: ReceiveText, decide: MakeRecord
) -> None:
    """An account-wide STOP, then per-number scope, then START on one number: the
    customer's latest word is START, and the ledger's fold must agree with what
    heed enforces (R-13, R-17)."""
    other_number = random_number("737")
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(business_numbers=[business_number, other_number])
    )
    customer_number = random_number()
    inbound(customer_number, "STOP", to=business_number)
    accounts.update_account(heed.uow, staff, accounts.AccountChanges(sms_opt_out_scope="number"))
    assert inbound(customer_number, "START", to=business_number).action == "opted_in"
    entries = ledger(heed, staff.account_id)
    folded = fold(entries)
    assert folded.opted_out_scopes == frozenset()
    for sender in (business_number, other_number):
        assert decide(to=customer_number, **{"from": sender})["outcome"] == "allowed"


def test_email_unsubscribe_suppresses_automated_email_only_r14(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    email = add_contact(make_customer()["id"], "email", "dana@whitfield.org")
    assert consent.record_email_event(
        heed.uow, staff.account_id, email="Dana@Whitfield.org", event="unsubscribe"
    )
    automated = decide(contact_id=email["id"], channel="email")
    assert (automated["outcome"], automated["reason"]) == ("blocked", "email_suppressed")
    assert decide(contact_id=email["id"], channel="email", manual=True)["outcome"] == "allowed"
    view = contacts.get_contact(heed.uow, staff, email["id"])
    assert view["email_suppressed"] is True
    # A second unsubscribe changes nothing.
    assert not consent.record_email_event(
        heed.uow, staff.account_id, email="dana@whitfield.org", event="unsubscribe"
    )
    (entry,) = ledger(heed, staff.account_id)
    assert (entry.action, entry.source) == ("suppress", "email_link")


@pytest.mark.parametrize("event", ["bounce", "complaint"])
def test_bounce_or_complaint_suppresses_all_email_r14(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
    event: str,
) -> None:
    email = add_contact(make_customer()["id"], "email", "dana@whitfield.org")
    consent.record_email_event(heed.uow, staff.account_id, email="dana@whitfield.org", event=event)
    for manual in (False, True):
        answer = decide(contact_id=email["id"], channel="email", manual=manual)
        assert (answer["outcome"], answer["reason"]) == ("blocked", "email_suppressed")
    # An unsubscribe afterwards never softens it.
    assert not consent.record_email_event(
        heed.uow, staff.account_id, email="dana@whitfield.org", event="unsubscribe"
    )
    assert decide(contact_id=email["id"], channel="email", manual=True)["outcome"] == "blocked"


# --- the ledger -------------------------------------------------------------------------


def _some_history(inbound: ReceiveText, heed: Heed, staff: Principal) -> list[t.ConsentEvent]:
    first, second = random_number(), random_number()
    inbound(first, "STOP")
    inbound(second, "please stop texting me")
    inbound(first, "START")
    consent.record_email_event(heed.uow, staff.account_id, email="a@b.org", event="bounce")
    inbound(first, "quit")
    return ledger(heed, staff.account_id)


def _entry(row: t.ConsentEvent) -> LedgerEntry:
    return LedgerEntry(**{f.name: getattr(row, f.name) for f in dataclasses.fields(LedgerEntry)})


def _stripes(entries: list[LedgerEntry]) -> dict[int | None, list[LedgerEntry]]:
    """The entries of each chain, in seq order."""
    chains: dict[int | None, list[LedgerEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.seq):
        chains.setdefault(entry.stripe, []).append(entry)
    return chains


def test_each_entry_carries_the_previous_hash_of_its_stripe_and_the_chains_verify_r17(
    heed: Heed, staff: Principal, inbound: ReceiveText
) -> None:
    entries = [_entry(e) for e in _some_history(inbound, heed, staff)]
    assert len({e.seq for e in entries}) == 5
    assert all(e.stripe == stripe_of(e.address) for e in entries)
    for chain in _stripes(entries).values():
        assert chain[0].prev_hash == GENESIS_HASH
        for before, after in itertools.pairwise(chain):
            assert after.prev_hash == before.hash
            assert after.seq == before.seq + 16
        assert verify_chain(chain) is None
    assert len({e.hash for e in entries}) == 5
    assert consent.verify_ledger(heed.uow, staff.account_id) is None
    exported = consent.ledger_events(heed.uow, staff)
    assert [(e["seq"], e["hash"], e["prev_hash"], e["stripe"]) for e in exported] == [
        (e.seq, e.hash, e.prev_hash, e.stripe) for e in entries
    ]


def test_ledgers_of_two_accounts_are_separate_chains_r17(
    heed: Heed, staff: Principal, other_staff: Principal, inbound: ReceiveText
) -> None:
    inbound(random_number(), "STOP")
    consent.record_email_event(heed.uow, other_staff.account_id, email="x@y.org", event="bounce")
    (mine,) = ledger(heed, staff.account_id)
    (theirs,) = ledger(heed, other_staff.account_id)
    assert mine.prev_hash == theirs.prev_hash == GENESIS_HASH
    assert consent.ledger_events(heed.uow, other_staff)[0]["address"] == "x@y.org"


@pytest.mark.parametrize(
    "change",
    [
        {"action": "opt_out"},
        {"address": "+15125550000"},
        {"body": "STOP"},
        {"actor": "staff:someone"},
    ],
)
def test_an_entry_altered_after_the_fact_is_found_by_verification_r17(
    heed: Heed, staff: Principal, inbound: ReceiveText, change: dict[str, Any]
) -> None:
    # The first number's STOP, START and "quit" are in one stripe's chain; alter its START.
    entries = [_entry(e) for e in _some_history(inbound, heed, staff)]
    assert verify_chain(entries) is None
    (start,) = [e for e in entries if e.action == "opt_in"]
    at = entries.index(start)
    altered = [*entries[:at], dataclasses.replace(start, **change), *entries[at + 1 :]]
    broken = verify_chain(altered)
    assert broken is not None and (broken.seq, broken.stripe) == (start.seq, start.stripe)
    assert broken.reason.startswith(f"stripe {start.stripe}: entry {start.seq}")
    # Removing an entry is found too.
    gap = verify_chain(entries[:at] + entries[at + 1 :])
    assert gap is not None and (gap.seq, gap.stripe) == (start.seq, start.stripe)


@pytest.mark.parametrize("statement", ["UPDATE", "DELETE", "TRUNCATE"])
def test_the_database_refuses_to_change_or_remove_ledger_entries_r17(
    heed: Heed, staff: Principal, inbound: ReceiveText, is_postgres: bool, statement: str
) -> None:
    inbound(random_number(), "STOP")
    sql = {
        "UPDATE": "UPDATE consent_events SET action = 'opt_in' WHERE account_id = :account",
        "DELETE": "DELETE FROM consent_events WHERE account_id = :account",
        "TRUNCATE": "TRUNCATE consent_events",
    }[statement]
    if statement == "TRUNCATE" and not is_postgres:
        pytest.skip("SQLite has no TRUNCATE (its DELETE trigger covers it)")
    with pytest.raises(DBAPIError) as refused, heed.engine.begin() as connection:
        connection.execute(text(sql), {"account": staff.account_id} if ":account" in sql else {})
    assert "append-only" in str(refused.value).lower()
    (entry,) = ledger(heed, staff.account_id)
    assert entry.action == "opt_out"
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_verify_ledger_names_an_entry_tampered_with_in_the_database_r17(tmp_path: Path) -> None:
    """On a database of its own, drop the guard as an attacker with DBA rights would."""
    with open("/dev/null", "w") as quiet:
        own = build(
            Settings(database_url=f"sqlite:///{tmp_path / 'tamper.sqlite3'}"),
            migrate=True,
            transport=LogTransport(stream=quiet),
        )
    try:
        business = random_number("737")
        made = accounts.create_account(own.uow, "Tamper Test", [business])
        customer_number = random_number()
        for body in ("STOP", "START", "STOP"):
            consent.record_inbound_sms(
                own.uow,
                made.account_id,
                from_number=customer_number,
                to_number=business,
                body=body,
                message_id=message_id(),
            )
        assert consent.verify_ledger(own.uow, made.account_id) is None
        with own.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER consent_events_no_update"))
            newest = connection.execute(text("SELECT MAX(seq) FROM consent_events")).scalar()
            connection.execute(
                text("UPDATE consent_events SET action = 'opt_in' WHERE seq = :seq"),
                {"seq": newest},
            )
        broken = consent.verify_ledger(own.uow, made.account_id)
        assert broken is not None and broken.seq == newest
        assert broken.stripe == stripe_of(customer_number)
    finally:
        own.engine.dispose()


def test_current_consent_always_equals_the_fold_of_the_ledger_r17(
    heed: Heed, staff: Principal, business_number: str, inbound: ReceiveText
) -> None:
    """A seeded random run of keywords, plain language, scope switches and email events."""
    rng = random.Random(20261123)
    other_number = random_number("737")
    accounts.update_account(
        heed.uow, staff, accounts.AccountChanges(business_numbers=[business_number, other_number])
    )
    numbers = [random_number() for _ in range(4)]
    emails = ["ann@x.org", "bo@y.org"]
    bodies = ["STOP", "START", "yes", "HELP", "stop texting me", "ok thanks", "UNSTOP", "quit"]
    for _ in range(150):
        roll = rng.random()
        if roll < 0.12:
            scope = rng.choice(["account", "number"])
            accounts.update_account(
                heed.uow, staff, accounts.AccountChanges(sms_opt_out_scope=scope)
            )
        elif roll < 0.2:
            consent.record_email_event(
                heed.uow,
                staff.account_id,
                email=rng.choice(emails),
                event=rng.choice(["unsubscribe", "bounce", "complaint"]),
            )
        else:
            inbound(
                rng.choice(numbers),
                rng.choice(bodies),
                to=rng.choice([business_number, other_number]),
            )
    entries = ledger(heed, staff.account_id)
    assert len(entries) > 30
    assert consent.verify_ledger(heed.uow, staff.account_id) is None
    with heed.uow.read() as tx:
        states = tx.session.scalars(
            select(t.ConsentState).where(t.ConsentState.account_id == staff.account_id)
        ).all()
    for address in [*numbers, *emails]:
        folded = fold(e for e in entries if e.address == address)
        rows = [s for s in states if s.address == address]
        projected_scopes = frozenset(s.scope for s in rows if s.opted_out)
        projected_suppression = max(
            (s.suppression for s in rows),
            key=["none", "automated", "all"].index,
            default="none",
        )
        assert (projected_scopes, projected_suppression) == (
            folded.opted_out_scopes,
            str(folded.suppression),
        ), address


def test_a_staff_opt_out_needs_customer_edit_and_records_nothing_without_it(
    heed: Heed, staff: Principal
) -> None:
    number = random_number()
    viewer = dataclasses.replace(staff, permissions=frozenset({"customer:view"}))
    with pytest.raises(Forbidden) as refused:
        consent.record_opt_out(heed.uow, viewer, consent.OptOut(number))
    assert refused.value.details == {"permission": "customer:edit"}
    assert ledger(heed, staff.account_id) == []
    answer = consent.record_staff_opt_out(heed.uow, staff, consent.OptOut(number, "On the phone."))
    assert (answer["opted_out"], answer["scopes"]) == (True, ["*"])
    assert [e["body"] for e in answer["events"]] == ["On the phone."]


def test_the_history_page_needs_customer_view_and_the_evidence_consent_export(
    heed: Heed, staff: Principal
) -> None:
    number = random_number()
    viewer = dataclasses.replace(staff, permissions=frozenset({"customer:view"}))
    assert consent.consent_history(heed.uow, viewer, number)["events"] == []
    for verb in (consent.address_consent, consent.ledger_events):
        with pytest.raises(Forbidden) as refused:
            # Both verbs get the address; ledger_events (whose third parameter is `since`)
            # is refused for the permission before it reads any argument.
            verb(heed.uow, viewer, number)  # type: ignore[arg-type]
        assert refused.value.details == {"permission": "consent:export"}


def test_current_consent_is_the_fold_of_what_each_verb_recorded_r17(
    heed: Heed, staff: Principal, business_number: str, inbound: ReceiveText
) -> None:
    """Texts, email events and staff opt-outs all go through the one projection step."""
    number, email = random_number(), f"{message_id()}@example.com"
    inbound(number, "STOP")
    inbound(number, "START")
    consent.record_opt_out(heed.uow, staff, consent.OptOut(number))
    consent.record_email(heed.uow, consent.EmailEvent(staff.account_id, email, "unsubscribe"))
    consent.record_email(heed.uow, consent.EmailEvent(staff.account_id, email, "bounce"))
    entries = ledger(heed, staff.account_id)
    with heed.uow.read() as tx:
        current = consent.current_consent(tx, staff.account_id, [number, email])
    for address in (number, email):
        assert current[address] == fold(e for e in entries if e.address == address)
    assert consent.verify_ledger(heed.uow, staff.account_id) is None


def test_the_latest_consent_changes_come_newest_first_and_only_the_accounts_own(
    heed: Heed, staff: Principal, other_staff: Principal, inbound: ReceiveText
) -> None:
    first, second = random_number(), random_number()
    inbound(first, "STOP")
    inbound(second, "STOP")
    inbound(first, "START")
    latest = consent.latest_events(heed.uow, staff, limit=3)
    assert [(e["address"], e["action"]) for e in latest] == [
        (first, "opt_in"),
        (second, "opt_out"),
        (first, "opt_out"),
    ]
    assert consent.latest_events(heed.uow, other_staff) == []
