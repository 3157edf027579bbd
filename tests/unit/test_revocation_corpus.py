"""The R-29 reader measured on the held-out part of the labelled corpus, per language."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from heed.domain.keywords import InboundAction
from heed.domain.revocation import Verdict, detect_language, interpret, read

CORPUS = Path(__file__).parents[1] / "corpus" / "revocations.csv"


def _rows(split: str) -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["split"] == split]


def _is_public(row: dict[str, str]) -> bool:
    return row["source"].startswith("http")


def _revokes(text: str) -> bool:
    return interpret(text, opted_out=False).action is InboundAction.OPT_OUT


def held_out_figures(*, public: bool) -> dict[str, tuple[float, float, int, int]]:
    """language (and "all") -> precision, recall, false revocations, ordinary texts.

    ``public`` chooses the held-out texts read at public addresses, or those written
    for heed.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for row in _rows("heldout"):
        if _is_public(row) is not public:
            continue
        predicted, actual = _revokes(row["text"]), row["label"] == "revoke"
        outcome = {(True, True): "tp", (True, False): "fp", (False, True): "fn"}.get(
            (predicted, actual), "tn"
        )
        for language in (row["language"], "all"):
            counts[(language, outcome)] += 1
    figures = {}
    for language in ("en", "es", "fr", "all"):
        tp, fp, fn, tn = (counts[(language, o)] for o in ("tp", "fp", "fn", "tn"))
        figures[language] = (tp / max(1, tp + fp), tp / max(1, tp + fn), fp, fp + tn)
    return figures


def test_the_corpus_has_a_thousand_labelled_texts_in_three_languages_and_a_held_out_part() -> None:
    tune, held_out = _rows("tune"), _rows("heldout")
    assert len(tune) + len(held_out) >= 1000
    assert {row["language"] for row in held_out} == {"en", "es", "fr"}
    assert {row["label"] for row in held_out} == {"revoke", "not"}
    # The split is by base text: no spelling of a held-out text is tuned on.
    assert not {row["base"] for row in tune} & {row["base"] for row in held_out}


def _print(figures: dict[str, tuple[float, float, int, int]]) -> None:
    for language, (precision, recall, false_revocations, ordinary) in figures.items():
        print(
            f"{language}: precision {precision:.3f} recall {recall:.3f} "
            f"false revocations {false_revocations}/{ordinary}"
        )


def test_held_out_texts_are_read_with_the_promised_precision_recall_and_false_alarm_rate() -> None:
    figures = held_out_figures(public=False)
    _print(figures)
    for language in ("en", "es", "fr", "all"):
        precision, recall, false_revocations, ordinary = figures[language]
        assert precision >= 0.97, language
        assert recall >= 0.93, language
        assert false_revocations / ordinary <= 1 / 2000, language


# Measured on 2026-12-07, seventh round (tests/corpus/README.md): English public texts
# 0.990 / 0.872 (sixth round 0.9896 / 0.8697). Spanish public recall is 0.846: the
# seventh round's new public texts put two Spanish revocations in the held-out part that
# the reader of the sixth round misses as well (its figure on the same texts is the
# same). English and Spanish miss the recall target on the public texts: the floors keep
# the reader from sliding back.
_PUBLIC_FLOOR = {"en": (0.985, 0.87), "es": (0.97, 0.84), "fr": (0.97, 0.93)}


def test_held_out_public_texts_are_read_at_least_as_well_as_when_they_were_added() -> None:
    figures = held_out_figures(public=True)
    _print(figures)
    for language, (precision_floor, recall_floor) in _PUBLIC_FLOOR.items():
        precision, recall, _, _ = figures[language]
        assert precision >= precision_floor, language
        assert recall >= recall_floor, language


def test_a_good_share_of_the_public_texts_is_held_out_in_each_language() -> None:
    public = [row for split in ("tune", "heldout") for row in _rows(split) if _is_public(row)]
    for language in ("en", "es", "fr"):
        mine = [row for row in public if row["language"] == language]
        held_out = [row for row in mine if row["split"] == "heldout"]
        assert len(held_out) >= 0.4 * len(mine), language


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("No me manden más mensajes", "es"),
        ("no mas mensajes por favor", "es"),
        ("Arrêtez de m'envoyer des messages", "fr"),
        ("Je ne veux plus recevoir de messages", "fr"),
        ("wrong number please remove", "en"),
        ("STOP", "en"),
    ],
)
def test_the_language_of_a_short_text_is_told(body: str, language: str) -> None:
    assert detect_language(body) == language


@pytest.mark.parametrize(
    "body",
    [
        "Spring sale! Reply STOP to opt out",
        "Responda BAJA para no recibir más mensajes",
        "Can I unsubscribe from the annual tune-up plan and get a refund?",
        "Quit? No, we want to keep the service",
        "stop by at 3",
        "Annuler mon rendez-vous de vendredi",
        "Flash sale 40% off duct cleaning! Txt STOP to 55123 to end. Msg&data rates may apply",
        "You have been unsubscribed and will receive no further messages from Acme HVAC.",
        "Acme: you're now opted out. Reply START to resubscribe.",
        "Promo chauffe-eau : -20 % cette semaine sur www.exemple.fr. Envoyez ARRET au 36180",
        "Oferta 2x1 en mantenimiento, visite www.ejemplo.com. Responda BAJA al 55123 para salir",
        "WIN a free tune-up! Call 08001234567 now. To opt out txt STOP to 80080",
    ],
)
def test_a_quoted_instruction_or_stopping_something_else_is_not_a_revocation(body: str) -> None:
    assert read(body).verdict is Verdict.NOT


@pytest.mark.parametrize(
    "body",
    [
        *("REMOVE", "Arrete", "No Mas", "parar", "BAJA", "Cancelar"),
        *("TD", "ARRETT", "OPT-OUT", "Detener", "desuscribir", "Arrêté"),
    ],
)
def test_keywords_carriers_honour_beyond_r11_opt_out_as_keywords(body: str) -> None:
    reading = interpret(body, opted_out=False)
    assert reading.action is InboundAction.OPT_OUT
    assert reading.keyword is not None


@pytest.mark.parametrize(
    "body", ["Wrong number", "Número equivocado", "Boooo you always work. Just quit."]
)
def test_a_text_that_might_revoke_but_does_not_say_so_plainly_is_unsure(body: str) -> None:
    assert read(body).verdict is Verdict.UNSURE
