"""One-click email unsubscribe links (RFC 8058, R-14)."""

from __future__ import annotations

from urllib.parse import urlparse

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
    payload, mac = path.rsplit("/", 1)[1].split(".")
    other = _link(heed, account, "someone@gmail.com").rsplit("/", 1)[1].split(".")[0]
    for forged in (f"{other}.{mac}", f"{payload}.{mac[:-2]}AA", payload, "nonsense"):
        response = client.post(f"/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 403, forged
        assert response.json()["error"]["code"] == "invalid_signature"
    assert client.get("/v1/consent/someone@gmail.com", headers=auth).json()["events"] == []


def test_a_post_without_the_one_click_field_is_refused(
    client: TestClient, heed: Heed, account: NewAccount
) -> None:
    response = client.post(_link(heed, account), data={"List-Unsubscribe": "Maybe"})
    assert response.status_code == 422
