"""A real OpenID Connect provider for the single sign-on tests, on the loopback address.

`oidc-provider-mock` (authlib under Flask) issues RS256 ID tokens from its own key, published
at its JWKS endpoint, and shows a sign-in form where the person types their subject. Two
things it does not do on its own, added here around it:

- PKCE: it ignores `code_challenge`. `PkceEnforcer` remembers each authorization request's
  challenge by the code it issued and refuses a token request whose `code_verifier` does not
  hash to it (or that has none), as a provider requiring PKCE does;
- an old `auth_time`: it stamps the token's issue time. A person's claims may carry their own
  `auth_time`, which the ID token then states (`Provider.set_person(..., auth_time=...)`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import oidc_provider_mock
import requests
import werkzeug.serving

CLIENT_ID = "mentoring-tests"
CLIENT_SECRET = "not-a-real-secret"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


@dataclass
class PkceEnforcer:
    """WSGI middleware: the token endpoint honours a code only with its PKCE verifier."""

    app: object
    challenges: dict[str, str | None] = field(default_factory=dict)
    # What the site sent, for the tests to read: authorization requests' query parameters.
    authorization_requests: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/authorize":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            if environ["REQUEST_METHOD"] == "GET":
                self.authorization_requests.append(query)

            def remember(status, headers, exc_info=None):
                for name, value in headers:
                    if name.lower() == "location":
                        code = parse_qs(urlparse(value).query).get("code", [None])[0]
                        if code:
                            self.challenges[code] = query.get("code_challenge")
                return start_response(status, headers, exc_info)

            return self.app(environ, remember)
        if path == "/oauth2/token":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            challenge = self.challenges.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier")
            if form.get("grant_type") == "authorization_code" and (
                not challenge or not verifier or s256(verifier) != challenge
            ):
                payload = json.dumps({"error": "invalid_grant", "error_description": "PKCE"})
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [payload.encode()]
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        return self.app(environ, start_response)


@dataclass
class Provider:
    url: str
    pkce: PkceEnforcer

    def set_person(self, sub: str, **claims) -> None:
        """Who `sub` is at the provider (PUT /users/<sub>, the mock's own API)."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        assert response.status_code == 204, response.text

    def settings(self) -> dict[str, object]:
        """The site's settings for this provider, as the environment would give them."""
        return {
            "SSO_ENABLED": True,
            "OIDC_OP_ISSUER": self.url,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/oauth2/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/oauth2/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "SSO_PROVIDER_NAME": "Example Corp",
            "SSO_PROGRAM_ADMIN_GROUP": "mentoring-admins",
        }


@contextmanager
def running_provider() -> Iterator[Provider]:
    app = oidc_provider_mock.app(require_nonce=True)
    pkce = PkceEnforcer(app.wsgi_app)
    app.wsgi_app = pkce
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(url=f"http://127.0.0.1:{server.server_port}", pkce=pkce)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
