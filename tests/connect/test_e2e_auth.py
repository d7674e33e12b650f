"""End to end: TrinoClient against the sandbox in TLS mode with each authentication method.

Password, JWT, OAuth2 (token polling, cached token reused, expired token refreshed), mutual TLS
(accepted / rejected), storage with its own CA that never sees Authorization or X-Trino-*, and no
secret in the BODY-level network log."""

from __future__ import annotations

import re
import ssl
from typing import Iterator

import httpx
import pytest

from tests.sandbox.helpers_server import fake_sandbox
from trino_tui.client import AuthenticationError, ClientConfig, TrinoClient, TrinoConnectionError, TrinoTuiError
from trino_tui.client.oauth2 import ExternalAuthentication
from trino_tui.client.token_cache import FileTokenStore
from trino_tui.sandbox.auth_chain import ChainAuthenticator
from trino_tui.sandbox.auth_jwt import JwtAuth, JwtCodec
from trino_tui.sandbox.auth_oauth2 import OAuth2Auth
from trino_tui.sandbox.auth_password import PasswordAuth, PasswordFile, hash_password_line
from trino_tui.sandbox.auth_tls import CertificateAuth, SandboxPki

SQL = "SELECT * FROM numbers_3000"  # several spooled segments with the sandbox test sizes
PASSWORD = "pw-Zq8#secret"


@pytest.fixture(scope="module")
def storage_pki() -> Iterator[SandboxPki]:
    with SandboxPki() as p:  # storage has a different CA from the coordinator
        yield p


@pytest.fixture(scope="module")
def codec() -> JwtCodec:
    return JwtCodec("sandbox-jwt-secret")


@pytest.fixture(scope="module")
def oauth(codec) -> OAuth2Auth:
    return OAuth2Auth(codec, poll_wait=5)


@pytest.fixture(scope="module")
def sandbox(pki, storage_pki, codec, oauth, tmp_path_factory):
    pwfile = tmp_path_factory.mktemp("pw") / "password.db"
    pwfile.write_text(hash_password_line("alice", PASSWORD, iterations=1000) + "\n")
    chain = ChainAuthenticator([CertificateAuth(), PasswordAuth(PasswordFile(pwfile)), JwtAuth(codec), oauth])
    with fake_sandbox(**pki.config_kwargs(mutual=True), **storage_pki.storage_kwargs(), auth=chain) as sb:
        assert sb.url.startswith("https://") and sb.storage_url.startswith("https://")
        yield sb


def config(sb, pki, storage_pki, **kw) -> ClientConfig:
    base = dict(server=sb.url, user=kw.pop("user", "alice"), verify=pki.ca_path, storage_verify=storage_pki.ca_path)
    base.update(kw)
    return ClientConfig(**base)


def run(cfg: ClientConfig) -> list:
    with TrinoClient(cfg) as client, client.execute(SQL) as q:
        return [r for b in q.batches() for r in b.wire_rows()]


def executed_users(sb) -> list[str]:
    return [ctx.user for _, ctx in sb.engine.executed]


def assert_storage_clean(sb) -> None:
    records = [r for r in sb.storage_log if r.listener == "storage"]
    assert records, "the query should have downloaded spooled segments from storage"
    for r in records:
        assert "authorization" not in r.headers
        assert not any(h.startswith("x-trino-") for h in r.headers)


def test_password(sandbox, pki, storage_pki) -> None:
    sandbox.storage_log.clear()
    lines: list[str] = []
    rows = run(config(sandbox, pki, storage_pki, password=PASSWORD, network_logging="BODY", network_log=lines.append))
    assert len(rows) == 3000
    assert executed_users(sandbox)[-1] == "alice"
    assert_storage_clean(sandbox)
    log = "\n".join(lines)
    assert "Authorization: ***" in log or "authorization: ***" in log
    assert PASSWORD not in log
    import base64
    assert base64.b64encode(f"alice:{PASSWORD}".encode()).decode() not in log


def test_wrong_password_is_one_line(sandbox, pki, storage_pki) -> None:
    with pytest.raises(AuthenticationError) as info:
        run(config(sandbox, pki, storage_pki, password="wrong"))
    assert "\n" not in str(info.value) and "wrong" not in str(info.value)


