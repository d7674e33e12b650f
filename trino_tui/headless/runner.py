"""Headless statement loop: each statement through the core run loop, rows streamed to an export writer.

Owns `HeadlessOptions` and `HeadlessRunner.run(statements) -> exit status`. Every statement is one
`core.run.StatementRun` whose sink (`WriterSink`) creates the writer for the statement's columns
and writes each ordered batch's `wire_rows()` as it arrives (memory stays bounded whatever the
result size). Failures are worded by `core.errors.describe` (the one wording) and map to its exit
codes; a run interrupted by SIGINT/SIGTERM/SIGHUP exits 128 + the signal. With `output_file`
everything goes through `export.atomic_output`: after any failure or interrupt no file is left at
the target and no temp file beside it (with --ignore-errors the file keeps what succeeded). Stops
at the first failing statement unless `ignore_errors`. Used from the main thread only (signal
handling needs it); the client's threads are its own.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from trino_tui.records import record
from trino_tui.client import QueryCancelled
from trino_tui.core.errors import ExitCode, describe
from trino_tui.core.run import Finished, Outcome, StatementRun
from trino_tui.core.statements import Statement
from trino_tui.export import create_writer
from trino_tui.export.registry import prepare_writer
from trino_tui.headless.interrupt import InterruptGuard
from trino_tui.headless.progress import ProgressReporter, render_summary

if TYPE_CHECKING:
    from trino_tui.client import Batch, Column, QueryHandle, TrinoClient

__all__ = ["HeadlessOptions", "HeadlessRunner", "WriterSink"]


@record
class HeadlessOptions:
    output_format: str = "CSV"
    output_file: str | None = None
    progress: bool = False
    debug: bool = False
    server: str = ""                 # for "Cannot connect to <server>"
    stdout_is_tty: bool = False      # status lines stop once rows go to the same terminal
    ignore_errors: bool = False      # go on after a failed statement (exit 1 at the end)
    export_workers: int = 0          # worker processes formatting spooled segments (export.parallel)


class _Discard(Exception):
    """Abort the atomic output (its temp file is removed) and exit with *code*."""

    def __init__(self, code: int) -> None:
        self.code = code


class WriterSink:
    """core.run Sink: the export writer of one statement (created in `begin` from its columns).

    `write` hands each batch's wire rows to the writer and then empties that list (the rows are
    ours once delivered; the pipeline keeps no reference). `on_rows` runs once, before the first
    rows are written. An exception raised here keeps its traceback in `error_trace` (--debug).
    """

    def __init__(self, fmt: str, out: BinaryIO, *, flush: bool, writer_factory: Callable[..., Any] = create_writer,
                 on_rows: Callable[[], None] | None = None, workers: int = 0,
                 max_uncompressed: int = 512 * 1024 * 1024) -> None:
        self._fmt, self._out, self._flush = fmt, out, flush
        self._create = writer_factory
        self._on_rows = on_rows
        self._workers, self._max_uncompressed = workers, max_uncompressed
        self._writer: Any = None  # export.parallel.ParallelWriter (imported when a writer is opened)
        self.error_trace: str | None = None

    def begin(self, columns: "list[Column]") -> None:
        if columns:
            self._guarded(lambda: self._open(columns))

    def _open(self, columns: "list[Column]") -> None:
        from trino_tui.export.parallel import ParallelWriter, SegmentFormatPool

        writer = self._create(self._fmt, self._out, columns)
        pool = (SegmentFormatPool(self._fmt, columns, workers=self._workers, max_uncompressed=self._max_uncompressed)
                if self._workers else None)
        self._writer = ParallelWriter(writer, self._out, pool)

    def write(self, batch: "Batch") -> None:
        if self._writer is None:
            return
        if self._on_rows is not None:
            self._on_rows()
            self._on_rows = None
        self._guarded(lambda: self._writer.write_batch(batch))  # type: ignore[union-attr]
        if self._flush:
            self._out.flush()

    def end(self) -> None:
        if self._writer is not None:
            self._guarded(self._writer.close)
        if self._flush:
            self._out.flush()

    def close(self) -> None:
        """End the export workers, if any (after end(), or instead of it after a failure)."""
        if self._writer is not None:
            self._writer.abort()

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except BaseException:
            self.error_trace = traceback.format_exc().rstrip("\n")
            raise


class HeadlessRunner:
    """Runs statements on one TrinoClient; see the module docstring."""

    def __init__(
        self,
        client: "TrinoClient",
        options: HeadlessOptions,
        *,
        stdout: BinaryIO,
        console: ProgressReporter,
        guard: InterruptGuard,
        writer_factory: Callable[..., Any] = create_writer,
        history: Callable[..., str | None] | None = None,
    ) -> None:
        self._client = client
        self._history = history  # HistoryRecorder.record: every statement is appended (no secrets)
        self._opts = options
        self._stdout = stdout
        self._console = console
        self._guard = guard
        self._create_writer = writer_factory

    def run(self, statements: Sequence[Statement]) -> int:
        try:
            if self._opts.output_file:
                from trino_tui.export import atomic_output  # tempfile/shutil: only when writing a file

                with atomic_output(self._opts.output_file) as out:
                    code = self._run_all(statements, out, flush=False)
                    if code != ExitCode.OK and not (self._opts.ignore_errors and code == ExitCode.FAILED):
                        raise _Discard(code)
                return code
            return self._run_all(statements, self._stdout, flush=True)
        except _Discard as d:
            return d.code
        except KeyboardInterrupt:  # a signal while no statement was running (e.g. opening a FIFO)
            self._console.message(self._guard.reason.capitalize())
            return self._guard.exit_code
        except OSError as exc:  # creating/renaming the output file
            report = describe(exc, server=self._opts.server)
            return self._report(report.lines(), report.exit_code)

    def _run_all(self, statements: Sequence[Statement], out: BinaryIO, *, flush: bool) -> int:
        failed = False
        for stmt in statements:
            code = self._run_one(stmt, out, flush=flush)
            if code == ExitCode.FAILED and self._opts.ignore_errors:
                failed = True
                continue
            if code != ExitCode.OK:
                return code
        return ExitCode.FAILED if failed else ExitCode.OK

    def _run_one(self, stmt: Statement, out: BinaryIO, *, flush: bool) -> int:
        on_rows = self._console.detach if flush and self._opts.stdout_is_tty else None  # rows share the terminal
        sink = WriterSink(self._opts.output_format, out, flush=flush, writer_factory=self._create_writer,
                          on_rows=on_rows, workers=self._opts.export_workers,
                          max_uncompressed=getattr(getattr(self._client, "config", None), "max_uncompressed_bytes",
                                                   512 * 1024 * 1024))
        run = StatementRun(self._client, stmt.text, sink, server=self._opts.server, on_query=self._on_query)
        self._guard.watch(run)
        started, t0 = time.time(), time.monotonic()
        try:
            outcome = run.run()
        except KeyboardInterrupt:  # a second signal: the query was cancelled and closed by the run
            return self._interrupted(run.query)
        finally:
            self._guard.watch(None)
            sink.close()
            self._record(stmt, run, started, time.monotonic() - t0)
        return self._conclude(run, outcome, sink)

    def _on_query(self, query: "QueryHandle") -> None:
        """The statement is submitted: show its progress, and load the output format's writer and
        the history recorder while the server works on it (their imports overlap the wait for the
        first response)."""
        self._console.attach(query)
        prepare_writer(self._opts.output_format)
        prepare = getattr(self._history, "prepare", None)
        if prepare is not None:
            prepare()

    def _record(self, stmt: Statement, run: StatementRun, started: float, duration: float) -> None:
        if self._history is None or run.outcome is None:
            return
        err = self._history(stmt.text, config=getattr(self._client, "config", None),
                            session=getattr(self._client, "session", None), started=started, duration=duration,
                            outcome=run.outcome)
        if err:
            self._console.message(err)

    def _conclude(self, run: StatementRun, outcome: Outcome, sink: WriterSink) -> int:
        query = run.query
        if isinstance(outcome, Finished):
            self._finish(query, outcome)
            return ExitCode.OK
        if self._guard.interrupted:
            return self._interrupted(query)
        from trino_tui.core.run import Cancelled, Failed  # created on first use (core.early_outcomes)

        if isinstance(outcome, Failed):
            report = outcome.error
            self._console.detach()
            if report.kind == "broken_pipe":
                return ExitCode.BROKEN_PIPE
            lines = report.lines()
            if report.kind == "internal":
                if self._opts.debug and sink.error_trace:
                    self._console.message(sink.error_trace)
                lines[0] += " (run with --debug for the traceback)" if not self._opts.debug else ""
            return self._report(lines, report.exit_code)
        if isinstance(outcome, Cancelled):  # cancelled, but not by a signal here
            report = describe(QueryCancelled("Query was cancelled"), query_id=outcome.query_id or None)
            return self._report(report.lines(), report.exit_code)
        return ExitCode.OK  # stopped: the rows so far were written

    def _finish(self, query: "QueryHandle | None", outcome: Finished) -> None:
        self._console.detach()
        if outcome.update_type:
            count = outcome.update_count
            self._console.message(
                f"{outcome.update_type}: {count} row{'s' if count != 1 else ''}" if count is not None else outcome.update_type)
        for warning in outcome.warnings:
            self._console.message(f"WARNING: {warning}")
        if self._opts.progress and query is not None:
            self._console.message(render_summary(query.snapshot(), state="FINISHED"))

    def _interrupted(self, query: "QueryHandle | None") -> int:
        self._guard.close()  # the cancel has been handed to the client once the canceller is joined
        self._console.detach()
        qid = query.query_id if query is not None else ""
        reason = self._guard.reason
        self._console.message(f"Query {qid} cancelled ({reason})" if qid else reason.capitalize())
        return self._guard.exit_code

    def _report(self, lines: list[str], code: int) -> int:
        self._console.detach()
        for line in lines:
            self._console.message(line)
        return code

