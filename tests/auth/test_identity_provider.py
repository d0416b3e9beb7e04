"""Tokens from a real OAuth 2.0 provider over HTTP, and the tokens that must fail.

The service is configured as in production (issuer URL, audience; keys from the issuer's
OpenID discovery document). The provider is Authlib's authorization server (see
identity_provider.py); good tokens are obtained by the client-credentials grant, bad ones
are forged with the same JOSE library a real attacker could use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt as jose_jwt
from joserfc.jwk import RSAKey

from eligibility_service.api.app import create_app
from eligibility_service.rules.registry import Registry
from eligibility_service.settings import Settings

from .identity_provider import AUDIENCE, Client, Provider, running_provider

ROOT = Path(__file__).resolve().parents[2]
CASE = json.loads((ROOT / "examples/cases/state-new-hire.json").read_text())
DECIDE = "/v1/decisions/new-hire-enrollment"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    clients = [
        Client("intake-system", "intake-secret", {"decide"}),
        Client("auditor", "auditor-secret", {"decision-log:read", "audit:read"}),
    ]
    with running_provider(clients) as running:
        yield running


@pytest.fixture()
def client(provider: Provider, registry: Registry, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path,
        auth_issuer=provider.issuer,
        auth_audience=AUDIENCE,
        auth_jwks_refresh_cooldown_seconds=0,
        decision_log=False,
    )
    with TestClient(create_app(settings, registry=registry)) as c:
        yield c


def _decide(client: TestClient, token: str) -> Any:
    return client.post(DECIDE, json=CASE, headers={"Authorization": f"Bearer {token}"})


def _forge(
    provider: Provider,
    key: Any = None,
    header: dict[str, Any] | None = None,
    **changes: Any,
) -> str:
    """A token signed like the provider's, with some claims changed."""
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": AUDIENCE,
        "sub": "intake-system",
        "client_id": "intake-system",
        "iat": now,
        "exp": now + 300,
        "jti": "forged",
        "scope": "decide",
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    signing = key or provider.signing_key
    head = {"alg": "RS256", "typ": "at+jwt", "kid": signing.kid, **(header or {})}
    return jose_jwt.encode(head, claims, signing)


def _challenge(answer: Any) -> str:
    return str(answer.headers.get("www-authenticate", ""))


