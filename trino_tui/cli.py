"""`trino-tui` entry point: TUI (default), headless (--execute / -f / piped stdin), `sandbox` subcommand.

Owns only dispatch: the command line is parsed by ``trino_tui.core.args``; settings are resolved by
``trino_tui.core.settings``; headless mode (``trino_tui.headless.main``) and the TUI
(``trino_tui.tui.app``) are imported only for their own mode, so a TUI start imports no headless
code and a headless run imports no Textual. Unexpected exceptions become one line (traceback with
--debug).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it).

    Called without *argv* it is the program's entry point (the console script, ``python -m``):
    the cyclic GC is off while the mode's code is imported (``_startup_gc``), and when the process
    is about to exit the objects left are frozen out of the cyclic GC (``gc.freeze``) so the
    interpreter's final collections skip them (~25 ms less teardown after a 3-row ``--execute``).
    Nothing of ours relies on those collections: every file is closed by then and the interpreter
    flushes stdout/stderr itself. Not after the embedded sandbox ran: DuckDB's bindings (nanobind)
    report the objects that collections would have freed as leaks. A finished headless run skips
    the teardown altogether (``_exit_now``)."""
    resume = _startup_gc() if argv is None else _no_op
    try:
        code = _main(list(sys.argv[1:] if argv is None else argv), resume, exit_now=argv is None)
    finally:
        resume()
    if argv is None and "duckdb" not in sys.modules:
        import gc

        gc.freeze()
    return code


def _no_op() -> None:
    pass


def _startup_gc() -> Callable[[], None]:
    """Turn the cyclic GC off for start-up; returns ``resume()``, which freezes the objects made so
    far (later collections skip them, as the TUI's runtime tuning does; not once DuckDB is loaded,
    see ``main``) and turns it back on.

    Importing a mode's code allocates many long-lived objects and no garbage cycles worth a
    collection: with the GC on, a 3-row ``--execute`` spends ~4 ms in collections during imports.
    ``resume`` runs once the mode's code is loaded, before any statement runs (idempotent)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    resumed = False

    def resume() -> None:
        nonlocal resumed
        if not resumed:
            resumed = True
            if "duckdb" not in sys.modules:  # as at exit (see main)
                gc.freeze()
            if was_enabled:
                gc.enable()

    return resume


def _exit_now(code: int) -> None:
    """End a finished headless run without the interpreter's teardown (freeing every module and
    object: ~12 ms of a 3-row ``--execute``, benchmarks/startup.py). The run closed what it opened
    and joined its threads; atexit handlers still run and stdout/stderr are flushed first. Returns
    (a normal exit follows) while a non-daemon thread is alive or DuckDB is loaded (see ``main``)."""
    import atexit
    import threading

    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None or "duckdb" in sys.modules or any(not t.daemon for t in others):
        return
    run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _main(args: list[str], resume: Callable[[], None] = _no_op, exit_now: bool = False) -> int:
    if args and args[0] == "sandbox":
        resume()
        return _run_sandbox(args[1:])
    if args and args[0] in ("doctor", "bench", "replay"):  # spooling insight (trino_tui.insight.cli)
        resume()
        from trino_tui.insight.cli import main as insight_main

        return insight_main(args[0], args[1:])
    from trino_tui.core.args import Mode, parse_args, run_mode

    try:
        ns = parse_args(args)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if run_mode(ns) is Mode.TUI:
            return _run_tui(ns, resume)
        from trino_tui.headless.main import run_headless

        code = run_headless(ns, started=resume)
        if exit_now:
            _exit_now(code)
        return code
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: never a traceback unless asked
        if ns.debug:
            traceback.print_exc()
        else:
            print(f"Unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return 1


def _run_sandbox(args: list[str]) -> int:
    from trino_tui.sandbox import cli as sandbox_cli

    parser = argparse.ArgumentParser(prog="trino-tui sandbox", description="Run the embedded Trino-compatible sandbox server.")
    sandbox_cli.add_arguments(parser)
    parser.add_argument("--from-trace", metavar="FILE", help="re-create a --trace recording: its retrieval mode, "
                        "encoding, segment size, latencies and failures (your other flags win)")
    if any(a == "--from-trace" or a.startswith("--from-trace=") for a in args):  # trino_tui.insight.incident
        from trino_tui.insight.cli import from_trace_args

        derived = from_trace_args(args)
        if isinstance(derived, int):
            return derived
        args = derived
    try:
        ns = parser.parse_args(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return sandbox_cli.run(ns)
    except KeyboardInterrupt:
        return 130


def _run_tui(ns: argparse.Namespace, resume: Callable[[], None] = _no_op) -> int:
    from trino_tui.client import ConfigError
    from trino_tui.core.errors import describe
    from trino_tui.core.settings import SANDBOX_DEFAULTS, TUI_DEFAULTS, resolve

    defaults: dict[str, object] = dict(TUI_DEFAULTS)
    overrides: dict[str, object] = {}
    if ns.sandbox:  # the app starts the sandbox and points the settings at its URL once it answers
        defaults.update(SANDBOX_DEFAULTS)
        overrides["server"] = "http://127.0.0.1"
    try:
        settings = resolve(ns, defaults=defaults, overrides=overrides)
    except ConfigError as exc:
        print(describe(exc).message, file=sys.stderr)
        return 2
    from trino_tui.tui.app import run_tui

    resume()  # the TUI's code is loaded (its runtime tuning sets its own GC thresholds)
    sandbox_config = None
    if ns.sandbox:
        from trino_tui.sandbox import SandboxConfig

        sandbox_config = SandboxConfig(host="127.0.0.1", port=0)
    return run_tui(settings, sandbox_config=sandbox_config, theme=ns.theme)
