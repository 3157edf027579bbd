"""The R-29 reader's learned second opinion (heed.domain.learned_reader): its data file, the
features it reads, and how its answers join the rules' (tests/corpus/README.md, sixth round)."""

from __future__ import annotations

import pytest

from corpus.train_reader import rows_digest, tune_rows
from heed.domain.keywords import InboundAction
from heed.domain.learned_reader import features, fit, learned_reader, parse, render, sigmoid
from heed.domain.revocation import (
    LEARNED_REVOKE,
    LEARNED_UNSURE,
    Reading,
    Verdict,
    interpret,
    read,
    read_by_rules,
)


def test_the_data_file_records_the_digest_of_the_tune_rows_it_was_trained_on() -> None:
    assert learned_reader().corpus_sha256 == rows_digest(tune_rows())


def test_the_data_file_is_read_once_and_holds_weights_and_thresholds_in_order() -> None:
    reader = learned_reader()
    assert learned_reader() is reader
    assert reader.version == 1
    assert len(reader.weights) > 1000
    assert 0.5 <= reader.unsure_at <= reader.revoke_at <= 1.01


def test_a_reader_written_to_its_data_file_reads_back_the_same() -> None:
    reader = learned_reader()
    assert parse(render(reader, ["a header", "of two lines"])) == reader


def test_a_data_file_without_its_thresholds_is_refused() -> None:
    with pytest.raises(ValueError, match="revoke_at"):
        parse(
            "# no thresholds\n@version\t1\n@char_sizes\t\n@bias\t0.1\n@unsure_at\t0.9\n"
            "@corpus_sha256\tabc\nw stop\t1.5\n"
        )


def test_a_texts_features_are_its_words_word_pairs_and_character_ngrams() -> None:
    found = features("stop now", (3,))
    assert {"w stop", "w now", "b ^ stop", "b stop now", "b now $"} <= found
    assert {"c  st", "c sto", "c op ", "c  no", "c ow "} <= found
    assert not any(feature.startswith("c ") for feature in features("stop now", ()))


def test_a_longer_plea_scores_higher_than_an_errand_that_shares_its_verb() -> None:
    reader = learned_reader()
    assert reader.probability("stop texting me") > reader.probability("stop by at 3")


@pytest.mark.parametrize(
    "body",
    [
        "stop by at 3",
        "cancel my appointment",
        "unsubscribe from the tune-up plan",
        "Spring sale! Reply STOP to opt out",
        "Can you stop by at 3 tomorrow?",
        "Ok see you tomorrow",
        "Thanks, the technician was great",
        "remove the old filter please",
        "I quit my job today",
        "the alarm won't stop beeping",
        "leave the package at the door",
    ],
)
def test_ordinary_texts_and_quoted_instructions_are_left_alone(body: str) -> None:
    assert read(body).verdict is Verdict.NOT
    assert interpret(body, opted_out=False).action is InboundAction.NONE


@pytest.mark.parametrize(
    "body",
    [
        "Spring sale! Reply STOP to opt out",
        "cancel my appointment",
        "STOP",
        "Quit? No, we want to keep the service",
    ],
)
def test_the_learned_reader_is_not_asked_about_what_the_rules_recognised(body: str) -> None:
    _, asked = read_by_rules(body)
    assert asked is None


@pytest.mark.parametrize(
    "body",
    [
        "We already hired a plumber, i dont want this",
        "i am not the owner anymore please remove text",
        "not interested leave my alone",
        "This is a work phone. please remove text",
    ],
)
def test_wishes_the_rules_miss_are_revoked_by_the_learned_reader_and_say_so(body: str) -> None:
    assert read_by_rules(body)[0].verdict is Verdict.NOT
    assert read(body) == Reading(Verdict.REVOKE, "en", LEARNED_REVOKE)
    assert interpret(body, opted_out=False).action is InboundAction.OPT_OUT


@pytest.mark.parametrize(
    "body",
    [
        "Not interested. Leave me be",
        "Not the homeowner. end",
        "We went with someone else, don't want this",
    ],
)
def test_texts_the_learned_reader_doubts_go_to_a_person(body: str) -> None:
    assert read_by_rules(body)[0].verdict is Verdict.NOT
    assert read(body) == Reading(Verdict.UNSURE, "en", LEARNED_UNSURE)
    assert interpret(body, opted_out=False).action is InboundAction.NONE


def test_the_learned_reader_is_asked_about_english_texts_the_rules_find_no_wish_in() -> None:
    reading, asked = read_by_rules("Ok see you tomorrow")
    assert (reading.verdict, asked) == (Verdict.NOT, "ok see you tomorrow")
    assert read_by_rules("No me manden más mensajes")[1] is None


def test_fitting_weighs_the_feature_only_revocations_carry_above_the_one_both_carry() -> None:
    # Feature 0 is in every text, feature 1 only in the revocations.
    rows = [([0, 1], 1.0), ([0], 0.0)] * 20
    bias, weights = fit(rows, 2, [range(len(rows))] * 8, step=0.5, l2=0.01)
    assert weights[1] > 0 > weights[0] + bias
    assert sigmoid(bias + weights[0] + weights[1]) > 0.5 > sigmoid(bias + weights[0])
