"""Which text heed accepts as given, and how it keeps text a provider relays (R-34)."""

from __future__ import annotations

import pytest

from heed.domain import limits


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("Maria Alvarez", False, False),
        ("Maria\x00", False, True),
        ("line one\nline two", False, True),
        ("line one\nline two\r\n\tindented", True, False),
        ("bell \x07", True, True),
        ("NUL \x00", True, True),
        ("Zoë 👩‍🔧", False, False),
        ("lone \ud800 surrogate", True, True),
    ],
)
def test_given_text_is_refused_only_for_control_characters_and_lone_surrogates(
    text: str, multiline: bool, refused: bool
) -> None:
    assert (limits.refused_character(text, multiline=multiline) is not None) is refused


def test_a_refusal_names_the_character_and_where_it_is() -> None:
    assert limits.refused_character("ab\x00") == (
        "must not contain a NUL character (U+0000 at position 3)"
    )
    assert limits.too_long("x" * 201, limits.NAME) == "must be at most 200 characters (it has 201)"
    assert limits.too_long("x" * 200, limits.NAME) is None


def test_relayed_text_loses_its_nul_characters_and_keeps_everything_else() -> None:
    assert limits.provider_text("please stop texting me\x00") == "please stop texting me"
    assert limits.provider_text("tab\tbell\x07 ñ") == "tab\tbell\x07 ñ"
    assert limits.provider_text("a\ud800b") == "a?b"


def test_a_provider_id_of_any_length_fits_its_column_and_names_one_message() -> None:
    real = "SM0123456789abcdef0123456789abcdef"
    assert limits.provider_id(real) == real
    assert limits.provider_id("x" * 300) == "x" * 300
    long_one, other = "SM" + "a" * 5000, "SM" + "a" * 4999 + "b"
    kept = limits.provider_id(long_one)
    assert len(kept) == limits.PROVIDER_ID
    assert kept == limits.provider_id(long_one) != limits.provider_id(other)
    assert limits.provider_id("SM1\x00") == "SM1"
    only_nuls = limits.provider_id("\x00\x00")
    assert only_nuls and "\x00" not in only_nuls and only_nuls != limits.provider_id("\x00")
    assert limits.provider_id("") == ""
