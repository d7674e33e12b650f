"""Headless statement loop: run statements in order, stream rows to a writer, map errors to exit codes.

Owns: `HeadlessOptions`, `ExitCode`, `HeadlessRunner.run(statements) -> int` and
`describe_error(exc) -> (code, lines)`. Rows are streamed batch by batch
(`writer.write_rows(batch.rows)`), so memory stays bounded whatever the result size. With
`output_file` everything goes through `export.atomic_output`: after any failure or interrupt no
file is left at the target and no temp file beside it. Stops at the first failing statement.
Used from the main thread only (SIGINT handling needs it); the client's threads are its own.
"""

from __future__ import annotations

import enum
import re
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from trino_tui.client.errors import (
    AuthenticationError,
    ConfigError,
    QueryCancelled,
    QueryFailed,
    TrinoConnectionError,
    TrinoTuiError,
)
from trino_tui.export import atomic_output, create_writer
from trino_tui.headless.interrupt import InterruptGuard
from trino_tui.headless.progress import ProgressReporter, render_summary
from trino_tui.statements import Statement, error_context_lines

__all__ = ["ExitCode", "HeadlessOptions", "HeadlessRunner", "describe_error"]


class ExitCode(enum.IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    CONNECTION = 3
    HANGUP = 129
    INTERRUPTED = 130
    BROKEN_PIPE = 141
    TERMINATED = 143


@dataclass(frozen=True)
class HeadlessOptions:
    output_format: str = "CSV"
    output_file: str | None = None
    progress: bool = False
    debug: bool = False
    server: str = ""                 # for "Error connecting to <server>"
    stdout_is_tty: bool = False      # status lines stop once rows go to the same terminal


class _Discard(Exception):
    """Abort the atomic output (its temp file is removed) and exit with *code*."""

    def __init__(self, code: int) -> None:
        self.code = code


def describe_error(exc: BaseException, *, sql: str = "", server: str = "", query_id: str | None = None) -> tuple[int, list[str]]:
    """Exit code and the stderr lines (first line one-line message) for an expected failure."""
    if isinstance(exc, QueryFailed):
        qid = exc.query_id or query_id or "?"
        name = f"{exc.error_name}: " if exc.error_name else ""
        return ExitCode.FAILED, [f"Query {qid} failed: {name}{exc.message}", *error_context_lines(sql, exc.line, exc.column)]
    if isinstance(exc, AuthenticationError):
        text = str(exc)
        return ExitCode.CONNECTION, [text if text.lower().startswith("authentication failed") else f"Authentication failed: {text}"]
    if isinstance(exc, TrinoConnectionError):
        detail = re.sub(r"^Cannot reach [^ ]+: ", "", str(exc))  # the server is named already
        return ExitCode.CONNECTION, [f"Error connecting to {server}: {detail}" if server else f"Error connecting: {exc}"]
    if isinstance(exc, ConfigError):
        return ExitCode.USAGE, [f"Invalid configuration: {exc}"]
    if isinstance(exc, QueryCancelled):
        return ExitCode.FAILED, [f"Query {query_id or '?'} was cancelled: {exc}"]
    if isinstance(exc, TrinoTuiError):
        return ExitCode.FAILED, [f"Query {query_id} failed: {exc}" if query_id else f"Error: {exc}"]
    if isinstance(exc, OSError):
        return ExitCode.FAILED, [f"Error writing output: {exc}"]
    return ExitCode.FAILED, [f"Unexpected error: {type(exc).__name__}: {exc} (run with --debug for the traceback)"]


class HeadlessRunner:
    """Runs statements on one TrinoClient; see the module docstring."""

    def __init__(
        self,
        client: Any,
        options: HeadlessOptions,
        *,
        stdout: BinaryIO,
        console: ProgressReporter,
        guard: InterruptGuard,
        writer_factory: Callable[..., Any] = create_writer,
    ) -> None:
        self._client = client
        self._opts = options
        self._stdout = stdout
        self._console = console
        self._guard = guard
        self._create_writer = writer_factory

    def run(self, statements: Sequence[Statement]) -> int:
        try:
            if self._opts.output_file:
                with atomic_output(self._opts.output_file) as out:
                    code = self._run_all(statements, out, flush=False)
                    if code != ExitCode.OK:
                        raise _Discard(code)
                return ExitCode.OK
            return self._run_all(statements, self._stdout, flush=True)
        except _Discard as d:
            return d.code
        except KeyboardInterrupt:
            return self._guard.exit_code
        except OSError as exc:  # creating/renaming the output file
            return self._fail(exc)

    def _run_all(self, statements: Sequence[Statement], out: BinaryIO, *, flush: bool) -> int:
        for stmt in statements:
            code = self._run_one(stmt, out, flush=flush)
            if code != ExitCode.OK:
                return code
        return ExitCode.OK

    def _run_one(self, stmt: Statement, out: BinaryIO, *, flush: bool) -> int:
        query = None
        try:
            query = self._client.execute(stmt.text)
            self._guard.watch(query)
            self._console.attach(query)
            with query:
                self._consume(query, out, flush=flush)
                self._finish(query, "FINISHED")
            return ExitCode.OK
        except KeyboardInterrupt:
            self._cancel(query)
            return self._interrupted(query)
        except BrokenPipeError:
            self._cancel(query)
            self._console.detach()
            return ExitCode.BROKEN_PIPE
        except QueryCancelled as exc:
            if self._guard.interrupted:
                return self._interrupted(query)
            return self._fail(exc, stmt, query)
        except (TrinoTuiError, OSError) as exc:
            return self._fail(exc, stmt, query)
        except Exception as exc:  # unexpected: one line unless --debug
            self._cancel(query)
            return self._fail(exc, stmt, query)
        finally:
            self._guard.watch(None)

    def _wait_columns(self, query: Any) -> list:
        """query.wait_columns(), but give up promptly once Ctrl-C cancelled the query."""
        while True:
            try:
                return query.wait_columns(timeout=0.25)
            except TimeoutError:
                if self._guard.interrupted:
                    raise QueryCancelled("Query was cancelled") from None

    def _consume(self, query: Any, out: BinaryIO, *, flush: bool) -> None:
        columns = self._wait_columns(query)
        if not columns:
            for _ in query.batches():
                pass
            self._report_update(query)
            return
        writer = self._create_writer(self._opts.output_format, out, columns)
        first = True
        for batch in query.batches():
            if first and flush and self._opts.stdout_is_tty:
                self._console.detach()  # rows now share the terminal with the status lines
            first = False
            writer.write_rows(batch.rows)
            # The rows are ours once delivered; emptying the list frees them now even while
            # pipeline threads still hold a stale reference to the unit that carried them.
            batch.rows.clear()
            if flush:
                out.flush()
        writer.close()
        if flush:
            out.flush()

    def _report_update(self, query: Any) -> None:
        update = getattr(query, "update_type", None)
        if not update:
            return
        count = getattr(query, "update_count", None)
        self._console.message(f"{update}: {count} row{'s' if count != 1 else ''}" if count is not None else update)

    def _finish(self, query: Any, state: str) -> None:
        self._console.detach()
        for warning in getattr(query, "warnings", None) or ():
            message = warning.get("message") if isinstance(warning, dict) else str(warning)
            self._console.message(f"WARNING: {' '.join(str(message).split())}")
        if self._opts.progress:
            self._console.message(render_summary(query.snapshot(), state=state))

    def _interrupted(self, query: Any) -> int:
        self._guard.close()  # the DELETE has been sent once the canceller is joined
        self._console.detach()
        qid = getattr(query, "query_id", None)
        reason = self._guard.reason
        self._console.message(f"Query {qid} cancelled ({reason})" if qid else reason.capitalize())
        return self._guard.exit_code

    def _cancel(self, query: Any) -> None:
        if query is None:
            return
        try:
            query.cancel()
        except Exception:
            pass

    def _fail(self, exc: BaseException, stmt: Statement | None = None, query: Any = None) -> int:
        self._console.detach()
        code, lines = describe_error(
            exc, sql=stmt.text if stmt else "", server=self._opts.server, query_id=getattr(query, "query_id", None)
        )
        if self._opts.debug:
            self._console.message("".join(traceback.format_exception(exc)).rstrip("\n"))
        for line in lines:
            self._console.message(line)
        return code
