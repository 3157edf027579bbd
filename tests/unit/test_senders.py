"""Which business numbers may text a contact by hand, and how an opt-out's scope reads (R-13)."""

from __future__ import annotations

from typing import Any

import pytest

from heed.services.senders import business_display, opt_out_scope_sentence, sender_choices

A, B = "+15124870142", "+17372090000"


def _phone(*scopes: str, kind: str = "mobile") -> dict[str, Any]:
    return {"kind": kind, "sms_opt_out_scopes": list(scopes)}


def test_a_business_number_reads_with_its_country_code_and_dashes() -> None:
    assert business_display(A) == "+1 512-487-0142"
    assert business_display("+442071838750") == "+442071838750"


@pytest.mark.parametrize(
    ("scopes", "sentence"),
    [
        ((), ""),
        (("*",), "Opted out of texts from every business number."),
        ((A,), "Opted out of texts from +1 512-487-0142 only."),
        ((B, A), "Opted out of texts from +1 512-487-0142 and +1 737-209-0000 only."),
        (("*", A), "Opted out of texts from every business number."),
    ],
)
def test_an_opt_outs_scope_in_staffs_words(scopes: tuple[str, ...], sentence: str) -> None:
    assert opt_out_scope_sentence(scopes) == sentence


def test_a_number_opted_out_from_one_business_number_may_be_texted_from_the_other() -> None:
    choices = {c["number"]: c for c in sender_choices([A, B], _phone(A))}
    assert (choices[A]["allowed"], choices[A]["why"]) == (
        False,
        "opted out of texts from this number",
    )
    assert (choices[B]["allowed"], choices[B]["why"]) == (True, "")


def test_an_opt_out_from_every_number_allows_none_and_says_so() -> None:
    choices = sender_choices([A, B], _phone("*"))
    assert [c["allowed"] for c in choices] == [False, False]
    assert {c["why"] for c in choices} == {"opted out of texts from every business number"}


@pytest.mark.parametrize("contact", [None, _phone(kind="email"), _phone(kind="fax")])
def test_no_from_choice_without_a_number_to_text(contact: dict[str, Any] | None) -> None:
    assert sender_choices([A, B], contact) == []
