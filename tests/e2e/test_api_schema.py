"""The whole OpenAPI document, fuzzed by schemathesis with a valid key: heed never answers
500, and every answer matches the schema it publishes (R-34).

The document is taken from the app object itself, not fetched from /openapi.json, so
the fuzzing does not depend on who may read that URL. Examples are derandomized and
few per operation (15 per mode): the same cases every run, a bounded cost per database.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Result
from starlette.testclient import TestClient

from heed.services.accounts import NewAccount

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_published_schema_documents_every_route_of_the_contract(
    client: TestClient, auth: dict[str, str]
) -> None:
    document = client.get("/openapi.json", headers=auth).json()
    routes = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert routes >= {
        ("GET", "/v1/account"),
        ("PATCH", "/v1/account"),
        ("POST", "/v1/customers"),
        ("GET", "/v1/customers"),
        ("GET", "/v1/customers/{customer_id}"),
        ("PATCH", "/v1/customers/{customer_id}"),
        ("POST", "/v1/customers/{customer_id}/locations"),
        ("GET", "/v1/locations/{location_id}"),
        ("PATCH", "/v1/locations/{location_id}"),
        ("POST", "/v1/customers/{customer_id}/contacts"),
        ("POST", "/v1/locations/{location_id}/contacts"),
        ("GET", "/v1/contacts/{contact_id}"),
        ("PATCH", "/v1/contacts/{contact_id}"),
        ("DELETE", "/v1/contacts/{contact_id}"),
        ("POST", "/v1/contacts/{contact_id}/sync"),
        ("GET", "/v1/lookup"),
        ("POST", "/v1/decisions"),
        ("POST", "/v1/decisions/batch"),
        ("POST", "/v1/recipients"),
        ("POST", "/v1/messages"),
        ("GET", "/v1/messages/{message_id}"),
        ("POST", "/v1/inbound/sms"),
        ("POST", "/webhooks/twilio/sms"),
        ("GET", "/v1/consent/{address}"),
        ("GET", "/v1/consent/events"),
    }
    schemas = document["components"]["schemas"]
    assert {"ContactCreate", "ContactUpdate", "ContactPublic", "ErrorPublic"} <= set(schemas)
    assert schemas["ContactCreate"]["examples"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/v1/"):
                assert "422" in operation["responses"], (method, path)
                assert {"401", "403"} <= set(operation["responses"]), (method, path)


# schemathesis' own pytest plugin (from_fixture) reads a node attribute pytest 9 no longer
# has, so the cases are drawn here with hypothesis directly, one operation after another.
# What schemathesis yields for each route of the document.
Operation = APIOperation[Any, Any, Any, Any]


def _operation(result: Result[Operation, InvalidSchema]) -> Operation:
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_makes_heed_fail_or_answer_off_schema(
    api_app: FastAPI, account: NewAccount, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(api_app.openapi()))
    schema.app = api_app
    headers = {"Authorization": f"Bearer {account.api_key}"}
    operations = [_operation(result) for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=15,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Case[Operation]) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            # An operation without inputs (GET /v1/account) has nothing to get wrong.
            assert mode is GenerationMode.NEGATIVE, operation.label
        except Exception as error:
            error.add_note(f"operation: {operation.label}")
            raise
