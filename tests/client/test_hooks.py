"""Transport hooks: custom auth, mTLS, a separate storage CA, explicit proxies, User-Agent,
client info / trace token / roles headers and the redacted trace callback."""

from __future__ import annotations

import ssl
import threading

import httpx
import pytest
import trustme

from trino_tui import __version__
from trino_tui.client import ClientConfig, ConfigError, TrinoClient, TrinoConnectionError
from trino_tui.client.transport import Transport

from .fake_server import FakeTrino, fake_client, make_rows
from .raw_servers import FINISHED_DOC, RawServer, answer, closed_port


def _coordinator_requests(srv: FakeTrino) -> list[httpx.Request]:
    return [r for r in srv.requests if r.url.host == "coord.test" and "/v1/spooled/" not in r.url.path]


def _storage_requests(srv: FakeTrino) -> list[httpx.Request]:
    return [r for r in srv.requests if r.url.host == "storage.test"]


class HeaderAuth(httpx.Auth):
    """A stand-in for OAuth2/Kerberos flows."""

    def auth_flow(self, request):
        request.headers["Authorization"] = "Negotiate SECRET-TICKET"
        yield request


def test_custom_auth_flow_signs_coordinator_requests_only():
    srv = FakeTrino(make_rows(300), segment_rows=100)
    with fake_client(srv, auth=HeaderAuth()) as c:
        assert len([r for b in c.execute("x").batches() for r in b.wire_rows()]) == 300
    coord, storage = _coordinator_requests(srv), _storage_requests(srv)
    assert coord and all(r.headers["authorization"] == "Negotiate SECRET-TICKET" for r in coord)
    assert storage and not any("authorization" in r.headers for r in storage)
    with pytest.raises(ConfigError, match="either"):
        ClientConfig(server="https://h", user="u", auth=HeaderAuth(), password="p")


def test_user_agent_client_info_trace_token_and_roles():
    srv = FakeTrino(make_rows(300), segment_rows=100)
    with fake_client(srv, client_info="dashboard 7", trace_token="trace-42",
                     roles={"system": "admin", "hive": "ALL", "ice": "ROLE{x}"}) as c:
        list(c.execute("x").batches())
    post = next(r for r in _coordinator_requests(srv) if r.method == "POST")
    assert post.headers["user-agent"] == f"trino-tui/{__version__}"
    assert post.headers["x-trino-client-info"] == "dashboard 7"
    assert post.headers["x-trino-trace-token"] == "trace-42"
    assert post.headers.get_list("x-trino-role") == ["system=ROLE%7Badmin%7D", "hive=ALL", "ice=ROLE%7Bx%7D"]
    assert not any("user-agent" in r.headers for r in _storage_requests(srv))
    with pytest.raises(ConfigError, match="line breaks"):
        ClientConfig(server="http://h", user="u", client_info="a\r\nX-Evil: 1")


def test_trace_records_every_exchange_redacted():
    records: list[dict] = []
    srv = FakeTrino(make_rows(300), segment_rows=100, seg_503={1: 1})
    with fake_client(srv, access_token="SEKRIT-TOKEN", trace=records.append) as c:
        list(c.execute("x").batches())
    kinds = {(r["kind"], r["method"]) for r in records}
    assert {("coordinator", "POST"), ("coordinator", "GET"), ("storage", "GET")} <= kinds
    keys = {"kind", "method", "url", "status", "request_headers", "response_headers", "bytes", "started", "elapsed",
            "attempt", "error"}
    assert all(set(r) == keys for r in records)
    text = repr(records)
    assert "SEKRIT-TOKEN" not in text and "key1" not in text  # bearer token, SSE-C key values
    assert ("Authorization", "***") in next(r for r in records if r["method"] == "POST")["request_headers"] \
        or ("authorization", "***") in next(r for r in records if r["method"] == "POST")["request_headers"]
    seg1 = [r for r in records if r["kind"] == "storage" and r["url"].endswith("/seg/1")]
    assert [r["status"] for r in seg1] == [503, 200] and [r["attempt"] for r in seg1] == [1, 2]
    assert all("?" not in r["url"] for r in records)
    assert any(r["bytes"] > 0 for r in records if r["kind"] == "storage")


