"""/docs and /openapi.json: for signed-in staff and API keys; for anyone only when configured."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from api_support import bearer
from fastapi import FastAPI
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.config import Settings
from heed.entrypoints.api.app import create_app
from heed.entrypoints.api.routes import webhooks
from heed.services import accounts

PASSWORD = "correct horse battery"


def test_anonymous_callers_are_sent_to_sign_in_or_refused(client: TestClient) -> None:
    docs = client.get("/docs", follow_redirects=False)
    assert docs.status_code == 303
    assert docs.headers["location"] == "/login?next=/docs"
    schema = client.get("/openapi.json")
    assert schema.status_code == 401
    assert schema.json()["error"]["code"] == "unauthorized"
    forged = client.get("/openapi.json", headers=bearer("heed_not-a-key"))
    assert forged.status_code == 401


def test_any_valid_api_key_may_read_the_schema(
    client: TestClient, key_with: Callable[..., dict[str, str]], account: accounts.NewAccount
) -> None:
    schema = client.get("/openapi.json", headers=key_with("customer:view"))
    assert schema.status_code == 200
    assert "/v1/decisions" in schema.json()["paths"]
    assert client.get("/docs", headers=bearer(account.api_key)).status_code == 200


def test_signed_in_staff_read_the_docs_and_the_schema(
    api_app: FastAPI, heed: Heed, account: accounts.NewAccount
) -> None:
    email = f"viewer-{account.account_id}@example.com"
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "viewer")
    browser = TestClient(api_app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text)
    assert token is not None
    signed_in = browser.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token[1], "next": "/docs"},
        follow_redirects=False,
    )
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/docs")
    docs = browser.get("/docs")
    schema = browser.get("/openapi.json")
    assert docs.status_code == 200
    assert "/openapi.json" in docs.text
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "heed"


def test_the_docs_are_public_when_the_setting_says_so(
    heed: Heed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEED_PUBLIC_DOCS", "true")
    public = dataclasses.replace(
        heed, settings=heed.settings.model_copy(update={"public_docs": Settings().public_docs})
    )
    public.extras = {}
    anyone = TestClient(create_app(public))
    assert anyone.get("/docs").status_code == 200
    assert anyone.get("/openapi.json").status_code == 200


def test_twilio_s_webhook_is_matched_first_and_documented_once_among_the_webhooks(
    api_app: FastAPI, client: TestClient, key_with: Callable[..., dict[str, str]]
) -> None:
    first = api_app.router.routes[0]
    assert getattr(first, "original_router", first) is webhooks.first_router
    assert [route.path for route in webhooks.first_router.routes] == ["/webhooks/twilio/sms"]
    schema = client.get("/openapi.json", headers=key_with("customer:view")).json()
    paths = list(schema["paths"])
    assert paths.count("/webhooks/twilio/sms") == 1
    # Where the webhooks router documents it: after the consent routes, with its form.
    assert paths.index("/webhooks/twilio/sms") > paths.index("/v1/consent/events")
    webhook = schema["paths"]["/webhooks/twilio/sms"]["post"]
    assert webhook["tags"] == ["webhooks"]
    assert "application/x-www-form-urlencoded" in webhook["requestBody"]["content"]
