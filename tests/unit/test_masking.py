"""The preference page shows addresses masked (R-31)."""

from __future__ import annotations

from heed.domain.masking import mask, mask_email, mask_phone


def test_a_phone_shows_only_its_last_four_digits() -> None:
    assert mask_phone("+15125550148") == "•••-•••-0148"


def test_an_email_shows_its_first_letter_and_its_domain() -> None:
    assert mask_email("maria@gmail.com") == "m•••@gmail.com"


def test_something_that_is_not_an_address_shows_nothing_of_itself() -> None:
    assert mask_email("not-an-email") == "•••"
    assert mask_phone("+1") == "•••"


def test_mask_picks_the_rule_by_kind() -> None:
    assert mask("email", "lou@example.com") == "l•••@example.com"
    assert mask("mobile", "+15125550148") == "•••-•••-0148"
