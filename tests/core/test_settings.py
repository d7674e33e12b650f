"""core.settings: flags + profile + TRINO_* environment + defaults → Settings → ClientConfig."""

from __future__ import annotations

import dataclasses

import pytest

from trino_tui.client import ClientConfig, ConfigError
from trino_tui.core import settings as settings_mod
from trino_tui.core.args import build_parser, parse_args
from trino_tui.core.settings import KNOBS, normalize_server, parse_duration, parse_encoding, parse_pairs


def no_prompt(_: str) -> str:
    raise AssertionError("unexpected password prompt")


def resolve_settings(env=None, prompt=None, overrides=None, defaults=None, **flags):
    if "config_file" in flags:
        flags["config"] = flags.pop("config_file")
    return settings_mod.resolve(flags, env=env or {}, prompt_password=prompt or no_prompt,
                                overrides=overrides, defaults=defaults)


def resolve(env=None, prompt=None, overrides=None, defaults=None, **flags) -> ClientConfig:
    return resolve_settings(env, prompt, overrides, defaults, **flags).client


def parse_extra_header(item: str) -> dict:
    return parse_pairs([item], ":", "extra header")


def test_defaults_come_from_the_environment_then_builtins() -> None:
    cfg = resolve(env={"USER": "alice"})
    assert (cfg.server, cfg.user, cfg.encoding) == ("http://localhost:8080", "alice", ("json+zstd", "json+lz4", "json"))
    cfg = resolve(env={"TRINO_SERVER": "https://coord:9090", "TRINO_USER": "bob", "TRINO_ACCESS_TOKEN": "tok", "USER": "x"})
    assert (cfg.server, cfg.user, cfg.access_token) == ("https://coord:9090", "bob", "tok")


def test_flags_win_over_environment() -> None:
    cfg = resolve(env={"TRINO_SERVER": "a:1", "TRINO_USER": "bob"}, server="https://b:2/", user="carol",
                  catalog="tpch", schema="tiny", session=["query_max_run_time=2m", "hive.x=a=b"],
                  client_tags="a, b,", source="me", timezone="UTC", extra_headers=["X-Foo: bar baz"],
                  downloaders=2, decoders=3, max_out_of_order=4, request_timeout="2m", network_logging="basic",
                  client_request_timeout="10s")
    assert cfg.server == "https://b:2" and cfg.user == "carol"
    assert (cfg.catalog, cfg.schema, cfg.source, cfg.timezone) == ("tpch", "tiny", "me", "UTC")
    assert dict(cfg.session_properties) == {"query_max_run_time": "2m", "hive.x": "a=b"}
    assert cfg.client_tags == ("a", "b")
    assert dict(cfg.extra_headers) == {"X-Foo": "bar baz"}
    assert (cfg.downloaders, cfg.decoders, cfg.max_out_of_order, cfg.request_timeout) == (2, 3, 4, 120.0)
    assert cfg.network_logging == "BASIC" and cfg.retry_budget == 10.0


def test_overrides_beat_everything_and_defaults_only_fill_gaps() -> None:
    cfg = resolve(env={"TRINO_SERVER": "a:1"}, schema="sf1", overrides={"server": "http://127.0.0.1:5555"},
                  defaults=settings_mod.SANDBOX_DEFAULTS)
    assert (cfg.server, cfg.user, cfg.catalog, cfg.schema) == ("http://127.0.0.1:5555", "trino-tui", "tpch", "sf1")
    assert resolve(env={"TRINO_USER": "bob"}, defaults={"user": "trino-tui"}).user == "bob"


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
    with pytest.raises(ConfigError, match="(?i)unknown encoding 'gzip'"):
        resolve(encoding="json,gzip")


@pytest.mark.parametrize("bad", ["ftp://h", "http://", "http://h:notaport"])
def test_bad_servers(bad: str) -> None:
    with pytest.raises(ConfigError):
        normalize_server(bad)


@pytest.mark.parametrize("value, seconds", [("30", 30.0), ("30s", 30.0), ("500ms", 0.5), ("2m", 120.0), ("1h", 3600.0)])
def test_durations(value: str, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("call", [
    lambda: parse_duration("soon"), lambda: parse_duration("0"), lambda: parse_extra_header("NoColon"),
    lambda: parse_extra_header("Bad Name: v"), lambda: resolve(session=["novalue"]), lambda: resolve(downloaders="0"), lambda: resolve(network_logging="loud"),
    lambda: resolve(decode="sometimes"), lambda: resolve(request_timeout="soon"),
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
                  session=["query_max_run_time=2h"])
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
    ("p", "[profiles.p]\nuser = 3\n", "user must be a string"),
    ("p", "[profiles.p]\naccess_token = \"t\"\n", "secret"),
    ("p", "[profiles.p\n", "cannot read config file"),
])
def test_profile_errors_are_config_errors(tmp_path, name, content, fragment) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=fragment):
        resolve(profile=name, config_file=str(path))
    with pytest.raises(ConfigError, match="does not exist"):
        resolve(profile=name, config_file=str(tmp_path / "missing.toml"))


def test_every_knob_is_a_flag_and_sets_a_real_client_config_field() -> None:
    parser = build_parser()
    flags = {opt for action in parser._actions for opt in action.option_strings}
    fields = {f.name for f in dataclasses.fields(ClientConfig)}
    for knob in KNOBS:
        assert knob.flag in flags, knob.name
        assert knob.target is None or knob.target in fields, knob.target


def test_command_line_to_client_config_in_one_step(tmp_path) -> None:
    ns = parse_args(["--server", "coord:9", "--user", "u", "--session", "a=1", "--extra-header", "X-A: b",
                     "--client-tags", "t1,t2", "--downloaders", "3", "--direct", "--client-request-timeout", "5s"])
    s = settings_mod.resolve(ns, env={}, prompt_password=no_prompt)
    cfg = s.client
    assert (cfg.server, cfg.user, cfg.encoding, cfg.downloaders, cfg.retry_budget) == ("http://coord:9", "u", (), 3, 5.0)
    assert dict(cfg.session_properties) == {"a": "1"} and dict(cfg.extra_headers) == {"X-A": "b"}
    assert cfg.client_tags == ("t1", "t2")
    assert s.sources["server"] == "flag" and s.sources["user"] == "flag"


def test_sources_say_where_each_value_came_from(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(PROFILES)
    s = resolve_settings(env={"TRINO_SERVER": "x:1", "USER": "me"}, profile="prod", config=str(path), schema="logs",
                         defaults={"source": "tui"})
    assert s.profile == "prod"
    assert (s.sources["server"], s.sources["schema"], s.sources["source"]) == ("profile", "flag", "default")
    assert resolve_settings(env={"USER": "me"}).sources["user"] == "default"
    assert resolve_settings(env={"TRINO_USER": "e"}).sources["user"] == "env"


def test_replace_re_resolves_with_an_override_and_keeps_the_password() -> None:
    s = resolve_settings(env={"TRINO_PASSWORD": "pw"}, server="https://h", user="u", password=True)
    moved = s.replace(server="https://other:8443")
    assert moved.client.server == "https://other:8443" and moved.client.password == "pw"
    assert moved.sources["server"] == "override" and moved.values["user"] == "u"
    assert "pw" not in repr(moved)
    with pytest.raises(ConfigError):
        s.replace(colour="blue")
