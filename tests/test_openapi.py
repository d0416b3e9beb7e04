"""The committed OpenAPI document must match the application."""

from __future__ import annotations

from eligibility_service.api.openapi_doc import render

from .conftest import ROOT


def test_committed_openapi_is_current() -> None:
    committed = (ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(), "openapi/openapi.json is stale: run `make openapi`"


def test_openapi_documents_problem_details() -> None:
    import json

    doc = json.loads(render())
    post = doc["paths"]["/v1/decisions/new-hire-enrollment"]["post"]
    assert "422" in post["responses"] and "413" in post["responses"]
    assert "Problem" in doc["components"]["schemas"]
