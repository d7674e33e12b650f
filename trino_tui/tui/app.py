"""TrinoTuiApp: the editor / result grid / pipeline panel screen, and ``run_tui``.

Owns: composing the widgets, key bindings, the current QueryRunner and RowStore, the TrinoClient,
the optional in-process sandbox (a SandboxHost), clipboard and theme set-up.
Threads never touch widgets: runners, export jobs and the SandboxHost post messages
(``post_message`` is thread-safe); this class applies them on the UI thread and drops messages of
replaced runs (``generation``). On exit every runner is closed (threads joined) and the sandbox stopped.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from trino_tui.core.rowstore import RowStore
from trino_tui.tui.clipboard import Clipboard, ClipboardUnavailable, SystemClipboard, copy_text
from trino_tui.tui.commands import TrinoCommands
from trino_tui.tui.messages import (
    QueryDone,
    QueryProgress,
    ResultStarted,
    SandboxProgress,
    SandboxReady,
)
from trino_tui.tui.runner import QueryRunner, one_line
from trino_tui.tui.runtime import tune_runtime
from trino_tui.tui.sandbox_host import SandboxHost
from trino_tui.tui.themes import load_themes
from trino_tui.tui.widgets.editor import RunTarget, SqlEditor
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.status_bar import QueryStatusBar

DEFAULT_THEME = "trino-dark"
SANDBOX_SQL = (
    "-- trino-tui sandbox: TPC-H data (tpch.tiny = scale factor 0.01).\n"
    "-- ctrl+j runs the statement under the cursor, F2 shows the spooling pipeline.\n"
    "SELECT * FROM tpch.tiny.lineitem;\n"
)


def _while_mounted(handler: Callable[..., None]) -> Callable[..., None]:
    """Worker messages can arrive while the app shuts down (widgets gone): drop them quietly."""

    def wrapper(self: "TrinoTuiApp", message: Any) -> None:
        if self._closing:
            return
        try:
            handler(self, message)
        except NoMatches:
            return

    wrapper.__name__ = handler.__name__
    wrapper.__doc__ = handler.__doc__
    return wrapper


def _host_port(config: Any) -> str | None:
    """"host:port" of the coordinator (lets the pipeline panel recognise coordinator proxying)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(config.server)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"{parts.hostname}:{port}"
    except (AttributeError, ValueError):
        return None


