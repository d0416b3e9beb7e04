"""A real OAuth 2.0 / OpenID provider for the tests, over HTTP on a loopback port.

Authlib's authorization server (its Flask integration) issues RFC 9068 JWT access tokens
by the client-credentials grant, as the identity provider ETF's systems would use; the
provider publishes an OpenID discovery document and its JWKS. Tests obtain tokens from it
exactly as a calling system would (POST /token with the client's id and secret), and can
rotate its signing key to check that the service fetches the new one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from flask import Flask, jsonify
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

from ..server import free_port

AUDIENCE = "etf-eligibility"
logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    secret: str
    scopes: set[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


@dataclass
class Provider:
    """The running provider: its URL, its keys, and how often its JWKS was fetched."""

    issuer: str
    clients: dict[str, Client]
    keys: list[RSAKey] = field(default_factory=list)
    jwks_fetches: int = 0

    @property
    def signing_key(self) -> RSAKey:
        return self.keys[-1]

    def rotate(self) -> RSAKey:
        """A new signing key; the old one stays published (as a provider does for a while)."""
        self.keys.append(_new_key(f"k{len(self.keys) + 1}"))
        return self.signing_key

    def token(self, client_id: str, secret: str, scope: str) -> str:
        """An access token by the client-credentials grant, over HTTP."""
        answer = httpx.post(
            f"{self.issuer}/token",
            data={"grant_type": "client_credentials", "scope": scope},
            auth=(client_id, secret),
            timeout=10,
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])


def _new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@contextmanager
def running_provider(clients: list[Client]) -> Iterator[Provider]:
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}", {c.client_id: c for c in clients})
    provider.rotate()

    class TokenGenerator(JWTBearerTokenGenerator):  # type: ignore[misc]
        def get_jwks(self) -> Any:
            return KeySet([provider.signing_key])

        def get_audiences(self, client: Any, user: Any, scope: str) -> str:
            return AUDIENCE

    app = Flask("test-identity-provider")
    server = AuthorizationServer(
        app, query_client=provider.clients.get, save_token=lambda t, r: None
    )
    server.register_grant(grants.ClientCredentialsGrant)
    server.register_token_generator("default", TokenGenerator(issuer=provider.issuer))

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        return jsonify(
            issuer=provider.issuer,
            token_endpoint=f"{provider.issuer}/token",
            jwks_uri=f"{provider.issuer}/jwks",
            grant_types_supported=["client_credentials"],
            id_token_signing_alg_values_supported=["RS256"],
        )

    @app.get("/jwks")
    def jwks() -> Any:
        provider.jwks_fetches += 1
        return jsonify(KeySet(list(provider.keys)).as_dict(private=False))

    @app.post("/token")
    def issue_token() -> Any:
        return server.create_token_response()

    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="identity-provider", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{provider.issuer}/jwks", timeout=1)
                provider.jwks_fetches = 0
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield provider
    finally:
        http.shutdown()
        thread.join(timeout=5)
