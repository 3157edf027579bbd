"""The R-29 reader on paraphrases of the corpus's English tune texts (tests/corpus/paraphrase.py):
the same wish said with other words, text-speak, slips, politeness and feeling; and the
general rules that read them, each with the ordinary texts that must stay *not*."""

from __future__ import annotations

import pytest

from corpus.paraphrase import tune_texts, variants
from heed.domain.keywords import InboundAction
from heed.domain.revocation import interpret


def _revokes(text: str) -> bool:
    return interpret(text, opted_out=False).action is InboundAction.OPT_OUT


def test_paraphrases_are_a_few_thousand_seeded_variants_of_tune_texts_only() -> None:
    found = variants()
    tune = {text for text, _ in tune_texts()}
    assert 3000 <= len(found) <= 6000
    assert found == variants()
    assert {variant.source for variant in found} <= tune
    assert not {variant.text for variant in found} & tune


def test_paraphrased_revocations_are_read_and_paraphrased_ordinary_texts_are_not() -> None:
    found = variants()
    revocations = [v.text for v in found if v.label == "revoke"]
    ordinary = [v.text for v in found if v.label == "not"]
    missed = sum(not _revokes(text) for text in revocations)
    false = [text for text in ordinary if _revokes(text)]
    # Measured 2026-12-07, fifth round: 2,565 revocations, 0.982 read (0.845 before the
    # round; of the 45 missed, 13 are "I don't want this" said another way, which goes to
    # a person by design); 0 of 1,979 ordinary texts read as revocations (19 before).
    assert 1 - missed / len(revocations) >= 0.98
    assert false == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_paraphrases_drawn_with_other_seeds_are_read_as_well(seed: int) -> None:
    found = variants(seed=seed)
    revocations = [v.text for v in found if v.label == "revoke"]
    missed = sum(not _revokes(text) for text in revocations)
    assert 1 - missed / len(revocations) >= 0.97
    assert not [v.text for v in found if v.label == "not" and _revokes(v.text)]


@pytest.mark.parametrize(
    "body",
    [
        "stahp texting me",
        "pls rmv my numbr",
        "I dont wanna recieve any more msgs",
        "Don't conact me again",
        "unsubscibe me",
        "I DONT WANT THESE ANYMOR",
        "no more txt messages",
    ],
)
def test_text_speak_and_common_slips_of_a_plea_are_read_as_the_words_they_stand_for(
    body: str,
) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "u coming tonight?",
        "txt me when ur here",
        "Can I unsubcribe from the annual tune-up plan and get a refund?",
        "Reply STAHP to opt-out",
        "You can reply STOPP at any time to opt out. Msg & data rates may apply",
        "ur the best, thx",
    ],
)
def test_text_speak_in_ordinary_texts_and_broadcasts_adds_no_wish(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "I'd like you to stop.",
        "I need you to remove me",
        "I'm asking you not to text me",
        "I need you to not text this number again",
        "can you please remove?",
        "could you leave me alone?",
        "Kindly stop",
        "Hi, could you not contact me",
        "I'd like u 2 stop",
    ],
)
def test_a_wish_put_before_a_plea_is_read_as_the_plea(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Can you stop by at 3?",
        "Could you end the visit before noon?",
        "I need you to text me when you're here",
        "I don't want you to stop the reminders",
        "Would you like to stop receiving texts? Reply STOP to opt out",
        "can you remove the old unit when you install the new one?",
        "Kindly send the invoice by email",
    ],
)
def test_a_wish_put_before_another_errand_or_a_senders_question_is_not_a_plea(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body", ["take my # off your list", "Please delete my no.", "REMOVE THIS NO."]
)
def test_the_number_sign_or_no_after_my_or_this_is_the_number(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize("body", ["my no. is 555 0134, call after 5", "I have 2 kids at home"])
def test_the_number_sign_and_digits_in_ordinary_talk_add_no_wish(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "ugh STOP",
        "omg remove me",
        "seriously, leave me alone",
        "This is harassment, leave me alone ASAP",
    ],
)
def test_interjections_and_haste_around_a_plea_do_not_hide_it(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize("body", ["ugh the leak is back", "call me asap", "omg thank you so much"])
def test_interjections_and_haste_in_ordinary_texts_add_no_wish(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Cancel my text updates",
        "I don't wish to receive these updates anymore",
        "No more promotional updates please",
        "Please stop sending me updates",
    ],
)
def test_updates_are_messages_like_texts_and_alerts(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Any updates on my order?",
        "Thanks for the updates",
        "Stop the update, I will install it later",
    ],
)
def test_updates_asked_for_or_thanked_for_are_not_a_wish_to_stop(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "It would be great if you would no longer text my cell",
        "Please no longer text my number",
    ],
)
def test_the_writers_phone_named_instead_of_me_is_still_the_writer(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body", ["You need to cease texting while driving", "cease texting until the job is done"]
)
def test_a_leading_plea_about_when_is_not_a_wish_about_messages(body: str) -> None:
    assert not _revokes(body)
