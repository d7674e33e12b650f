"""Headless entry: parsed flags → statements, optional sandbox, console, client, runner → exit code.

Owns the wiring of one headless run (`run_headless`) and reading the statements
(`read_statements`). Every resource it starts (sandbox, progress thread, SIGINT guard, client) is
closed before it returns. No Textual. Main thread only.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from typing import Any, BinaryIO, TextIO

from trino_tui.core.errors import ExitCode, describe
from trino_tui.core.settings import SANDBOX_DEFAULTS, resolve
from trino_tui.core.statements import Statement, split_statements
from trino_tui.export import parallel_format
from trino_tui.export.parallel import default_workers
from trino_tui.headless.interrupt import InterruptGuard
from trino_tui.headless.progress import ProgressReporter
from trino_tui.headless.runner import HeadlessOptions, HeadlessRunner

__all__ = ["MAX_SQL_BYTES", "read_statements", "run_headless", "start_sandbox"]


class _InputError(Exception):
    """The statements could not be read (exit 2)."""


MAX_SQL_BYTES = 16 * 1024 * 1024  # more SQL than this is a mistake (e.g. -f /dev/zero), not a script


def _too_large(what: str) -> _InputError:
    return _InputError(f"{what} is larger than {MAX_SQL_BYTES // (1024 * 1024)} MiB (the limit for one run)")


def _decode_sql(data: bytes, what: str) -> str:
    if len(data) > MAX_SQL_BYTES:
        raise _too_large(what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _InputError(f"{what} is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})") from None


def _checked_text(text: str, what: str) -> str:
    """*text* if it is valid Unicode; else the error naming the first undecodable byte."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:  # argv and locale-decoded streams carry undecodable bytes as surrogate escapes
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        raise _InputError(f"{what} is not valid UTF-8 (character {exc.start})") from None
    return _decode_sql(data, what)


def _read_stdin(stdin: TextIO) -> str:
    raw = getattr(stdin, "buffer", None)
    if raw is not None:  # bytes: decoded strictly, whatever the locale's error handler
        return _decode_sql(raw.read(MAX_SQL_BYTES + 1), "SQL on stdin")
    text = stdin.read(MAX_SQL_BYTES + 1)
    if len(text) > MAX_SQL_BYTES:
        raise _too_large("SQL on stdin")
    return _checked_text(text, "SQL on stdin")


def read_statements(ns: argparse.Namespace, stdin: TextIO) -> list[Statement]:
    """Statements from --execute, -f FILE or stdin (in that order of precedence); at most
    MAX_SQL_BYTES of strict UTF-8, else _InputError (exit 2)."""
    if ns.execute is not None:
        text = _checked_text(ns.execute, "SQL given to --execute")
    elif ns.file is not None:
        try:
            with open(ns.file, "rb") as fh:
                data = fh.read(MAX_SQL_BYTES + 1)
        except OSError as exc:
            raise _InputError(f"Cannot read {ns.file}: {exc.strerror or exc}") from None
        text = _decode_sql(data, f"SQL in {ns.file}")
    else:
        try:
            text = _read_stdin(stdin)
        except OSError as exc:
            raise _InputError(f"Cannot read statements from stdin: {exc}") from None
    return split_statements(text)


def start_sandbox(stack: ExitStack, log: Any) -> Any:
    """Start the embedded sandbox on 127.0.0.1:0 (stopped when *stack* closes)."""
    from trino_tui.sandbox import Sandbox, SandboxConfig

    sandbox = Sandbox(SandboxConfig(host="127.0.0.1", port=0), progress=log)
    stack.callback(sandbox.stop)
    sandbox.start()
    return sandbox


def _terminal_width() -> int:
    try:
        return os.get_terminal_size(2).columns or 100
    except (OSError, ValueError):
        return 100