def test_jwt(sandbox, pki, storage_pki, codec) -> None:
    token = codec.issue("bob", ttl=600)
    lines: list[str] = []
    rows = run(config(sandbox, pki, storage_pki, user="bob", access_token=token, network_logging="BODY",
                      network_log=lines.append))
    assert len(rows) == 3000 and executed_users(sandbox)[-1] == "bob"
    assert token not in "\n".join(lines)
    with pytest.raises(AuthenticationError):
        run(config(sandbox, pki, storage_pki, user="bob", access_token=JwtCodec("other").issue("bob")))


class Browser:
    """Stands in for the user: opens the login page and submits the form (no real browser)."""

    def __init__(self, ca: str, user: str) -> None:
        self.ca, self.user, self.urls = ca, user, []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        with httpx.Client(verify=ssl.create_default_context(cafile=self.ca), timeout=10) as http:
            page = http.get(url)
            action = re.search(r"action='([^']+)'", page.text).group(1)
            done = http.post(httpx.URL(url).join(action), data={"user": self.user, "action": "allow"})
            assert "Logged in as" in done.text


def test_oauth2_poll_cache_and_refresh(sandbox, pki, storage_pki, oauth, codec, tmp_path) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    browser = Browser(pki.ca_path, "carol")
    lines: list[str] = []

    def cfg(on_redirect) -> ClientConfig:
        auth = ExternalAuthentication(sandbox.url, store=store, on_redirect=on_redirect, poll_interval=0)
        return config(sandbox, pki, storage_pki, user="carol", auth=auth, network_logging="BODY",
                      network_log=lines.append)

    sandbox.storage_log.clear()
    before = oauth.challenges
    assert len(run(cfg(browser))) == 3000  # 401 -> login page -> token polling -> retried POST
    assert len(browser.urls) == 1 and "/oauth2/token/initiate/" in browser.urls[0]
    assert oauth.challenges == before + 1 and executed_users(sandbox)[-1] == "carol"
    token = store.get(sandbox.url)
    assert token and codec.verify(token) == "carol"
    assert_storage_clean(sandbox)
    assert token not in "\n".join(lines)

    def no_browser(url: str) -> None:
        raise AssertionError("a cached token must be reused without a login")

    assert len(run(cfg(no_browser))) == 3000  # a new client, same cache: no 401 at all
    assert oauth.challenges == before + 1

    store.put(sandbox.url, codec.issue("carol", ttl=-5))  # the cached token has expired
    again = Browser(pki.ca_path, "carol")
    assert len(run(cfg(again))) == 3000
    assert len(again.urls) == 1 and oauth.challenges == before + 2
    refreshed = store.get(sandbox.url)
    assert refreshed and codec.verify(refreshed) == "carol"


def test_oauth2_denied_login(sandbox, pki, storage_pki, oauth, tmp_path) -> None:
    def deny(url: str) -> None:
        login_id = url.rsplit("/", 1)[1]
        assert oauth.complete(login_id, None, "access denied by the user")

    auth = ExternalAuthentication(sandbox.url, store=FileTokenStore(tmp_path / "t.json"), on_redirect=deny,
                                  poll_interval=0)
    with pytest.raises(AuthenticationError, match="access denied by the user"):
        run(config(sandbox, pki, storage_pki, auth=auth))


def test_mutual_tls_accepted(sandbox, pki, storage_pki) -> None:
    cert, key = pki.issue_client("dave")
    sandbox.storage_log.clear()
    rows = run(config(sandbox, pki, storage_pki, user="dave", client_cert=cert, client_key=key))
    assert len(rows) == 3000 and executed_users(sandbox)[-1] == "dave"
    assert_storage_clean(sandbox)


def test_mutual_tls_encrypted_key(sandbox, pki, storage_pki, tmp_path) -> None:
    from cryptography.hazmat.primitives import serialization
    cert, key = pki.issue_client("erin")
    private = serialization.load_pem_private_key(open(key, "rb").read(), password=None)
    locked = tmp_path / "erin.key"
    locked.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.BestAvailableEncryption(b"key-pass")))
    rows = run(config(sandbox, pki, storage_pki, user="erin", client_cert=cert, client_key=str(locked),
                      client_key_password="key-pass"))
    assert len(rows) == 3000 and executed_users(sandbox)[-1] == "erin"


