"""Flags + TRINO_* environment → ClientConfig resolution."""

from __future__ import annotations

import pytest

from trino_tui.client.errors import ConfigError
from trino_tui.config import (
    ConnectionOptions,
    normalize_server,
    parse_duration,
    parse_encoding,
    parse_extra_header,
    resolve_client_config,
)


def resolve(env=None, prompt=None, **kw):
    def no_prompt(_: str) -> str:
        raise AssertionError("unexpected password prompt")

    return resolve_client_config(ConnectionOptions(**kw), env=env or {}, prompt_password=prompt or no_prompt)


def test_defaults_come_from_the_environment_then_builtins() -> None:
    cfg = resolve(env={"USER": "alice"})
    assert (cfg.server, cfg.user, cfg.encoding) == ("http://localhost:8080", "alice", ("json+zstd", "json+lz4", "json"))
    cfg = resolve(env={"TRINO_SERVER": "coord:9090", "TRINO_USER": "bob", "TRINO_ACCESS_TOKEN": "tok", "USER": "x"})
    assert (cfg.server, cfg.user, cfg.access_token) == ("http://coord:9090", "bob", "tok")


def test_flags_win_over_environment() -> None:
    cfg = resolve(env={"TRINO_SERVER": "a:1", "TRINO_USER": "bob"}, server="https://b:2/", user="carol",
                  catalog="tpch", schema="tiny", session=("query_max_run_time=2m", "hive.x=a=b"),
                  client_tags="a, b,", source="me", timezone="UTC", extra_headers=("X-Foo: bar baz",),
                  downloaders=2, decoders=3, max_out_of_order=4, request_timeout="2m", network_logging="basic",
                  client_request_timeout="10s")
    assert cfg.server == "https://b:2" and cfg.user == "carol"
    assert (cfg.catalog, cfg.schema, cfg.source, cfg.timezone) == ("tpch", "tiny", "me", "UTC")
    assert dict(cfg.session_properties) == {"query_max_run_time": "2m", "hive.x": "a=b"}
    assert cfg.client_tags == ("a", "b")
    assert dict(cfg.extra_headers) == {"X-Foo": "bar baz"}
    assert (cfg.downloaders, cfg.decoders, cfg.max_out_of_order, cfg.request_timeout) == (2, 3, 4, 120.0)
    assert cfg.network_logging == "BASIC" and cfg.retry_budget == 10.0


def test_overrides_beat_env_but_explicit_catalog_flags_still_apply() -> None:
    cfg = resolve(env={"TRINO_SERVER": "a:1"}, schema="sf1",
                  overrides={"server": "http://127.0.0.1:5555", "user": "trino-tui", "catalog": "tpch", "schema": "tiny"})
    assert (cfg.server, cfg.user, cfg.catalog, cfg.schema) == ("http://127.0.0.1:5555", "trino-tui", "tpch", "sf1")


def test_password_only_with_the_flag_from_env_or_prompt() -> None:
    env = {"TRINO_PASSWORD": "secret"}
    assert resolve(env=env, server="https://h").password is None
    assert resolve(env=env, server="https://h", password=True).password == "secret"
    asked = []
    cfg = resolve(server="https://h", user="u", password=True, prompt=lambda p: asked.append(p) or "typed")
    assert cfg.password == "typed" and asked == ["Password for u: "]


def test_password_over_plain_http_is_refused() -> None:
    with pytest.raises(ConfigError, match="TLS/SSL is required"):
        resolve(env={"TRINO_PASSWORD": "x"}, server="http://h:8080", password=True)


def test_password_prompt_without_terminal_is_a_config_error() -> None:
    def no_tty(_: str) -> str:
        raise EOFError

    with pytest.raises(ConfigError, match="TRINO_PASSWORD"):
        resolve(server="https://h", password=True, prompt=no_tty)


def test_tls_options() -> None:
    assert resolve(insecure=True).verify is False
    with pytest.raises(ConfigError, match="CA file not found"):
        resolve(cafile="/nonexistent/ca.pem")


@pytest.mark.parametrize("value, expected", [
    ("json+zstd,json", ("json+zstd", "json")),
    (" json+lz4 , json+lz4 ", ("json+lz4",)),
    ("none", ()), ("NONE", ()), ("direct", ()), ("", ()),
])
def test_encoding_lists(value: str, expected: tuple) -> None:
    assert parse_encoding(value) == expected


def test_direct_flag_and_bad_encoding() -> None:
    assert resolve(direct=True).encoding == ()
    with pytest.raises(ConfigError, match="unknown encoding 'gzip'"):
        parse_encoding("json,gzip")


@pytest.mark.parametrize("bad", ["ftp://h", "http://", "http://h:notaport"])
def test_bad_servers(bad: str) -> None:
    with pytest.raises(ConfigError):
        normalize_server(bad)


@pytest.mark.parametrize("value, seconds", [("30", 30.0), ("30s", 30.0), ("500ms", 0.5), ("2m", 120.0), ("1h", 3600.0)])
def test_durations(value: str, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("call", [
    lambda: parse_duration("soon"), lambda: parse_duration("0"), lambda: parse_extra_header("NoColon"),
    lambda: parse_extra_header("Bad Name: v"), lambda: resolve(session=("novalue",)), lambda: resolve(downloaders=0),
    lambda: resolve(schema="tiny"),
])
def test_invalid_values_raise_config_error(call) -> None:
    with pytest.raises(ConfigError):
        call()


PROFILES = """
[profiles.prod]
server = "https://trino.example.com:443"
user = "analyst"
catalog = "hive"
schema = "web"
session = { query_max_run_time = "1h", "hive.x" = "y" }
extra_headers = { "X-Team" = "data" }
client_tags = ["a", "b"]
encoding = "json+lz4"
max_out_of_order = 4

[profiles.bad]
colour = "blue"
"""


def test_profile_fills_what_flags_leave_unset(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(PROFILES)
    cfg = resolve(env={"TRINO_USER": "envuser"}, profile="prod", config_file=str(path), schema="logs",
                  session=("query_max_run_time=2h",))
    assert (cfg.server, cfg.user, cfg.catalog, cfg.schema) == ("https://trino.example.com:443", "analyst", "hive", "logs")
    assert dict(cfg.session_properties) == {"query_max_run_time": "2h", "hive.x": "y"}  # the flag wins
    assert dict(cfg.extra_headers) == {"X-Team": "data"}
    assert (cfg.client_tags, cfg.encoding, cfg.max_out_of_order) == (("a", "b"), ("json+lz4",), 4)


def test_profile_from_environment_and_default_path(tmp_path) -> None:
    (tmp_path / "trino-tui").mkdir()
    (tmp_path / "trino-tui" / "config.toml").write_text(PROFILES)
    cfg = resolve(env={"XDG_CONFIG_HOME": str(tmp_path), "TRINO_TUI_PROFILE": "prod"})
    assert cfg.user == "analyst"


@pytest.mark.parametrize("name, content, fragment", [
    ("nope", PROFILES, "no profile 'nope'"),
    ("bad", PROFILES, "unknown key 'colour'"),
    ("p", "[profiles.p]\nuser = 3\n", "user must be a str"),
    ("p", "[profiles.p\n", "cannot read config file"),
])
def test_profile_errors_are_config_errors(tmp_path, name, content, fragment) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=fragment):
        resolve(profile=name, config_file=str(path))
    with pytest.raises(ConfigError, match="does not exist"):
        resolve(profile=name, config_file=str(tmp_path / "missing.toml"))