def test_a_token_from_the_provider_decides(provider: Provider, client: TestClient) -> None:
    token = provider.token("intake-system", "intake-secret", "decide")
    answer = _decide(client, token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "approved"
    assert provider.jwks_fetches >= 1  # keys came from the jwks_uri of the discovery document


def test_the_caller_in_the_log_is_the_tokens_client(
    provider: Provider, registry: Registry, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, auth_issuer=provider.issuer, auth_audience=AUDIENCE)
    with TestClient(create_app(settings, registry=registry)) as c:
        token = provider.token("intake-system", "intake-secret", "decide")
        answer = c.post(
            DECIDE,
            json=CASE,
            headers={"Authorization": f"Bearer {token}", "X-Caller": "someone-else"},
        )
        assert answer.status_code == 200
        writer = c.app.state.decision_log  # type: ignore[attr-defined]
        assert writer.flush(10)
        from eligibility_service.decision_log import queries

        logged = queries.get(c.app.state.store, answer.headers["Decision-Id"])  # type: ignore[attr-defined]
        assert logged is not None
        assert logged.caller == "intake-system (someone-else)"


def test_a_token_without_the_scope_is_forbidden(provider: Provider, client: TestClient) -> None:
    token = provider.token("auditor", "auditor-secret", "decision-log:read")
    answer = _decide(client, token)
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert 'error="insufficient_scope"' in _challenge(answer)
    assert 'scope="decide"' in _challenge(answer)


def test_a_client_gets_only_the_scopes_it_is_registered_for(
    provider: Provider, client: TestClient
) -> None:
    # the intake system asks for the auditors' scope too; the provider leaves it out
    token = provider.token("intake-system", "intake-secret", "decide decision-log:read")
    assert (
        client.get(
            "/v1/decision-log/status", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 403
    )


BAD_TOKENS: dict[str, Any] = {
    "expired": lambda p: _forge(p, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
    "not yet valid": lambda p: _forge(p, nbf=int(time.time()) + 3600),
    "wrong audience": lambda p: _forge(p, aud="another-service"),
    "wrong issuer": lambda p: _forge(p, iss="https://attacker.invalid"),
    "no expiry": lambda p: _forge(p, exp=None),
    "wrong key, same kid": lambda p: _forge(
        p, key=RSAKey.generate_key(2048, parameters={"kid": p.signing_key.kid})
    ),
    "unknown key": lambda p: _forge(p, key=RSAKey.generate_key(2048, parameters={"kid": "zz"})),
    "not an access token (typ JWT)": lambda p: _forge(p, header={"typ": "JWT"}),
}


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_bad_tokens_are_refused(kind: str, provider: Provider, client: TestClient) -> None:
    token = BAD_TOKENS[kind](provider)
    answer = _decide(client, token)
    assert answer.status_code == 401, (kind, answer.text)
    assert answer.headers["content-type"] == "application/problem+json"
    assert 'error="invalid_token"' in _challenge(answer)
    assert token not in answer.text


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_tampered_payload_is_refused(provider: Provider, client: TestClient) -> None:
    good = provider.token("auditor", "auditor-secret", "decision-log:read")
    head, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["scope"] = "decide"  # promote itself
    tampered = ".".join([head, _b64(json.dumps(claims).encode()), signature])
    answer = _decide(client, tampered)
    assert answer.status_code == 401
    assert "signature" in answer.json()["detail"]


def _signing_input(provider: Provider, alg: str) -> str:
    """Header and claims of a token made by hand (as an attacker would), base64url-joined."""
    claims = {
        "iss": provider.issuer,
        "aud": AUDIENCE,
        "sub": "x",
        "exp": int(time.time()) + 60,
        "scope": "decide",
    }
    head = {"alg": alg, "typ": "at+jwt", "kid": provider.signing_key.kid}
    return f"{_b64(json.dumps(head).encode())}.{_b64(json.dumps(claims).encode())}"


def test_alg_none_is_refused(provider: Provider, client: TestClient) -> None:
    token = f"{_signing_input(provider, 'none')}."
    answer = _decide(client, token)
    assert answer.status_code == 401
    assert "algorithm" in answer.json()["detail"]


def test_algorithm_confusion_is_refused(provider: Provider, client: TestClient) -> None:
    # HS256 with the provider's public key as the shared secret: the classic confusion attack
    # (JOSE libraries refuse to make one, so it is made with hmac, as an attacker would)
    public_pem = provider.signing_key.as_pem(private=False)
    signing_input = _signing_input(provider, "HS256")
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{_b64(mac)}"
    answer = _decide(client, token)
    assert answer.status_code == 401
    assert "algorithm" in answer.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["", "Basic aW50YWtlOnNlY3JldA==", "Bearer", "Bearer not-a-jwt", "Bearer a.b.c"],
)
def test_malformed_authorization_headers(header: str, client: TestClient) -> None:
    answer = client.post(DECIDE, json=CASE, headers={"Authorization": header} if header else {})
    assert answer.status_code == 401
    assert _challenge(answer).startswith('Bearer realm="etf-eligibility"')


def test_a_rotated_provider_key_is_fetched(provider: Provider, client: TestClient) -> None:
    first = provider.token("intake-system", "intake-secret", "decide")
    assert _decide(client, first).status_code == 200
    fetches = provider.jwks_fetches
    provider.rotate()
    second = provider.token("intake-system", "intake-secret", "decide")
    assert second != first
    assert _decide(client, second).status_code == 200
    assert provider.jwks_fetches == fetches + 1  # the unknown kid made it fetch once more
    assert _decide(client, first).status_code == 200  # the old key is still published


def test_a_verified_token_is_not_checked_again(provider: Provider, client: TestClient) -> None:
    token = provider.token("intake-system", "intake-secret", "decide")
    verifier = client.app.state.verifier  # type: ignore[attr-defined]
    assert verifier.cached(token) is None
    assert _decide(client, token).status_code == 200
    principal = verifier.cached(token)
    assert principal is not None and principal.client_id == "intake-system"
    assert principal.scopes == frozenset({"decide"})
