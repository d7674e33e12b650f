"""Trino OAuth2 *external authentication* as an ``httpx.Auth`` flow (coordinator client only).

Flow (as the Trino CLI/JDBC do it): send the request with the cached token, if any. On a 401
whose ``WWW-Authenticate`` has a ``Bearer`` challenge with ``x_token_server`` (and usually
``x_redirect_server``): forget the cached token, hand the redirect URL to ``on_redirect`` (the
default prints it to stderr and opens a browser when there is a graphical one), poll the token
server (GET; 200 JSON ``{"nextUri"}`` = pending, ``{"token"}`` = done, ``{"error"}`` = failed;
503 = pending) until a token, an error, the timeout or ``cancel()``; store the token and resend
the request once with ``Authorization: Bearer``. The polls go through the same httpx client (same
TLS, client certificate, proxy and redacted network logging).

Invariants: https only (server and token server); one login at a time per object (a lock), other
threads wait for it and reuse its token; a request is re-authenticated at most once. Waits are on
a ``threading.Event`` so ``cancel()`` ends them at once (then ``QueryCancelled``). Inside the
client the flow runs under the exchange's ``RequestGuard`` (``netguard``): a cancelled query ends
the login too, and the whole-request deadline is lifted while the user logs in (each poll gets
the exchange's original allowance; the retried request too).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass
from typing import Callable, Generator
from urllib.parse import urljoin, urlsplit

import httpx

from .errors import AuthenticationError, ConfigError, QueryCancelled
from .netguard import RequestGuard, current_guard
from .token_cache import MemoryTokenStore, TokenStore

DEFAULT_TIMEOUT = 600.0  # seconds a user has to finish the browser login
DEFAULT_POLL_INTERVAL = 0.5  # pause between polls that came back pending at once


@dataclass(frozen=True)
class BearerChallenge:
    """The external-authentication parameters of a ``WWW-Authenticate: Bearer`` challenge."""

    token_server: str
    redirect_server: str | None = None


_AUTH_ITEM = re.compile(r"""\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?\s*,?""")


def parse_challenges(values: list[str]) -> dict[str, dict[str, str]]:
    """``WWW-Authenticate`` header values -> {scheme (lower case): {param: value}}."""
    out: dict[str, dict[str, str]] = {}
    for value in values:
        current: dict[str, str] | None = None
        pos = 0
        while pos < len(value):
            m = _AUTH_ITEM.match(value, pos)
            if m is None or m.end() == pos:
                break
            pos = m.end()
            name, raw = m.group(1), m.group(2)
            if raw is None:
                # "Bearer x=..." : a scheme followed by its first parameter on the same item
                current = out.setdefault(name.lower(), {})
                continue
            if current is None:
                continue
            if raw.startswith('"'):
                raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
            current[name.lower()] = raw
    return out


def bearer_challenge(response: httpx.Response) -> BearerChallenge | None:
    """The external-authentication challenge of a 401, or None when it has none."""
    params = parse_challenges(response.headers.get_list("www-authenticate")).get("bearer", {})
    token_server = params.get("x_token_server")
    if not token_server:
        return None
    return BearerChallenge(token_server, params.get("x_redirect_server") or None)


def can_open_browser() -> bool:
    """True when a graphical browser can be opened (not over SSH without a display)."""
    if sys.platform in ("darwin", "win32"):
        return not os.environ.get("SSH_CONNECTION")
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def try_open_browser(url: str) -> bool:
    """Open *url* in a graphical browser when there is one; True if a browser took it."""
    if not can_open_browser():
        return False
    try:
        return bool(webbrowser.open(url, new=2))
    except Exception:  # noqa: BLE001 - showing the URL is the fallback
        return False


def print_url(url: str) -> None:
    """Print the login URL on stderr (SSH sessions copy it into a local browser)."""
    print(f"External authentication: open this URL in a browser to log in:\n  {url}", file=sys.stderr, flush=True)


def print_and_open(url: str) -> None:
    """Default redirect handler: always print the URL (stderr), open a browser when possible."""
    print_url(url)
    try_open_browser(url)


class ExternalAuthentication(httpx.Auth):
    """httpx auth flow for Trino OAuth2 external authentication (see the module docstring)."""

    requires_request_body = True
    open_browser = staticmethod(try_open_browser)  # for front ends with their own redirect handler
    print_url = staticmethod(print_url)

    def __init__(
        self,
        server: str,
        *,
        store: TokenStore | None = None,
        on_redirect: Callable[[str], None] = print_and_open,
        on_finished: Callable[[bool], None] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if urlsplit(server).scheme != "https":
            raise ConfigError("External authentication requires https (the token would travel in clear text)")
        self.server = server
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.on_redirect = on_redirect
        self.on_finished = on_finished  # called with True/False when a login ends (e.g. to close a dialog)
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._clock = clock
        self._login_lock = threading.Lock()
        self._cancel = threading.Event()
        self.logins = 0  # completed browser logins (for tests and the status line)

    def cancel(self) -> None:
        """End a login that is waiting (the request then raises QueryCancelled)."""
        self._cancel.set()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sent_token = self.store.get(self.server)
        if sent_token:
            request.headers["Authorization"] = f"Bearer {sent_token}"
        response = yield request
        if response.status_code != 401:
            return
        challenge = bearer_challenge(response)
        if challenge is None:
            return  # not an external-authentication server: the 401 reaches the caller
        with self._login_lock:
            current = self.store.get(self.server)
            if current and current != sent_token:
                token = current  # another thread logged in while we waited
            else:
                if sent_token:
                    self.store.delete(self.server)  # the server says it expired
                ok = False
                try:
                    token = yield from self._login(challenge)
                    ok = True
                finally:
                    if self.on_finished is not None:
                        self.on_finished(ok)
                self.store.put(self.server, token)
                self.logins += 1
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def _login(self, challenge: BearerChallenge) -> Generator[httpx.Request, httpx.Response, str]:
        self._cancel.clear()
        guard = current_guard()
        allowance = guard.remaining() if guard is not None else None
        try:
            token = yield from self._poll_for_token(challenge, guard, allowance)
        finally:
            if guard is not None and guard.deadline is not None and allowance is not None:
                guard.deadline = guard.clock() + max(allowance, 0.0)  # the retried request's own allowance
        return token

    def _poll_for_token(self, challenge: BearerChallenge, guard: RequestGuard | None,
                        allowance: float | None) -> Generator[httpx.Request, httpx.Response, str]:
        if challenge.redirect_server:
            self._check_https(challenge.redirect_server, "redirect")
            self.on_redirect(challenge.redirect_server)
        deadline = self._clock() + self.timeout
        uri = challenge.token_server
        while True:
            self._check_https(uri, "token")
            self._check_cancelled(guard)
            if self._clock() > deadline:
                raise AuthenticationError(f"External authentication timed out after {self.timeout:.0f} s")
            if guard is not None and guard.deadline is not None and allowance is not None:
                guard.deadline = guard.clock() + max(allowance, 0.0)  # the user's login time does not count
            response = yield httpx.Request("GET", uri)
            response.read()
            if response.status_code == 503:
                self._pause(guard)
                continue
            if response.status_code != 200:
                raise AuthenticationError(f"External authentication failed: token server answered HTTP {response.status_code}")
            try:
                body = response.json()
            except ValueError:
                raise AuthenticationError("External authentication failed: token server sent no JSON") from None
            if not isinstance(body, dict):
                raise AuthenticationError("External authentication failed: unexpected token server answer")
            if body.get("error"):
                raise AuthenticationError(f"External authentication failed: {body['error']}")
            if body.get("token"):
                return str(body["token"])
            if not body.get("nextUri"):
                raise AuthenticationError("External authentication failed: token server sent neither token nor nextUri")
            uri = urljoin(uri, str(body["nextUri"]))
            self._pause(guard)

    def _check_cancelled(self, guard: RequestGuard | None) -> None:
        if self._cancel.is_set() or (guard is not None and (guard.reason == "cancelled" or guard.cancel_at is not None)):
            raise QueryCancelled("External authentication was cancelled")

    def _pause(self, guard: RequestGuard | None) -> None:
        """Wait poll_interval, in short slices so a cancelled query is seen promptly."""
        end = time.monotonic() + self.poll_interval
        while True:
            self._check_cancelled(guard)
            left = end - time.monotonic()
            if left <= 0:
                return
            self._cancel.wait(min(left, 0.1))

    @staticmethod
    def _check_https(url: str, what: str) -> None:
        if urlsplit(url).scheme != "https":
            raise AuthenticationError(f"External authentication refused: the {what} server URL is not https")
