"""Command lines of `trino-tui doctor`, `trino-tui bench` and `trino-tui replay`.

Owns argument parsing for the three subcommands (the connection and pipeline flags come from
``trino_tui.core.args``/``core.settings``, so they match the TUI and headless mode), the
optional embedded sandbox (``--sandbox``) and the exit codes: 0 all good, 1 a check failed /
the bench or replay could not run, 2 bad flags, 3 the coordinator could not be reached.
Every error is one line on stderr. Imports Textual only for ``replay``.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from typing import Any, Callable, Sequence, TextIO

from trino_tui.client import ConfigError, TrinoTuiError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CONNECTION = 0, 1, 2, 3
HIDDEN_DESTS = frozenset({"execute", "file", "output_format", "output_file", "progress", "theme"})
HIDDEN_GROUPS = frozenset({"headless statements and output", "TUI"})


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    from trino_tui.core.args import build_parser

    p = build_parser(prog=f"trino-tui {prog}")
    p.description = description
    for action in p._actions:  # statements and output belong to headless mode and the TUI
        if action.dest in HIDDEN_DESTS:
            action.help = argparse.SUPPRESS
    p._action_groups = [g for g in p._action_groups if g.title not in HIDDEN_GROUPS]
    p._mutually_exclusive_groups = [g for g in p._mutually_exclusive_groups
                                    if not any(a.dest in HIDDEN_DESTS for a in g._group_actions)]
    p.epilog = ("Exit status: 0 all good, 1 a check failed or the run could not complete, "
                "2 bad arguments, 3 the coordinator could not be reached.")
    return p


def _settings(ns: argparse.Namespace, stack: ExitStack):
    """Resolved settings; with --sandbox an embedded sandbox is started (stopped by *stack*)."""
    from trino_tui.core.settings import SANDBOX_DEFAULTS, resolve

    if ns.sandbox:
        from trino_tui.sandbox import Sandbox, SandboxConfig

        sandbox = Sandbox(SandboxConfig(host="127.0.0.1", port=0))
        stack.callback(sandbox.stop)
        sandbox.start()
        return resolve(ns, overrides={"server": sandbox.url}, defaults=SANDBOX_DEFAULTS)
    return resolve(ns)


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace | int:
    try:
        ns = parser.parse_args(list(argv))
        used = [a.option_strings[-1] for a in parser._actions if a.option_strings
                and a.dest in HIDDEN_DESTS and getattr(ns, a.dest, None) not in (None, a.default)]
        if used:
            parser.error(f"{used[0]} is not an option of {parser.prog}")
        return ns
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def _connected(parser: argparse.ArgumentParser, argv: Sequence[str], err: TextIO,
               body: Callable[[argparse.Namespace, Any], int]) -> int:
    """Parse *argv*, resolve the settings (starting the sandbox for --sandbox) and run
    ``body(ns, settings)``; a bad flag or setting is one line on *err* and exit status 2."""
    ns = _parse(parser, argv)
    if isinstance(ns, int):
        return ns
    with ExitStack() as stack:
        try:
            settings = _settings(ns, stack)
        except TrinoTuiError as exc:
            print(f"{parser.prog}: {exc}", file=err)
            return EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_FAILED
        return body(ns, settings)


def doctor_main(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from trino_tui.insight.doctor import DEFAULT_SQL, diagnose, render_json, render_text

    parser = _parser("doctor", "Run a canary query that forces spooled segments and check "
                     "spooling end to end: fallback to direct, retrieval mode, storage reach "
                     "and TLS, headers, gateway forwarding of /v1/spooled/*, acks, HEAD "
                     "heartbeats, URL expiry, encodings.")
    g = parser.add_argument_group("doctor")
    g.add_argument("--sql", default=DEFAULT_SQL, help=f"canary statement (default: {DEFAULT_SQL})")
    g.add_argument("--json", action="store_true", help="print the report as JSON")
    g.add_argument("--quiet", action="store_true", help="evidence only for failed checks")

    def body(ns: argparse.Namespace, settings: Any) -> int:
        report = diagnose(settings.client, ns.sql)
        print(render_json(report) if ns.json else render_text(report, verbose=not ns.quiet),
              file=out)
        if report.ok:
            return EXIT_OK
        return EXIT_CONNECTION if report.checks[0].status == "fail" else EXIT_FAILED

    return _connected(parser, argv, err, body)


def _int_list(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid count list {value!r} (e.g. 1,5,10)") from None
    if not counts or any(n < 1 for n in counts):
        raise argparse.ArgumentTypeError(f"invalid count list {value!r} (positive integers)")
    return counts


def _modes(value: str) -> tuple[str, ...]:
    from trino_tui.insight.bench import MODES

    modes = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise argparse.ArgumentTypeError(f"invalid mode(s) {', '.join(bad) or value!r} "
                                         f"(choose from {', '.join(MODES)})")
    return modes


def _time_box(value: str) -> float:
    from trino_tui.core.settings import parse_duration

    try:
        seconds = parse_duration(value)
    except (ValueError, TrinoTuiError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the time box must be positive")
    return seconds


def bench_main(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from trino_tui.insight import bench

    parser = _parser("bench", "Run one statement under the direct protocol and each spooling "
                     "encoding × downloader count; print rows/s, bytes on the wire, peak memory "
                     "and first-row time as a table and a chart.")
    g = parser.add_argument_group("bench")
    g.add_argument("--sql", required=True, help="the statement to measure")
    g.add_argument("--time-box", type=_time_box, default=60.0, metavar="DURATION",
                   help="stop each run after this long, e.g. 30s (default 60s)")
    g.add_argument("--modes", type=_modes, default=bench.MODES, metavar="LIST",
                   help=f"runs to make, from {','.join(bench.MODES)} (default all)")
    g.add_argument("--downloader-counts", type=_int_list, default=bench.DEFAULT_DOWNLOADERS,
                   metavar="N,N", help="downloader counts for the spooled runs (default 1,5,10)")
    g.add_argument("--json", action="store_true", help="print the results as JSON")

    def body(ns: argparse.Namespace, settings: Any) -> int:
        progress = None if ns.json else (lambda line: print(line, file=err, flush=True))
        results = bench.run_bench(settings.client, ns.sql, modes=ns.modes,
                                  downloaders=ns.downloader_counts, time_box=ns.time_box,
                                  progress=progress)
        print(bench.render_json(results, ns.sql) if ns.json else
              bench.render_text(results, ns.sql), file=out)
        return EXIT_FAILED if all(r.error for r in results) else EXIT_OK

    return _connected(parser, argv, err, body)


def _speed(value: str) -> float:
    try:
        speed = float(value.rstrip("x×"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid speed {value!r} (e.g. 1, 4, 0.5)") from None
    if not 0 < speed <= 1000:
        raise argparse.ArgumentTypeError(f"invalid speed {value!r} (0 < speed <= 1000)")
    return speed


def load_trace(path: str):
    """The trace at *path*; raises TraceFormatError / OSError with one-line messages."""
    from trino_tui.insight.trace import read_trace

    with open(path, encoding="utf-8") as f:
        return read_trace(f)


def _read_trace_file(read: Callable[[str], Any], path: str, prog: str, err: TextIO) -> Any:
    """``read(path)``, or None after one line on *err* saying why the trace can't be read."""
    from trino_tui.insight.trace import TraceFormatError

    try:
        return read(path)
    except OSError as exc:
        print(f"{prog}: cannot read {path}: {exc.strerror or exc}", file=err)
    except TraceFormatError as exc:
        print(f"{prog}: {path}: {exc}", file=err)
    return None


