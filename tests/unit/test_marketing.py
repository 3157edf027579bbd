"""Marketing consent's pure parts (R-24): the evidence in the hash chain, the
disclosure's version, the state an address reads as, and CASL's implied consent."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from heed.domain.consent import (
    ALL_NUMBERS,
    GENESIS_HASH,
    ConsentAction,
    LedgerEntry,
    ScopeConsent,
    apply,
    next_entry,
    verify_chain,
)
from heed.domain.errors import Invalid
from heed.domain.marketing import (
    NO_MARKETING,
    Evidence,
    Method,
    Status,
    checked_evidence,
    consented,
    consented_after,
    default_disclosure,
    disclosure_version,
    implied_until,
    read_evidence,
    requested,
    withdrawn,
)

T0 = datetime(2026, 5, 5, 18, 0, tzinfo=UTC)
SIGNED = "I agree to get marketing texts from Acme Plumbing."


def _consent_entry(evidence: str | None) -> LedgerEntry:
    return next_entry(
        "acct-1",
        0,
        GENESIS_HASH,
        address="+15125550143",
        channel="sms",
        scope=ALL_NUMBERS,
        action=ConsentAction.MARKETING_CONSENT,
        source="marketing_consent",
        actor="user:office",
        at=T0,
        via="user:usr_1",
        evidence=evidence,
    )


def test_the_evidence_is_part_of_the_entrys_hash_and_a_changed_wording_is_found() -> None:
    evidence = Evidence(Method.WRITTEN, SIGNED, disclosure_version(SIGNED), reference="F-1")
    entry = _consent_entry(evidence.as_text())
    assert entry.hash != _consent_entry(None).hash
    assert verify_chain([entry]) is None
    forged = evidence.as_text().replace("I agree", "I agreed")
    broken = verify_chain([dataclasses.replace(entry, evidence=forged)])
    assert broken is not None and broken.seq == 1


def test_evidence_is_canonical_json_without_empty_fields() -> None:
    evidence = Evidence(Method.WRITTEN, SIGNED, disclosure_version(SIGNED), reference="F-1")
    assert evidence.as_text() == (
        '{"disclosure":"I agree to get marketing texts from Acme Plumbing.",'
        f'"disclosure_version":"{disclosure_version(SIGNED)}","method":"written",'
        '"reference":"F-1"}'
    )
    assert read_evidence(evidence.as_text())["reference"] == "F-1"
    assert read_evidence(None) == {}


def test_a_disclosure_version_is_sha256_and_sixteen_hex_digits_of_the_exact_text() -> None:
    version = disclosure_version(SIGNED)
    assert version.startswith("sha256:") and len(version) == len("sha256:") + 16
    assert disclosure_version(SIGNED + " ") != version


def test_the_default_disclosure_names_the_business_rates_stop_and_help() -> None:
    text = default_disclosure("Acme Plumbing")
    for part in (
        "Acme Plumbing",
        "msgs/month",
        "Msg & data rates may apply",
        "Reply STOP to opt out, HELP for help",
    ):
        assert part in text
    assert len(text) <= 480


@pytest.mark.parametrize(
    ("method", "fields", "named"),
    [
        (Method.WRITTEN, {"disclosure": SIGNED}, "reference"),
        (Method.WRITTEN, {"reference": "F-1", "disclosure": "  "}, "disclosure"),
        (Method.WEB_FORM, {"disclosure": SIGNED, "user_agent": "Mozilla"}, "ip"),
        (Method.WEB_FORM, {"disclosure": SIGNED, "ip": "203.0.113.7"}, "user_agent"),
        (Method.SMS_DOUBLE_OPT_IN, {"disclosure": SIGNED}, "method"),
        (Method.WRITTEN, {"disclosure": "x" * 2001, "reference": "F-1"}, "disclosure"),
    ],
)
def test_staff_can_never_record_consent_without_its_evidence(
    method: Method, fields: dict[str, str], named: str
) -> None:
    with pytest.raises(Invalid) as refused:
        checked_evidence(
            method,
            disclosure=fields.get("disclosure"),
            disclosure_version_given=None,
            reference=fields.get("reference"),
            ip=fields.get("ip"),
            user_agent=fields.get("user_agent"),
        )
    assert refused.value.details["field"] == named


def test_marketing_entries_leave_the_opt_out_rows_alone() -> None:
    rows = {ALL_NUMBERS: ScopeConsent(opted_out=True)}
    for action in (
        ConsentAction.MARKETING_REQUEST,
        ConsentAction.MARKETING_CONSENT,
        ConsentAction.MARKETING_WITHDRAW,
    ):
        assert apply(rows, action, ALL_NUMBERS) == {}


def test_a_request_waits_seven_days_then_the_address_reads_as_before() -> None:
    pending = requested(NO_MARKETING, 3, T0, "msg_1")
    assert pending.status(T0 + timedelta(days=6, hours=23), setting_on=False) is Status.PENDING
    assert pending.status(T0 + timedelta(days=7), setting_on=False) is Status.NONE
    assert pending.status(T0 + timedelta(days=7), setting_on=True) is Status.NOT_ON_RECORD


def test_consent_and_withdrawal_read_as_such_whatever_the_setting() -> None:
    given = consented(requested(NO_MARKETING, 3, T0, "msg_1"), 4, Method.SMS_DOUBLE_OPT_IN, T0)
    assert given.status(T0, setting_on=False) is Status.CONSENTED
    assert given.pending_since is None
    gone = withdrawn(given, 5, T0)
    assert gone.status(T0, setting_on=True) is Status.WITHDRAWN
    assert NO_MARKETING.status(T0, setting_on=True) is Status.NOT_ON_RECORD


def test_casl_implied_consent_ends_two_years_after_a_purchase_or_six_months_after_an_inquiry() -> (
    None
):
    purchase = T0 - timedelta(days=100)
    inquiry = T0 - timedelta(days=10)
    assert implied_until(purchase, None) == purchase + timedelta(days=730)
    assert implied_until(None, inquiry) == inquiry + timedelta(days=183)
    assert implied_until(purchase, inquiry) == purchase + timedelta(days=730)
    assert implied_until(None, None) is None


@pytest.mark.parametrize(
    ("actions", "given"),
    [
        ([], False),
        (["marketing_request"], False),
        (["marketing_request", "marketing_consent"], True),
        (["marketing_consent", "opt_out", "opt_in"], False),
        (["marketing_consent", "marketing_withdraw", "marketing_consent"], True),
    ],
)
def test_the_ledger_gives_consent_until_a_withdrawal_or_a_stop(
    actions: list[str], given: bool
) -> None:
    assert consented_after(actions) is given
