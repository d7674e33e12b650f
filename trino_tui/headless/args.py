"""The `trino-tui` argument parser (flags modelled on the Trino CLI) and its validation.

Owns: `build_parser()` (grouped, truthful --help), `parse_args(argv)` (argparse; usage errors
exit 2 with one line), `connection_options(ns)` (Namespace → config.ConnectionOptions) and
`Mode`/`run_mode(ns, stdin_is_tty)` deciding TUI vs headless. No Textual; pure; thread-safe.
The `sandbox` subcommand has its own parser (trino_tui.cli builds it).
"""

from __future__ import annotations

import argparse
import enum
import math
import sys
from collections.abc import Callable, Sequence

from trino_tui import __version__ as _version
from trino_tui.client.config import NETWORK_LOGGING_LEVELS as NETWORK_LOGGING
from trino_tui.client.errors import ConfigError
from trino_tui.config import ConnectionOptions, normalize_server, parse_duration
from trino_tui.export import FORMATS as OUTPUT_FORMATS

__all__ = ["Mode", "OUTPUT_FORMATS", "NETWORK_LOGGING", "build_parser", "parse_args", "connection_options", "run_mode"]


class Mode(enum.Enum):
    TUI = "tui"
    HEADLESS = "headless"


class _OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _upper_choice(choices: Sequence[str], what: str):
    def convert(value: str) -> str:
        up = value.strip().upper()
        if up not in choices:
            raise argparse.ArgumentTypeError(f"invalid {what} {value!r} (choose from {', '.join(choices)})")
        return up

    return convert


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {n})")
    return n


MAX_DURATION = 7 * 86400.0  # seconds; longer waits overflow timers and mean "forever" anyway


def _duration(value: str) -> str:
    """A finite positive duration of at most 7 days (kept as text; config converts it)."""
    try:
        seconds = parse_duration(value)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not math.isfinite(seconds) or seconds > MAX_DURATION:
        raise argparse.ArgumentTypeError(f"invalid duration {value!r}: must be finite and at most 7d")
    return value


def _server(value: str) -> str:
    """A server URL config accepts (urllib's own ValueErrors, e.g. an unclosed '[', included)."""
    try:
        normalize_server(value)
    except (ConfigError, ValueError) as exc:
        text = str(exc) if isinstance(exc, ConfigError) else f"invalid server URL {value!r}: {exc}"
        raise argparse.ArgumentTypeError(text) from None
    return value


def _header_safe(value: str, what: str) -> str:
    if not value.isascii() or not value.isprintable():
        bad = next(c for c in value if not (c.isascii() and c.isprintable()))
        raise argparse.ArgumentTypeError(
            f"invalid {what} {value!r}: {bad!r} cannot be sent in an HTTP header (printable ASCII only)")
    return value


def _header_text(what: str) -> Callable[[str], str]:
    """Values sent verbatim in an X-Trino-* header: printable ASCII, no CR/LF."""
    return lambda value: _header_safe(value, what)


def _session_item(value: str) -> str:
    _header_safe(value.partition("=")[0], "session property name")  # the value is URL-encoded
    return value


def _extra_header(value: str) -> str:
    return _header_safe(value, "extra header")


