"""Connection settings → `ClientConfig`: flags, then a named profile, then TRINO_* environment, then defaults.

Owns the resolution rules shared by the TUI and headless mode (no Textual, no argparse):
- server: --server, TRINO_SERVER, http://localhost:8080; "host:port" gets http://; trailing / dropped
- user: --user, TRINO_USER, the OS user
- password: only with --password; TRINO_PASSWORD, else the injected prompt (getpass)
- access token: --access-token, TRINO_ACCESS_TOKEN
- encoding: a validated list; () means the direct protocol
- pipeline knobs: the flag, else ClientConfig's defaults
- profiles: `--profile NAME` (or TRINO_TUI_PROFILE) reads `[profiles.NAME]` from the TOML file
  `--config PATH` / TRINO_TUI_CONFIG / $XDG_CONFIG_HOME/trino-tui/config.toml; its keys are the
  flag names with `_` (server, user, catalog, session = {name = "value"}, extra_headers = {...}, ...)
  and fill only what the flags left unset. Secrets (passwords, tokens) are not read from profiles.
Every invalid value raises `ConfigError` (one-line message). Pure functions; thread-safe.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from trino_tui.client.config import KNOWN_ENCODINGS, ClientConfig
from trino_tui.client.errors import ConfigError

__all__ = [
    "DEFAULT_SERVER",
    "KNOWN_ENCODINGS",
    "ConnectionOptions",
    "normalize_server",
    "parse_encoding",
    "parse_session_property",
    "parse_extra_header",
    "parse_duration",
    "resolve_client_config",
    "default_config_path",
    "load_profile",
    "apply_profile",
]

DEFAULT_SERVER = "http://localhost:8080"


@dataclass(frozen=True)
class ConnectionOptions:
    """What the user asked for; None/empty = not given (defaults and environment apply)."""

    server: str | None = None
    user: str | None = None
    password: bool = False
    access_token: str | None = None
    catalog: str | None = None
    schema: str | None = None
    session: tuple[str, ...] = ()          # "name=value" items
    client_tags: str | None = None         # "a,b"
    source: str | None = None
    timezone: str | None = None
    extra_headers: tuple[str, ...] = ()    # "Name: value" items
    insecure: bool = False
    cafile: str | None = None
    encoding: str | None = None            # "json+zstd,json" | "none"
    direct: bool = False
    downloaders: int | None = None
    decoders: int | None = None
    max_out_of_order: int | None = None
    request_timeout: str | None = None     # per HTTP request: "30", "30s", "2m", "500ms"
    client_request_timeout: str | None = None  # total retry time per request (Trino CLI flag name)
    network_logging: str = "NONE"
    overrides: Mapping[str, object] = field(default_factory=dict)  # e.g. the --sandbox server/user
    profile: str | None = None              # [profiles.NAME] of the config file
    config_file: str | None = None          # default: TRINO_TUI_CONFIG or the XDG location


def normalize_server(value: str) -> str:
    """`host:port` → `http://host:port`; only http/https; no trailing slash."""
    text = value.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"invalid server URL {value!r}: expected http(s)://host[:port]")
    try:
        parts.port
    except ValueError:
        raise ConfigError(f"invalid server URL {value!r}: bad port") from None
    return text.rstrip("/")


def parse_encoding(value: str) -> tuple[str, ...]:
    """`json+zstd,json` → ("json+zstd", "json"); `none` / `direct` / "" → () (direct protocol)."""
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items or [v.lower() for v in items] in (["none"], ["direct"]):
        return ()
    bad = [v for v in items if v not in KNOWN_ENCODINGS]
    if bad:
        raise ConfigError(
            f"unknown encoding {bad[0]!r}: use a comma-separated list of {', '.join(KNOWN_ENCODINGS)} or 'none'"
        )
    return tuple(dict.fromkeys(items))


def parse_session_property(item: str) -> tuple[str, str]:
    """`name=value` → (name, value); the name may be `catalog.property`."""
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"invalid session property {item!r}: expected name=value")
    return name.strip(), value


def parse_extra_header(item: str) -> tuple[str, str]:
    """`Name: value` → (Name, value)."""
    name, sep, value = item.partition(":")
    name = name.strip()
    if not sep or not name or any(c.isspace() for c in name):
        raise ConfigError(f"invalid extra header {item!r}: expected 'Name: value'")
    return name, value.strip()


def parse_duration(value: str) -> float:
    """Seconds from `30`, `30s`, `2m`, `500ms`, `1h` (must be > 0)."""
    text = value.strip().lower()
    units = (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0))
    factor = 1.0
    for suffix, mult in units:
        if text.endswith(suffix) and not (suffix == "s" and text.endswith("ms")):
            text, factor = text[: -len(suffix)], mult
            break
    try:
        seconds = float(text) * factor
    except ValueError:
        raise ConfigError(f"invalid duration {value!r}: expected e.g. 30s, 2m, 500ms") from None
    if not seconds > 0:
        raise ConfigError(f"invalid duration {value!r}: must be positive")
    return seconds


def _os_user(env: Mapping[str, str]) -> str:
    for key in ("USER", "LOGNAME", "USERNAME"):
        if env.get(key):
            return env[key]
    try:
        return getpass.getuser()
    except Exception:
        return "trino-tui"


def _positive(name: str, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise ConfigError(f"{name} must be at least 1 (got {value})")
    return value


_PROFILE_SCALARS = {
    "server": str, "user": str, "catalog": str, "schema": str, "client_tags": str, "source": str,
    "timezone": str, "cafile": str, "encoding": str, "request_timeout": str, "client_request_timeout": str,
    "password": bool, "insecure": bool, "direct": bool, "downloaders": int, "decoders": int, "max_out_of_order": int,
}
_PROFILE_TABLES = ("session", "extra_headers")


def default_config_path(env: Mapping[str, str]) -> str:
    """TRINO_TUI_CONFIG, else $XDG_CONFIG_HOME (or ~/.config)/trino-tui/config.toml."""
    if env.get("TRINO_TUI_CONFIG"):
        return env["TRINO_TUI_CONFIG"]
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "trino-tui", "config.toml")


def load_profile(name: str, path: str) -> dict[str, object]:
    """The validated `[profiles.NAME]` table of the TOML file at *path*."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"profile {name!r} requested but the config file {path} does not exist") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    profile = (doc.get("profiles") or {}).get(name)
    if not isinstance(profile, dict):
        known = ", ".join(sorted(doc.get("profiles") or {})) or "none"
        raise ConfigError(f"no profile {name!r} in {path} (profiles: {known})")
    for key, value in profile.items():
        kind = _PROFILE_SCALARS.get(key)
        if key in _PROFILE_TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"profile {name!r}: {key} must be a table of name = \"value\"")
        elif kind is None:
            raise ConfigError(f"profile {name!r}: unknown key {key!r}")
        elif key == "client_tags" and isinstance(value, list) or key == "encoding" and isinstance(value, list):
            profile[key] = ",".join(map(str, value))
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"profile {name!r}: {key} must be a {kind.__name__}")
    return profile


