"""The authentication/TLS hook: https listeners, a dummy authenticator that challenges, serves an extra
path and names the principal, and mutual TLS exposing the verified client certificate."""

from __future__ import annotations

import base64
import ssl
import threading

import httpx
import pytest
import trustme

from tests.sandbox.helpers_server import fake_sandbox
from trino_tui.sandbox import SandboxConfig
from trino_tui.sandbox.auth_hook import Request, Response


class DummyAuth:
    """alice:secret over Basic; /oauth2/ping answered by the hook itself; /v1/info public."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None, dict | None]] = []
        self._lock = threading.Lock()

    def authenticate(self, request: Request) -> Response | str | None:
        with self._lock:
            self.seen.append((request.path, request.scheme, request.peer_cert))
        if request.path == "/v1/info":
            return None
        if request.path == "/oauth2/ping":
            return Response(200, b"pong", "text/plain")
        if request.peer_cert is not None:
            subject = dict(item[0] for item in request.peer_cert["subject"])
            return subject.get("commonName") or None
        expected = "Basic " + base64.b64encode(b"alice:secret").decode()
        if request.header("Authorization") != expected:
            return Response(401, b"Unauthorized", "text/plain", [("WWW-Authenticate", 'Basic realm="Trino"')])
        return "alice"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def pem_files(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("tls")
    server = ca.issue_cert("127.0.0.1", "localhost")
    client = ca.issue_cert("bob@example.com", common_name="bob")
    files = {"cert": d / "server.pem", "key": d / "server.key", "ca": d / "ca.pem",
             "client": d / "client.pem"}
    server.cert_chain_pems[0].write_to_path(files["cert"])
    server.private_key_pem.write_to_path(files["key"])
    ca.cert_pem.write_to_path(files["ca"])
    client.private_key_and_cert_chain_pem.write_to_path(files["client"])
    return {k: str(v) for k, v in files.items()}


def test_auth_is_off_by_default() -> None:
    assert SandboxConfig().auth is None and SandboxConfig().tls_cert is None
    with fake_sandbox() as sb:
        assert sb.url.startswith("http://")


def test_tls_needs_cert_and_key() -> None:
    with pytest.raises(ValueError, match="needs its key"):
        SandboxConfig(tls_cert="x.pem").validate()
    with pytest.raises(ValueError, match="authenticate"):
        SandboxConfig(auth=object()).validate()


def test_https_with_dummy_authenticator(pem_files: dict[str, str]) -> None:
    auth = DummyAuth()
    with fake_sandbox(tls_cert=pem_files["cert"], tls_key=pem_files["key"], auth=auth) as sb:
        assert sb.url.startswith("https://") and all(u.startswith("https://") for u in sb.worker_urls)
        assert SandboxConfig(auth=auth).describe()["auth"] == "DummyAuth"
        with httpx.Client(verify=ssl.create_default_context(cafile=pem_files["ca"]), timeout=10) as http:
            assert http.get(f"{sb.url}/v1/info").status_code == 200
            challenge = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3")
            assert challenge.status_code == 401
            assert challenge.headers["WWW-Authenticate"] == 'Basic realm="Trino"'
            assert http.get(f"{sb.url}/oauth2/ping").text == "pong"
            ok = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3",
                           auth=("alice", "secret"))  # no X-Trino-User: the principal is the user
            assert ok.status_code == 200, ok.text
            doc = ok.json()
            assert doc["nextUri"].startswith(sb.url + "/v1/statement/queued/")
            while "nextUri" in doc:
                doc = http.get(doc["nextUri"], auth=("alice", "secret")).json()
            assert "error" not in doc
        with pytest.raises(httpx.ConnectError):  # not trusted without the CA
            httpx.get(f"{sb.url}/v1/info", timeout=10)
    assert all(scheme == "https" for _, scheme, _ in auth.seen)
    user, = {ctx.user for sql, ctx in sb.engine.executed}
    assert user == "alice"


def test_mutual_tls_exposes_the_client_certificate(pem_files: dict[str, str]) -> None:
    auth = DummyAuth()
    with fake_sandbox(tls_cert=pem_files["cert"], tls_key=pem_files["key"], tls_client_ca=pem_files["ca"],
                      auth=auth) as sb:
        ctx = ssl.create_default_context(cafile=pem_files["ca"])
        ctx.load_cert_chain(pem_files["client"])
        with httpx.Client(verify=ctx, timeout=10) as http:
            r = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3")
            assert r.status_code == 200, r.text
            http.get(r.json()["nextUri"]).raise_for_status()  # the query runs once polled
        with httpx.Client(verify=ssl.create_default_context(cafile=pem_files["ca"]), timeout=10) as http:  # no client certificate: Basic needed
            assert http.post(f"{sb.url}/v1/statement", content=b"SELECT 1").status_code == 401
    assert [ctx.user for _, ctx in sb.engine.executed] == ["bob"]
