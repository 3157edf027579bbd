"""One-click email unsubscribe links (RFC 8058, R-14)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import time_machine
from itsdangerous import URLSafeTimedSerializer
from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import unsubscribe
from heed.services.accounts import NewAccount


def _link(heed: Heed, account: NewAccount, email: str = "Maria@Gmail.com") -> str:
    headers = unsubscribe.list_unsubscribe_headers(heed.settings, account.account_id, email)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(heed.settings.public_url + "/unsubscribe/")
    return urlparse(url).path


def test_one_click_unsubscribe_suppresses_the_address_for_automated_email(
    client: TestClient, auth: dict[str, str], heed: Heed, account: NewAccount
) -> None:
    path = _link(heed, account)
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "maria@gmail.com" in response.text
    state = client.get("/v1/consent/maria@gmail.com", headers=auth).json()
    assert state["suppression"] == "automated"
    assert [e["source"] for e in state["events"]] == ["email_link"]
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert len(client.get("/v1/consent/maria@gmail.com", headers=auth).json()["events"]) == 1


def test_opening_the_link_only_asks_because_scanners_follow_links(
    client: TestClient, auth: dict[str, str], heed: Heed, account: NewAccount
) -> None:
    page = client.get(_link(heed, account))
    assert page.status_code == 200 and 'method="post"' in page.text
    assert "Acme Plumbing" in page.text
    assert client.get("/v1/consent/maria@gmail.com", headers=auth).json()["events"] == []


def test_a_forged_or_altered_link_is_refused(
    client: TestClient, auth: dict[str, str], heed: Heed, account: NewAccount
) -> None:
    path = _link(heed, account)
    payload, stamp, mac = path.rsplit("/", 1)[1].split(".")
    other = _link(heed, account, "someone@gmail.com").rsplit("/", 1)[1].split(".")[0]
    # The signature's first character changed to another one, whatever it was.
    altered = ("B" if mac[0] == "A" else "A") + mac[1:]
    for forged in (
        f"{other}.{stamp}.{mac}",
        f"{payload}.{stamp}.{altered}",
        f"{payload}.{mac}",
        payload,
        "nonsense",
    ):
        response = client.post(f"/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 403, forged
        assert response.json()["error"]["code"] == "invalid_signature"
    assert client.get("/v1/consent/someone@gmail.com", headers=auth).json()["events"] == []


def test_a_post_without_the_one_click_field_is_refused(
    client: TestClient, heed: Heed, account: NewAccount
) -> None:
    response = client.post(_link(heed, account), data={"List-Unsubscribe": "Maybe"})
    assert response.status_code == 422


def _legacy_token(heed: Heed, account_id: str, email: str) -> str:
    """A link as heed signed them before itsdangerous: base64url JSON, a dot, HMAC-SHA256."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    payload = b64(json.dumps([account_id, email]).encode())
    key = unsubscribe.signing_key(heed.settings)
    return f"{payload}.{b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())}"


def test_a_link_sent_in_the_old_format_still_unsubscribes_until_the_old_format_expires(
    client: TestClient, auth: dict[str, str], heed: Heed, account: NewAccount
) -> None:
    token = _legacy_token(heed, account.account_id, "maria@gmail.com")
    cutoff = unsubscribe.LEGACY_LINKS_ACCEPTED_UNTIL
    with time_machine.travel(cutoff + timedelta(minutes=1), tick=False):
        late = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert late.status_code == 403 and late.json()["error"]["code"] == "link_expired"
    assert client.get("/v1/consent/maria@gmail.com", headers=auth).json()["events"] == []
    with time_machine.travel(cutoff - timedelta(days=1), tick=False):
        assert "maria@gmail.com" in client.get(f"/unsubscribe/{token}").text
        done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    state = client.get("/v1/consent/maria@gmail.com", headers=auth).json()
    assert state["suppression"] == "automated"


def test_new_links_are_timed_and_expire_after_their_lifetime(
    client: TestClient, auth: dict[str, str], heed: Heed, account: NewAccount
) -> None:
    signed_at = datetime(2027, 3, 1, 12, tzinfo=UTC)
    with time_machine.travel(signed_at, tick=False):
        path = _link(heed, account)
    assert path.rsplit("/", 1)[1].count(".") == 2, "only the timed format is issued"
    expired_at = signed_at + unsubscribe.LINK_LIFETIME + timedelta(minutes=1)
    with time_machine.travel(expired_at, tick=False):
        late = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert late.status_code == 403 and late.json()["error"]["code"] == "link_expired"
    with time_machine.travel(expired_at - timedelta(days=2), tick=False):
        in_time = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert in_time.status_code == 200
    assert client.get("/v1/consent/maria@gmail.com", headers=auth).json()["events"] != []


def test_a_session_cookie_signed_with_the_same_secret_is_no_unsubscribe_link(
    client: TestClient, heed: Heed, account: NewAccount
) -> None:
    # Salted per purpose: a value heed signed for another use does not pass as a link.
    forged = URLSafeTimedSerializer(unsubscribe.signing_key(heed.settings), salt="heed.web.csrf")
    token = forged.dumps([account.account_id, "maria@gmail.com"])
    response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 403
