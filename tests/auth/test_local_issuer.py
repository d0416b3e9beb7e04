"""The embedded issuer: `make run` works with nothing else, and its tokens are checked
like any identity provider's."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from eligibility_service.api.app import create_app
from eligibility_service.cli import main
from eligibility_service.rules.registry import Registry
from eligibility_service.security.local_issuer import MAX_TOKEN_SECONDS, LocalIssuer
from eligibility_service.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]
CASE = json.loads((ROOT / "examples/cases/state-new-hire.json").read_text())
DECIDE = "/v1/decisions/new-hire-enrollment"


def _mint(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["token", *args], env={"ELIGIBILITY_DATA_DIR": str(data_dir), **(env or {})}
    )
    return result.exit_code, result.output.strip()


def _decide(client: TestClient, token: str) -> int:
    return client.post(DECIDE, json=CASE, headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.fixture()
def client(registry: Registry, tmp_path: Path) -> TestClient:
    return TestClient(
        create_app(Settings(data_dir=tmp_path, decision_log=False), registry=registry)
    )


def test_a_minted_token_decides_and_the_key_is_private(client: TestClient, tmp_path: Path) -> None:
    code, token = _mint(tmp_path, "--scope", "decide", "--client-id", "my-laptop")
    assert code == 0, token
    assert _decide(client, token) == 200
    key_file = tmp_path / "auth" / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_token_for_another_scope_is_forbidden(client: TestClient, tmp_path: Path) -> None:
    _code, token = _mint(tmp_path, "--scope", "cases")
    assert _decide(client, token) == 403
    _code, every = _mint(tmp_path, "--scope", "all")
    assert _decide(client, every) == 200


def test_another_installations_token_is_refused(client: TestClient, tmp_path: Path) -> None:
    _code, foreign = _mint(tmp_path / "elsewhere", "--scope", "decide")
    assert _decide(client, foreign) == 401


def test_an_expired_local_token_is_refused(client: TestClient, tmp_path: Path) -> None:
    old = LocalIssuer(tmp_path).mint("x", ["decide"], "etf-eligibility", 60, now=time.time() - 600)
    assert _decide(client, old) == 401


def test_rotation_keeps_old_tokens_until_they_expire(client: TestClient, tmp_path: Path) -> None:
    issuer = LocalIssuer(tmp_path)
    before = issuer.mint("x", ["decide"], "etf-eligibility")
    old_kid = issuer.current().kid
    assert _decide(client, before) == 200
    rotated = CliRunner().invoke(
        main, ["rotate-signing-key"], env={"ELIGIBILITY_DATA_DIR": str(tmp_path)}
    )
    assert rotated.exit_code == 0, rotated.output
    assert issuer.current().kid != old_kid
    after = issuer.mint("x", ["decide"], "etf-eligibility")
    time.sleep(1.1)  # the service re-reads the key folder when it sees an unknown key id
    assert _decide(client, after) == 200
    assert _decide(client, before) == 200
    # a key retired longer ago than any token lives is no longer trusted
    retired = tmp_path / "auth" / "retired" / f"{old_kid}.pem"
    long_ago = time.time() - MAX_TOKEN_SECONDS - 60
    os.utime(retired, (long_ago, long_ago))
    assert old_kid not in issuer.verification_keys()


def test_the_cli_refuses_when_an_identity_provider_is_configured(tmp_path: Path) -> None:
    code, output = _mint(
        tmp_path, "--scope", "decide", env={"ELIGIBILITY_AUTH_ISSUER": "https://idp.example"}
    )
    assert code == 2
    assert "identity provider" in output
    assert not (tmp_path / "auth").exists()


def test_lifetimes_are_bounded(tmp_path: Path) -> None:
    code, output = _mint(tmp_path, "--scope", "decide", "--lifetime", str(MAX_TOKEN_SECONDS + 1))
    assert code == 2 and "--lifetime" in output


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ELIGIBILITY_AUTH_ALGORITHMS", "HS256"),
        ("ELIGIBILITY_AUTH", "maybe"),
        ("ELIGIBILITY_AUTH_CLOCK_SKEW_SECONDS", "3600"),
        ("ELIGIBILITY_MAX_BODY_BYTES", "lots"),
        ("ELIGIBILITY_LOG_FORMAT", "xml"),
        ("ELIGIBILITY_AUTH_JWKS_URL", "https://idp.example/jwks"),  # without an issuer
    ],
)
def test_a_bad_setting_is_refused_by_name(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        Settings.from_env()
    message = str(refused.value)
    assert variable in message
    assert value not in message or value == "HS256"  # values are not echoed (could be keys)
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "error: ELIGIBILITY_" in result.output


def test_settings_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "eligibility.env"
    settings_file.write_text("ELIGIBILITY_AUTH_AUDIENCE=from-file\nELIGIBILITY_LOG_FORMAT=json\n")
    monkeypatch.setenv("ELIGIBILITY_SETTINGS_FILE", str(settings_file))
    monkeypatch.setenv("ELIGIBILITY_LOG_FORMAT", "console")
    settings = Settings.from_env()
    assert settings.auth_audience == "from-file"
    assert settings.log_format == "console"
    monkeypatch.setenv("ELIGIBILITY_SETTINGS_FILE", str(tmp_path / "missing.env"))
    with pytest.raises(SettingsError, match="ELIGIBILITY_SETTINGS_FILE"):
        Settings.from_env()
