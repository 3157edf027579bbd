"""Inbound texts in English, Spanish and French over HTTP (R-29): read, recorded, answered."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

SENDER = "+15128675309"


@pytest.mark.parametrize(
    ("body", "source", "words"),
    [
        ("No me manden más mensajes", "natural_language", "Responda START"),
        ("BAJA", "keyword", "Responda START"),
        ("Arrêtez de m'envoyer des messages", "natural_language", "Répondez START"),
        ("ARRETE", "keyword", "Répondez START"),
        ("wrong number please remove", "natural_language", "Reply START"),
        ("REMOVE", "keyword", "Reply START"),
    ],
)
def test_a_revocation_in_any_of_three_languages_opts_out_and_is_confirmed_in_that_language(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    business_number: str,
    body: str,
    source: str,
    words: str,
) -> None:
    answer = client.post(
        "/v1/inbound/sms",
        json={"from": SENDER, "to": business_number, "body": body, "message_id": "gw-lang"},
        headers=gateway,
    ).json()
    assert answer["action"] == "opted_out"
    assert answer["reply"].startswith("Acme Plumbing") and words in answer["reply"]
    (entry,) = client.get(f"/v1/consent/{SENDER}", headers=auth).json()["events"]
    assert entry["source"] == source and entry["body"] == body


@pytest.mark.parametrize(
    "body",
    [
        "Spring sale! 20% off AC tune-ups. Reply STOP to opt out",
        "Can I unsubscribe from the annual tune-up plan and get a refund?",
        "Quit? No, we want to keep the service",
        "Quiero cancelar mi cita",
        "Pouvez-vous arrêter la fuite ?",
    ],
)
def test_a_quoted_instruction_or_stopping_something_else_changes_no_consent(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    business_number: str,
    body: str,
) -> None:
    answer = client.post(
        "/v1/inbound/sms",
        json={"from": SENDER, "to": business_number, "body": body, "message_id": "gw-not"},
        headers=gateway,
    ).json()
    assert answer == {"action": "none", "reply": None, "duplicate": False}
    assert client.get(f"/v1/consent/{SENDER}", headers=auth).json()["events"] == []
    assert client.get("/v1/consent/review", headers=auth).json()["items"] == []


SPANISH_HELP = "Acme Plumbing: llame al (512) 487-0142. Responda STOP para salir."


def test_help_answers_in_the_language_asked_in_the_accounts_own_words_where_it_set_them(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    settings = client.patch(
        "/v1/account",
        json={
            "help_text": "Acme Plumbing: call (512) 487-0142. STOP to opt out.",
            "sending_window": {"start": "08:00", "end": "21:00"},
        },
        headers=auth,
    )
    assert settings.status_code == 200
    saved = client.patch(
        "/v1/account", json={"reply_texts": {"es": {"help": SPANISH_HELP}}}, headers=auth
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["reply_texts"] == {
        "es": {"help": SPANISH_HELP},
        "en": {"help": "Acme Plumbing: call (512) 487-0142. STOP to opt out."},
    }

    def ask(body: str, message_id: str) -> str:
        answer = client.post(
            "/v1/inbound/sms",
            json={"from": SENDER, "to": business_number, "body": body, "message_id": message_id},
            headers=gateway,
        ).json()
        assert answer["action"] == "help"
        return str(answer["reply"])

    assert ask("AYUDA", "gw-help-es") == SPANISH_HELP
    assert ask("HELP", "gw-help-en") == "Acme Plumbing: call (512) 487-0142. STOP to opt out."
    assert "Répondez STOP" in ask("AIDE", "gw-help-fr")
    assert client.get(f"/v1/consent/{SENDER}", headers=auth).json()["events"] == []


def test_an_accounts_own_stop_confirmation_answers_a_stop_in_its_language(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    own = "Acme Plumbing : plus aucun texto. Répondez START pour revenir."
    saved = client.patch(
        "/v1/account", json={"reply_texts": {"fr": {"opt_out": own}}}, headers=auth
    )
    assert saved.status_code == 200
    answer = client.post(
        "/v1/inbound/sms",
        json={"from": SENDER, "to": business_number, "body": "ARRÊT", "message_id": "gw-arret"},
        headers=gateway,
    ).json()
    assert answer["action"] == "opted_out" and answer["reply"] == own


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reply_texts": {"es": {"help": "Llame al (512) 487-0142."}}}, "reply_texts.es.help"),
        ({"reply_texts": {"de": {"help": "Hilfe: STOP"}}}, "reply_texts.de"),
        ({"reply_texts": {"fr": {"opt_in": "x" * 321}}}, "reply_texts.fr.opt_in"),
        (
            {"help_text": "Acme: STOP", "reply_texts": {"en": {"help": "Acme: STOP to end"}}},
            "reply_texts.en.help",
        ),
    ],
)
def test_a_reply_text_heed_cannot_send_is_refused_naming_the_field_and_nothing_changes(
    client: TestClient, auth: dict[str, str], body: dict[str, object], field: str
) -> None:
    before = client.get("/v1/account", headers=auth).json()
    refused = client.patch("/v1/account", json=body, headers=auth)
    assert refused.status_code == 422
    assert field in refused.text
    assert client.get("/v1/account", headers=auth).json() == before


def test_clearing_a_language_brings_back_heeds_own_words(
    client: TestClient, auth: dict[str, str]
) -> None:
    client.patch("/v1/account", json={"reply_texts": {"es": {"help": SPANISH_HELP}}}, headers=auth)
    cleared = client.patch("/v1/account", json={"reply_texts": {"es": {}}}, headers=auth)
    assert cleared.json()["reply_texts"] == {}
    client.patch("/v1/account", json={"reply_texts": {"es": {"help": SPANISH_HELP}}}, headers=auth)
    assert (
        client.patch("/v1/account", json={"reply_texts": None}, headers=auth).json()["reply_texts"]
        == {}
    )
