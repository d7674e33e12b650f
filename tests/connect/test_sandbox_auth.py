"""Sandbox authenticators: JWT codec, password file, chain rules, fake OAuth2 provider, generated PKI.

Plain httpx only (the sandbox side is tested without trino_tui.client)."""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import ssl
import threading
from email.message import Message

import httpx
import pytest
import trustme

from tests.sandbox.helpers_server import fake_sandbox
from trino_tui.sandbox.auth_chain import ChainAuthenticator, add_auth_arguments, auth_from_args
from trino_tui.sandbox.auth_jwt import JwtAuth, JwtCodec, JwtInvalid
from trino_tui.sandbox.auth_oauth2 import OAuth2Auth
from trino_tui.sandbox.auth_password import PasswordAuth, PasswordFile, hash_password_line
from trino_tui.sandbox.auth_tls import CertificateAuth, SandboxPki, certificate_common_name
from trino_tui.sandbox.server import Request, Response


def req(path="/v1/statement", method="POST", scheme="https", headers=None, body=b"", peer_cert=None) -> Request:
    msg = Message()
    msg["Host"] = "127.0.0.1:1234"
    for k, v in (headers or {}).items():
        msg[k] = v
    return Request(method, path, "", msg, body, "coordinator", scheme, peer_cert)


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


# --- JWT --------------------------------------------------------------------------------------------

def test_jwt_roundtrip_and_rejections() -> None:
    now = [1_000_000.0]
    codec = JwtCodec("s3cret", clock=lambda: now[0])
    token = codec.issue("alice", ttl=60)
    assert codec.verify(token) == "alice"
    with pytest.raises(JwtInvalid, match="signature"):
        JwtCodec("other").verify(token)
    head, payload, sig = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"sub": "root", "exp": 2e9}).encode()).rstrip(b"=").decode()
    with pytest.raises(JwtInvalid, match="signature"):
        codec.verify(f"{head}.{forged}.{sig}")
    none_alg = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    with pytest.raises(JwtInvalid, match="algorithm"):
        codec.verify(f"{none_alg}.{payload}.")
    for bad in ("x", "a.b", "!!.!!.!!"):
        with pytest.raises(JwtInvalid):
            codec.verify(bad)
    now[0] += 61
    with pytest.raises(JwtInvalid, match="expired"):
        codec.verify(token)
    with pytest.raises(ValueError):
        JwtCodec("")


def test_jwt_auth_method() -> None:
    codec = JwtCodec("k")
    auth = JwtAuth(codec)
    assert auth.identify(req(headers={"Authorization": f"Bearer {codec.issue('bob')}"})) == "bob"
    assert auth.identify(req(headers={"Authorization": "Bearer nope"})) is None
    assert auth.identify(req()) is None


# --- passwords --------------------------------------------------------------------------------------

def test_password_file(tmp_path) -> None:
    path = tmp_path / "password.db"
    path.write_text("# users\n" + hash_password_line("alice", "pw1", iterations=1000) + "\n\n"
                    + hash_password_line("bob", "pw:2", iterations=1000) + "\n")
    users = PasswordFile(path)
    assert len(users) == 2
    assert users.check("alice", "pw1") and users.check("bob", "pw:2")
    assert not users.check("alice", "pw2") and not users.check("carol", "pw1")
    auth = PasswordAuth(users)
    assert auth.identify(req(headers=basic("bob", "pw:2"))) == "bob"
    assert auth.identify(req(headers=basic("bob", "wrong"))) is None
    assert auth.identify(req(headers={"Authorization": "Basic !!!"})) is None


@pytest.mark.parametrize("line, message", [
    ("alice", "line 1"),
    ("alice:$2y$10$abcdefghijklmnopqrstuv", "bcrypt"),
    ("alice:10:00:00", "iterations"),
    ("alice:1000:zz:00", "salt_hex"),
])
def test_password_file_errors_name_the_line(tmp_path, line, message) -> None:
    path = tmp_path / "p.db"
    path.write_text(line + "\n")
    with pytest.raises(ValueError, match=message):
        PasswordFile(path)
    with pytest.raises(ValueError, match="cannot read"):
        PasswordFile(tmp_path / "missing")


# --- the chain --------------------------------------------------------------------------------------

