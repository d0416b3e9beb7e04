"""Unexpected failures answer 500 problem details and log no request data."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app

from .tokens import bearer


def test_unexpected_error_is_a_problem_and_logs_no_phi(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("SSN 123-45-6789 born 1961-04-01")

    client = TestClient(
        app, raise_server_exceptions=False, headers=bearer(app.state.settings.data_dir)
    )
    with caplog.at_level(logging.ERROR, logger="eligibility_service.api"):
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "123-45-6789" not in response.text
    assert "RuntimeError" in caplog.text and "/boom" in caplog.text
    assert "123-45-6789" not in caplog.text and "1961-04-01" not in caplog.text