class TrinoTuiApp(App):
    """A Trino SQL client: editor on top, streaming result grid below, pipeline panel on F2."""

    CSS_PATH = "app.tcss"
    TITLE = "trino-tui"
    COMMANDS = App.COMMANDS | {TrinoCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+j", "run_query", "Run", priority=True, id="run"),
        Binding("ctrl+enter", "run_query", "Run", show=False, priority=True),
        Binding("ctrl+c", "cancel_query", "Cancel", priority=True, id="cancel"),
        Binding("f3", "stop_query", "Stop, keep rows", priority=True, id="stop"),
        Binding("f2", "toggle_pipeline", "Pipeline", priority=True, id="pipeline"),
        Binding("f4", "export_result", "Export", priority=True, id="export"),
        Binding("f5", "export_query", "Export query", priority=True, id="export-query"),
        Binding("f6", "copy_cell", "Copy cell", priority=True, id="copy-cell"),
        Binding("f7", "copy_row", "Copy row", priority=True, id="copy-row"),
        Binding("f8", "copy_selection", "Copy sel.", priority=True, id="copy-selection"),
    ]

    def __init__(
        self,
        config: Any,
        *,
        sandbox_config: Any | None = None,
        theme: str | None = None,
        initial_sql: str | None = None,
        clock: Callable[[], float] | None = None,
        clipboard: Clipboard | None = None,
        client_factory: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.sandbox_config = sandbox_config
        self.clock = clock or time.monotonic
        self.clipboard_backend: Clipboard = clipboard or SystemClipboard(self.copy_to_clipboard)
        self._client_factory = client_factory or self._default_client
        self._client: Any = None
        self._generation = 0
        self._runner: QueryRunner | None = None
        self._retired: list[QueryRunner] = []
        self._target: RunTarget | None = None
        self._store: RowStore | None = None
        self._snapshot: Any = None
        self._status = "idle"
        self._sandbox: SandboxHost | None = None
        self._sandbox_ready = sandbox_config is None
        self._closing = False
        self._pending: RunTarget | None = None  # run requested while the sandbox was starting
        if initial_sql is None and sandbox_config is not None:
            initial_sql = SANDBOX_SQL
        self._initial_sql = initial_sql or ""
        loaded = load_themes()
        self._theme_errors = loaded.errors
        for t in loaded.themes:
            self.register_theme(t)
        self._wanted_theme = theme or DEFAULT_THEME

    # -- composition -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SqlEditor(self._initial_sql, id="editor")
        with Vertical(id="results"):
            yield ResultGrid(id="grid")
            yield PipelinePanel(id="pipeline", coordinator_host=_host_port(self.config))
        yield QueryStatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self._wanted_theme in self.available_themes:
            self.theme = self._wanted_theme
        else:
            self.notify(f"Unknown theme {self._wanted_theme!r}; available: {', '.join(sorted(self.available_themes))}",
                        severity="error")
            self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        for err in self._theme_errors:
            self.notify(f"Theme file skipped: {err}", severity="warning")
        self.query_one("#pipeline", PipelinePanel).display = False
        editor = self.query_one(SqlEditor)
        if self._initial_sql:
            last = self._initial_sql.rstrip("\n").split("\n")
            editor.move_cursor((len(last) - 1, 0))
        editor.focus()
        self._update_status_bar()
        if self.sandbox_config is not None:
            self._start_sandbox()

    # -- sandbox ---------------------------------------------------------------------------------
    def _start_sandbox(self) -> None:
        self.notify("Starting the sandbox (the first start generates TPC-H data)…", title="Sandbox")
        self._sandbox = SandboxHost(self.sandbox_config, self.post_message).start()

    @_while_mounted
    def on_sandbox_progress(self, message: SandboxProgress) -> None:
        self.notify(message.text, title="Sandbox", timeout=3)

    @_while_mounted
    def on_sandbox_ready(self, message: SandboxReady) -> None:
        if message.error:
            self.notify(f"Sandbox failed to start: {message.error}", severity="error", timeout=30)
            return
        replace: dict[str, Any] = {"server": message.url}
        if getattr(self.config, "catalog", None) is None:
            replace.update(catalog="tpch", schema="tiny")
        self.config = dataclasses.replace(self.config, **replace)
        self._sandbox_ready = True
        self.query_one("#pipeline", PipelinePanel).coordinator_host = _host_port(self.config)
        self.notify(f"Sandbox ready at {message.url}", title="Sandbox", timeout=3)
        self.sub_title = f"sandbox {message.url}"
        pending, self._pending = self._pending, None
        if pending is not None and not self._modal_open():
            self.run_sql(pending)

    # -- queries ---------------------------------------------------------------------------------
    def _default_client(self, config: Any) -> Any:
        """A client with ``lazy_rows``: segments are verified but not parsed in the pipeline.

        The row store keeps segment bytes and parses only the rows on screen, so parsing every
        segment in the background (orjson holds the GIL for a whole segment) would only make the
        UI thread wait: benchmarks/tui_bench.py measures the keypress latency this buys."""
        from trino_tui.client import TrinoClient

        return TrinoClient(dataclasses.replace(config, lazy_rows=True), clock=self.clock)

    def _client_for_run(self) -> Any:
        if self._client is None:
            self._client = self._client_factory(self.config)
        return self._client

    @property
    def runner(self) -> QueryRunner | None:
        return self._runner

    @property
    def store(self) -> RowStore | None:
        return self._store

    @property
    def query_status(self) -> str:
        """idle | streaming | finished | stopped | cancelled | failed (the grid's vocabulary)."""
        return self._status

    def _modal_open(self) -> bool:
        return isinstance(self.screen, ModalScreen)

    def action_run_query(self) -> None:
        """Run the selection, else the statement under the cursor; cancels a running query first."""
        if self._modal_open():
            return
        target = self.query_one(SqlEditor).run_target()
        if target is None:
            self.notify("Nothing to run: the editor holds no statement", severity="warning")
            return
        if not self._sandbox_ready:
            self._pending = target
            self.notify("The sandbox is still starting: the statement runs as soon as it is ready", timeout=3)
            return
        self.run_sql(target)

    def run_sql(self, target: RunTarget) -> None:
        """Start ``target`` (cancelling the current run; the new runner joins it off the UI thread)."""
        try:
            client = self._client_for_run()
        except Exception as exc:  # noqa: BLE001 - e.g. ConfigError
            self.notify(one_line(exc), severity="error", title="Cannot connect")
            return
        previous = self._runner
        if previous is not None:
            previous.cancel()
            self._retired.append(previous)
        self._generation += 1
        self._target = target
        self._snapshot = None
        self._set_store(None)
        grid = self.query_one(ResultGrid)
        grid.set_status("streaming")
        self._status = "streaming"
        self._runner = QueryRunner(
            client,
            target.statement.text,
            generation=self._generation,
            post=self.post_message,
            store_factory=RowStore,
            previous=previous,
        ).start()
        self._update_status_bar()

    def _set_store(self, store: RowStore | None) -> None:
        old, self._store = self._store, store
        self.query_one(ResultGrid).show_result(store)
        if old is not None and old is not store:
            old.close()

    @_while_mounted
    def on_result_started(self, message: ResultStarted) -> None:
        if message.generation != self._generation:
            message.store.close()
            return
        self._set_store(message.store)
        self._status = "streaming"
        self.query_one(ResultGrid).set_status("streaming")
        self._update_status_bar()

    @_while_mounted
    def on_query_progress(self, message: QueryProgress) -> None:
        if message.generation != self._generation:
            return
        self.show_snapshot(message.snapshot)
        if self._store is not None:
            self.query_one(ResultGrid).sync()

    def show_snapshot(self, snapshot: Any) -> None:
        """Show a pipeline snapshot in the panel (when visible) and the status bar."""
        self._snapshot = snapshot
        panel = self.query_one("#pipeline", PipelinePanel)
        if panel.display:
            panel.update_snapshot(snapshot)
        self._update_status_bar()

    def _update_status_bar(self) -> None:
        rows = len(self._store) if self._store is not None else 0
        self.query_one(QueryStatusBar).update_snapshot(self._snapshot, rows_in_grid=rows, status=self._status)

    @_while_mounted
    def on_query_done(self, message: QueryDone) -> None:
        self._retired = [r for r in self._retired if r.running]
        if message.generation != self._generation:
            return
        outcome = message.outcome
        self._status = outcome.status
        if message.snapshot is not None:
            self._snapshot = message.snapshot
        grid = self.query_one(ResultGrid)
        if self._store is not None:
            grid.sync()
        grid.set_status(outcome.status, message=outcome.message)
        self.show_snapshot(self._snapshot)
        if outcome.status == "failed":
            self.notify(outcome.message or "Query failed", severity="error", title="Query failed", timeout=10)
            if outcome.error_line is not None and self._target is not None:
                self.query_one(SqlEditor).show_error(self._target, outcome.error_line, outcome.error_column or 1)
        elif outcome.status == "stopped":
            self.notify(f"Stopped after {outcome.rows:,} rows", title="Query stopped")
        elif outcome.status == "cancelled":
            self.notify(f"Cancelled after {outcome.rows:,} rows", title="Query cancelled", severity="warning")
        elif outcome.update_type and not (self._store is not None and self._store.columns):
            count = f": {outcome.update_count:,} rows" if outcome.update_count is not None else ""
            self.notify(f"{outcome.update_type}{count}", title="Done")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+c cancels only while a query runs; otherwise it stays the editor's copy key."""
        if action in ("cancel_query", "stop_query"):
            return self._runner is not None and self._runner.running
        return True

    def action_cancel_query(self) -> None:
        """Cancel the running query on the server (DELETE); its rows so far stay visible."""
        if self._runner is not None and self._runner.running:
            self._runner.cancel()
            self.notify("Cancelling…", timeout=2)

    def action_stop_query(self) -> None:
        """Stop the running query and keep the rows received so far."""
        if self._runner is not None and self._runner.running:
            self._runner.stop()

    # -- panel / focus ---------------------------------------------------------------------------
    def action_toggle_pipeline(self) -> None:
        """Show or hide the spooling pipeline panel."""
        panel = self.query_one("#pipeline", PipelinePanel)
        panel.display = not panel.display
        self.screen.set_class(panel.display, "-pipeline")
        if panel.display:
            panel.update_snapshot(self._snapshot)

    def action_help(self) -> None:
        """Show the key bindings."""
        from trino_tui.tui.screens.help import HelpScreen

        if not self._modal_open():
            self.push_screen(HelpScreen(b for b in self.BINDINGS if isinstance(b, Binding)))

    def action_focus_editor(self) -> None:
        self.query_one(SqlEditor).focus()

    def action_focus_grid(self) -> None:
        self.query_one(ResultGrid).focus()

    # -- export ----------------------------------------------------------------------------------
    def action_export_result(self) -> None:
        """Export the current result (all rows held) to a file."""
        from trino_tui.export import FORMATS
        from trino_tui.tui.export_job import StoreSource
        from trino_tui.tui.screens.export_dialog import ExportDialog

        if self._modal_open():
            return
        store = self._store
        if store is None or not store.columns:
            self.notify("No result to export: run a query first", severity="warning")
            return
        if self._runner is not None and self._runner.running:
            self.notify("The query is still running: the export holds the rows received so far",
                        severity="warning")
        self.push_screen(ExportDialog(f"Export result ({len(store):,} rows)", lambda: StoreSource(store),
                                      FORMATS, total_rows=len(store)))

    def action_export_query(self) -> None:
        """Stream the statement under the cursor straight to a file (not held in the grid)."""
        from trino_tui.export import FORMATS
        from trino_tui.tui.export_job import QuerySource
        from trino_tui.tui.screens.export_dialog import ExportDialog

        if self._modal_open():
            return
        if not self._sandbox_ready:
            self.notify("The sandbox is still starting; try again in a moment", severity="warning")
            return
        target = self.query_one(SqlEditor).run_target()
        if target is None:
            self.notify("Nothing to export: the editor holds no statement", severity="warning")
            return
        sql = target.statement.text
        short = " ".join(sql.split())
        short = short if len(short) <= 60 else short[:59] + "…"
        config = self.config
        self.push_screen(ExportDialog(f"Export from query: {short}",
                                      lambda: QuerySource(lambda: self._client_factory(config), sql), FORMATS))

    # -- clipboard -------------------------------------------------------------------------------
    def _copy(self, text: str, what: str) -> None:
        try:
            how = self.clipboard_backend.copy(text)
        except ClipboardUnavailable as exc:
            self.notify(f"Copy failed: {exc}", severity="error")
            return
        self.notify(f"{what}: {how}", timeout=3)

    def _copy_what(self, what: str) -> None:
        """Copy "cell" | "row" | "selection" of the current result (see clipboard.copy_text)."""
        grid = self.query_one(ResultGrid)
        text = copy_text(what, self._store, grid.cursor, grid.selection_values)
        if text is None:
            self.notify("Nothing to copy: no rows", severity="warning")
        else:
            self._copy(text, f"{what.capitalize()} copied")

    def action_copy_cell(self) -> None:
        """Copy the cursor's cell (Trino CLI text)."""
        self._copy_what("cell")

    def action_copy_row(self) -> None:
        """Copy the cursor's row as TSV."""
        self._copy_what("row")

    def action_copy_selection(self) -> None:
        """Copy the selected range (or the cursor cell) as TSV; ranges get a header line."""
        self._copy_what("selection")

    # -- shutdown --------------------------------------------------------------------------------
    def close_all(self) -> None:
        """Close runners (joining their threads), the store, the client and the sandbox. Idempotent."""
        self._closing = True
        runners = [r for r in [self._runner, *self._retired] if r is not None]
        self._runner, self._retired = None, []
        for r in runners:
            r.close()
            if r.store is not None:
                r.store.close()  # a store whose ResultStarted was never handled
        store, self._store = self._store, None
        if store is not None:
            store.close()
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001
                pass
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            sandbox.close()

    def on_unmount(self) -> None:
        self.close_all()


def run_tui(
    config: Any,
    *,
    sandbox: bool = False,
    sandbox_config: Any | None = None,
    theme: str | None = None,
    initial_sql: str | None = None,
) -> int:
    """Run the TUI until the user quits; returns the process exit code.

    With ``sandbox=True`` an in-process sandbox is started (``sandbox_config`` or defaults) and the
    client is pointed at it once it answers; everything is stopped and joined on exit.
    """
    import sys

    if sandbox and sandbox_config is None:
        from trino_tui.sandbox import SandboxConfig

        sandbox_config = SandboxConfig()
    app = TrinoTuiApp(config, sandbox_config=sandbox_config if sandbox else None, theme=theme,
                      initial_sql=initial_sql)
    if theme is not None and theme not in app.available_themes:
        names = ", ".join(sorted(app.available_themes))
        print(f"trino-tui: unknown theme {theme!r} (available: {names})", file=sys.stderr)
        return 2
    tune_runtime()
    try:
        app.run()
    finally:
        app.close_all()
    return app.return_code or 0
