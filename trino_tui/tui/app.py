"""TrinoTuiApp: the editor / result grid / pipeline panel screen, and ``run_tui``.

Owns: composing the widgets, key bindings, the current QueryRunner and RowStore, the TrinoClient
(built from the core ``Settings``), the optional in-process sandbox (a SandboxHost), clipboard and
theme set-up. Threads never touch widgets: runners, export jobs and the SandboxHost post messages
(``post_message`` is thread-safe); this class applies them on the UI thread and drops messages of
replaced runs (``generation``). The UI thread never waits on the network: cancel/stop are
non-blocking in every phase. Quitting closes runners, the client and the sandbox within
``QUIT_TIMEOUT`` seconds in total (threads left behind are daemons).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from trino_tui.core.errors import describe
from trino_tui.core.rowstore import RowStore
from trino_tui.core.run import Failed, Finished
from trino_tui.tui.clipboard import Clipboard, SystemClipboard
from trino_tui.tui.commands import TrinoCommands
from trino_tui.tui.buffer_actions import BUFFER_BINDINGS, EDITOR_TABS_HINT, BufferActions
from trino_tui.tui.explore_actions import ExploreActions
from trino_tui.tui.grid_tool_actions import GridToolActions
from trino_tui.tui.query_info_actions import QueryInfoActions
from trino_tui.tui.messages import (
    QueryDone,
    QueryProgress,
    ResultStarted,
    SandboxProgress,
    SandboxReady,
)
from trino_tui.tui.result_actions import ResultActions
from trino_tui.tui.result_tabs import RESULT_BINDINGS, RESULT_TABS_HINT, ResultTabs
from trino_tui.tui.profiles import ProfileActions
from trino_tui.tui.runner import QueryRunner
from trino_tui.tui.runtime import tune_runtime
from trino_tui.tui.screens.external_login import install_login_dialog
from trino_tui.tui.sandbox_host import SandboxHost
from trino_tui.tui.themes import load_themes
from trino_tui.tui.widgets.editor import RunTarget, SqlEditor
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.status_bar import QueryStatusBar
from trino_tui.tui.widgets.tab_strip import TabStrip

if TYPE_CHECKING:
    from trino_tui.client import ClientConfig, TrinoClient
    from trino_tui.core.settings import Settings

QUIT_TIMEOUT = 2.0
_ERROR_TITLES = {"connection": "Cannot connect", "auth": "Authentication failed", "config": "Invalid configuration"}
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


def _host_port(server: str) -> str | None:
    """"host:port" of the coordinator (lets the pipeline panel recognise coordinator proxying)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(server)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"{parts.hostname}:{port}"
    except (AttributeError, ValueError):
        return None


