"""The sending rules table (R-26) through decide_one, on stored contacts: each
answer names its rule and the table's version. Times are explicit; December 2026
is standard time (CST is UTC-6, MST UTC-7, EST UTC-5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from integration_support import MakeRecord, Record, marketing_sent, random_number

from heed.bootstrap import Heed
from heed.domain.sending_rules import sending_rules
from heed.services.common import Principal

VERSION = sending_rules().version
SUNDAY_HALF_PAST_ELEVEN_CENTRAL = datetime(2026, 12, 6, 17, 30, tzinfo=UTC)
TUESDAY_HALF_PAST_NINE_CENTRAL = datetime(2026, 12, 8, 15, 30, tzinfo=UTC)  # 8:30 in Denver


def marketing_contact(make_customer: MakeRecord, add_contact: MakeRecord, area: str) -> Record:
    customer = make_customer()
    return add_contact(
        customer["id"], "mobile", random_number(area), notifications={"marketing": True}
    )


def test_a_texas_marketing_text_on_sunday_morning_waits_for_noon_r26(
    make_customer: MakeRecord, add_contact: MakeRecord, decide: MakeRecord
) -> None:
    contact = marketing_contact(make_customer, add_contact, "512")
    answer = decide(
        contact_id=contact["id"], category="marketing", at=SUNDAY_HALF_PAST_ELEVEN_CENTRAL
    )
    assert (answer["outcome"], answer["reason"]) == ("deferred", "outside_sending_window")
    assert datetime.fromisoformat(answer["not_before"]) == datetime(2026, 12, 6, 18, tzinfo=UTC)
    assert answer["message"].startswith("Texas: marketing texts only 12:00–21:00 on Sundays")
    assert answer["rule"] == {"jurisdiction": "US-TX", "name": "us-tx", "rules_version": VERSION}
    # A job text is no marketing: the account's 8:00-21:00 lets it go, naming no rule.
    job = decide(contact_id=contact["id"], at=SUNDAY_HALF_PAST_ELEVEN_CENTRAL)
    assert job["outcome"] == "allowed"
    assert job["rule"] == {"jurisdiction": None, "name": None, "rules_version": VERSION}


def test_a_fourth_marketing_text_to_maryland_in_24_hours_waits_r26(
    heed: Heed,
    staff: Principal,
    make_customer: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    contact = marketing_contact(make_customer, add_contact, "301")
    at = datetime(2026, 12, 8, 17, tzinfo=UTC)  # 12:00 in Baltimore
    sent = (at - timedelta(hours=20), at - timedelta(hours=5), at - timedelta(hours=1))
    marketing_sent(heed, staff.account_id, staff.actor, contact, *sent)
    answer = decide(contact_id=contact["id"], category="marketing", at=at)
    assert (answer["outcome"], answer["reason"]) == ("deferred", "state_limit")
    # The oldest of the three leaves the trailing 24 hours at 16:00 in Baltimore.
    assert datetime.fromisoformat(answer["not_before"]) == at + timedelta(hours=4)
    assert answer["message"].startswith(
        "Maryland: at most 3 marketing texts to one number in 24 hours"
    )
    assert answer["rule"] == {"jurisdiction": "US-MD", "name": "us-md", "rules_version": VERSION}
    assert decide(contact_id=contact["id"], at=at)["outcome"] == "allowed"


def test_a_split_zone_code_waits_until_open_in_both_zones_unless_its_location_says_r26(
    make_customer: MakeRecord,
    make_location: MakeRecord,
    add_contact: MakeRecord,
    decide: MakeRecord,
) -> None:
    # 915 rings in Central and Mountain time; Texas opens marketing at 9:00.
    customer = make_customer()
    number = random_number("915")
    on_customer = add_contact(customer["id"], "mobile", number, notifications={"marketing": True})
    shop = make_location(customer["id"], "Shop", time_zone="America/Chicago")
    on_shop = add_contact(shop["id"], "mobile", number, notifications={"marketing": True})
    at = TUESDAY_HALF_PAST_NINE_CENTRAL
    both = decide(contact_id=on_customer["id"], category="marketing", at=at)
    assert (both["outcome"], both["reason"]) == ("deferred", "outside_sending_window")
    # 9:00 in Denver is 10:00 in Chicago.
    assert datetime.fromisoformat(both["not_before"]) == datetime(2026, 12, 8, 16, tzinfo=UTC)
    assert both["rule"]["name"] == "us-tx"
    located = decide(contact_id=on_shop["id"], category="marketing", at=at)
    assert located["outcome"] == "allowed"
    assert located["rule"] == {"jurisdiction": "US-TX", "name": "us-tx", "rules_version": VERSION}
