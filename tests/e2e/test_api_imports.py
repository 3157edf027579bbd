"""CSV import and export through HTTP (R-32): a streamed upload, progress polled, the
report, the round trip and the message log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from starlette.testclient import TestClient

from heed.bootstrap import Heed
from heed.services import consent
from heed.services.common import Principal
from unique_values import unique_number

HEADER = "External ID,Name,Mobile Phone,E-mail,Street,City,State,Zip,sms_opted_out,Colour\n"


def _wait(client: TestClient, auth: dict[str, str], import_id: str) -> dict[str, Any]:
    """Poll the job until it is no longer running (the import runs in a thread)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/imports/{import_id}", headers=auth).json()
        if job["status"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError(f"import {import_id} still running")


def _chunks(text: str, size: int = 97) -> Iterator[bytes]:
    data = text.encode()
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_an_upload_streamed_in_chunks_imports_in_the_background_with_its_report(
    client: TestClient, auth: dict[str, str], heed: Heed, staff: Principal
) -> None:
    opted, kept = unique_number(), unique_number()
    body = (
        HEADER
        + f"X-1,Ann Able,{kept},ann@acme-mail.com,12 Main St,Austin,TX,78701,no,blue\n"
        + f"X-2,Bo Out,{opted},,,,,,yes,\n"
        + "X-3,Cy Placeholder,(123) 456-7890,,,,,,,\n"
        + "X-4,Di Bad,512-55,,,,,,,\n"
    )
    started = client.post(
        "/v1/imports",
        content=_chunks(body),
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "running"
    job = _wait(client, auth, started.json()["id"])
    assert job["status"] == "done"
    assert (job["rows"], job["created"], job["updated"]) == (4, 3, 0)
    assert job["unknown_columns"] == ["Colour"]
    assert job["flagged"] == [
        {"row": 4, "field": "mobile", "value": "(123) 456-7890", "reason": "placeholder"}
    ]
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(5, "mobile")]
    out = consent.address_consent(heed.uow, staff, opted)
    assert out["opted_out"] and out["events"][0]["source"] == "import"

    problems = client.get(f"/v1/imports/{job['id']}/problems", headers=auth)
    assert problems.status_code == 200
    assert problems.text.splitlines()[0] == "row,kind,field,value,reason"
    assert len(problems.text.splitlines()) == 3


def test_a_multipart_dry_run_reports_and_writes_nothing(
    client: TestClient, auth: dict[str, str]
) -> None:
    number = unique_number()
    body = HEADER + f"DRY-1,Dry Dan,{number},,,,,,,\n"
    started = client.post(
        "/v1/imports?dry_run=true",
        files={"file": ("old-system.csv", body.encode(), "text/csv")},
        headers=auth,
    )
    assert started.status_code == 202, started.text
    job = _wait(client, auth, started.json()["id"])
    assert (job["status"], job["dry_run"], job["created"], job["filename"]) == (
        "done",
        True,
        1,
        "old-system.csv",
    )
    found = client.get("/v1/customers", params={"q": number}, headers=auth).json()
    assert found["items"] == []


def test_a_file_without_a_name_column_fails_its_import_with_the_reason(
    client: TestClient, auth: dict[str, str]
) -> None:
    started = client.post(
        "/v1/imports",
        content=b"colour,size\nblue,3\n",
        headers={**auth, "Content-Type": "text/csv"},
    )
    job = _wait(client, auth, started.json()["id"])
    assert job["status"] == "failed"
    assert "customer_name" in job["message"]


def test_an_empty_upload_or_a_json_body_is_refused_with_the_field(
    client: TestClient, auth: dict[str, str]
) -> None:
    empty = client.post("/v1/imports", content=b"", headers={**auth, "Content-Type": "text/csv"})
    assert empty.status_code == 422
    assert empty.json()["error"]["details"]["field"] == "body"
    wrong = client.post("/v1/imports", json={"customers": []}, headers=auth)
    assert wrong.status_code == 422


def test_importing_needs_customer_edit_and_a_view_key_may_only_read(
    client: TestClient, key_with: Any
) -> None:
    viewer = key_with("customer:view", "location:view")
    refused = client.post(
        "/v1/imports", content=HEADER.encode(), headers={**viewer, "Content-Type": "text/csv"}
    )
    assert refused.status_code == 403
    assert client.get("/v1/customers/export", headers=viewer).status_code == 200


def test_export_then_import_changes_nothing_and_cells_cannot_run_as_formulas(
    client: TestClient, auth: dict[str, str]
) -> None:
    number, other = unique_number(), unique_number()
    body = (
        HEADER
        + f'RT-1,=HYPERLINK("x"),{number},rt@acme-mail.com,1 Elm St,Austin,TX,78701,no,\n'
        + f"RT-2,Opted Olga,{other},,,,,,yes,\n"
    )
    started = client.post("/v1/imports", content=body, headers={**auth, "Content-Type": "text/csv"})
    assert _wait(client, auth, started.json()["id"])["created"] == 2

    exported = client.get("/v1/customers/export?format=csv", headers=auth)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in exported.text
    assert f"{other},,,,,false,mail,true" in exported.text

    again = client.post(
        "/v1/imports", content=exported.content, headers={**auth, "Content-Type": "text/csv"}
    )
    job = _wait(client, auth, again.json()["id"])
    assert (job["status"], job["created"], job["updated"], job["errors"]) == ("done", 0, 0, [])
    assert client.get("/v1/customers/export", headers=auth).text == exported.text


def test_the_message_log_lists_newest_first_with_filters_and_a_cursor(
    client: TestClient, auth: dict[str, str], heed: Heed
) -> None:
    number = unique_number()
    sent = []
    for body in ("first", "second", "third"):
        made = client.post(
            "/v1/messages",
            json={"channel": "sms", "to": number, "body": body, "manual": True},
            headers=auth,
        )
        assert made.status_code == 202, made.text
        sent.append(made.json()["id"])
    page = client.get("/v1/messages", params={"to": number, "limit": 2}, headers=auth).json()
    assert [m["id"] for m in page["items"]] == sent[:0:-1]
    assert {"attempts", "last_error", "provider_id", "reason"} <= set(page["items"][0])
    rest = client.get(
        "/v1/messages",
        params={"to": number, "limit": 2, "cursor": page["next_cursor"]},
        headers=auth,
    ).json()
    assert [m["id"] for m in rest["items"]] == sent[:1]
    assert rest["next_cursor"] is None
    none = client.get(
        "/v1/messages", params={"to": number, "status": "failed"}, headers=auth
    ).json()
    assert none["items"] == []
    later = client.get(
        "/v1/messages", params={"to": number, "since": "2999-01-01"}, headers=auth
    ).json()
    assert later["items"] == []
    bad = client.get("/v1/messages", params={"status": "lost"}, headers=auth)
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["field"] == "status"
