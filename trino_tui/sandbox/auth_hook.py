"""The sandbox's authentication hook: `Authenticator` (the protocol) and `AuthenticatedApp` (the wrapper).

An authenticator is consulted for every coordinator request *before* routing. It returns:
  * a `Response`  — sent as is (a 401 challenge with WWW-Authenticate, or an extra endpoint such as
                    /oauth2/token/...); routing is skipped;
  * a `str`       — the authenticated principal; stored on `request.principal` and routing continues
                    (the session user defaults to it when X-Trino-User is absent);
  * `None`        — continue without a principal (e.g. /v1/info, which Trino serves to anyone).
An exception raised by the authenticator becomes a plain-text 500 (never a traceback on the socket).
Authenticators run on the listener's handler threads, concurrently: they must be thread-safe.
Off by default (`SandboxConfig.auth is None`).
"""

from __future__ import annotations

from typing import Protocol, Union, runtime_checkable

from .server import App, Request, Response

AuthOutcome = Union[Response, str, None]

__all__ = ["Authenticator", "AuthenticatedApp", "AuthOutcome", "Request", "Response"]


@runtime_checkable
class Authenticator(Protocol):
    """What `SandboxConfig.auth` must provide (see the module docstring for the outcomes)."""

    def authenticate(self, request: Request) -> AuthOutcome: ...


class AuthenticatedApp:
    """Wraps an App: asks the authenticator first, then routes. Stateless, thread-safe."""

    def __init__(self, app: App, auth: Authenticator):
        self._app = app
        self._auth = auth

    def handle(self, request: Request) -> Response:
        outcome = self._auth.authenticate(request)
        if isinstance(outcome, Response):
            return outcome
        if outcome is not None:
            if not isinstance(outcome, str) or not outcome:
                raise TypeError("an authenticator returns a Response, a non-empty user name or None")
            request.principal = outcome
        return self._app.handle(request)