def apply_profile(opts: ConnectionOptions, profile: Mapping[str, object]) -> ConnectionOptions:
    """*opts* with unset fields taken from *profile* (flags win; session/headers merge, flags last)."""
    changes: dict[str, object] = {}
    for key, value in profile.items():
        if key == "session":
            items = tuple(f"{k}={v}" for k, v in dict(value).items())  # type: ignore[arg-type]
            changes["session"] = items + tuple(opts.session)
        elif key == "extra_headers":
            items = tuple(f"{k}: {v}" for k, v in dict(value).items())  # type: ignore[arg-type]
            changes["extra_headers"] = items + tuple(opts.extra_headers)
        elif isinstance(value, bool):
            changes[key] = getattr(opts, key) or value
        elif getattr(opts, key) is None:
            changes[key] = value
    return dataclasses.replace(opts, **changes)


def resolve_client_config(
    opts: ConnectionOptions,
    *,
    env: Mapping[str, str] | None = None,
    prompt_password: Callable[[str], str] = getpass.getpass,
    network_log: Callable[[str], None] | None = None,
) -> ClientConfig:
    """Build the ClientConfig (raises ConfigError on any invalid value)."""
    env = os.environ if env is None else env
    profile_name = opts.profile or env.get("TRINO_TUI_PROFILE")
    if profile_name:
        path = opts.config_file or default_config_path(env)
        opts = apply_profile(opts, load_profile(profile_name, path))
    ov = opts.overrides
    server = normalize_server(str(ov.get("server") or opts.server or env.get("TRINO_SERVER") or DEFAULT_SERVER))
    user = str(ov.get("user") or opts.user or env.get("TRINO_USER") or _os_user(env))
    password = None
    if opts.password:
        password = env.get("TRINO_PASSWORD")
        if password is None:
            try:
                password = prompt_password(f"Password for {user}: ")
            except (EOFError, OSError):
                raise ConfigError("--password needs a terminal to prompt, or TRINO_PASSWORD") from None
    kwargs: dict[str, object] = dict(
        server=server,
        user=user,
        password=password,
        access_token=opts.access_token or env.get("TRINO_ACCESS_TOKEN") or None,
        verify=False if opts.insecure else (opts.cafile or True),
        catalog=ov.get("catalog", None) if opts.catalog is None else opts.catalog,
        schema=ov.get("schema", None) if opts.schema is None else opts.schema,
        session_properties=dict(parse_session_property(s) for s in opts.session),
        client_tags=tuple(t.strip() for t in (opts.client_tags or "").split(",") if t.strip()),
        extra_headers=dict(parse_extra_header(h) for h in opts.extra_headers),
        network_logging=opts.network_logging.upper(),
        network_log=network_log,
    )
    if opts.cafile and not os.path.isfile(opts.cafile):
        raise ConfigError(f"CA file not found: {opts.cafile}")
    if opts.source:
        kwargs["source"] = opts.source
    if opts.timezone:
        kwargs["timezone"] = opts.timezone
    if opts.direct:
        kwargs["encoding"] = ()
    elif opts.encoding is not None:
        kwargs["encoding"] = parse_encoding(opts.encoding)
    for name in ("downloaders", "decoders", "max_out_of_order"):
        value = _positive("--" + name.replace("_", "-"), getattr(opts, name))
        if value is not None:
            kwargs[name] = value
    if opts.request_timeout is not None:
        kwargs["request_timeout"] = parse_duration(opts.request_timeout)
    if opts.client_request_timeout is not None:
        kwargs["retry_budget"] = parse_duration(opts.client_request_timeout)
    return ClientConfig(**kwargs)