def replay_main(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="trino-tui replay", description="Play a trace recorded with --trace in the pipeline "
        "panel, offline. Keys: space pause/play, . and , step, +/- speed, r restart, e end, q quit.")
    parser.add_argument("file", help="trace file (JSON lines from --trace)")
    parser.add_argument("--speed", type=_speed, default=1.0, help="playback speed (default 1 = real time)")
    parser.add_argument("--paused", action="store_true", help="start paused (step with .)")
    ns = _parse(parser, argv)
    if isinstance(ns, int):
        return ns
    trace = _read_trace_file(load_trace, ns.file, "trino-tui replay", err)
    if trace is None:
        return EXIT_FAILED
    if not trace.snapshots:
        print(f"trino-tui replay: {ns.file} holds no pipeline snapshots", file=err)
        return EXIT_FAILED
    from trino_tui.tui.screens.replay import ReplayApp

    from trino_tui.insight.routes import host_of

    server = str(trace.meta.get("server") or "")
    app = ReplayApp(trace.snapshots, source=ns.file, speed=ns.speed, paused=ns.paused,
                    outcome=(trace.end or {}).get("outcome"),
                    coordinator_host=host_of(server) if server else None)
    app.run()
    return EXIT_OK


def from_trace_args(args: Sequence[str], err: TextIO = sys.stderr) -> list[str] | int:
    """`sandbox --from-trace FILE …`: the sandbox flags that re-create the trace (see
    insight.incident), followed by the user's other flags (which win); notes go to *err*."""
    from trino_tui.insight.incident import flags_from_trace_file

    rest, path, items = [], None, list(args)
    while items:
        item = items.pop(0)
        if item == "--from-trace" and items:
            path = items.pop(0)
        elif item.startswith("--from-trace="):
            path = item.split("=", 1)[1]
        else:
            rest.append(item)
    if not path:
        print("trino-tui sandbox: --from-trace needs a trace file", file=err)
        return EXIT_USAGE
    read = _read_trace_file(flags_from_trace_file, path, "trino-tui sandbox", err)
    if read is None:
        return EXIT_USAGE
    flags, notes = read
    for note in notes:
        print(f"from trace: {note}", file=err)
    print(f"from trace: sandbox flags {' '.join(flags)}", file=err)
    return flags + rest


COMMANDS: dict[str, Callable[..., int]] = {"doctor": doctor_main, "bench": bench_main,
                                           "replay": replay_main}


def main(command: str, argv: Sequence[str]) -> int:
    """Entry from trino_tui.cli: run *command* with its arguments."""
    return COMMANDS[command](argv)
