"""Trino CLI URL forms and profile secrets (password_cmd / keyring)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trino_tui.client.errors import ConfigError
from trino_tui.core.cli_url import CliUrl, merge_cli_url, parse_cli_url
from trino_tui.core.secrets import keyring_secret, run_secret_command


@pytest.mark.parametrize("text, expected", [
    ("https://host:443/tpch/tiny", CliUrl("https://host:443", "tpch", "tiny")),
    ("https://host/tpch", CliUrl("https://host:443", "tpch", None)),
    ("http://host", CliUrl("http://host:80")),
    ("host:8080/hive/web", CliUrl("http://host:8080", "hive", "web")),
    ("https://alice@Host.Example:8443/", CliUrl("https://host.example:8443", None, None, "alice")),
    ("https://[::1]:8443/c%20x/s", CliUrl("https://[::1]:8443", "c x", "s")),
])
def test_parse_cli_url(text, expected) -> None:
    assert parse_cli_url(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "Empty"),
    ("ftp://host/x", "expected http"),
    ("https://alice:pw@host/", "password in the server URL"),
    ("https://host/a?SSL=true", "query strings"),
    ("https://host/a/b/c", "only be /catalog"),
    ("https://host:notaport/", "Invalid server URL"),
])
def test_parse_cli_url_rejects(text, message) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_cli_url(text)


def test_merge_cli_url() -> None:
    assert merge_cli_url(None, server="https://s", catalog=None, schema=None, user="u") == \
        {"server": "https://s", "catalog": None, "schema": None, "user": "u"}
    got = merge_cli_url("https://h/tpch", server=None, catalog=None, schema="sf1", user="bob")
    assert got == {"server": "https://h:443", "catalog": "tpch", "schema": "sf1", "user": "bob"}


def test_merge_cli_url_conflicts() -> None:
    with pytest.raises(ConfigError, match="both the URL argument and --server"):
        merge_cli_url("https://h", server="https://g", catalog=None, schema=None, user=None)
    with pytest.raises(ConfigError, match="catalog 'tpch' but --catalog says 'hive'"):
        merge_cli_url("https://h/tpch", server=None, catalog="hive", schema=None, user=None)
    assert merge_cli_url("https://h/tpch", server=None, catalog="tpch", schema=None, user=None)["catalog"] == "tpch"


def test_password_cmd_first_line_no_shell(tmp_path) -> None:
    script = tmp_path / "pw.py"
    script.write_text("import sys; print('s3cret'); print('second line'); sys.exit(0)")
    assert run_secret_command([sys.executable, str(script)]) == "s3cret"
    assert run_secret_command(f"{sys.executable} -c \"print('a b')\"") == "a b"
    # no shell: a pipe character is just an argument
    assert run_secret_command(f"{sys.executable} -c \"import sys; print(sys.argv[1])\" '|'") == "|"


def test_password_cmd_failures_never_show_output(tmp_path) -> None:
    with pytest.raises(ConfigError, match="exit status 3") as info:
        run_secret_command([sys.executable, "-c", "print('leaked-secret'); raise SystemExit(3)"])
    assert "leaked-secret" not in str(info.value)
    with pytest.raises(ConfigError, match="printed nothing"):
        run_secret_command([sys.executable, "-c", "pass"])
    with pytest.raises(ConfigError, match="not found"):
        run_secret_command("/nonexistent/secret-tool")
    with pytest.raises(ConfigError, match="empty"):
        run_secret_command("")

    def timeout(*a, **k):
        raise subprocess.TimeoutExpired("x", 30)

    with pytest.raises(ConfigError, match="did not finish"):
        run_secret_command("x", run=timeout)


class FakeKeyring:
    def __init__(self, data, broken=False):
        self.data, self.broken = data, broken

    def get_password(self, service, user):
        if self.broken:
            raise RuntimeError("dbus down")
        return self.data.get((service, user))


def test_keyring_secret() -> None:
    kr = FakeKeyring({("trino-prod", "alice"): "pw", ("svc", "bot"): "tok"})
    assert keyring_secret("trino-prod", "alice", keyring_module=kr) == "pw"
    assert keyring_secret({"service": "svc", "username": "bot"}, "alice", keyring_module=kr) == "tok"
    with pytest.raises(ConfigError, match="no secret stored for service 'trino-prod', user 'bob'"):
        keyring_secret("trino-prod", "bob", keyring_module=kr)
    with pytest.raises(ConfigError, match="could not be read \\(RuntimeError\\)"):
        keyring_secret("x", "a", keyring_module=FakeKeyring({}, broken=True))
    with pytest.raises(ConfigError, match="service name"):
        keyring_secret({"username": "a"}, "a", keyring_module=kr)


def test_keyring_missing_package(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)
    with pytest.raises(ConfigError, match="trino-tui\\[keyring\\]"):
        keyring_secret("svc", "u")
