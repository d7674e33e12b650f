"""ExternalAuthentication against an httpx.MockTransport coordinator + token server."""

from __future__ import annotations

import threading

import httpx
import pytest

from trino_tui.client.errors import AuthenticationError, ConfigError, QueryCancelled
from trino_tui.client.oauth2 import (
    BearerChallenge, ExternalAuthentication, bearer_challenge, can_open_browser, parse_challenges,
)
from trino_tui.client.token_cache import MemoryTokenStore

SERVER = "https://trino.example:8443"
CHALLENGE = ('Basic realm="Trino", Bearer x_redirect_server="https://trino.example:8443/oauth2/token/initiate/abc", '
             'x_token_server="https://trino.example:8443/oauth2/token/abc"')


class FakeCluster:
    """Coordinator that wants `Bearer good-N`; token server pending *pending* times, then a token."""

    def __init__(self, pending: int = 2, answers: list | None = None) -> None:
        self.valid = {"good-1"}
        self.pending = pending
        self.answers = answers  # optional list of (status, json) for the token server
        self.log: list[tuple[str, str, str | None]] = []
        self.issued = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization")
        self.log.append((request.method, request.url.path, auth))
        if request.url.path == "/v1/statement":
            assert request.content == b"SELECT 1"
            if auth and auth.removeprefix("Bearer ") in self.valid:
                return httpx.Response(200, json={"id": "q"})
            return httpx.Response(401, headers=[("WWW-Authenticate", CHALLENGE)])
        if request.url.path.startswith("/oauth2/token/"):
            assert auth is None  # polls carry no credentials
            if self.answers:
                status, body = self.answers.pop(0)
                return httpx.Response(status, json=body)
            if self.pending:
                self.pending -= 1
                return httpx.Response(200, json={"nextUri": f"{SERVER}/oauth2/token/abc?p={self.pending}"})
            self.issued += 1
            token = f"good-{self.issued}"
            self.valid.add(token)
            return httpx.Response(200, json={"token": token})
        return httpx.Response(404)


def client_for(cluster: FakeCluster, auth: ExternalAuthentication) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(cluster), auth=auth)


def make_auth(store=None, **kw) -> tuple[ExternalAuthentication, list[str]]:
    redirects: list[str] = []
    auth = ExternalAuthentication(SERVER, store=store or MemoryTokenStore(), on_redirect=redirects.append,
                                  poll_interval=0, **kw)
    return auth, redirects


def test_parse_challenges_multiple_schemes_and_quotes() -> None:
    got = parse_challenges([CHALLENGE, 'Negotiate', 'Bearer realm="a \\"q\\" b", token_type=JWT'])
    assert got["basic"] == {"realm": "Trino"}
    assert got["bearer"]["realm"] == 'a "q" b' and got["bearer"]["token_type"] == "JWT"
    assert "negotiate" in got
    resp = httpx.Response(401, headers=[("WWW-Authenticate", CHALLENGE)])
    assert bearer_challenge(resp) == BearerChallenge(f"{SERVER}/oauth2/token/abc", f"{SERVER}/oauth2/token/initiate/abc")
    assert bearer_challenge(httpx.Response(401, headers=[("WWW-Authenticate", 'Bearer realm="x"')])) is None


def test_login_polls_until_token_then_retries_statement() -> None:
    cluster = FakeCluster(pending=2)
    store = MemoryTokenStore()
    auth, redirects = make_auth(store)
    with client_for(cluster, auth) as client:
        resp = client.post(f"{SERVER}/v1/statement", content=b"SELECT 1")
    assert resp.status_code == 200
    assert redirects == [f"{SERVER}/oauth2/token/initiate/abc"]
    assert [p for _, p, _ in cluster.log] == ["/v1/statement", "/oauth2/token/abc", "/oauth2/token/abc",
                                               "/oauth2/token/abc", "/v1/statement"]
    assert cluster.log[-1][2] == "Bearer good-1"
    assert store.get(SERVER) == "good-1" and auth.logins == 1


def test_on_finished_reports_success_and_failure() -> None:
    results: list[bool] = []
    auth, _ = make_auth(on_finished=results.append)
    with client_for(FakeCluster(pending=1), auth) as client:
        client.post(f"{SERVER}/v1/statement", content=b"SELECT 1")
    bad, _ = make_auth(on_finished=results.append)
    with client_for(FakeCluster(answers=[(200, {"error": "no"})]), bad) as client, pytest.raises(AuthenticationError):
        client.post(f"{SERVER}/v1/statement", content=b"SELECT 1")
    assert results == [True, False]


def test_cached_token_reused_without_login() -> None:
    cluster = FakeCluster()
    store = MemoryTokenStore()
    store.put(SERVER, "good-1")
    auth, redirects = make_auth(store)
    with client_for(cluster, auth) as client:
        assert client.post(f"{SERVER}/v1/statement", content=b"SELECT 1").status_code == 200
        assert client.post(f"{SERVER}/v1/statement", content=b"SELECT 1").status_code == 200
    assert redirects == [] and auth.logins == 0
    assert [a for _, _, a in cluster.log] == ["Bearer good-1", "Bearer good-1"]