def test_trace_url_drops_query_strings_and_userinfo():
    from trino_tui.client.netlog import trace_url

    assert trace_url("https://u:p@s3.test/b/k?X-Amz-Signature=abc&X-Amz-Credential=c") == "https://s3.test/b/k"


@pytest.fixture(scope="module")
def cas():
    return trustme.CA(), trustme.CA()


def _server_ctx(ca: trustme.CA, require_client_cert: ssl.SSLContext | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    return ctx


def test_mtls_client_certificate_is_presented(cas, tmp_path):
    ca, _ = cas
    server_ctx = _server_ctx(ca)
    ca.configure_trust(server_ctx)
    server_ctx.verify_mode = ssl.CERT_REQUIRED
    client_cert = ca.issue_cert("alice@example")
    cert_path, key_path, ca_path = tmp_path / "c.pem", tmp_path / "k.pem", tmp_path / "ca.pem"
    client_cert.cert_chain_pems[0].write_to_path(str(cert_path))
    client_cert.private_key_pem.write_to_path(str(key_path))
    ca.cert_pem.write_to_path(str(ca_path))
    record: list = []
    with RawServer(answer(200, FINISHED_DOC, {"Content-Type": "application/json"}, record, tls=server_ctx)) as srv:
        url = f"https://127.0.0.1:{srv.port}"
        cfg = dict(server=url, user="u", verify=str(ca_path), encoding=())
        with TrinoClient(ClientConfig(**cfg, client_cert=str(cert_path), client_key=str(key_path))) as c:
            assert [r for b in c.execute("SELECT 1").batches() for r in b.wire_rows()] == [[1]]
        assert record and not isinstance(record[0], Exception), record
        assert record[0][1] is not None  # the server saw a client certificate
        record.clear()
        with TrinoClient(ClientConfig(**cfg)) as c, pytest.raises(TrinoConnectionError):
            list(c.execute("SELECT 1").batches())  # without it the handshake fails
    with pytest.raises(ConfigError, match="client_key requires client_cert"):
        ClientConfig(server=url, user="u", client_key=str(key_path))


def test_storage_has_its_own_ca(cas, tmp_path):
    coord_ca, storage_ca = cas
    ca1, ca2 = tmp_path / "coord-ca.pem", tmp_path / "storage-ca.pem"
    coord_ca.cert_pem.write_to_path(str(ca1))
    storage_ca.cert_pem.write_to_path(str(ca2))
    with RawServer(answer(200, b"[[1]]", tls=_server_ctx(storage_ca))) as storage:
        url = f"https://127.0.0.1:{storage.port}/seg"
        separate = Transport(ClientConfig(server="https://coord.test", user="u", verify=str(ca1),
                                          storage_verify=str(ca2)))
        shared = Transport(ClientConfig(server="https://coord.test", user="u", verify=str(ca1)))
        try:
            assert separate.download(url, (), segment_size=5) == b"[[1]]"
            with pytest.raises(TrinoConnectionError, match="TLS handshake failed"):
                shared.download(url, (), segment_size=5)
        finally:
            separate.close()
            shared.close()


def test_proxies_are_explicit_and_separate(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")  # ignored: proxies are explicit
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{closed_port()}")
    coord_seen: list = []
    storage_seen: list = []
    with RawServer(answer(200, FINISHED_DOC, {"Content-Type": "application/json"}, coord_seen)) as coord_proxy, \
            RawServer(answer(200, b"[[1]]", record=storage_seen)) as storage_proxy:
        config = ClientConfig(server="http://coord.invalid:8080", user="u", encoding=(),
                              http_proxy=coord_proxy.url, storage_proxy=storage_proxy.url)
        with TrinoClient(config) as c:
            assert [r for b in c.execute("SELECT 1").batches() for r in b.wire_rows()] == [[1]]
            assert c.transport.download("http://storage.invalid/seg/1", (), segment_size=5) == b"[[1]]"
    assert coord_seen[0][0].startswith(b"POST http://coord.invalid:8080/v1/statement HTTP/1.1")
    assert storage_seen[0][0].startswith(b"GET http://storage.invalid/seg/1 HTTP/1.1")
    assert len(coord_seen) == 1 and len(storage_seen) == 1
