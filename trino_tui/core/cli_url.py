"""The Trino CLI's positional server URL: ``trino-tui https://host:443/catalog/schema``.

Accepted forms (as the Trino CLI takes them): ``http(s)://[user@]host[:port][/catalog[/schema]]``
and ``host:port[/catalog[/schema]]`` (plain http). A missing port is 80 for http and 443 for
https. A password in the URL, a query string or a fragment is refused (``ConfigError``): secrets
do not belong on a command line. ``merge_cli_url`` combines it with ``--server/--catalog/--schema/
--user`` and refuses contradictions (the CLI refuses both the URL and ``--server``). Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from trino_tui.client import ConfigError


@dataclass(frozen=True)
class CliUrl:
    """What a positional URL says; None = not in the URL."""

    server: str  # scheme://host:port, no path
    catalog: str | None = None
    schema: str | None = None
    user: str | None = None


def parse_cli_url(text: str) -> CliUrl:
    """Parse one positional URL (see the module docstring)."""
    raw = text.strip()
    if not raw:
        raise ConfigError("Empty server URL")
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"Invalid server URL {text!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"Invalid server URL {text!r}: expected http(s)://host[:port][/catalog[/schema]]")
    if parts.password is not None:
        raise ConfigError("A password in the server URL is not allowed: use --password (prompt) or a profile's password_cmd")
    if parts.query or parts.fragment:
        raise ConfigError(f"Invalid server URL {text!r}: query strings and fragments are not supported")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    port = port or (443 if scheme == "https" else 80)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) > 2:
        raise ConfigError(f"Invalid server URL {text!r}: the path may only be /catalog or /catalog/schema")
    catalog = segments[0] if segments else None
    schema = segments[1] if len(segments) > 1 else None
    user = unquote(parts.username) if parts.username else None
    return CliUrl(f"{scheme}://{host}:{port}", catalog, schema, user)


def merge_cli_url(
    url: str | None, *, server: str | None, catalog: str | None, schema: str | None, user: str | None
) -> dict[str, str | None]:
    """{server, catalog, schema, user} from the positional URL and the flags; contradictions raise."""
    merged: dict[str, str | None] = {"server": server, "catalog": catalog, "schema": schema, "user": user}
    if url is None:
        return merged
    if server is not None:
        raise ConfigError("Using both the URL argument and --server is not allowed")
    parsed = parse_cli_url(url)
    merged["server"] = parsed.server
    for name in ("catalog", "schema", "user"):
        from_url, from_flag = getattr(parsed, name), merged[name]
        if from_url is not None and from_flag is not None and from_url != from_flag:
            raise ConfigError(f"The URL sets {name} {from_url!r} but --{name} says {from_flag!r}")
        merged[name] = from_flag if from_flag is not None else from_url
    return merged
