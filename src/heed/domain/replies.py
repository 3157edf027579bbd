"""What heed texts back to a customer: the confirmation of a STOP or a START and the
answer to HELP (R-16), in the language the customer wrote in (R-29), each replaceable by
the account per language.

The keywords in the texts stay the carriers' own (STOP, START, HELP): they work in every
language. A HELP answer and a START confirmation must say how to stop (CTIA's Messaging
Principles and Best Practices, 2023, 5.1.3: "HELP … should include … how to opt out"),
so an account's own text for either must name STOP.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Final

from heed.domain.errors import Invalid
from heed.domain.keywords import folded_words
from heed.domain.revocation import detect_language

LANGUAGES: Final = ("en", "es", "fr")
LANGUAGE_NAMES: Final = {"en": "English", "es": "Spanish", "fr": "French"}
TEXT_LIMIT: Final = 320
"""Two SMS segments of plain text: the longest reply an account may set."""


class ReplyKind(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


KIND_NAMES: Final = {
    ReplyKind.OPT_OUT: "STOP confirmation",
    ReplyKind.OPT_IN: "START confirmation",
    ReplyKind.HELP: "HELP reply",
}

_DEFAULTS: Final[Mapping[ReplyKind, Mapping[str, str]]] = {
    ReplyKind.OPT_OUT: {
        "en": "{name}: You're unsubscribed and will get no more texts from us. "
        "Reply START to resubscribe.",
        "es": "{name}: Se ha dado de baja y no recibirá más mensajes nuestros. "
        "Responda START para volver a suscribirse.",
        "fr": "{name} : Vous êtes désabonné et ne recevrez plus de textos de notre part. "
        "Répondez START pour vous réabonner.",
    },
    ReplyKind.OPT_IN: {
        "en": "{name}: You're resubscribed to texts. "
        "Reply STOP to unsubscribe, HELP for help. Msg&data rates may apply.",
        "es": "{name}: Se ha vuelto a suscribir a los mensajes. "
        "Responda STOP para darse de baja, HELP para ayuda. Pueden aplicarse tarifas.",
        "fr": "{name} : Vous êtes réabonné aux textos. "
        "Répondez STOP pour vous désabonner, HELP pour de l'aide. "
        "Des frais peuvent s'appliquer.",
    },
    ReplyKind.HELP: {
        "en": "{name}: Texts about your service appointments. "
        "Reply STOP to unsubscribe, START to resubscribe.",
        "es": "{name}: Mensajes sobre sus citas de servicio. "
        "Responda STOP para darse de baja, START para volver a suscribirse.",
        "fr": "{name} : Textos au sujet de vos rendez-vous de service. "
        "Répondez STOP pour vous désabonner, START pour vous réabonner.",
    },
}

_MUST_NAME_STOP: Final = frozenset({ReplyKind.OPT_IN, ReplyKind.HELP})

Overrides = Mapping[str, Mapping[str, str]]
"""An account's own texts: language → kind → text."""


def default_reply(kind: ReplyKind, business_name: str, language: str = "en") -> str:
    """heed's own text of ``kind`` in ``language`` (English for any other), naming the
    business."""
    texts = _DEFAULTS[kind]
    return texts.get(language, texts["en"]).format(name=business_name.strip())


def reply(
    kind: ReplyKind, business_name: str, language: str = "en", overrides: Overrides | None = None
) -> str:
    """The account's own text of ``kind`` in ``language`` when it set one, else heed's."""
    own = (overrides or {}).get(language, {}).get(kind, "")
    if own.strip():
        return own.strip()
    return default_reply(kind, business_name, language)


def with_help_text(stored: Overrides | None, help_text: str | None) -> dict[str, dict[str, str]]:
    """An account's texts as a whole: those stored per language, and its v1 ``help_text``
    as the English HELP reply."""
    texts = {language: dict(kinds) for language, kinds in (stored or {}).items()}
    if help_text and help_text.strip():
        texts.setdefault("en", {})[str(ReplyKind.HELP)] = help_text.strip()
    return texts


def checked_overrides(value: object) -> dict[str, dict[str, str]]:
    """An account's texts as given (language → kind → text), checked. Blank texts are
    dropped (heed's default answers), so an empty form clears a text; each language
    given is kept, even with no text left, since it replaces that language's texts.

    Refuses, naming the field (``reply_texts.es.help``): a language heed does not read,
    a kind it does not send, a text over TEXT_LIMIT characters, a HELP reply or START
    confirmation that does not say STOP.
    """
    if not isinstance(value, Mapping):
        raise Invalid("reply_texts must be an object of languages.", field="reply_texts")
    checked: dict[str, dict[str, str]] = {}
    for language, texts in value.items():
        field = f"reply_texts.{language}"
        if language not in LANGUAGES:
            raise Invalid(f"{field}: heed answers in {', '.join(LANGUAGES)} only.", field=field)
        if not isinstance(texts, Mapping):
            raise Invalid(f"{field} must be an object of texts.", field=field)
        checked[language] = {
            kind: text for kind, text in _checked_texts(field, texts).items() if text
        }
    return checked


def _checked_texts(field: str, texts: Mapping[object, object]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for kind, text in texts.items():
        where = f"{field}.{kind}"
        if not isinstance(kind, str) or kind not in set(ReplyKind):
            kinds = ", ".join(ReplyKind)
            raise Invalid(f"{where}: the texts heed sends are {kinds}.", field=where)
        if not isinstance(text, str) or len(text) > TEXT_LIMIT:
            raise Invalid(f"{where} must be text of at most {TEXT_LIMIT} characters.", field=where)
        text = text.strip()
        if text and ReplyKind(kind) in _MUST_NAME_STOP and "STOP" not in text.upper():
            raise Invalid(f"{where} must tell the customer to reply STOP to opt out.", field=where)
        checked[str(kind)] = text
    return checked


# A one-word message in the language it is a word of: the carriers' keywords in Spanish
# and French, whose replies answer in that language (the detector reads one word as
# English).
_WORD_LANGUAGES: Final = {
    "ayuda": "es",
    "baja": "es",
    "parar": "es",
    "alto": "es",
    "aide": "fr",
    "arret": "fr",
    "arrete": "fr",
    "arretez": "fr",
}


@lru_cache(maxsize=1024)
def reply_language(body: str) -> str:
    """The language to answer ``body`` in: a Spanish or French keyword's own, else the
    language heed reads the message as (English when unsure). Remembered: a burst of
    STOPs asks about the same few bodies again and again."""
    return _WORD_LANGUAGES.get(folded_words(body)) or detect_language(body)