class TrinoTuiApp(GridToolActions, QueryInfoActions, ResultTabs, BufferActions, ExploreActions, ResultActions, ProfileActions, App):
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
        Binding("f9", "run_all", "Run all", show=False, priority=True, id="run-all"),
        Binding("ctrl+b", "toggle_browser", "Browser", show=False, priority=True, id="browser"),
        Binding("ctrl+r", "history", "History", show=False, priority=True, id="history"),
        Binding("ctrl+g", "query_details", "Query details", show=False, priority=True, id="query-details"),
        Binding("ctrl+l", "show_plan", "Plan", show=False, priority=True, id="plan"),
        *BUFFER_BINDINGS, *RESULT_BINDINGS,  # editor tabs / files, result tabs
    ]

    def __init__(
        self,
        settings: "Settings",
        *,
        sandbox_config: Any | None = None,
        theme: str | None = None,
        initial_sql: str | None = None,
        clock: Callable[[], float] | None = None,
        clipboard: Clipboard | None = None,
        client_factory: "Callable[[ClientConfig], TrinoClient] | None" = None,
        workspace: Any | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
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
        self.grid_tools_init()  # sort / filter / search (grid_tool_actions)
        self.buffers_init()  # editor tabs (buffer_actions)
        self.results_init(settings.values.get("result_tabs"))  # one result per statement (result_tabs)
        self.explore_init(workspace, custom_client=client_factory is not None)  # browser, completion, history
        self._explicit_sql = initial_sql is not None
        if initial_sql is None and sandbox_config is not None:
            initial_sql = SANDBOX_SQL
        self._initial_sql = initial_sql or ""
        loaded = load_themes()
        self._theme_errors = loaded.errors
        for t in loaded.themes:
            self.register_theme(t)
        self._wanted_theme = theme or DEFAULT_THEME
        if self._wanted_theme in self.available_themes:  # before the first CSS pass: set in on_mount, it
            self.theme = self._wanted_theme             # re-applied every style before the first frame

    # -- composition -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        results = Vertical(TabStrip(id="result-tabs", hint=RESULT_TABS_HINT), ResultGrid(id="grid"),
                           PipelinePanel(id="pipeline", coordinator_host=_host_port(self.settings.server)), id="results")
        yield from self.explore_layout([TabStrip(id="editor-tabs", hint=EDITOR_TABS_HINT),
                                        SqlEditor(self._initial_sql, id="editor"), results])
        yield QueryStatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        install_login_dialog(self, self.settings.client)  # before any client (also the catalog browser's) runs
        if self._wanted_theme not in self.available_themes:
            self.notify(f"Unknown theme {self._wanted_theme!r}; available: {', '.join(sorted(self.available_themes))}",
                        severity="error")
            self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        for err in self._theme_errors:
            self.notify(f"Theme file skipped: {err}", severity="warning")
        self.query_one("#pipeline", PipelinePanel).display = False
        editor = self.query_one(SqlEditor)
        self.explore_mount(editor, explicit_sql=self._explicit_sql)
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
        self.settings = self.settings.replace(server=message.url)
        self._sandbox_ready = True
        self.explore_connected()
        self.query_one("#pipeline", PipelinePanel).coordinator_host = _host_port(self.settings.server)
        self.notify(f"Sandbox ready at {message.url}", title="Sandbox", timeout=3)
        self.sub_title = f"sandbox {message.url}"
        pending, self._pending = self._pending, None
        if pending is not None and not self._modal_open():
            self.run_sql(pending)

    # -- queries ---------------------------------------------------------------------------------
    @property
    def config(self) -> "ClientConfig":
        """The ClientConfig the app connects with (``settings.client``)."""
        return self.settings.client

    def _default_client(self, config: "ClientConfig") -> "TrinoClient":
        from trino_tui.client import ConfigError, TrinoClient

        if self.settings.values.get("trace"):  # --trace FILE: record every statement (trino_tui.insight)
            from trino_tui.insight.tracing import TracedClient

            try:
                return TracedClient(config, self.settings.values["trace"], clock=self.clock)  # type: ignore[return-value]
            except ConfigError as exc:
                self.notify(f"{exc} (not tracing)", severity="error", title="Trace")
        return TrinoClient(config, clock=self.clock)

    def _client_for_run(self) -> "TrinoClient":
        if self._client is None:
            install_login_dialog(self, self.settings.client)  # an OAuth2 login shows its URL in a dialog
            self._client = self._client_factory(self.settings.client)
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
        if self._modal_open() or self.explore_run_selection():
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
            self.notify(describe(exc, server=self.settings.server).message, severity="error", title="Cannot connect")
            return
        previous = self._runner
        if previous is not None:
            previous.cancel()
            self._retired.append(previous)
        self._generation += 1
        self._target = target
        self._snapshot = None
        self.results_open(target.statement.text, self._generation)  # a new result tab; the others keep theirs
        grid = self.query_one(ResultGrid)
        grid.set_status("streaming")
        self._status = "streaming"
        self.explore_started()
        self._runner = QueryRunner(
            client,
            target.statement.text,
            generation=self._generation,
            post=self.post_message,
            store_factory=self.results_store,
            previous=previous,
            server=self.settings.server,
        ).start()
        self._update_status_bar()
        self.refresh_bindings()  # ctrl+c / F3 now cancel/stop the query (footer too)

    def _set_store(self, store: RowStore | None) -> None:
        self.grid_tools_forget(store)
        old, self._store = self._store, store
        self.query_one(ResultGrid).show_result(store)
        if old is not None and old is not store and not self.results_holds(old):
            old.close()

    @_while_mounted
    def on_result_started(self, message: ResultStarted) -> None:
        if message.generation != self._generation:
            message.store.close()
            return
        if not self.results_attach(message.generation, message.store):  # its tab is not shown
            return
        self._set_store(message.store)
        self._status = "streaming"
        self.query_one(ResultGrid).set_status("streaming")
        self._update_status_bar()

    @_while_mounted
    def on_query_progress(self, message: QueryProgress) -> None:
        if message.generation != self._generation or not self.results_progress(message.generation, message.snapshot):
            return
        self.show_snapshot(message.snapshot)
        if self._store is not None:
            self.query_one(ResultGrid).sync()

    def show_snapshot(self, snapshot: Any) -> None:
        """Show a pipeline snapshot in the panel (when visible) and the status bar."""
        self._snapshot = snapshot
        panel = self.query_one("#pipeline", PipelinePanel)
        if panel.display:
            panel.update_snapshot(snapshot, outcome=self._panel_outcome())
        self._update_status_bar()

    def _panel_outcome(self) -> str | None:
        """How the query ended, for the pipeline panel (tells a stop from a cancel)."""
        return self._status if self._status in ("finished", "stopped", "cancelled", "failed") else None

    def on_result_grid_cursor_moved(self, message: ResultGrid.CursorMoved) -> None:
        panel = self.query_one("#pipeline", PipelinePanel)
        if panel.display:  # the segment that delivered the row shows in the panel
            panel.show_row(message.row)

    def on_pipeline_panel_jump_to_row(self, message: PipelinePanel.JumpToRow) -> None:
        grid = self.query_one(ResultGrid)  # Enter on a segment: the grid shows its first row
        grid.cursor = (message.row, grid.cursor[1])

    def _update_status_bar(self) -> None:
        rows = len(self._store) if self._store is not None else 0
        self.query_one(QueryStatusBar).update_snapshot(self._snapshot, rows_in_grid=rows, status=self._status)

    @_while_mounted
    def on_query_done(self, message: QueryDone) -> None:
        self._retired = [r for r in self._retired if r.running]
        shown = self.results_finish(message)  # its result tab keeps the outcome (a replaced run's too)
        if message.generation != self._generation:
            return
        outcome = message.outcome
        error = outcome.error if isinstance(outcome, Failed) else None
        if shown:
            self._status = outcome.status
            if message.snapshot is not None:
                self._snapshot = message.snapshot
            grid = self.query_one(ResultGrid)
            if self._store is not None:
                grid.sync()
            grid.set_status(outcome.status, message=error.message if error else None)
            self.show_snapshot(self._snapshot)
        self.refresh_bindings()  # ctrl+c is the editor's copy key again
        if error is not None:
            self.notify(error.message, severity="error", title=_ERROR_TITLES.get(error.kind, "Query failed"),
                        timeout=10)
            if error.line is not None and self._target is not None:
                self.query_one(SqlEditor).show_error(self._target, error.line, error.column or 1)
        elif outcome.status == "stopped":
            self.notify(f"Stopped after {outcome.rows:,} rows", title="Query stopped")
        elif outcome.status == "cancelled":
            self.notify(f"Cancelled after {outcome.rows:,} rows", title="Query cancelled", severity="warning")
        elif isinstance(outcome, Finished) and outcome.update_type and not (
                self._store is not None and self._store.columns):
            count = f": {outcome.update_count:,} rows" if outcome.update_count is not None else ""
            self.notify(f"{outcome.update_type}{count}", title="Done")
        self.explore_done(outcome, self._snapshot)  # history, context line, Run all's next statement

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
            panel.update_snapshot(self._snapshot, outcome=self._panel_outcome())

    def action_help(self) -> None:
        """Show the key bindings."""
        from trino_tui.tui.screens.help import HelpScreen

        if not self._modal_open():
            self.push_screen(HelpScreen(b for b in self.BINDINGS if isinstance(b, Binding)))

    def action_focus_editor(self) -> None:
        self.query_one(SqlEditor).focus()

    def action_focus_grid(self) -> None:
        self.query_one(ResultGrid).focus()

    # -- shutdown --------------------------------------------------------------------------------
    def close_all(self, timeout: float = QUIT_TIMEOUT) -> None:
        """Close runners, the store, the client and the sandbox within *timeout* seconds in total
        (a thread that does not end in time is a daemon and is left behind). Idempotent."""
        self._closing = True
        deadline = time.monotonic() + timeout

        def left() -> float:
            return max(0.0, deadline - time.monotonic())

        runners = [r for r in [self._runner, *self._retired] if r is not None]
        self._runner, self._retired = None, []
        for r in runners:
            r.cancel()  # all at once: each cancel is non-blocking
        for r in runners:
            r.close(timeout=left())
            if r.store is not None and not r.running:
                r.store.close()  # a store whose ResultStarted was never handled
        self.grid_tools_close(left())
        self.results_close()
        store, self._store = self._store, None
        if store is not None:
            store.close()
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001
                pass
        self.explore_close(left())
        sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            sandbox.close(timeout=left())

    def on_unmount(self) -> None:
        self.close_all()


def run_tui(
    settings: "Settings",
    *,
    sandbox_config: Any | None = None,
    theme: str | None = None,
    initial_sql: str | None = None,
) -> int:
    """Run the TUI until the user quits; returns the process exit code.

    With a ``sandbox_config`` an in-process sandbox is started and the settings are pointed at it
    once it answers; everything is stopped on exit (bounded, see ``close_all``).
    """
    import sys

    from trino_tui.explore.paths import state_dir
    from trino_tui.explore.workspace import Workspace
    from trino_tui.tui.explore_actions import default_metadata_runner

    app = TrinoTuiApp(settings, sandbox_config=sandbox_config, theme=theme, initial_sql=initial_sql,
                      workspace=Workspace(default_metadata_runner, state_dir=state_dir()))
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
