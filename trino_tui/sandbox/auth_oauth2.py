"""A fake OAuth2 identity provider + Trino's external-authentication endpoints, for the sandbox.

Like Trino with ``http-server.authentication.type=OAUTH2``: a request without a valid bearer token
gets 401 with ``WWW-Authenticate: Bearer x_redirect_server="<base>/oauth2/token/initiate/<id>",
x_token_server="<base>/oauth2/token/<id>"``. The redirect URL serves a login page (a form with a
user name, Log in / Deny); posting it to ``/oauth2/login/<id>`` finishes the login. The token
server answers ``{"nextUri"}`` while the login is pending (after waiting up to ``poll_wait`` s for
it), then ``{"token"}`` once (an HS256 JWT for the user, valid ``token_ttl`` s) or ``{"error"}``.
Tests finish a login over HTTP like a browser, or call `complete()`.

Thread-safety: one lock + condition guards the pending logins; handler threads may long-poll.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qs

from .auth_jwt import JwtAuth, JwtCodec
from .server import Request, Response

LOGIN_TTL = 600.0
_INITIATE = "/oauth2/token/initiate/"
_TOKEN = "/oauth2/token/"
_LOGIN = "/oauth2/login/"


@dataclass
class _Login:
    created: float
    user: str | None = None
    error: str | None = None
    delivered: bool = False


def _json(body: dict) -> Response:
    return Response(200, json.dumps(body).encode(), "application/json")


def _page(title: str, body: str) -> Response:
    doc = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
           f"<body style='font-family:sans-serif;max-width:30em;margin:4em auto'><h1>{title}</h1>{body}</body></html>")
    return Response(200, doc.encode(), "text/html; charset=utf-8")


class OAuth2Auth:
    """Authentication method + endpoints of the fake provider (see the module docstring)."""

    def __init__(self, codec: JwtCodec, *, token_ttl: float = 3600.0, poll_wait: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.codec = codec
        self._tokens = JwtAuth(codec)  # the tokens it issues are HS256 JWTs
        self.token_ttl = token_ttl
        self.poll_wait = poll_wait
        self._clock = clock
        self._logins: dict[str, _Login] = {}
        self._cond = threading.Condition()
        self.challenges = 0  # 401s sent (tests: a cached token must not cause one)
        self.tokens_issued = 0

    # -- authentication method -------------------------------------------------------------------
    challenge = None  # built per request (it names a fresh login)

    def identify(self, request: Request) -> str | None:
        return self._tokens.identify(request)

    def challenge_for(self, request: Request) -> str:
        """A new pending login and the Bearer challenge that points to it."""
        login_id = secrets.token_urlsafe(16)
        now = self._clock()
        with self._cond:
            for key in [k for k, v in self._logins.items() if now - v.created > LOGIN_TTL]:
                del self._logins[key]
            self._logins[login_id] = _Login(now)
            self.challenges += 1
        base = f"{request.scheme}://{request.header('Host') or '127.0.0.1'}"
        return (f'Bearer x_redirect_server="{base}{_INITIATE}{login_id}", '
                f'x_token_server="{base}{_TOKEN}{login_id}"')

    # -- endpoints -------------------------------------------------------------------------------
    def route(self, request: Request) -> Response | None:
        path = request.path
        if path.startswith(_INITIATE) and request.method == "GET":
            return self._login_page(path[len(_INITIATE):])
        if path.startswith(_LOGIN) and request.method == "POST":
            form = parse_qs(request.body.decode("utf-8", "replace"))
            user = (form.get("user") or [""])[0].strip()
            allow = (form.get("action") or ["allow"])[0] != "deny"
            return self._finish_page(path[len(_LOGIN):], user, allow)
        if path.startswith(_TOKEN) and request.method == "GET":
            return self._poll(path[len(_TOKEN):], request)
        if path.startswith(_TOKEN) and request.method == "DELETE":
            with self._cond:
                self._logins.pop(path[len(_TOKEN):], None)
            return Response(204)
        return None

    def complete(self, login_id: str, user: str | None, error: str | None = None) -> bool:
        """Finish a pending login as *user* (or fail it with *error*); False if unknown."""
        with self._cond:
            login = self._logins.get(login_id)
            if login is None or login.user or login.error:
                return False
            login.user, login.error = (user, None) if user else (None, error or "access denied")
            self._cond.notify_all()
            return True

    def pending(self) -> list[str]:
        """Ids of logins waiting for the user."""
        with self._cond:
            return [k for k, v in self._logins.items() if not v.user and not v.error]

    def _login_page(self, login_id: str) -> Response:
        with self._cond:
            known = login_id in self._logins
        if not known:
            return _page("Login expired", "<p>This login request is unknown or expired. Run the query again.</p>")
        action = html.escape(_LOGIN + login_id, quote=True)
        form = (f"<p>trino-tui sandbox: fake identity provider. Any user name is accepted.</p>"
                f"<form method='post' action='{action}'><label>User <input name='user' autofocus></label> "
                "<button name='action' value='allow'>Log in</button> "
                "<button name='action' value='deny'>Deny</button></form>")
        return _page("Sandbox login", form)

    def _finish_page(self, login_id: str, user: str, allow: bool) -> Response:
        if allow and not user:
            return _page("Sandbox login", "<p>A user name is required.</p>")
        if not self.complete(login_id, user if allow else None, None if allow else "access denied by the user"):
            return _page("Login expired", "<p>This login request is unknown, expired or already finished.</p>")
        if not allow:
            return _page("Login denied", "<p>You can close this window.</p>")
        return _page("Logged in", f"<p>Logged in as {html.escape(user)}. You can close this window.</p>")

    def _poll(self, login_id: str, request: Request) -> Response:
        deadline = time.monotonic() + self.poll_wait
        with self._cond:
            while True:
                login = self._logins.get(login_id)
                if login is None or login.delivered:
                    return _json({"error": "unknown or expired authentication request"})
                if login.error:
                    del self._logins[login_id]
                    return _json({"error": login.error})
                if login.user:
                    login.delivered = True
                    del self._logins[login_id]
                    self.tokens_issued += 1
                    return _json({"token": self.codec.issue(login.user, self.token_ttl)})
                left = deadline - time.monotonic()
                if left <= 0:
                    base = f"{request.scheme}://{request.header('Host') or '127.0.0.1'}"
                    return _json({"nextUri": f"{base}{_TOKEN}{login_id}"})
                self._cond.wait(left)
