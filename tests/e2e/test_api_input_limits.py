"""Input at the API's edge (R-34): every string has a limit, NULs never reach the database,
and a gateway's STOP is recorded whatever else it carries — the same on SQLite and
PostgreSQL."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

FROM = "+15128675309"


def _names(client: TestClient, auth: dict[str, str]) -> list[str]:
    items = client.get("/v1/customers", params={"limit": 200}, headers=auth).json()["items"]
    return [item["name"] for item in items]


def test_a_customer_name_with_a_nul_is_refused_naming_the_field(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post("/v1/customers", json={"name": "Maria\x00Alvarez"}, headers=auth)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["field"] == "name"
    assert error["message"].startswith("name: ") and "NUL" in error["message"]
    assert _names(client, auth) == []


def test_an_over_long_name_is_refused_naming_the_field_and_its_limit(
    client: TestClient, auth: dict[str, str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    response = client.post("/v1/customers", json={"name": "M" * 201}, headers=auth)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == ("validation_error", "name")
    assert "200" in error["message"]
    made = make_customer("Maria Alvarez")
    renamed = client.patch(f"/v1/customers/{made['id']}", json={"name": "M" * 201}, headers=auth)
    assert renamed.status_code == 422 and renamed.json()["error"]["details"]["field"] == "name"
    assert _names(client, auth) == ["Maria Alvarez"]


def test_a_name_at_its_limit_is_kept_even_when_case_folding_makes_it_longer(
    client: TestClient, auth: dict[str, str]
) -> None:
    # "ß" folds to "ss": the sort key is twice the name's length.
    response = client.post("/v1/customers", json={"name": "ß" * 200}, headers=auth)
    assert response.status_code == 201, response.text
    assert _names(client, auth) == ["ß" * 200]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Ok", "billing_address": "4100 Speedway\n\x07Austin"}, "billing_address"),
        (
            {"name": "Ok", "contacts": [{"kind": "mobile", "value": "512\x00867"}]},
            "contacts[0].value",
        ),
        (
            {"name": "Ok", "contacts": [{"kind": "email", "value": "a@b.co", "memo": "m" * 201}]},
            "contacts[0].memo",
        ),
        ({"name": "Ok\nNew line"}, "name"),
    ],
)
def test_control_characters_and_over_long_text_are_refused_wherever_they_are(
    client: TestClient, auth: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/customers", json=body, headers=auth)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == field
    assert _names(client, auth) == []


def test_multi_line_text_keeps_its_line_breaks_and_tabs(
    client: TestClient, auth: dict[str, str]
) -> None:
    address = "4100 Speedway\r\nSuite 2\tBack door\nAustin, TX 78751"
    response = client.post(
        "/v1/customers", json={"name": "Lou Moss", "billing_address": address}, headers=auth
    )
    assert response.status_code == 201, response.text
    assert response.json()["billing_address"] == address


def test_every_string_a_request_body_takes_has_a_published_limit(
    client: TestClient, auth: dict[str, str]
) -> None:
    document = client.get("/openapi.json", headers=auth).json()
    schemas = document["components"]["schemas"]
    requests = {
        name
        for path in document["paths"].values()
        for operation in path.values()
        for content in operation.get("requestBody", {}).get("content", {}).values()
        for name in [content["schema"].get("$ref", "").rsplit("/", 1)[-1]]
        if name
    }
    unlimited: list[str] = []

    def walk(schema: dict[str, Any], where: str) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                walk(schemas[name], name)
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for part in schema.get(key, []):
                walk(part, where)
        free_text = "enum" not in schema and "const" not in schema and "format" not in schema
        if schema.get("type") == "string" and free_text and "maxLength" not in schema:
            unlimited.append(where)
        if "items" in schema:
            walk(schema["items"], where + "[]")
        for name, part in schema.get("properties", {}).items():
            walk(part, f"{where}.{name}")

    seen: set[str] = set()
    for name in sorted(requests):
        seen.add(name)
        walk(schemas[name], name)
    assert {"CustomerCreate", "InboundSms", "MessageCreate", "AccountUpdate"} <= seen
    assert unlimited == []


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/v1/customers/cus_1%00", "path"),
        ("/v1/customers?q=Maria%00", "q"),
        ("/v1/lookup?phone=512%00", "phone"),
        ("/v1/consent/%2B1512867%005309", "path"),
    ],
)
def test_a_nul_in_the_url_is_refused_naming_the_parameter(
    client: TestClient, auth: dict[str, str], url: str, field: str
) -> None:
    response = client.get(url, headers=auth)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert (error["code"], error["details"]["field"]) == ("validation_error", field)


def test_a_page_cursor_holding_a_nul_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(["maria\x00", "cus_1"]).encode()).decode()
    response = client.get("/v1/customers", params={"cursor": cursor}, headers=auth)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["field"] == "cursor"


# ---- a gateway's texts: cleaned, never refused for what they carry ----------------------


def _inbound(client: TestClient, gateway: dict[str, str], **fields: Any) -> Any:
    response = client.post("/v1/inbound/sms", json=fields, headers=gateway)
    assert response.status_code == 200, response.text
    return response.json()


def _events(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = client.get(f"/v1/consent/{FROM}", headers=auth).json()["events"]
    return events


def test_a_gateway_stop_with_a_nul_in_its_body_is_recorded_without_the_nul(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    body = "please stop texting me\x00"
    answer = _inbound(
        client, gateway, to=business_number, body=body, message_id="gw-nul-1", **{"from": FROM}
    )
    assert answer["action"] == "opted_out" and answer["reply"]
    [event] = _events(client, auth)
    assert (event["action"], event["body"]) == ("opt_out", "please stop texting me")


def test_a_gateway_stop_with_a_long_id_a_long_body_and_unknown_fields_is_recorded_once(
    client: TestClient, auth: dict[str, str], gateway: dict[str, str], business_number: str
) -> None:
    message_id = "gw-" + "7" * 297
    fields = {
        "from": FROM,
        "to": business_number,
        "body": "STOP" + " " * 4996,
        "message_id": message_id,
        "carrier": "T-Mobile",
        "segments": 34,
    }
    first = _inbound(client, gateway, **fields)
    retry = _inbound(client, gateway, **fields)
    assert (first["action"], first["duplicate"]) == ("opted_out", False)
    assert (retry["action"], retry["duplicate"]) == ("opted_out", True)
    [event] = _events(client, auth)
    assert event["provider_message_id"] == message_id
    assert len(event["body"]) == 5000
