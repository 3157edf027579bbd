"""Reading inbound SMS: keywords (R-11) and plain-language revocations (R-15)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heed.domain.keywords import (
    ConsentSource,
    InboundAction,
    Interpretation,
    interpret,
    is_revocation,
    match_keyword,
)

OUT = InboundAction.OPT_OUT
IN = InboundAction.OPT_IN
HELP = InboundAction.HELP
NONE = InboundAction.NONE

KEYWORDS: dict[str, InboundAction] = {
    "STOP": OUT,
    "STOPALL": OUT,
    "STOP ALL": OUT,
    "END": OUT,
    "CANCEL": OUT,
    "UNSUBSCRIBE": OUT,
    "QUIT": OUT,
    "REVOKE": OUT,
    "OPTOUT": OUT,
    "OPT OUT": OUT,
    "ARRET": OUT,
    "ARRÊT": OUT,
    "START": IN,
    "UNSTOP": IN,
    "YES": IN,
    "HELP": HELP,
    "INFO": HELP,
}

# (inbound text, action for a number that is NOT opted out)
REALISTIC_TEXTS: list[tuple[str, InboundAction]] = [
    # keywords as people actually send them
    ("STOP", OUT),
    ("Stop", OUT),
    ("stop.", OUT),
    ("  STOP!!! ", OUT),
    ("Stop 🛑", OUT),
    ("stop all", OUT),
    ("Opt out", OUT),
    ("Unsubscribe.", OUT),
    ("Arrêt", OUT),
    ("ARRET!", OUT),
    ("cancel", OUT),
    ("END", OUT),
    ("Start", IN),
    ("unstop", IN),
    ("Help?", HELP),
    ("info", HELP),
    ("Yes", NONE),
    ("yes!", NONE),
    # plain-language revocations
    ("please stop texting me", OUT),
    ("Please stop texting me.", OUT),
    ("no more texts", OUT),
    ("No more texts please!", OUT),
    ("remove me from your list", OUT),
    ("Remove me from your mailing list", OUT),
    ("Don't text me anymore", OUT),
    ("do not contact me again", OUT),
    ("stop sending me messages", OUT),
    ("unsubscribe me", OUT),
    ("Take me off your list", OUT),
    ("take me off", OUT),
    ("I don't want these texts", OUT),
    ("I do not want to receive texts from you", OUT),
    ("stop it", OUT),
    ("stop please", OUT),
    ("STOP IT!!", OUT),
    ("please stop", OUT),
    ("Stop texting", OUT),
    ("leave me alone", OUT),
    ("Please just leave me alone", OUT),
    ("wrong number, stop texting", OUT),
    ("Wrong number stop texting me", OUT),
    ("opt me out", OUT),
    ("How do I opt-out?", OUT),
    ("Stop the text messages", OUT),
    ("quit calling me", OUT),
    ("If you don't stop texting me I'll report you", OUT),
    ("I never signed up for this. Stop.", OUT),
    ("Don't text me, call me instead", OUT),
    ("stop sending me this crap", OUT),
    ("\u201cstop\u201d", OUT),
    # ordinary conversation that mentions stopping, cancelling or texting
    ("Stop by at 3pm?", NONE),
    ("can the tech stop at the supply house", NONE),
    ("don't stop the repair", NONE),
    ("please don't stop the service", NONE),
    ("the water won't stop leaking", NONE),
    ("when will the tech stop by", NONE),
    ("can you text me when he's on the way", NONE),
    ("yes please send the invoice", NONE),
    ("is the AC supposed to stop running at night?", NONE),
    ("don't cancel my appointment", NONE),
    ("cancel my appointment", NONE),
    ("Can you cancel the service call tomorrow?", NONE),
    ("The furnace keeps clicking and won't stop", NONE),
    ("My thermostat won't stop beeping, is that normal?", NONE),
    ("Please don't stop sending reminders, they help", NONE),
    ("Why did you stop texting me about my appointments?", NONE),
    ("You never text me back", NONE),
    ("Don't text me before 8am please", NONE),
    ("Stop at the front gate, code is 1234", NONE),
    ("ok see you then", NONE),
    ("STOP BY ANYTIME", NONE),
    ("Wrong number", NONE),
    ("Take me off the schedule for Friday", NONE),
    ("", NONE),
    ("   ", NONE),
    ("!!!", NONE),
]


@pytest.mark.parametrize(("body", "expected"), REALISTIC_TEXTS)
def test_realistic_inbound_texts_are_read_as_a_careful_person_would(
    body: str, expected: InboundAction
) -> None:
    assert interpret(body, opted_out=False).action is expected


def _variants(keyword: str) -> list[str]:
    return [
        keyword.lower(),
        keyword.upper(),
        "".join(ch.upper() if i % 2 else ch.lower() for i, ch in enumerate(keyword)),
        f"  {keyword.lower()}.  ",
        f"\t{keyword.title()}!!!\n",
        f"\u00a0{keyword}?!…",
        f"{keyword} 👍",
        keyword.replace(" ", "   "),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [(v, action) for keyword, action in KEYWORDS.items() for v in _variants(keyword)],
)
def test_every_keyword_matches_in_any_case_with_surrounding_whitespace_and_trailing_punctuation(
    body: str, expected: InboundAction
) -> None:
    matched = match_keyword(body)
    assert matched is not None
    assert matched[0] is expected


def test_stop_with_trailing_punctuation_and_any_case_opts_out_by_keyword() -> None:
    assert interpret(" sToP?! ", opted_out=False) == Interpretation(
        InboundAction.OPT_OUT, ConsentSource.KEYWORD, "STOP"
    )


def test_accented_and_unaccented_arret_both_name_the_canonical_keyword() -> None:
    assert match_keyword("Arrêt") == (OUT, "ARRET")
    assert match_keyword("arret") == (OUT, "ARRET")


def test_full_width_and_zero_width_characters_do_not_hide_a_keyword() -> None:
    assert match_keyword("ＳＴＯＰ") == (OUT, "STOP")
    assert match_keyword("ST\u200bOP") == (OUT, "STOP")


def test_yes_opts_in_only_when_the_number_is_opted_out() -> None:
    assert interpret("Yes", opted_out=True) == Interpretation(IN, ConsentSource.KEYWORD, "YES")
    assert interpret("Yes", opted_out=False) == Interpretation(NONE, None, None)


@pytest.mark.parametrize("opted_out", [True, False])
def test_start_and_unstop_always_opt_in(opted_out: bool) -> None:
    assert interpret("START", opted_out=opted_out).action is IN
    assert interpret("unstop", opted_out=opted_out).action is IN


def test_help_is_a_keyword_that_changes_no_consent() -> None:
    assert interpret("help", opted_out=True) == Interpretation(HELP, ConsentSource.KEYWORD, "HELP")


def test_a_plain_language_revocation_is_marked_as_natural_language() -> None:
    assert interpret("please stop texting me", opted_out=False) == Interpretation(
        OUT, ConsentSource.NATURAL_LANGUAGE, None
    )


@pytest.mark.parametrize("body", ["STOP IT", "stop please", "unsubscribe me", "opt-out"])
def test_phrases_near_a_keyword_are_not_keywords_but_still_revoke(body: str) -> None:
    assert match_keyword(body) is None
    assert is_revocation(body)


def test_an_ordinary_message_is_neither_a_keyword_nor_a_revocation() -> None:
    assert interpret("see you at 3", opted_out=True) == Interpretation(NONE, None, None)


@given(st.text())
def test_interpret_never_raises_on_any_text(body: str) -> None:
    for opted_out in (True, False):
        result = interpret(body, opted_out=opted_out)
        assert isinstance(result.action, InboundAction)


_PUNCTUATION = st.characters(categories=["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"])
_WHITESPACE = st.sampled_from([" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000"])


@st.composite
def keyword_variants(draw: st.DrawFn) -> tuple[str, str]:
    keyword = draw(st.sampled_from(sorted(KEYWORDS)))
    flips = draw(st.lists(st.booleans(), min_size=len(keyword), max_size=len(keyword)))
    cased = "".join(ch.upper() if up else ch.lower() for ch, up in zip(keyword, flips, strict=True))
    inner = draw(st.text(_WHITESPACE, min_size=1, max_size=3))
    spaced = cased.replace(" ", inner)
    leading = draw(st.text(_WHITESPACE, max_size=3))
    trailing = draw(st.text(st.one_of(_PUNCTUATION, _WHITESPACE), max_size=5))
    return keyword, f"{leading}{spaced}{trailing}"


@given(keyword_variants())
def test_any_case_whitespace_or_trailing_punctuation_variant_acts_like_the_keyword(
    variant: tuple[str, str],
) -> None:
    keyword, body = variant
    for opted_out in (True, False):
        assert interpret(body, opted_out=opted_out) == interpret(keyword, opted_out=opted_out)
