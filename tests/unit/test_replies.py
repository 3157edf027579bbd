"""What heed texts back: confirmations and HELP in the customer's language, in the
account's own words where it set them (R-16, R-29)."""

from __future__ import annotations

import pytest

from heed.domain.errors import Invalid
from heed.domain.replies import (
    ReplyKind,
    checked_overrides,
    default_reply,
    reply,
    reply_language,
    with_help_text,
)


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_every_default_names_the_business_and_says_how_to_undo(language: str) -> None:
    out = default_reply(ReplyKind.OPT_OUT, " Acme ", language)
    assert out.startswith("Acme") and "START" in out
    for kind in (ReplyKind.OPT_IN, ReplyKind.HELP):
        text = default_reply(kind, "Acme", language)
        assert text.startswith("Acme") and "STOP" in text


def test_the_three_languages_answer_in_their_own_words() -> None:
    help_texts = {default_reply(ReplyKind.HELP, "Acme", lang) for lang in ("en", "es", "fr")}
    assert len(help_texts) == 3
    assert "Responda" in default_reply(ReplyKind.HELP, "Acme", "es")
    assert "Répondez" in default_reply(ReplyKind.HELP, "Acme", "fr")


def test_a_language_heed_does_not_write_is_answered_in_english() -> None:
    assert default_reply(ReplyKind.HELP, "Acme", "de") == default_reply(ReplyKind.HELP, "Acme")


def test_the_accounts_own_text_answers_in_its_language_and_the_default_elsewhere() -> None:
    own = {"es": {"help": "Acme: llame al 512-487-0142. STOP para salir."}}
    assert (
        reply(ReplyKind.HELP, "Acme", "es", own) == "Acme: llame al 512-487-0142. STOP para salir."
    )
    assert reply(ReplyKind.HELP, "Acme", "fr", own) == default_reply(ReplyKind.HELP, "Acme", "fr")
    assert reply(ReplyKind.OPT_OUT, "Acme", "es", own) == default_reply(
        ReplyKind.OPT_OUT, "Acme", "es"
    )
    assert reply(ReplyKind.HELP, "Acme", "es", {"es": {"help": "   "}}).startswith("Acme:")


def test_the_v1_help_text_is_the_english_help_reply() -> None:
    texts = with_help_text({"fr": {"opt_out": "Acme : désabonné."}}, "  Acme HVAC: call us. ")
    assert texts == {"fr": {"opt_out": "Acme : désabonné."}, "en": {"help": "Acme HVAC: call us."}}
    assert with_help_text(None, "  ") == {}


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("AYUDA", "es"),
        ("aide", "fr"),
        ("Arrêt", "fr"),
        ("ARRET!", "fr"),
        ("BAJA", "es"),
        ("HELP", "en"),
        ("STOP", "en"),
        ("No me manden más mensajes", "es"),
        ("Arrêtez de m'envoyer des messages", "fr"),
        ("please stop texting me", "en"),
    ],
)
def test_a_reply_answers_in_the_language_of_the_text_it_answers(body: str, language: str) -> None:
    assert reply_language(body) == language


def test_checked_texts_keep_each_language_given_and_drop_blank_texts() -> None:
    given = {"es": {"help": " Acme: STOP para salir. ", "opt_out": "  "}, "fr": {}}
    assert checked_overrides(given) == {"es": {"help": "Acme: STOP para salir."}, "fr": {}}


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"de": {"help": "Hilfe. STOP"}}, "reply_texts.de"),
        ({"es": {"goodbye": "Adiós"}}, "reply_texts.es.goodbye"),
        ({"es": {"help": "Llame al 512-487-0142."}}, "reply_texts.es.help"),
        ({"fr": {"opt_in": "Vous êtes réabonné."}}, "reply_texts.fr.opt_in"),
        ({"en": {"opt_out": "x" * 321}}, "reply_texts.en.opt_out"),
        ({"en": {"opt_out": 7}}, "reply_texts.en.opt_out"),
        ({"en": "Stop"}, "reply_texts.en"),
        (["en"], "reply_texts"),
    ],
)
def test_a_text_heed_cannot_send_is_refused_naming_its_field(given: object, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        checked_overrides(given)
    assert refused.value.details["field"] == field


def test_a_stop_confirmation_need_not_name_stop() -> None:
    assert checked_overrides({"en": {"opt_out": "Acme: done, no more texts."}})


THIRTY_CHARS = "Lone Star Heating & Cooling Co"


# GSM 03.38 basic set (one septet each) and its extension table (two each: ESC + char).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def gsm7_length(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or ``None`` when it needs UCS-2."""
    length = 0
    for ch in text:
        if ch in _GSM_BASIC:
            length += 1
        elif ch in _GSM_EXTENSION:
            length += 2
        else:
            return None
    return length


def test_gsm7_length_counts_extension_characters_twice_and_refuses_emoji() -> None:
    assert gsm7_length("a€") == 3
    assert gsm7_length("hi 👋") is None


@pytest.mark.parametrize(
    "reply",
    [default_reply(kind, THIRTY_CHARS) for kind in ReplyKind],
)
def test_every_reply_fits_one_gsm_segment_for_a_thirty_character_business_name(reply: str) -> None:
    assert len(THIRTY_CHARS) == 30
    length = gsm7_length(reply)
    assert length is not None
    assert length <= 160
