"""The command line end to end against the TLS sandbox: `trino-tui https://host/cat/schema ...` with a
password, OAuth2 (URL printed, token cached for the next run) and mutual TLS; --debug and BODY network
logging never show a secret."""

from __future__ import annotations

import base64
import re
import ssl

import httpx
import pytest

from tests.sandbox.helpers_server import fake_sandbox
from trino_tui import cli
from trino_tui.client import oauth2
from trino_tui.sandbox.auth_chain import ChainAuthenticator
from trino_tui.sandbox.auth_jwt import JwtCodec
from trino_tui.sandbox.auth_oauth2 import OAuth2Auth
from trino_tui.sandbox.auth_password import PasswordAuth, PasswordFile, hash_password_line
from trino_tui.sandbox.auth_tls import CertificateAuth

PASSWORD = "cli-Pw-7731!"
SQL = "SELECT * FROM numbers_2000"


@pytest.fixture(scope="module")
def oauth() -> OAuth2Auth:
    return OAuth2Auth(JwtCodec("cli-secret"), poll_wait=5)


@pytest.fixture(scope="module")
def sandbox(pki, oauth, tmp_path_factory):
    pwfile = tmp_path_factory.mktemp("pw") / "password.db"
    pwfile.write_text(hash_password_line("alice", PASSWORD, iterations=1000) + "\n")
    chain = ChainAuthenticator([CertificateAuth(), PasswordAuth(PasswordFile(pwfile)), oauth])
    with fake_sandbox(**pki.config_kwargs(mutual=True), auth=chain) as sb:
        yield sb


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("TRINO_PASSWORD", "TRINO_SERVER", "TRINO_USER", "TRINO_ACCESS_TOKEN", "TRINO_TUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_password_via_positional_url_debug_and_body_log(sandbox, pki, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TRINO_PASSWORD", PASSWORD)
    code, out, err = run_cli(capsys, f"{sandbox.url}/memory/default", "--user", "alice", "--password",
                             "--cafile", pki.ca_path, "--debug", "--network-logging", "BODY", "-e", SQL)
    assert code == 0, err
    assert len(out.splitlines()) == 2000
    assert "Authorization" in err or "authorization" in err  # the header is logged, masked
    for secret in (PASSWORD, base64.b64encode(f"alice:{PASSWORD}".encode()).decode()):
        assert secret not in out + err
    executed = sandbox.engine.executed[-1][1]
    assert (executed.user, executed.catalog, executed.schema) == ("alice", "memory", "default")


def test_wrong_password_exits_3_with_one_line(sandbox, pki, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TRINO_PASSWORD", "nope-" + PASSWORD)
    code, out, err = run_cli(capsys, sandbox.url, "--user", "alice", "--password", "--cafile", pki.ca_path,
                             "--debug", "-e", SQL)
    assert code == 3 and out == ""
    assert len(err.strip().splitlines()) == 1 and "nope-" not in err


def test_external_authentication_prints_url_and_caches_the_token(sandbox, pki, oauth, capsys, monkeypatch) -> None:
    visited: list[str] = []

    def browser(url: str) -> bool:  # the user's browser: open the page, submit the form
        visited.append(url)
        with httpx.Client(verify=ssl.create_default_context(cafile=pki.ca_path), timeout=10) as http:
            page = http.get(url)
            action = re.search(r"action='([^']+)'", page.text).group(1)
            http.post(httpx.URL(url).join(action), data={"user": "olga", "action": "allow"})
        return True

    monkeypatch.setattr(oauth2, "try_open_browser", browser)
    before = oauth.challenges
    code, out, err = run_cli(capsys, sandbox.url, "--user", "olga", "--external-authentication", "--cafile",
                             pki.ca_path, "--debug", "--network-logging", "BODY", "-e", SQL)
    assert code == 0, err
    assert len(out.splitlines()) == 2000 and visited and visited[0] in err  # the URL is always printed
    assert sandbox.engine.executed[-1][1].user == "olga"
    import json
    import os
    tokens = json.load(open(os.path.join(os.environ["XDG_STATE_HOME"], "trino-tui", "tokens.json")))
    (token,) = tokens.values()
    assert oauth.codec.verify(token) == "olga" and token not in out + err
    code, out, err = run_cli(capsys, sandbox.url, "--user", "olga", "--external-authentication", "--cafile",
                             pki.ca_path, "-e", SQL)
    assert code == 0 and len(out.splitlines()) == 2000
    assert len(visited) == 1 and "open this URL" not in err and oauth.challenges == before + 1


def test_client_certificate(sandbox, pki, capsys) -> None:
    cert, key = pki.issue_client("pat")
    code, out, err = run_cli(capsys, sandbox.url, "--user", "pat", "--client-cert", cert, "--client-key", key,
                             "--cafile", pki.ca_path, "-e", SQL)
    assert code == 0, err
    assert len(out.splitlines()) == 2000 and sandbox.engine.executed[-1][1].user == "pat"


def test_ignore_errors_goes_on_and_exits_1(sandbox, pki, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TRINO_PASSWORD", PASSWORD)
    sql = "SELECT * FROM numbers_3; SELEKT nonsense; SELECT * FROM numbers_2"
    base = (sandbox.url, "--user", "alice", "--password", "--cafile", pki.ca_path, "-e", sql)
    code, out, err = run_cli(capsys, *base)
    assert code == 1 and len(out.splitlines()) == 3  # stops at the failure
    code, out, err = run_cli(capsys, *base, "--ignore-errors")
    assert code == 1 and len(out.splitlines()) == 5, err  # both good statements ran
