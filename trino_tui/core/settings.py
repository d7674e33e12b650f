"""Settings: flags, a profile, the environment and front-end defaults resolved into ONE typed shape.

Owns ``KNOBS`` — the single table of every connection, session, protocol and tuning setting: its
flag, help, environment variable, profile key (= its name), how its text is parsed and the
``ClientConfig`` field it sets. The argument parser (``core.args``), profile validation and the
resolution below are all generated from it, so adding a knob is one row here (plus the
``ClientConfig`` field when it is a new client setting).

Precedence, highest first: ``overrides`` (e.g. the sandbox URL) > flags > the profile
(``--profile NAME`` / TRINO_TUI_PROFILE reads ``[profiles.NAME]`` from ``--config PATH`` /
TRINO_TUI_CONFIG / $XDG_CONFIG_HOME/trino-tui/config.toml) > the knob's environment variable >
``defaults`` (the front end's, e.g. the TUI's deferred decoding) > ClientConfig's own default.
Secrets (passwords, tokens) are never read from profiles. Every invalid value raises
``ConfigError`` (one line). Pure; thread-safe; no Textual, no argparse.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any
from urllib.parse import urlsplit

from trino_tui.records import record
from trino_tui.client import ClientConfig, ConfigError
from trino_tui.core.connect import client_kwargs as _connect_kwargs, merge_url, resolve_secrets

__all__ = [
    "DEFAULT_SERVER", "SANDBOX_DEFAULTS", "TUI_DEFAULTS", "Knob", "KNOBS", "Settings", "resolve", "default_config_path", "load_profile",
    "normalize_server", "parse_encoding", "parse_duration", "parse_pairs",
]

DEFAULT_SERVER = "http://localhost:8080"
SANDBOX_DEFAULTS = {"user": "trino-tui", "catalog": "tpch", "schema": "tiny"}
"""``defaults=`` for a run against the embedded sandbox (with ``overrides={"server": sandbox.url}``)."""
TUI_DEFAULTS = {"decode": "deferred"}
"""``defaults=`` of the TUI: segments are parsed only for the rows on screen (the row store keeps
segment bytes; benchmarks/tui_bench.py measures what this buys)."""


def normalize_server(value: str) -> str:
    """`host:port` → `http://host:port`; only http/https; no trailing slash."""
    text = str(value).strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL" for an unclosed '['
        raise ConfigError(f"invalid server URL {value!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"invalid server URL {value!r}: expected http(s)://host[:port]")
    try:
        parts.port
    except ValueError:
        raise ConfigError(f"invalid server URL {value!r}: bad port") from None
    return text.rstrip("/")


def parse_encoding(value: str | list) -> tuple[str, ...]:
    """`json+zstd,json` → ("json+zstd", "json"); `none` / `direct` / "" → () (the direct protocol).
    Names are checked by ClientConfig (the one list of known encodings)."""
    items = [v.strip() for v in (value if isinstance(value, list) else str(value).split(",")) if str(v).strip()]
    if not items or [v.lower() for v in items] in (["none"], ["direct"]):
        return ()
    return tuple(dict.fromkeys(items))


def parse_list(value: str | list) -> tuple[str, ...]:
    """`a,b` (or a TOML list) → ("a", "b")."""
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(str(v).strip() for v in items if str(v).strip())


MAX_DURATION = 7 * 86400.0  # seconds; longer waits overflow timers (1e300 s) and mean "forever" anyway


def parse_duration(value: str | int | float) -> float:
    """Seconds from `30`, `30s`, `2m`, `500ms`, `1h` (must be > 0)."""
    text = str(value).strip().lower()
    factor = 1.0
    for suffix, mult in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)):
        if text.endswith(suffix) and not (suffix == "s" and text.endswith("ms")):
            text, factor = text[: -len(suffix)], mult
            break
    try:
        seconds = float(text) * factor
    except ValueError:
        raise ConfigError(f"invalid duration {value!r}: expected e.g. 30s, 2m, 500ms") from None
    if not seconds > 0:
        raise ConfigError(f"invalid duration {value!r}: must be positive")
    if not seconds <= MAX_DURATION:  # inf, nan and values that overflow timers
        raise ConfigError(f"invalid duration {value!r}: at most 7 days")
    return seconds


def _positive_int(value: str | int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"invalid integer {value!r}") from None
    if n < 1:
        raise ConfigError(f"must be at least 1 (got {n})")
    return n


def parse_pairs(items: Any, sep: str, what: str) -> dict[str, str]:
    """`name=value` / `Name: value` items (or a TOML table) → dict, later items win."""
    if isinstance(items, Mapping):
        return {str(k): str(v) for k, v in items.items()}
    out: dict[str, str] = {}
    for item in items:
        name, found, value = str(item).partition(sep)
        name = name.strip()
        if not found or not name or (sep == ":" and any(c.isspace() for c in name)):
            example = "name=value" if sep == "=" else "'Name: value'"
            raise ConfigError(f"invalid {what} {item!r}: expected {example}")
        out[name] = value.strip() if sep == ":" else value
    return out


@record
class Knob:
    """One setting. ``kind``: str | flag (on/off) | int | duration | list | pairs. ``target``: the
    ClientConfig field it sets (None: applied by a rule in ``_client_kwargs``)."""

    name: str
    flag: str
    group: str
    help: str
    kind: str = "str"
    env: str | None = None
    target: str | None = None
    metavar: str | None = None
    parse: Callable[[Any], Any] | None = None
    profile: bool = True
    choices: tuple[str, ...] = ()

    def convert(self, raw: Any) -> Any:
        """The typed value of *raw* (flag text, env text or a profile value)."""
        try:
            if self.kind == "flag":
                if not isinstance(raw, bool):
                    raise ConfigError(f"{self.name} must be true or false")
                return raw
            if self.kind == "int":
                if isinstance(raw, bool):
                    raise ConfigError(f"{self.name} must be an integer")
                return _positive_int(raw)
            if self.kind == "duration":
                return parse_duration(raw)
            if self.kind == "list":
                return parse_list(raw)
            if self.kind == "pairs":
                sep, what = {"session": ("=", "session property"), "role": ("=", "role")}.get(self.name, (":", "extra header"))
                return parse_pairs(raw, sep, what)
            if not isinstance(raw, str):
                raise ConfigError(f"{self.name} must be a string")
            value = self.parse(raw) if self.parse else raw
            if self.choices and value not in self.choices:
                raise ConfigError(f"invalid {self.name} {raw!r} (choose from {', '.join(self.choices)})")
            return value
        except ConfigError as exc:
            text = str(exc)
            raise ConfigError(text if text.startswith(self.flag) else f"{self.flag}: {text}") from None


_C, _S, _P, _K = "connection", "session", "protocol and pipeline", "kerberos"
KNOBS: tuple[Knob, ...] = (
    Knob("server", "--server", _C, "coordinator URL (default: $TRINO_SERVER or http://localhost:8080)",
         env="TRINO_SERVER", target="server", metavar="URL", parse=normalize_server),
    Knob("user", "--user", _C, "user name (default: $TRINO_USER or the OS user)", env="TRINO_USER", target="user"),
    Knob("password", "--password", _C, "use HTTP basic auth; password from $TRINO_PASSWORD or a prompt (https only)",
         kind="flag"),
    Knob("access_token", "--access-token", _C, "JWT bearer token (default: $TRINO_ACCESS_TOKEN)",
         env="TRINO_ACCESS_TOKEN", target="access_token", metavar="TOKEN", profile=False),
    Knob("insecure", "--insecure", _C, "skip TLS certificate verification", kind="flag"),
    Knob("cafile", "--cafile", _C, "CA bundle to verify the server (and segment storage) with", metavar="PATH"),
    Knob("extra_headers", "--extra-header", _C, "extra HTTP header for the coordinator (repeatable)",
         kind="pairs", target="extra_headers", metavar="'NAME: VALUE'"),
    Knob("request_timeout", "--request-timeout", _C, "whole-request deadline, e.g. 30s, 2m (default 30s)",
         kind="duration", target="request_timeout", metavar="DURATION"),
    Knob("client_request_timeout", "--client-request-timeout", _C,
         "how long one request is retried (429, 502/503/504, a reset while polling) before failing (default 2m)",
         kind="duration", target="retry_budget", metavar="DURATION"),
    Knob("password_cmd", "--password-cmd", _C, "command printing the password (run without a shell; for profiles)",
         metavar="CMD"),
    Knob("password_keyring", "--password-keyring", _C,
         "read the password from the OS keyring entry SERVICE / --user (needs trino-tui[keyring])", metavar="SERVICE"),
    Knob("access_token_cmd", "--access-token-cmd", _C, "command printing a JWT access token", metavar="CMD"),
    Knob("external_authentication", "--external-authentication", _C,
         "OAuth2 login in a browser (the URL is always printed too); tokens cached per server; https only", kind="flag"),
    Knob("external_authentication_redirect_handler", "--external-authentication-redirect-handler", _C,
         "how the OAuth2 login URL is shown: ALL (print it and open a browser), PRINT, OPEN (prints it only when "
         "no browser opens); default ALL", metavar="HANDLER", parse=str.upper, choices=("ALL", "PRINT", "OPEN")),
    Knob("client_cert", "--client-cert", _C, "PEM client certificate for mutual TLS (coordinator only)",
         target="client_cert", metavar="PATH"),
    Knob("client_key", "--client-key", _C, "PEM private key of --client-cert (default: inside the certificate file)",
         target="client_key", metavar="PATH"),
    Knob("client_key_password", "--client-key-password", _C,
         "prompt for the client key's password (or $TRINO_CLIENT_KEY_PASSWORD)", kind="flag", profile=False),
    Knob("storage_cafile", "--storage-cafile", _C, "CA bundle for segment storage (default: the coordinator's)",
         metavar="PATH"),
    Knob("http_proxy", "--http-proxy", _C, "HTTP proxy for the coordinator (host:port or URL)", metavar="HOST:PORT"),
    Knob("socks_proxy", "--socks-proxy", _C, "SOCKS5 proxy for the coordinator, host:port (needs socksio)",
         metavar="HOST:PORT"),
    Knob("storage_proxy", "--storage-proxy", _C,
         "proxy for segment storage (host:port or URL; default none, never the coordinator's)", metavar="HOST:PORT"),
    Knob("krb5_remote_service_name", "--krb5-remote-service-name", _K,
         "Kerberos/SPNEGO: the coordinator's service name, e.g. HTTP (needs trino-tui[kerberos]; https only)",
         metavar="NAME"),
    Knob("krb5_principal", "--krb5-principal", _K, "client principal (default: from the credential cache)",
         metavar="PRINCIPAL"),
    Knob("krb5_keytab_path", "--krb5-keytab-path", _K, "keytab holding the principal's key", metavar="PATH"),
    Knob("krb5_credential_cache_path", "--krb5-credential-cache-path", _K, "credential cache (default: $KRB5CCNAME)",
         metavar="PATH"),
    Knob("krb5_config_path", "--krb5-config-path", _K, "krb5.conf (default: $KRB5_CONFIG or /etc/krb5.conf)",
         metavar="PATH"),
    Knob("krb5_service_principal_pattern", "--krb5-service-principal-pattern", _K,
         "service principal pattern (default ${SERVICE}@${HOST})", metavar="PATTERN"),
    Knob("krb5_disable_remote_service_hostname_canonicalization",
         "--krb5-disable-remote-service-hostname-canonicalization", _K, "use the server host name as given",
         kind="flag"),
    Knob("krb5_delegation", "--krb5-delegation", _K, "delegate the Kerberos credentials to the coordinator",
         kind="flag"),
    Knob("catalog", "--catalog", _S, "default catalog", target="catalog"),
    Knob("schema", "--schema", _S, "default schema (needs a catalog)", target="schema"),
    Knob("session", "--session", _S, "session property (repeatable)", kind="pairs", target="session_properties",
         metavar="NAME=VALUE"),
    Knob("client_tags", "--client-tags", _S, "comma-separated client tags", kind="list", target="client_tags",
         metavar="A,B"),
    Knob("source", "--source", _S, "source name sent to Trino (default trino-tui)", target="source"),
    Knob("timezone", "--timezone", _S, "session time zone (default: the local zone)", target="timezone",
         metavar="ZONE"),
    Knob("client_info", "--client-info", _S, "free-form client information sent to Trino", target="client_info",
         metavar="TEXT"),
    Knob("trace_token", "--trace-token", _S, "trace token sent to Trino", target="trace_token", metavar="TOKEN"),
    Knob("role", "--role", _S, "role for a catalog (ALL, NONE or a role name; repeatable)", kind="pairs",
         metavar="CATALOG=ROLE"),
    Knob("encoding", "--encoding", _P, "spooling encodings in preference order from json+zstd, json+lz4, json; "
         "'none' = direct protocol (default json+zstd,json+lz4,json)", target="encoding", metavar="LIST",
         parse=parse_encoding),
    Knob("direct", "--direct", _P, "use the direct protocol (same as --encoding none)", kind="flag"),
    Knob("downloaders", "--downloaders", _P, "parallel segment downloads (default 5)", kind="int",
         target="downloaders", metavar="N"),
    Knob("decoders", "--decoders", _P, "parallel segment decoders (default 5; at most --decode-window and the "
         "number of cores)", kind="int", target="decoders", metavar="N"),
    Knob("decode_window", "--decode-window", _P, "segments decoded ahead of the consumer (default 1; more use "
         "more memory)", kind="int", target="decode_window", metavar="N"),
    Knob("max_out_of_order", "--max-out-of-order", _P,
         "segments in flight ahead of the oldest undelivered one (default 10)", kind="int",
         target="max_out_of_order", metavar="N"),
    Knob("decode", "--decode", _P, "where segments are parsed: eager (decoder threads) or deferred (when rows are "
         "read); default eager, deferred in the TUI", target="decode", metavar="MODE", choices=("eager", "deferred")),
    Knob("network_logging", "--network-logging", _P,
         "log coordinator and segment HTTP traffic to stderr, secrets redacted: NONE, BASIC, HEADERS, BODY",
         target="network_logging", metavar="LEVEL", parse=str.upper),
    Knob("result_tabs", "--result-tabs", _P, "results the TUI keeps in tabs (default 8; older ones are evicted)",
         kind="int", env="TRINO_TUI_RESULT_TABS", metavar="N"),
    Knob("trace", "--trace", _P, "record the protocol as JSON lines to FILE, secrets removed; play it back "
         "with 'trino-tui replay FILE'", metavar="FILE", profile=False),
)
_BY_NAME = {k.name: k for k in KNOBS}


def _os_user(env: Mapping[str, str]) -> str:
    for key in ("USER", "LOGNAME", "USERNAME"):
        if env.get(key):
            return env[key]
    import getpass  # only when the environment names no user

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry (containers)
        return "trino-tui"


def default_config_path(env: Mapping[str, str]) -> str:
    """TRINO_TUI_CONFIG, else $XDG_CONFIG_HOME (or ~/.config)/trino-tui/config.toml."""
    if env.get("TRINO_TUI_CONFIG"):
        return env["TRINO_TUI_CONFIG"]
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "trino-tui", "config.toml")


def load_profile(name: str, path: str) -> dict[str, Any]:
    """The `[profiles.NAME]` table of the TOML file at *path*, each value converted by its knob."""
    import tomllib  # only a run with a profile reads TOML (start-up)

    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"profile {name!r} requested but the config file {path} does not exist") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    profiles = doc.get("profiles") or {}
    profile = profiles.get(name)
    if not isinstance(profile, dict):
        raise ConfigError(f"no profile {name!r} in {path} (profiles: {', '.join(sorted(profiles)) or 'none'})")
    out: dict[str, Any] = {}
    for key, value in profile.items():
        knob = _BY_NAME.get(key)
        if knob is None or not knob.profile:
            raise ConfigError(f"profile {name!r}: unknown key {key!r}" if knob is None
                              else f"profile {name!r}: {key} is a secret and is not read from profiles")
        if knob.kind == "pairs" and not isinstance(value, dict):
            raise ConfigError(f"profile {name!r}: {key} must be a table of name = \"value\"")
        if knob.kind == "duration" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        try:
            out[key] = knob.convert(value)
        except ConfigError as exc:
            raise ConfigError(f"profile {name!r}: {exc}") from None
    return out


def _given(value: Any) -> bool:
    return value is not None and value is not False and value != [] and value != ()


@record
class Settings:
    """The resolved settings: ``client`` (the ClientConfig to connect with), ``values`` (typed value
    of every knob that was set, by name), ``sources`` (where each came from: override | flag |
    profile | env | default) and ``profile`` (its name, or None). Immutable; ``replace`` re-resolves."""

    client: ClientConfig = field(repr=False)  # its repr may hold secrets
    values: Mapping[str, Any] = field(repr=False)  # may hold secrets (access_token, client_key_password)
    sources: Mapping[str, str]
    profile: str | None = None
    _password: str | None = field(default=None, repr=False, compare=False)
    _network_log: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    @property
    def server(self) -> str:
        return self.client.server

    def replace(self, **values: Any) -> "Settings":
        """These knob values (already typed, e.g. ``server=sandbox.url``) as overrides."""
        merged = dict(self.values)
        sources = dict(self.sources)
        for name, value in values.items():
            if name not in _BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            merged[name] = value
            sources[name] = "override"
        client = ClientConfig(**_client_kwargs(merged, self._password, self._network_log))
        return dataclasses.replace(self, client=client, values=merged, sources=sources)


def resolve(
    flags: Mapping[str, Any] | Any = (),
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    prompt_password: Callable[[str], str] | None = None,
    network_log: Callable[[str], None] | None = None,
) -> Settings:
    """Resolve *flags* (an argparse Namespace from ``core.args`` or a mapping of knob name → raw
    value) into Settings; raises ConfigError for any invalid value. *prompt_password* asks for a
    password on the terminal (default ``getpass.getpass``, imported only when a prompt is needed)."""
    if prompt_password is None:
        prompt_password = _getpass
    flags = merge_url(dict(vars(flags) if hasattr(flags, "__dict__") else flags))
    env = os.environ if env is None else env
    profile_name = flags.get("profile") or env.get("TRINO_TUI_PROFILE") or None
    profile = load_profile(profile_name, flags.get("config") or default_config_path(env)) if profile_name else {}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for knob in KNOBS:
        raw = flags.get(knob.name)
        if knob.name in (overrides or {}):
            values[knob.name], sources[knob.name] = overrides[knob.name], "override"  # type: ignore[index]
        elif _given(raw):
            value = knob.convert(raw)
            if knob.kind == "pairs" and knob.name in profile:   # tables merge, flags last
                value = {**profile[knob.name], **value}
            values[knob.name], sources[knob.name] = value, "flag"
        elif knob.name in profile:
            values[knob.name], sources[knob.name] = profile[knob.name], "profile"
        elif knob.env and env.get(knob.env):
            values[knob.name], sources[knob.name] = knob.convert(env[knob.env]), "env"
        elif knob.name in (defaults or {}):
            values[knob.name], sources[knob.name] = defaults[knob.name], "default"  # type: ignore[index]
    if "server" not in values:
        values["server"], sources["server"] = DEFAULT_SERVER, "default"
    if "user" not in values:
        values["user"], sources["user"] = _os_user(env), "default"
    if values.get("direct") and values.get("encoding"):
        raise ConfigError("--direct and --encoding are mutually exclusive")
    if values.get("insecure") and values.get("cafile"):
        raise ConfigError("--insecure and --cafile are mutually exclusive")
    if values.get("cafile") and not os.path.isfile(values["cafile"]):
        raise ConfigError(f"CA file not found: {values['cafile']}")
    password = None
    if values.get("password"):
        password = env.get("TRINO_PASSWORD")
        if password is None:
            try:
                password = prompt_password(f"Password for {values['user']}: ")
            except (EOFError, OSError):
                raise ConfigError("--password needs a terminal to prompt, or TRINO_PASSWORD") from None
    password = resolve_secrets(values, password, env, prompt_password)
    client = ClientConfig(**_client_kwargs(values, password, network_log))
    return Settings(client, values, sources, profile_name, password, network_log)


def _getpass(prompt: str) -> str:
    import getpass

    return getpass.getpass(prompt)


def _client_kwargs(values: Mapping[str, Any], password: str | None,
                   network_log: Callable[[str], None] | None) -> dict[str, Any]:
    """ClientConfig keyword arguments: each knob's ``target`` plus the few derived rules."""
    kwargs: dict[str, Any] = {k.target: values[k.name] for k in KNOBS if k.target and k.name in values}
    kwargs["server"] = normalize_server(kwargs["server"])
    if values.get("direct"):
        kwargs["encoding"] = ()
    if values.get("insecure"):
        kwargs["verify"] = False
    elif values.get("cafile"):
        kwargs["verify"] = values["cafile"]
    if password is not None:
        kwargs["password"] = password
    if network_log is not None:
        kwargs["network_log"] = network_log
    kwargs.update(_connect_kwargs(values, kwargs["server"]))
    return kwargs