def test_chain_rules(tmp_path) -> None:
    path = tmp_path / "p.db"
    path.write_text(hash_password_line("alice", "pw", iterations=1000))
    codec = JwtCodec("k")
    chain = ChainAuthenticator([CertificateAuth(), PasswordAuth(PasswordFile(path)), JwtAuth(codec)])
    assert chain.authenticate(req("/v1/info", "GET")) is None
    assert chain.authenticate(req("/v1/statement/executing/q/y1/1", "GET")) is None
    assert chain.authenticate(req("/v1/spooled/download/abc", "GET")) is None
    plain = chain.authenticate(req(scheme="http", headers=basic("alice", "pw")))
    assert isinstance(plain, Response) and plain.status == 403
    denied = chain.authenticate(req(headers=basic("alice", "bad")))
    assert isinstance(denied, Response) and denied.status == 401
    assert [v for k, v in denied.headers] == ['Basic realm="Trino"', 'Bearer realm="Trino", token_type="JWT"']
    assert chain.authenticate(req(headers=basic("alice", "pw"))) == "alice"
    assert chain.authenticate(req(headers={"Authorization": f"Bearer {codec.issue('jo')}"})) == "jo"
    cert = {"subject": ((("organizationName", "x"),), (("commonName", "carol"),))}
    assert chain.authenticate(req(peer_cert=cert)) == "carol"
    assert chain.rejected == 1
    with pytest.raises(ValueError):
        ChainAuthenticator([])


def test_certificate_common_name() -> None:
    assert certificate_common_name(None) is None
    assert certificate_common_name({"subject": ((("countryName", "US"),),)}) is None


# --- OAuth2 -----------------------------------------------------------------------------------------

def _challenge_ids(resp: Response) -> tuple[str, str]:
    value = dict(resp.headers)["WWW-Authenticate"]
    redirect = value.split('x_redirect_server="')[1].split('"')[0]
    token = value.split('x_token_server="')[1].split('"')[0]
    return redirect, token


def test_oauth2_login_page_flow() -> None:
    oauth = OAuth2Auth(JwtCodec("k"), poll_wait=0)
    chain = ChainAuthenticator([oauth])
    challenge = chain.authenticate(req())
    assert isinstance(challenge, Response) and challenge.status == 401
    redirect, token_uri = _challenge_ids(challenge)
    assert redirect.startswith("https://127.0.0.1:1234/oauth2/token/initiate/")
    login_id = token_uri.rsplit("/", 1)[1]
    assert token_uri == f"https://127.0.0.1:1234/oauth2/token/{login_id}"
    assert oauth.pending() == [login_id]
    pending = json.loads(chain.authenticate(req(f"/oauth2/token/{login_id}", "GET")).body)
    assert pending == {"nextUri": token_uri}
    page = chain.authenticate(req(f"/oauth2/token/initiate/{login_id}", "GET"))
    assert b"<form" in page.body and f"/oauth2/login/{login_id}".encode() in page.body
    done = chain.authenticate(req(f"/oauth2/login/{login_id}", "POST", body=b"user=alice&action=allow"))
    assert b"Logged in as alice" in done.body
    token = json.loads(chain.authenticate(req(f"/oauth2/token/{login_id}", "GET")).body)["token"]
    assert chain.authenticate(req(headers={"Authorization": f"Bearer {token}"})) == "alice"
    again = json.loads(chain.authenticate(req(f"/oauth2/token/{login_id}", "GET")).body)
    assert "error" in again  # a token is delivered once
    assert oauth.tokens_issued == 1 and oauth.challenges == 1


def test_oauth2_deny_unknown_and_empty_user() -> None:
    oauth = OAuth2Auth(JwtCodec("k"), poll_wait=0)
    _, token_uri = _challenge_ids(oauth_challenge(oauth))
    login_id = token_uri.rsplit("/", 1)[1]
    assert b"required" in oauth.route(req(f"/oauth2/login/{login_id}", "POST", body=b"user=&action=allow")).body
    assert b"denied" in oauth.route(req(f"/oauth2/login/{login_id}", "POST", body=b"action=deny")).body
    assert json.loads(oauth.route(req(f"/oauth2/token/{login_id}", "GET")).body) == {"error": "access denied by the user"}
    assert b"expired" in oauth.route(req("/oauth2/token/initiate/nope", "GET")).body
    assert "error" in json.loads(oauth.route(req("/oauth2/token/nope", "GET")).body)
    assert oauth.complete("nope", "x") is False


