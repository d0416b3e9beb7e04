"""The admin endpoints in-process: rule-set reload (good and broken sets), signing-key
rotation, and who may call them."""

from __future__ import annotations

import gc
import json
import os
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.rules.registry import Registry
from eligibility_service.runtime.announcements import GENERATION_FILE
from eligibility_service.settings import Settings

from .conftest import ROOT
from .rule_files import DRAFT_MODULE, WINDOW_MESSAGE, add_draft, copy_root, edit, line_of
from .tokens import bearer

CASE = json.loads((ROOT / "examples" / "cases" / "state-new-hire.json").read_text())
DECIDE = "/v1/decisions/new-hire-enrollment"
RELOAD = "/v1/admin/reload"
ROTATE = "/v1/admin/signing-key/rotate"


def pinned(version: str) -> dict[str, Any]:
    return {**CASE, "options": {"rule_set_version": version}}


@dataclass
class Served:
    client: TestClient
    root: Path
    data_dir: Path

    def decide(self, body: dict[str, Any]) -> bytes:
        answer = self.client.post(DECIDE, json=body, headers=bearer(self.data_dir, "decide"))
        assert answer.status_code == 200, answer.text
        return answer.content

    def reload(self, *scopes: str) -> Any:
        return self.client.post(RELOAD, headers=bearer(self.data_dir, *(scopes or ("admin",))))

    def versions(self) -> dict[str, str]:
        """id@version -> content hash, as GET /v1/rule-sets shows them."""
        answer = self.client.get("/v1/rule-sets")
        assert answer.status_code == 200
        return {
            f"{rs['id']}@{v['version']}": v["content_hash"]
            for rs in answer.json()
            for v in rs["versions"]
        }


def _served(base: Path) -> Iterator[Served]:
    root = copy_root(base / "root")
    data_dir = base / "data"
    app = create_app(Settings(root=root, data_dir=data_dir))
    with TestClient(app) as client:  # with its lifespan: the reload thread runs
        yield Served(client, root, data_dir)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from _served(tmp_path)


@pytest.fixture(scope="module")
def served_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """For tests that leave the rule sets as they found them (refused reloads)."""
    yield from _served(tmp_path_factory.mktemp("admin"))


# -- reload: a good set ---------------------------------------------------------------------------
def test_a_changed_rule_set_is_reloaded_and_answers_at_once(served: Served) -> None:
    before = served.versions()
    old_message = json.loads(served.decide(pinned("2027.1")))["reasons"][0]["message"]
    assert old_message.startswith(WINDOW_MESSAGE)
    edit(served.root, DRAFT_MODULE, WINDOW_MESSAGE, "RELOADED: " + WINDOW_MESSAGE)
    add_draft(served.root, "state", "2027.1", "2027.2", "2028-01-01")

    answer = served.reload()

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "reloaded"
    assert body["added"] == ["state@2027.2"]
    assert body["changed"] == ["state@2027.1"]
    assert body["removed"] == []
    assert body["examples_checked"] > 1000
    assert body["other_workers_within_seconds"] == 1.0
    listed = {f"{v['rule_set']}@{v['version']}": v for v in body["versions"]}
    assert set(listed) == {*before, "state@2027.2"}
    assert listed["state@2027.2"]["status"] == "draft"
    assert listed["state@2026.1"]["content_hash"] == before["state@2026.1"]  # untouched
    assert listed["state@2027.1"]["content_hash"] != before["state@2027.1"]
    # what the service now answers is what the reload reported
    assert served.versions() == {label: v["content_hash"] for label, v in listed.items()}
    decision = json.loads(served.decide(pinned("2027.1")))
    assert decision["reasons"][0]["message"] == "RELOADED: " + old_message
    assert decision["rule_set"]["content_hash"] == listed["state@2027.1"]["content_hash"]
    assert json.loads(served.decide(pinned("2027.2")))["rule_set"]["version"] == "2027.2"
    ready = served.client.get("/ready").json()
    assert ready["rule_sets"]["state"] == ["2026.1", "2026.2", "2027.1", "2027.2"]
    # the server's other workers are told (and this one does not reload a second time)
    assert (served.data_dir / GENERATION_FILE).read_text().strip()
    assert served.client.app.state.reload_watcher.check() is False  # type: ignore[attr-defined]


