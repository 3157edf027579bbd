"""What search results mark (entrypoints/web/highlight.py), what the search box asks of
the database (services/search.py), and the settings form's every problem at once
(services/settings_form.py)."""

from __future__ import annotations

import pytest

from heed.entrypoints.web.base import local_time
from heed.entrypoints.web.highlight import mark_digits, mark_text
from heed.services import accounts
from heed.services.search import read_query
from heed.services.settings_form import settings_problems


def test_a_name_fragment_is_marked_in_any_case_and_escaped() -> None:
    assert mark_text("Tom <Harding>", "HAR") == "Tom &lt;<mark>Har</mark>ding&gt;"
    assert mark_text("Lena", "zz") == "Lena"
    assert mark_text("Lena", None) == "Lena"


@pytest.mark.parametrize(
    ("digits", "marked"),
    [
        ("0142", "(512) 555-<mark>0142</mark>"),
        ("5550", "(512) <mark>555-0</mark>142"),
        ("15125550142", "(<mark>512) 555-0142</mark>"),
        ("9999", "(512) 555-0142"),
    ],
)
def test_the_digits_searched_are_marked_across_the_separators(digits: str, marked: str) -> None:
    assert mark_digits("(512) 555-0142", digits) == marked


@pytest.mark.parametrize(
    ("typed", "digits", "email"),
    [
        ("0142", "0142", None),
        ("(512) 555-0142", "5125550142", None),
        ("512", None, None),
        ("gmail", None, "gmail"),
        ("Jo@Gmail.com", None, "jo@gmail.com"),
        ("Mary Ann", None, None),
    ],
)
def test_the_search_box_reads_numbers_and_emails(
    typed: str, digits: str | None, email: str | None
) -> None:
    query = read_query(typed)
    assert query is not None
    assert (query.terms.digits, query.terms.email) == (digits, email)
    assert query.terms.name == typed.casefold()


def test_an_empty_search_box_is_no_search() -> None:
    assert read_query("   ") is None


def test_times_show_in_the_zone_with_its_name() -> None:
    assert local_time("2026-07-01T15:00:00+00:00", "America/Chicago") == "2026-07-01 10:00 CDT"
    assert local_time("2026-01-01T15:00:00", "UTC") == "2026-01-01 15:00 UTC"
    assert local_time(None, "UTC") == ""


def test_the_settings_form_gets_every_refused_setting_at_once() -> None:
    changes = accounts.AccountChanges(
        sms_opt_out_scope="sometimes",
        sending_window=accounts.Window("21:00", "08:00"),
        help_text="h" * 400,
        business_numbers=["512-12"],
        customer_notifications_enabled=True,
    )
    assert set(settings_problems(changes)) == {
        "sms_opt_out_scope",
        "sending_window",
        "help_text",
        "business_numbers",
    }