def test_mutual_tls_rejected(sandbox, pki, storage_pki) -> None:
    with pytest.raises(AuthenticationError):  # no certificate and no other credentials: 401
        run(config(sandbox, pki, storage_pki, user="mallory"))
    with SandboxPki() as stranger:  # a certificate from a CA the server does not trust
        cert, key = stranger.issue_client("mallory")
        with pytest.raises(TrinoConnectionError):
            run(config(sandbox, pki, storage_pki, user="mallory", client_cert=cert, client_key=key))


def test_storage_ca_is_checked_separately(sandbox, pki, storage_pki) -> None:
    cert, key = pki.issue_client("frank")
    with pytest.raises(TrinoTuiError) as info:  # storage's CA is not the coordinator's: segment TLS fails
        run(config(sandbox, pki, storage_pki, user="frank", client_cert=cert, client_key=key,
                   storage_verify=pki.ca_path, retry_budget=1.0))
    assert "\n" not in str(info.value) and "certificate verify failed" in str(info.value)


def test_oauth2_login_may_take_longer_than_the_request_deadline(sandbox, pki, storage_pki, tmp_path) -> None:
    import time
    offset = [0.0]
    browser = Browser(pki.ca_path, "gina")

    def slow_user(url: str) -> None:
        offset[0] += 120.0  # the user needs two minutes (client clock), request_timeout is 5 s
        browser(url)

    auth = ExternalAuthentication(sandbox.url, store=FileTokenStore(tmp_path / "t.json"), on_redirect=slow_user,
                                  poll_interval=0)
    cfg = config(sandbox, pki, storage_pki, user="gina", auth=auth, request_timeout=5.0)
    from trino_tui.client.transport import Transport  # internal: the request deadlines run on its clock
    clock = lambda: time.monotonic() + offset[0]  # noqa: E731
    with TrinoClient(cfg, clock=clock, transport=Transport(cfg, clock=clock)) as client, client.execute(SQL) as q:
        assert sum(b.row_count for b in q.batches()) == 3000
    assert executed_users(sandbox)[-1] == "gina"


def test_cancelling_the_query_ends_a_waiting_login(sandbox, pki, storage_pki, tmp_path) -> None:
    import threading
    import time

    from trino_tui.client import QueryCancelled
    waiting = threading.Event()
    auth = ExternalAuthentication(sandbox.url, store=FileTokenStore(tmp_path / "t.json"),
                                  on_redirect=lambda url: waiting.set(), poll_interval=0.2)
    with TrinoClient(config(sandbox, pki, storage_pki, auth=auth)) as client:
        q = client.execute(SQL)
        assert waiting.wait(20)  # the user has been sent to the login page; nobody logs in
        q.cancel()
        t0 = time.monotonic()
        with pytest.raises(QueryCancelled):
            q.wait_columns(timeout=20)
        q.close(timeout=5)
        assert time.monotonic() - t0 < 5


def test_acks_on_the_coordinator_use_its_trust_not_the_storage_ca(sandbox, pki, storage_pki) -> None:
    """Every ackUri is on the coordinator: with storage behind another CA the acks must still verify
    (coordinator CA) and carry no Authorization — before the fix every ack failed with a TLS error."""
    sandbox.storage_log.clear()
    with TrinoClient(config(sandbox, pki, storage_pki, password=PASSWORD)) as client, client.execute(SQL) as q:
        rows = sum(len(b.wire_rows()) for b in q.batches())
    snap = q.snapshot()
    assert rows == 3000 and snap.segments_spooled > 0
    assert snap.ack_failures == 0 and snap.segments_acked == snap.segments_spooled
    acks = [r for r in sandbox.storage_log if "/v1/spooled/ack" in getattr(r, "path", "")]
    for r in acks:
        assert "authorization" not in r.headers and not any(h.startswith("x-trino-") for h in r.headers)