def test_reloading_unchanged_files_changes_nothing_and_lets_the_old_set_go(
    served: Served,
) -> None:
    before = served.decide(CASE)
    old_registry = weakref.ref(served.client.app.state.registry)  # type: ignore[attr-defined]
    answer = served.reload()
    assert answer.status_code == 200
    assert (answer.json()["added"], answer.json()["changed"], answer.json()["removed"]) == (
        [],
        [],
        [],
    )
    assert served.decide(CASE) == before
    gc.collect()
    assert old_registry() is None  # no cache or frozen generation keeps it alive
    # the same files again: nothing is loaded, the set in service is listed all the same
    again = served.reload().json()
    assert again["status"] == "unchanged"
    assert again["versions"] == answer.json()["versions"]
    assert again["seconds"] < 1


# -- reload: broken sets are refused, with file and line -----------------------------------------
@dataclass(frozen=True)
class Breakage:
    name: str
    file: str
    old: str
    new: str
    where: str
    """The text of the line the problem must be reported at (found in the broken file)."""
    reported_file: str | None = None
    """Where the problem is reported, when not in the broken file."""
    says: str = ""


UNKNOWN_KEY = Breakage(
    "unknown key",
    str(DRAFT_MODULE),
    "  - id: NEWHIRE-WINDOW\n",
    "  - id: NEWHIRE-WINDOW\n    colour: blue\n",
    "colour: blue",
    says="colour",
)
YAML_SYNTAX = Breakage(
    "YAML syntax error",
    str(DRAFT_MODULE),
    "    title: The new-hire application is due within 30 days of hire\n",
    "    title: The new-hire application is due: within 30 days of hire\n",
    "is due: within",
    says="mapping values are not allowed",
)
FAILING_EXAMPLE = Breakage(
    "a worked example no longer holds",
    str(DRAFT_MODULE),
    "  - id: NEWHIRE-WINDOW\n    title: The new-hire application is due within 30 days of hire\n"
    "    implements: [wis-stat-40.51-2, src-e2]\n    in_force: {from: 1982-01-01}\n"
    "    when: known(employee.hire_date)",
    "  - id: NEWHIRE-WINDOW\n    title: The new-hire application is due within 30 days of hire\n"
    "    implements: [wis-stat-40.51-2, src-e2]\n    in_force: {from: 1982-01-01}\n"
    '    when: known(employee.hire_date) and employee.hire_date < date("1900-01-01")',
    "",  # reported at the example's own line, somewhere in the version's modules
    says="worked example",
)
PUBLISHED_CHANGED = Breakage(
    "a published version's shared module changed",
    "rule_sets/common/new_hire.yaml",
    WINDOW_MESSAGE,
    "Edited: " + WINDOW_MESSAGE,
    "status: published",
    reported_file="rule_sets/state/2026.1/version.yaml",
    says="rule_sets/common/new_hire.yaml",
)


@pytest.mark.parametrize(
    "breakage",
    [UNKNOWN_KEY, YAML_SYNTAX, FAILING_EXAMPLE, PUBLISHED_CHANGED],
    ids=lambda b: b.name,
)
def test_a_broken_rule_set_is_refused_and_the_old_one_keeps_answering(
    served_once: Served, breakage: Breakage
) -> None:
    served = served_once
    before = {"default": served.decide(CASE), "draft": served.decide(pinned("2027.1"))}
    listed = served.versions()
    announced = (served.data_dir / GENERATION_FILE).exists()
    original = (served.root / breakage.file).read_text(encoding="utf-8")
    edit(served.root, breakage.file, breakage.old, breakage.new)
    try:
        reported = breakage.reported_file or breakage.file
        line = line_of(served.root, reported, breakage.where) if breakage.where else None
        answer = served.reload()
    finally:
        (served.root / breakage.file).write_text(original, encoding="utf-8")

    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["title"] == "The rule sets were not reloaded"
    fields = [e["field"] for e in problem["errors"]]
    if line is not None:
        assert f"{reported}:{line}" in fields, problem
        assert f"{reported}:{line}: " in problem["detail"]
    else:  # a worked example: reported at its own line in one of the draft's modules
        assert any(re.fullmatch(r"rule_sets/state/2027\.1/\w+\.yaml:\d+", f) for f in fields)
    assert breakage.says in problem["detail"]
    assert "goes on answering with the rule sets it had" in problem["detail"]
    # nothing changed: same versions, same answers byte for byte, nothing announced
    assert served.versions() == listed
    assert served.decide(CASE) == before["default"]
    assert served.decide(pinned("2027.1")) == before["draft"]
    assert (served.data_dir / GENERATION_FILE).exists() == announced


