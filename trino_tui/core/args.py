"""The `trino-tui` command line: one argparse parser for the TUI and headless mode.

Owns ``build_parser()`` (grouped, truthful --help; every setting flag is generated from
``core.settings.KNOBS``), ``parse_args(argv)`` (usage errors exit 2 with one line) and
``Mode``/``run_mode(ns)`` (TUI vs headless). The Namespace attributes of settings are the knob
names, so ``core.settings.resolve(ns)`` reads them directly. No Textual; pure; thread-safe.
The `sandbox` subcommand has its own parser (trino_tui.sandbox.cli).
"""

from __future__ import annotations

import argparse
import enum
import sys
from collections.abc import Sequence

from trino_tui import __version__ as _version
from trino_tui.core.settings import KNOBS

__all__ = ["Mode", "build_parser", "parse_args", "run_mode", "output_formats"]


class Mode(enum.Enum):
    TUI = "tui"
    HEADLESS = "headless"


class _OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def output_formats() -> tuple[str, ...]:
    """The export writers' format names (the one registry)."""
    from trino_tui.export import FORMATS

    return tuple(FORMATS)


def _upper_choice(choices: Sequence[str], what: str):
    def convert(value: str) -> str:
        up = value.strip().upper()
        if up not in choices:
            raise argparse.ArgumentTypeError(f"invalid {what} {value!r} (choose from {', '.join(choices)})")
        return up

    return convert


def build_parser(prog: str = "trino-tui") -> argparse.ArgumentParser:
    p = _OneLineParser(
        prog=prog,
        description=(
            "Terminal client for Trino. Without --execute/-f/piped stdin it starts the TUI; with them it runs "
            "the statements headless and streams the results to stdout or --output-file. "
            f"'{prog} sandbox --help' describes the embedded sandbox server."
        ),
        epilog="Exit status: 0 success, 1 query failure, 2 bad arguments, 3 connection/authentication failure, "
        "130 interrupted, 143 terminated, 129 hangup (the running query is cancelled on the server first), "
        "141 broken pipe.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {_version}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    p.add_argument("url", nargs="?", metavar="URL",
                   help="server as the Trino CLI takes it: https://host:443/catalog/schema (instead of --server)")
    groups: dict[str, argparse._ArgumentGroup] = {}
    conn = groups["connection"] = p.add_argument_group("connection")
    conn.add_argument("--profile", metavar="NAME",
                      help="connection profile [profiles.NAME] from the config file (default: $TRINO_TUI_PROFILE); flags win")
    conn.add_argument("--config", metavar="PATH",
                      help="config file with profiles (default: $TRINO_TUI_CONFIG or ~/.config/trino-tui/config.toml)")
    conn.add_argument("--sandbox", action="store_true",
                      help="start the embedded sandbox on 127.0.0.1 and connect to it (catalog tpch, schema tiny)")
    for knob in KNOBS:
        group = groups.get(knob.group) or groups.setdefault(knob.group, p.add_argument_group(knob.group))
        if knob.kind == "flag":
            group.add_argument(knob.flag, dest=knob.name, action="store_true", default=None, help=knob.help)
        elif knob.kind == "pairs":
            group.add_argument(knob.flag, dest=knob.name, action="append", default=[], metavar=knob.metavar,
                               help=knob.help)
        else:
            group.add_argument(knob.flag, dest=knob.name, metavar=knob.metavar, help=knob.help)

    formats = output_formats()
    h = p.add_argument_group("headless statements and output")
    src = h.add_mutually_exclusive_group()
    src.add_argument("-e", "--execute", metavar="SQL", help="run these ;-separated statements and exit (stops at the first failure)")
    src.add_argument("-f", "--file", metavar="FILE", help="run the statements in FILE and exit")
    h.add_argument("--output-format", type=_upper_choice(formats, "output format"), default="CSV", metavar="FORMAT",
                   help=f"{', '.join(formats)} (case-insensitive; default CSV)")
    h.add_argument("--output-file", metavar="PATH", help="write results to PATH atomically (no file is left after a failure); default stdout")
    h.add_argument("--ignore-errors", action="store_true",
                   help="with -e/-f: go on after a failed statement (exit status 1 at the end if any failed)")
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
    if ns.sandbox and (ns.server or ns.url):
        parser.error("--sandbox and --server (or a URL) are mutually exclusive")
    return ns


def run_mode(ns: argparse.Namespace, stdin_is_tty: bool | None = None) -> Mode:
    """Headless when --execute/-f is given or SQL is piped on stdin; otherwise the TUI."""
    if ns.execute is not None or ns.file is not None:
        return Mode.HEADLESS
    if stdin_is_tty is None:
        stdin_is_tty = bool(sys.stdin and sys.stdin.isatty())
    return Mode.TUI if stdin_is_tty else Mode.HEADLESS
