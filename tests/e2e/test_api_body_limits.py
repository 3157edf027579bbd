"""Request bodies past a route's limit answer 413 from a real `heed serve`, and store nothing.

Both ways a body can arrive: with a Content-Length (refused before a byte of the body
is read) and chunked, without one (refused when the count passes the limit).
"""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from api_support import bearer, free_port, heed_serve, twilio_form, wait_until_up

from heed.bootstrap import Heed
from heed.services import accounts


@pytest.fixture(scope="module")
def server(db_url: str, heed: Heed) -> Iterator[tuple[str, int]]:
    environment = {**os.environ, "HEED_DATABASE_URL": db_url}
    port = free_port()
    with heed_serve(environment, port, output=subprocess.DEVNULL) as process:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        yield "127.0.0.1", port


def chunked_post(
    where: tuple[str, int], path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    """POST ``body`` in 4 KiB chunks with Transfer-Encoding: chunked, no Content-Length.

    The server answers 413 and closes as soon as the count passes the limit, which can
    break the pipe under a chunk still being sent: the client stops sending once an
    answer is waiting, and tries again (a fresh connection) if the close won the race.
    """
    for attempt in range(3):
        try:
            return _send_chunked(where, path, body, headers)
        except (BrokenPipeError, ConnectionResetError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _send_chunked(
    where: tuple[str, int], path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    lines = [f"POST {path} HTTP/1.1", f"Host: {where[0]}", "Transfer-Encoding: chunked"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(where, timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        for i in range(0, len(body), 4096):
            if select.select([sock], [], [], 0)[0]:
                break  # the answer came before the whole body: stop sending
            chunk = body[i : i + 4096]
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        else:
            sock.sendall(b"0\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


def declared_only(where: tuple[str, int], path: str, length: int, headers: dict[str, str]) -> bytes:
    """Send only the headers, declaring ``length`` bytes to come, and read the answer."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {where[0]}", f"Content-Length: {length}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(where, timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            part = sock.recv(65536)
            if not part:
                break
            answer += part
    return answer


def error_of(raw: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(raw)["error"]
    return error


JSON = {"Content-Type": "application/json"}


def test_a_declared_ten_megabyte_body_is_refused_before_it_is_sent(
    server: tuple[str, int], account: accounts.NewAccount
) -> None:
    headers = {**JSON, **bearer(account.api_key)}
    answer = declared_only(server, "/v1/customers", 10 * 1024 * 1024, headers)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    error = error_of(body)
    assert error["code"] == "payload_too_large"
    assert "64 KiB" in error["message"]
    assert error["details"] == {"limit": 65536}


def test_a_large_json_body_is_refused_whole_and_nothing_of_it_is_stored(
    server: tuple[str, int], account: accounts.NewAccount
) -> None:
    headers = bearer(account.api_key)
    huge = {"name": "Maria Alvarez " + "x" * 100_000}
    base = f"http://{server[0]}:{server[1]}"
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        sized = client.post("/v1/customers", json=huge)
        status, raw = chunked_post(
            server, "/v1/customers", json.dumps(huge).encode(), {**JSON, **headers}
        )
        stored = client.get("/v1/customers", params={"q": "Maria Alvarez"}).json()
    assert sized.status_code == 413
    assert sized.json()["error"]["code"] == "payload_too_large"
    assert status == 413
    assert error_of(raw)["code"] == "payload_too_large"
    assert stored["items"] == []


def test_a_batch_of_decisions_may_be_larger_than_other_json_bodies(
    server: tuple[str, int], account: accounts.NewAccount
) -> None:
    item = {"channel": "email", "to": "maria.alvarez@alvarez-family.com", "category": "job"}
    headers = {**JSON, **bearer(account.api_key)}
    batch = json.dumps({"items": [item] * 1000}).encode()
    assert 64 * 1024 < len(batch) < 1024 * 1024
    status, raw = chunked_post(server, "/v1/decisions/batch", batch, headers)
    assert status == 200, raw[:300]
    assert len(json.loads(raw)["results"]) == 1000
    too_big = json.dumps({"items": [item] * 1000, "pad": "x" * 1024 * 1024}).encode()
    status, raw = chunked_post(server, "/v1/decisions/batch", too_big, headers)
    assert status == 413
    assert "1 MiB" in error_of(raw)["message"]


def test_an_oversized_twilio_webhook_or_web_form_is_refused(
    server: tuple[str, int], account: accounts.NewAccount, business_number: str
) -> None:
    form = urlencode(twilio_form("+15128675309", business_number, "STOP " + "x" * 70_000))
    status, raw = chunked_post(
        server,
        "/webhooks/twilio/sms",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"},
    )
    assert (status, error_of(raw)["code"]) == (413, "payload_too_large")
    login = urlencode({"email": "a@example.com", "password": "x" * 70_000}).encode()
    status, raw = chunked_post(
        server, "/login", login, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (status, error_of(raw)["code"]) == (413, "payload_too_large")
