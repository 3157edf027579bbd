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