def test_expired_token_is_dropped_and_refreshed() -> None:
    cluster = FakeCluster(pending=0)
    cluster.issued = 1  # next token is good-2
    store = MemoryTokenStore()
    store.put(SERVER, "expired")
    auth, redirects = make_auth(store)
    with client_for(cluster, auth) as client:
        assert client.post(f"{SERVER}/v1/statement", content=b"SELECT 1").status_code == 200
    assert cluster.log[0][2] == "Bearer expired" and cluster.log[-1][2] == "Bearer good-2"
    assert store.get(SERVER) == "good-2" and len(redirects) == 1


def test_token_server_error_is_one_line_authentication_error() -> None:
    cluster = FakeCluster(answers=[(200, {"nextUri": f"{SERVER}/oauth2/token/abc"}), (200, {"error": "access denied"})])
    auth, _ = make_auth()
    with client_for(cluster, auth) as client, pytest.raises(AuthenticationError, match="access denied"):
        client.post(f"{SERVER}/v1/statement", content=b"SELECT 1")


@pytest.mark.parametrize("answer, message", [
    ((500, {}), "HTTP 500"),
    ((200, []), "unexpected"),
    ((200, {}), "neither token nor nextUri"),
])
def test_bad_token_server_answers(answer, message) -> None:
    auth, _ = make_auth()
    with client_for(FakeCluster(answers=[answer]), auth) as client, pytest.raises(AuthenticationError, match=message):
        client.post(f"{SERVER}/v1/statement", content=b"SELECT 1")


def test_503_from_token_server_is_pending() -> None:
    cluster = FakeCluster(answers=[(503, {}), (200, {"token": "good-1"})])
    auth, _ = make_auth()
    with client_for(cluster, auth) as client:
        assert client.post(f"{SERVER}/v1/statement", content=b"SELECT 1").status_code == 200


def test_timeout_uses_injected_clock() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 400.0
        return now[0]

    auth, _ = make_auth(clock=clock, timeout=600)
    with client_for(FakeCluster(pending=100), auth) as client, pytest.raises(AuthenticationError, match="timed out"):
        client.post(f"{SERVER}/v1/statement", content=b"SELECT 1")


def _post_in_thread(auth: ExternalAuthentication) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with client_for(FakeCluster(pending=10**6), auth) as client:
                client.post(f"{SERVER}/v1/statement", content=b"SELECT 1")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    return t, errors


def test_cancel_ends_a_waiting_login() -> None:
    auth = ExternalAuthentication(SERVER, on_redirect=lambda url: auth.cancel(), poll_interval=30)
    t, errors = _post_in_thread(auth)
    t.join(10)
    assert not t.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], QueryCancelled)


def test_cancel_during_poll_pause() -> None:
    started = threading.Event()
    auth = ExternalAuthentication(SERVER, on_redirect=lambda url: started.set(), poll_interval=30)
    t, errors = _post_in_thread(auth)
    assert started.wait(10)
    auth.cancel()
    t.join(10)
    assert not t.is_alive() and isinstance(errors[0], QueryCancelled)


def test_non_external_401_passes_through() -> None:
    def handler(request):
        return httpx.Response(401, headers=[("WWW-Authenticate", 'Basic realm="Trino"')])

    auth, redirects = make_auth()
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        assert client.post(f"{SERVER}/v1/statement", content=b"x").status_code == 401
    assert redirects == []


def test_https_only() -> None:
    with pytest.raises(ConfigError, match="https"):
        ExternalAuthentication("http://trino.example:8080")
    plain = CHALLENGE.replace("https://trino.example:8443/oauth2/token/abc", "http://evil/oauth2/token/abc")

    def handler(request):
        return httpx.Response(401, headers=[("WWW-Authenticate", plain)])

    auth, _ = make_auth()
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        with pytest.raises(AuthenticationError, match="not https"):
            client.post(f"{SERVER}/v1/statement", content=b"x")


def test_concurrent_requests_share_one_login() -> None:
    cluster = FakeCluster(pending=3)
    gate = threading.Event()
    auth = ExternalAuthentication(SERVER, on_redirect=lambda url: gate.wait(10), poll_interval=0)
    results: list[int] = []
    with client_for(cluster, auth) as client:
        threads = [threading.Thread(target=lambda: results.append(
            client.post(f"{SERVER}/v1/statement", content=b"SELECT 1").status_code)) for _ in range(3)]
        for t in threads:
            t.start()
        gate.set()
        for t in threads:
            t.join(10)
    assert results == [200, 200, 200] and auth.logins == 1 and cluster.issued == 1


def test_browser_only_with_a_display(monkeypatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert can_open_browser() is False
    monkeypatch.setenv("DISPLAY", ":0")
    assert can_open_browser() is True


def test_default_handler_prints_url_and_skips_browser_without_display(monkeypatch, capsys) -> None:
    from trino_tui.client import oauth2
    opened: list[str] = []
    monkeypatch.setattr(oauth2.webbrowser, "open", lambda url, new=0: opened.append(url) or True)
    monkeypatch.setattr(oauth2, "can_open_browser", lambda: False)
    oauth2.print_and_open("https://x/login")
    assert "https://x/login" in capsys.readouterr().err and opened == []
    monkeypatch.setattr(oauth2, "can_open_browser", lambda: True)
    oauth2.print_and_open("https://x/login")
    assert opened == ["https://x/login"]