class _History:
    """The TUI's statement history (XDG state dir): headless statements are appended to it too.

    Called like ``HistoryRecorder.record``; its modules are loaded by ``prepare()``, which the
    runner calls while the server works on the first statement (start-up), else on first use."""

    def __init__(self) -> None:
        self._record: Any = None

    def prepare(self) -> None:
        if self._record is None:
            from trino_tui.explore.history import HistoryStore
            from trino_tui.explore.paths import state_dir
            from trino_tui.explore.recorder import HistoryRecorder

            self._record = HistoryRecorder(HistoryStore(state_dir() / "history.jsonl")).record

    def __call__(self, *args: Any, **kwargs: Any) -> str | None:
        self.prepare()
        return self._record(*args, **kwargs)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _silence_stdout(stdout: BinaryIO) -> None:
    """The reader went away (e.g. `| head`): point stdout at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


def run_headless(
    ns: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stdout: BinaryIO | None = None,
    stderr: TextIO | None = None,
    env: Mapping[str, str] | None = None,
    started: Callable[[], None] | None = None,
) -> int:
    """Run the statements *ns* names; returns the process exit status. *started* is called once the
    client is built (start-up is over: the entry point turns the cyclic GC back on there)."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout.buffer
    stderr = stderr if stderr is not None else sys.stderr
    env = os.environ if env is None else env
    stderr_tty = _isatty(stderr)
    stdout_tty = _isatty(stdout)
    progress = ns.progress if ns.progress is not None else (stderr_tty and (bool(ns.output_file) or not stdout_tty))
    console = ProgressReporter(
        stderr, tty=stderr_tty, enabled=progress, width=_terminal_width
    )
    try:
        statements = read_statements(ns, stdin)
    except _InputError as exc:
        console.message(str(exc))
        return ExitCode.USAGE
    if not statements:
        return ExitCode.OK
    server = ""
    with ExitStack() as stack:
        guard = stack.enter_context(InterruptGuard())  # from here on SIGINT/SIGTERM/SIGHUP end cleanly
        try:
            overrides: dict[str, object] | None = None
            defaults: dict[str, object] | None = None
            if ns.sandbox:
                sandbox = start_sandbox(stack, console.message if (progress or stderr_tty) else None)
                overrides, defaults = {"server": sandbox.url}, dict(SANDBOX_DEFAULTS)
            workers = default_workers(env) if parallel_format(ns.output_format) else 0
            # segments reach the writer as bytes: the export workers parse them, or this process does
            # in runs (export.parallel, Batch.row_runs), so decoded rows never pile up in memory
            defaults = {**(defaults or {}), "decode": "deferred"}
            network_log = console.message if (ns.network_logging or "NONE").upper() != "NONE" else None
            settings = resolve(ns, env=env, overrides=overrides, defaults=defaults, network_log=network_log)
            config = settings.client
            server = config.server
            from trino_tui.client import TrinoClient

            if getattr(ns, "trace", None):  # --trace FILE: record every statement (trino_tui.insight)
                from trino_tui.insight.tracing import TracedClient

                client = stack.enter_context(TracedClient(config, ns.trace))
            else:
                client = stack.enter_context(TrinoClient(config))
            if started is not None:
                started()
            stack.callback(console.close)
            console.start()
            options = HeadlessOptions(
                output_format=ns.output_format,
                output_file=ns.output_file,
                progress=progress,
                debug=ns.debug,
                server=server,
                stdout_is_tty=stdout_tty,
                ignore_errors=bool(getattr(ns, "ignore_errors", False)),
                export_workers=workers,
            )
            code = HeadlessRunner(client, options, stdout=stdout, console=console, guard=guard,
                                  history=_History()).run(statements)
            if code == ExitCode.BROKEN_PIPE:
                _silence_stdout(stdout)
            return code
        except KeyboardInterrupt:
            console.message(guard.reason.capitalize())
            return guard.exit_code
        except Exception as exc:  # settings, sandbox start, client construction: one line, described
            report = describe(exc, server=server)
            lines = report.lines()
            if report.kind == "internal":
                if ns.debug:
                    console.message(traceback.format_exc().rstrip("\n"))
                else:
                    lines[0] += " (run with --debug for the traceback)"
            for line in lines:
                console.message(line)
            return report.exit_code
