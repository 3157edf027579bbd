"""Security headers on every response, and cookies fit for the scheme heed is served on."""

from __future__ import annotations

import dataclasses

from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.entrypoints.api.app import create_app


def test_every_kind_of_response_carries_the_security_headers(client: TestClient) -> None:
    answers = [
        client.get("/healthz"),
        client.get("/v1/customers"),
        client.get("/login"),
        client.get("/static/heed.css"),
        client.get("/unsubscribe/nonsense"),
        client.get("/no-such-page"),
    ]
    for answer in answers:
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy, answer.url
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in answer.headers


def test_the_api_docs_get_a_policy_that_lets_swagger_ui_load(
    client: TestClient, auth: dict[str, str]
) -> None:
    docs = client.get("/docs", headers=auth)
    assert docs.status_code == 200
    policy = docs.headers["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in policy and "frame-ancestors 'none'" in policy


def test_the_sign_in_cookie_is_http_only_and_same_site_lax(client: TestClient) -> None:
    cookie = client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


def test_behind_https_heed_sends_hsts_and_marks_its_cookie_secure(heed: Heed) -> None:
    settings = heed.settings.model_copy(update={"public_url": "https://heed.acme.example"})
    served = dataclasses.replace(heed, settings=settings, extras={})
    with TestClient(create_app(served), base_url="https://heed.acme.example") as https:
        login = https.get("/login")
    assert login.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "secure" in login.headers["set-cookie"].lower()
