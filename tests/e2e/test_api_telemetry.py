"""heed emits no OpenTelemetry, and its requests do not look for it: FastAPI's native
telemetry, on by default, would ask for the process's global providers (reading the
environment) on every request."""

from __future__ import annotations

import pytest
from opentelemetry import metrics, trace
from opentelemetry._logs import _internal as logs
from starlette.testclient import TestClient


def test_a_request_never_asks_opentelemetry_for_its_providers(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def provider(name: str) -> object:
        def get() -> None:
            asked.append(name)

        return get

    monkeypatch.setattr(trace, "get_tracer_provider", provider("tracer"))
    monkeypatch.setattr(metrics, "get_meter_provider", provider("meter"))
    monkeypatch.setattr(logs, "get_logger_provider", provider("logger"))
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/customers", headers=auth).status_code == 200
    assert asked == []