def oauth_challenge(oauth: OAuth2Auth) -> Response:
    return ChainAuthenticator([oauth]).authenticate(req())


def test_oauth2_long_poll_wakes_on_login() -> None:
    oauth = OAuth2Auth(JwtCodec("k"), poll_wait=30)
    _, token_uri = _challenge_ids(oauth_challenge(oauth))
    login_id = token_uri.rsplit("/", 1)[1]
    got: list[dict] = []
    t = threading.Thread(target=lambda: got.append(json.loads(oauth.route(req(f"/oauth2/token/{login_id}", "GET")).body)))
    t.start()
    assert oauth.complete(login_id, "zed")
    t.join(10)
    assert not t.is_alive() and "token" in got[0]
    assert oauth.codec.verify(got[0]["token"]) == "zed"


# --- generated PKI + the real listener --------------------------------------------------------------

def test_pki_files_and_mutual_tls_over_the_wire() -> None:
    with SandboxPki() as pki:
        import os
        import stat
        assert stat.S_IMODE(os.stat(pki.key_path).st_mode) == 0o600
        cert, key = pki.issue_client("dora")
        with fake_sandbox(**pki.config_kwargs(mutual=True), auth=ChainAuthenticator([CertificateAuth()])) as sb:
            ctx = ssl.create_default_context(cafile=pki.ca_path)
            ctx.load_cert_chain(cert, key)
            with httpx.Client(verify=ctx, timeout=10) as http:
                r = http.post(f"{sb.url}/v1/statement", content=b"SELECT * FROM numbers_3")
                assert r.status_code == 200, r.text
                http.get(r.json()["nextUri"]).raise_for_status()
            with httpx.Client(verify=ssl.create_default_context(cafile=pki.ca_path), timeout=10) as http:
                assert http.post(f"{sb.url}/v1/statement", content=b"SELECT 1").status_code == 401
            stranger = trustme.CA().issue_cert("eve@x", common_name="eve")
            bad = ssl.create_default_context(cafile=pki.ca_path)
            stranger.configure_cert(bad)
            with httpx.Client(verify=bad, timeout=10) as http, pytest.raises(httpx.HTTPError):
                http.post(f"{sb.url}/v1/statement", content=b"SELECT 1")
        assert [ctx.user for _, ctx in sb.engine.executed] == ["dora"]
    assert not pki.directory.exists()


def test_pki_without_trustme_says_so(monkeypatch) -> None:
    import sys
    from trino_tui.sandbox.auth_tls import TlsUnavailable
    monkeypatch.setitem(sys.modules, "trustme", None)
    with pytest.raises(TlsUnavailable, match="trustme"):
        SandboxPki()


# --- CLI flags --------------------------------------------------------------------------------------

def parse(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--tls-cert")
    add_auth_arguments(p)
    return p.parse_args(list(argv))


def test_cli_flags(tmp_path) -> None:
    secret = tmp_path / "jwt.key"
    secret.write_text("k\n")
    with contextlib.ExitStack() as stack:
        knobs, notes = auth_from_args(parse("--tls", "--mtls", "--jwt-secret-file", str(secret), "--oauth2"), stack)
        assert set(knobs) == {"tls_cert", "tls_key", "tls_client_ca", "auth"}
        assert [type(m).__name__ for m in knobs["auth"].methods] == ["CertificateAuth", "JwtAuth", "OAuth2Auth"]
        assert knobs["auth"].methods[1].codec.verify(JwtCodec("k").issue("x")) == "x"
        assert any("CA certificate" in n for n in notes) and any("--client-cert" in n for n in notes)
        ca_dir = knobs["tls_cert"]
    import os
    assert not os.path.exists(ca_dir)  # generated material removed with the stack
    with contextlib.ExitStack() as stack:
        assert auth_from_args(parse(), stack) == ({}, [])
        for argv, message in [(("--oauth2",), "need https"), (("--mtls",), "needs --tls"),
                              (("--tls", "--tls-cert", "x"), "either"),
                              (("--tls", "--jwt-secret-file", str(tmp_path / "none")), "cannot read")]:
            with pytest.raises(ValueError, match=message):
                auth_from_args(parse(*argv), stack)