def test_a_reload_that_would_remove_a_program_is_refused(served_once: Served) -> None:
    local = served_once.root / "rule_sets" / "local"
    aside = served_once.root / "local-aside"
    local.rename(aside)
    try:
        answer = served_once.reload()
    finally:
        aside.rename(local)
    assert answer.status_code == 409
    assert "rule set 'local' is in service and missing" in answer.json()["detail"]
    assert "local@2026.1" in served_once.versions()


def test_a_refusal_is_logged_with_file_and_line(
    served_once: Served, caplog: pytest.LogCaptureFixture
) -> None:
    edit(served_once.root, UNKNOWN_KEY.file, UNKNOWN_KEY.old, UNKNOWN_KEY.new)
    try:
        with caplog.at_level("ERROR", logger="eligibility_service.runtime"):
            assert served_once.reload().status_code == 409
        line = line_of(served_once.root, UNKNOWN_KEY.file, UNKNOWN_KEY.where)
    finally:
        edit(served_once.root, UNKNOWN_KEY.file, UNKNOWN_KEY.new, UNKNOWN_KEY.old)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "rule sets NOT reloaded" in logged
    assert f"{UNKNOWN_KEY.file}:{line}:" in logged


# -- who may call the admin routes -------------------------------------------------------------
@pytest.fixture(scope="module")
def plain_app(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("admin-auth")
    with TestClient(create_app(Settings(data_dir=data_dir), registry=registry)) as client:
        yield client


@pytest.mark.parametrize("path", [RELOAD, ROTATE])
def test_admin_routes_need_a_token(plain_app: TestClient, path: str) -> None:
    answer = plain_app.post(path)
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", [RELOAD, ROTATE])
def test_admin_routes_need_the_admin_scope(plain_app: TestClient, path: str) -> None:
    data_dir = plain_app.app.state.settings.data_dir  # type: ignore[attr-defined]
    scopes = ("decide", "rules:read", "decision-log:read", "cases", "reconcile", "metrics")
    answer = plain_app.post(path, headers=bearer(data_dir, *scopes))
    assert answer.status_code == 403
    assert 'error="insufficient_scope"' in answer.headers["www-authenticate"]
    assert 'scope="admin"' in answer.headers["www-authenticate"]


def test_admin_routes_declare_the_admin_scope_in_the_openapi_document(
    plain_app: TestClient,
) -> None:
    paths = plain_app.get("/openapi.json").json()["paths"]
    for path in (RELOAD, ROTATE):
        security = paths[path]["post"]["security"]
        assert {"oauth2": ["admin"]} in security
        assert {} not in security  # never open without a token


# -- signing-key rotation ---------------------------------------------------------------------
def test_rotation_keeps_old_tokens_working_and_signs_new_ones_with_the_new_key(
    tmp_path: Path, registry: Registry
) -> None:
    app = create_app(Settings(data_dir=tmp_path), registry=registry)
    with TestClient(app) as client:
        old = bearer(tmp_path, "decide")
        assert client.post(DECIDE, json=CASE, headers=old).status_code == 200
        old_kid = jwt.get_unverified_header(old["Authorization"].split()[1])["kid"]

        answer = client.post(ROTATE, headers=bearer(tmp_path, "admin"))

        assert answer.status_code == 200, answer.text
        rotated = answer.json()
        assert rotated["kid"] != old_kid
        assert rotated["algorithm"] == "ES256"
        assert rotated["previous_key_trusted_for_seconds"] == 24 * 3600
        new = bearer(tmp_path, "decide")
        assert jwt.get_unverified_header(new["Authorization"].split()[1])["kid"] == rotated["kid"]
        assert client.post(DECIDE, json=CASE, headers=new).status_code == 200
        assert client.post(DECIDE, json=CASE, headers=old).status_code == 200
        assert (tmp_path / "auth" / "retired" / f"{old_kid}.pem").exists()
        if os.name == "posix":
            assert (tmp_path / "auth" / "signing-key.pem").stat().st_mode & 0o077 == 0


def test_rotation_is_refused_when_an_identity_provider_issues_tokens(
    tmp_path: Path, registry: Registry
) -> None:
    # auth off stands in for an identity provider's admin token; the issuer is what matters
    settings = Settings(data_dir=tmp_path, auth=False, auth_issuer="https://idp.example.invalid")
    with TestClient(create_app(settings, registry=registry)) as client:
        answer = client.post(ROTATE)
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert "rotates its own signing keys" in answer.json()["detail"]
    assert not (tmp_path / "auth").exists()