def build_parser(prog: str = "trino-tui") -> argparse.ArgumentParser:
    p = _OneLineParser(
        prog=prog,
        description=(
            "Terminal client for Trino. Without --execute/-f/piped stdin it starts the TUI; with them it runs "
            "the statements headless and streams the results to stdout or --output-file. "
            f"'{prog} sandbox --help' describes the embedded sandbox server."
        ),
        epilog="Exit status: 0 success, 1 query failure, 2 bad arguments, 3 connection/authentication failure, "
        "130 interrupted (the running query is cancelled on the server first).",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {_version}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")

    c = p.add_argument_group("connection")
    c.add_argument("--profile", metavar="NAME", help="connection profile [profiles.NAME] from the config file (default: $TRINO_TUI_PROFILE); flags win")
    c.add_argument("--config", metavar="PATH", help="config file with profiles (default: $TRINO_TUI_CONFIG or ~/.config/trino-tui/config.toml)")
    c.add_argument("--server", metavar="URL", type=_server, help="coordinator URL (default: $TRINO_SERVER or http://localhost:8080)")
    c.add_argument("--user", type=_header_text("user"), help="user name (default: $TRINO_USER or the OS user)")
    c.add_argument("--password", action="store_true", help="use HTTP basic auth; password from $TRINO_PASSWORD or a prompt (https only)")
    c.add_argument("--access-token", metavar="TOKEN", type=_header_text("access token"), help="JWT bearer token (default: $TRINO_ACCESS_TOKEN)")
    c.add_argument("--insecure", action="store_true", help="skip TLS certificate verification")
    c.add_argument("--cafile", metavar="PATH", help="CA bundle to verify the server (and segment storage) with")
    c.add_argument("--extra-header", action="append", type=_extra_header, default=[], metavar="'NAME: VALUE'", help="extra HTTP header for the coordinator (repeatable)")
    c.add_argument("--request-timeout", metavar="DURATION", type=_duration, help="per HTTP request timeout, e.g. 30s, 2m (default 30s)")
    c.add_argument("--client-request-timeout", metavar="DURATION", type=_duration,
                   help="how long one request is retried (unreachable server, 502/503/504) before failing (default 2m)")
    c.add_argument("--sandbox", action="store_true", help="start the embedded sandbox on 127.0.0.1 and connect to it (catalog tpch, schema tiny)")

    s = p.add_argument_group("session")
    s.add_argument("--catalog", type=_header_text("catalog"), help="default catalog")
    s.add_argument("--schema", type=_header_text("schema"), help="default schema (needs a catalog)")
    s.add_argument("--session", action="append", type=_session_item, default=[], metavar="NAME=VALUE", help="session property (repeatable)")
    s.add_argument("--client-tags", metavar="A,B", type=_header_text("client tags"), help="comma-separated client tags")
    s.add_argument("--source", type=_header_text("source"), help="source name sent to Trino (default trino-tui)")
    s.add_argument("--timezone", metavar="ZONE", type=_header_text("time zone"), help="session time zone (default: the local zone)")

    r = p.add_argument_group("protocol and pipeline")
    r.add_argument("--encoding", metavar="LIST", help="spooling encodings in preference order from json+zstd, json+lz4, json; 'none' = direct protocol (default json+zstd,json+lz4,json)")
    r.add_argument("--direct", action="store_true", help="use the direct protocol (same as --encoding none)")
    r.add_argument("--downloaders", type=_positive_int, metavar="N", help="parallel segment downloads (default 5)")
    r.add_argument("--decoders", type=_positive_int, metavar="N", help="parallel segment decoders (default 5)")
    r.add_argument("--max-out-of-order", type=_positive_int, metavar="N", help="segments in flight ahead of the oldest undelivered one (default 10)")
    r.add_argument("--network-logging", type=_upper_choice(NETWORK_LOGGING, "level"), default="NONE", metavar="LEVEL",
                   help="log coordinator and segment HTTP traffic to stderr, secrets redacted: NONE, BASIC, HEADERS, BODY")

    h = p.add_argument_group("headless statements and output")
    src = h.add_mutually_exclusive_group()
    src.add_argument("-e", "--execute", metavar="SQL", help="run these ;-separated statements and exit (stops at the first failure)")
    src.add_argument("-f", "--file", metavar="FILE", help="run the statements in FILE and exit")
    h.add_argument("--output-format", type=_upper_choice(OUTPUT_FORMATS, "output format"), default="CSV", metavar="FORMAT",
                   help=f"{', '.join(OUTPUT_FORMATS)} (case-insensitive; default CSV)")
    h.add_argument("--output-file", metavar="PATH", help="write results to PATH atomically (no file is left after a failure); default stdout")
    h.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show query progress on stderr (default: on when stderr is a terminal)")

    t = p.add_argument_group("TUI")
    t.add_argument("--theme", help="TUI theme name")
    return p


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse and cross-check flags (exits 2 with a one-line message when invalid)."""
    parser = build_parser()
    ns = parser.parse_args(list(argv))
    if ns.direct and ns.encoding is not None:
        parser.error("--direct and --encoding are mutually exclusive")
    if ns.insecure and ns.cafile:
        parser.error("--insecure and --cafile are mutually exclusive")
    if ns.sandbox and ns.server:
        parser.error("--sandbox and --server are mutually exclusive")
    return ns


def run_mode(ns: argparse.Namespace, stdin_is_tty: bool | None = None) -> Mode:
    """Headless when --execute/-f is given or SQL is piped on stdin; otherwise the TUI."""
    if ns.execute is not None or ns.file is not None:
        return Mode.HEADLESS
    if stdin_is_tty is None:
        stdin_is_tty = bool(sys.stdin and sys.stdin.isatty())
    return Mode.TUI if stdin_is_tty else Mode.HEADLESS


def connection_options(ns: argparse.Namespace, **overrides: object) -> ConnectionOptions:
    """The connection-related flags of *ns*; *overrides* (e.g. the sandbox URL) win over env/defaults."""
    return ConnectionOptions(
        server=ns.server,
        user=ns.user,
        password=ns.password,
        access_token=ns.access_token,
        catalog=ns.catalog,
        schema=ns.schema,
        session=tuple(ns.session),
        client_tags=ns.client_tags,
        source=ns.source,
        timezone=ns.timezone,
        extra_headers=tuple(ns.extra_header),
        insecure=ns.insecure,
        cafile=ns.cafile,
        encoding=ns.encoding,
        direct=ns.direct,
        downloaders=ns.downloaders,
        decoders=ns.decoders,
        max_out_of_order=ns.max_out_of_order,
        request_timeout=ns.request_timeout,
        client_request_timeout=ns.client_request_timeout,
        network_logging=ns.network_logging,
        overrides=dict(overrides),
        profile=ns.profile,
        config_file=ns.config,
    )
