"""The connection-method flags through core.args + core.settings.resolve into ClientConfig."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from trino_tui.client import ConfigError
from trino_tui.client.oauth2 import ExternalAuthentication
from trino_tui.core.args import parse_args
from trino_tui.core.settings import resolve

ENV = {"USER": "u", "XDG_STATE_HOME": "/nonexistent-state"}


def settings(*argv: str, env=None, prompt=None, tmp_path=None):
    ns = parse_args(list(argv))
    return resolve(ns, env={**ENV, **(env or {})}, prompt_password=prompt or (lambda text: pytest.fail("no prompt")))


def test_positional_url_sets_server_catalog_schema() -> None:
    c = settings("https://coord.example:8443/tpch/tiny").client
    assert (c.server, c.catalog, c.schema) == ("https://coord.example:8443", "tpch", "tiny")
    c = settings("https://coord.example/hive", "--schema", "web").client
    assert (c.server, c.catalog, c.schema) == ("https://coord.example:443", "hive", "web")


def test_positional_url_conflicts() -> None:
    with pytest.raises(ConfigError, match="--server"):
        settings("https://a", "--server", "https://b")
    with pytest.raises(ConfigError, match="--catalog"):
        settings("https://a/tpch", "--catalog", "hive")
    with pytest.raises(SystemExit) as info:
        parse_args(["--sandbox", "https://a"])
    assert info.value.code == 2


def test_external_authentication_flag() -> None:
    c = settings("https://a:443", "--external-authentication").client
    assert isinstance(c.auth, ExternalAuthentication) and c.auth.server == "https://a:443"
    with pytest.raises(ConfigError, match="https"):
        settings("http://a:8080", "--external-authentication")


def test_client_certificate_and_key_password(tmp_path) -> None:
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("x")
    key.write_text("y")
    c = settings("https://a", "--client-cert", str(cert), "--client-key", str(key), "--client-key-password",
                 prompt=lambda text: "typed").client
    assert (c.client_cert, c.client_key, c.client_key_password) == (str(cert), str(key), "typed")
    s = settings("https://a", "--client-cert", str(cert), "--client-key-password",
                 env={"TRINO_CLIENT_KEY_PASSWORD": "from-env"})
    assert s.client.client_key_password == "from-env"
    assert s.replace(catalog="x").client.client_key_password == "from-env"  # no second prompt

    def no_tty(text):
        raise EOFError

    with pytest.raises(ConfigError, match="TRINO_CLIENT_KEY_PASSWORD"):
        settings("https://a", "--client-cert", str(cert), "--client-key-password", prompt=no_tty)


def test_session_identity_flags() -> None:
    c = settings("https://a", "--client-info", "nightly job", "--trace-token", "t-1", "--role", "hive=admin",
                 "--role", "system=all").client
    assert c.client_info == "nightly job" and c.trace_token == "t-1"
    assert dict(c.roles) == {"hive": "ROLE{admin}", "system": "ALL"}
    with pytest.raises(ConfigError, match="role"):
        settings("https://a", "--role", "admin")


def test_proxies_and_storage_ca(tmp_path) -> None:
    ca = tmp_path / "storage-ca.pem"
    ca.write_text("x")
    c = settings("https://a", "--http-proxy", "proxy:3128", "--storage-proxy", "https://sp:443",
                 "--storage-cafile", str(ca)).client
    assert (c.http_proxy, c.storage_proxy, c.storage_verify) == ("http://proxy:3128", "https://sp:443", str(ca))
    with pytest.raises(ConfigError, match="either --http-proxy or --socks-proxy"):
        settings("https://a", "--http-proxy", "p:1", "--socks-proxy", "s:1")
    with pytest.raises(ConfigError, match="Storage CA file not found"):
        settings("https://a", "--storage-cafile", str(tmp_path / "missing.pem"))


@pytest.mark.skipif(importlib.util.find_spec("socksio") is not None, reason="socksio is installed")
def test_socks_proxy_without_socksio_says_what_to_install() -> None:
    with pytest.raises(ConfigError, match="socksio"):
        settings("https://a", "--socks-proxy", "s:1080")


def test_password_cmd_and_profile(tmp_path) -> None:
    cmd = f"{sys.executable} -c \"print('pw-from-cmd')\""
    assert settings("https://a", "--password-cmd", cmd).client.password == "pw-from-cmd"
    config = tmp_path / "config.toml"
    config.write_text('[profiles.prod]\nserver = "https://prod:443"\nuser = "alice"\n'
                      f"password_cmd = '''{cmd}'''\n")
    c = settings("--profile", "prod", "--config", str(config)).client
    assert (c.server, c.user, c.password) == ("https://prod:443", "alice", "pw-from-cmd")
    with pytest.raises(ConfigError, match="password_cmd or password_keyring"):
        settings("https://a", "--password-cmd", cmd, "--password-keyring", "svc")


def test_access_token_cmd() -> None:
    cmd = f"{sys.executable} -c \"print('eyJ.token')\""
    assert settings("https://a", "--access-token-cmd", cmd).client.access_token == "eyJ.token"


def test_kerberos_flags_need_the_service_name() -> None:
    with pytest.raises(ConfigError, match="--krb5-remote-service-name"):
        settings("https://a", "--krb5-principal", "alice@R")
    with pytest.raises(ConfigError, match="not both"):
        settings("https://a", "--krb5-remote-service-name", "HTTP", "--external-authentication")


@pytest.mark.skipif(importlib.util.find_spec("httpx_gssapi") is None, reason="kerberos extra not installed")
def test_kerberos_flags_build_a_spnego_auth() -> None:
    c = settings("https://a", "--krb5-remote-service-name", "HTTP",
                 "--krb5-disable-remote-service-hostname-canonicalization").client
    assert type(c.auth).__name__ == "HTTPSPNEGOAuth"


def test_ignore_errors_flag_parses() -> None:
    assert parse_args(["--ignore-errors", "-e", "SELECT 1"]).ignore_errors is True
    assert parse_args(["-e", "SELECT 1"]).ignore_errors is False


def test_profile_names(tmp_path) -> None:
    from trino_tui.core.connect import profile_names
    path = tmp_path / "config.toml"
    path.write_text('[profiles.prod]\nserver = "https://p"\n[profiles.dev]\nserver = "https://d"\n[other]\nx = 1\n')
    assert profile_names(str(path)) == ("dev", "prod")
    assert profile_names(str(tmp_path / "missing.toml")) == ()
    path.write_text("not = [toml")
    assert profile_names(str(path)) == ()


def test_reprs_hold_no_secrets(tmp_path) -> None:
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    s = settings("https://a", "--access-token", "tok-SECRET-1", "--client-cert", str(cert), "--client-key-password",
                 env={"TRINO_CLIENT_KEY_PASSWORD": "key-SECRET-2"})
    text = repr(s) + repr(s.client)
    assert "tok-SECRET-1" not in text and "key-SECRET-2" not in text
    p = settings("https://a", "--password", env={"TRINO_PASSWORD": "pw-SECRET-3"})
    assert "pw-SECRET-3" not in repr(p) + repr(p.client)


def test_redirect_handler_choices(monkeypatch, capsys) -> None:
    from trino_tui.client import oauth2
    opened: list[str] = []
    monkeypatch.setattr(oauth2, "try_open_browser", lambda url: opened.append(url) or True)
    monkeypatch.setattr(ExternalAuthentication, "open_browser", staticmethod(lambda url: opened.append(url) or True))
    auth = settings("https://a", "--external-authentication",
                    "--external-authentication-redirect-handler", "print").client.auth
    auth.on_redirect("https://a/login/1")
    assert "https://a/login/1" in capsys.readouterr().err and opened == []
    auth = settings("https://a", "--external-authentication",
                    "--external-authentication-redirect-handler", "OPEN").client.auth
    auth.on_redirect("https://a/login/2")
    assert opened == ["https://a/login/2"] and capsys.readouterr().err == ""
    with pytest.raises(ConfigError, match="choose from ALL, PRINT, OPEN"):
        settings("https://a", "--external-authentication", "--external-authentication-redirect-handler", "x")


def test_profiles_refuse_plain_secrets(tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.a]\npassword = "hunter2"\n[profiles.b]\naccess_token = "eyJ"\n')
    with pytest.raises(ConfigError, match="true or false") as info:
        settings("--profile", "a", "--config", str(config))
    assert "hunter2" not in str(info.value)
    with pytest.raises(ConfigError, match="secret and is not read from profiles"):
        settings("--profile", "b", "--config", str(config))
