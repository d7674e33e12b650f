"""``ExploreActions``: the app's exploration features, as a mixin of ``TrinoTuiApp`` —
catalog browser (toggle remembered), editor completion, context line, history (recorded for every
statement, screen on ctrl+r), the saved editor, Run all and the screenshot command.

Off (nothing composed, nothing loaded, nothing written) when the app is embedded with its own
client factory and no ``Workspace``. Metadata is loaded by the workspace's own clients on its own
threads; this mixin only hands results to widgets on the UI thread.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from textual.containers import Horizontal, Vertical
from textual.widget import Widget

from trino_tui.core.run import Failed
from trino_tui.core.statements import Statement
from trino_tui.explore.context import context_from
from trino_tui.explore.runner import ClientRunner
from trino_tui.explore.workspace import Workspace
from trino_tui.tui.widgets.catalog_tree import CatalogBrowser
from trino_tui.tui.widgets.completion import CompletionController
from trino_tui.tui.widgets.context_line import ContextLine
from trino_tui.tui.widgets.editor import RunTarget, SqlEditor

__all__ = ["ExploreActions", "default_metadata_runner"]

WARM_AFTER = 1.0  # seconds after mount: the client stack is imported in the background


def _import_client() -> None:
    from trino_tui.client import TrinoClient  # noqa: F401 - the lazy import is the point
    from trino_tui.core import run  # noqa: F401


def default_metadata_runner(config: Any) -> ClientRunner:
    """Metadata statements on fresh clients (never the editor's query client); ``config`` is the
    app's ``ClientConfig``."""

    # metadata answers are small: at most 2 downloaders (started only if an answer spools) and 1
    # decoder per statement, whatever the query's settings (4 loader threads run lookups side by side)
    small = replace(config, downloaders=2, decoders=1)

    def new_client() -> Any:
        from trino_tui.client import TrinoClient  # httpx and the pipeline: when the first one runs (start-up)

        return TrinoClient(small)

    return ClientRunner(new_client, server=config.server)


class ExploreBody(Horizontal):
    DEFAULT_CSS = """
    ExploreBody { height: 1fr; }
    ExploreBody > #main { width: 1fr; height: 1fr; }
    """


def target_for(sql: str) -> RunTarget:
    return RunTarget(Statement(sql, 0, len(sql), 0, len(sql)), sql)


class ExploreActions:
    """Mixin for ``TrinoTuiApp`` (before ``App`` in the bases)."""

    workspace: Workspace | None = None

    def explore_init(self, workspace: Workspace | None, *, custom_client: bool) -> None:
        self.workspace = workspace if workspace is not None else (
            None if custom_client else Workspace(default_metadata_runner))
        self._run_queue: list[RunTarget] = []
        self._run_total = 0
        self._run_wall = 0.0
        self._run_t0 = 0.0
        self._from_queue = False

    # -- layout ----------------------------------------------------------------------------------
    def explore_layout(self, widgets: list[Widget]) -> Iterable[Widget]:
        if self.workspace is None:
            yield from widgets
            return
        yield ContextLine(id="context")
        browser = CatalogBrowser(id="browser")
        browser.display = bool(self.workspace.pref("browser", False))
        yield ExploreBody(browser, Vertical(*widgets, id="main"), id="body")

    def explore_mount(self, editor: SqlEditor, *, explicit_sql: bool) -> None:
        """Restore the saved editor (unless SQL was given), attach completion, show the context."""
        editor.move_cursor(editor.document.end)  # a newcomer types below the sample, never into it
        self.buffers_restore(editor, explicit_sql=explicit_sql)  # the saved tabs (buffer_actions)
        if self.workspace is None:
            return
        editor.completion = CompletionController(editor, self._explore_engine)
        if self._sandbox_ready:
            self.explore_connected()
        else:
            self.explore_context()
        self.set_timer(WARM_AFTER, self._explore_warm)

    def _explore_warm(self) -> None:
        """A moment after start: import the client stack on the metadata pool (no network, no
        login), so the first ctrl+b or completion does not wait for the imports (~0.3-0.6 s)."""
        if self.workspace is not None and self._sandbox_ready:
            self.workspace.connection(self.config).pool.submit(_import_client)

    def _explore_engine(self) -> Any:
        if self.workspace is None or not self._sandbox_ready:
            return None
        return self.workspace.engine(self.config, self._session_defaults)

    def _live_session(self) -> Any:
        """The client's session (catalog/schema as USE and X-Trino-Set-* left them), or None."""
        return getattr(self._client, "session", None)

    def _session_defaults(self) -> tuple[str | None, str | None]:
        src = self._live_session() or self.config
        return getattr(src, "catalog", None), getattr(src, "schema", None)

    def explore_connected(self) -> None:
        """The server is known (at start, or when the sandbox answered): point the browser at it."""
        if self.workspace is None:
            return
        conn = self.workspace.connection(self.config)
        browser = self.query_one(CatalogBrowser)
        if browser.loader is not conn.loader and browser.display:
            browser.set_loader(conn.loader)
        self.explore_context()

    def explore_context(self, snapshot: Any = None) -> None:
        if self.workspace is None:
            return
        session = self._live_session()
        encoding = getattr(snapshot, "encoding", None) if snapshot is not None else None
        self.query_one(ContextLine).show(context_from(self.config, session, encoding=encoding,
                                                      ran=snapshot is not None, profile=self.settings.profile))

    # -- statements ------------------------------------------------------------------------------
    def explore_started(self) -> None:
        """A statement starts: note the time; one not started by Run all ends a Run all."""
        self._run_wall, self._run_t0 = time.time(), time.monotonic()
        if not self._from_queue:
            self._run_queue = []
        self._from_queue = False

    def _run_queued(self, target: RunTarget) -> None:
        self._from_queue = True
        self.run_sql(target)

    def explore_done(self, outcome: Any, snapshot: Any) -> None:
        """After each statement: history, context line, and the next statement of a Run all."""
        if self.workspace is not None and self._target is not None:
            err = self.workspace.record(self._target.statement.text, config=self.config, session=self._live_session(),
                                        started=self._run_wall, duration=time.monotonic() - self._run_t0,
                                        outcome=outcome)
            if err:
                self.notify(err, severity="warning")
            self.explore_context(snapshot)
            self.explore_save()  # the editor survives a crash or a killed terminal too
        queue, self._run_queue = self._run_queue, []
        if not queue:
            return
        done = self._run_total - len(queue)
        if outcome.status != "finished":
            why = "failed" if isinstance(outcome, Failed) else outcome.status
            self.notify(f"Run all stopped: statement {done} of {self._run_total} {why}", severity="warning")
            return
        rest = queue[1:]
        self._run_queued(queue[0])
        self._run_queue = rest

    def action_run_all(self) -> None:
        """Run every statement of the selection (else of the editor) in order; stop at the first failure."""
        if self._modal_open():
            return
        self._run_targets(self.query_one(SqlEditor).run_targets(whole=True))

    def explore_run_selection(self) -> bool:
        """ctrl+j on a selection of several statements runs them all (in order); True if it did."""
        editor = self.query_one(SqlEditor)
        if editor.selection.is_empty:
            return False
        targets = editor.run_targets(whole=False)
        if len(targets) < 2:
            return False
        self._run_targets(targets)
        return True

    def _run_targets(self, targets: list[RunTarget]) -> None:
        if not targets:
            self.notify("Nothing to run: the editor holds no statement", severity="warning")
            return
        if not self._sandbox_ready:
            self.notify("The sandbox is still starting; try again in a moment", severity="warning")
            return
        self._run_total = len(targets)
        self._run_queued(targets[0])
        self._run_queue = targets[1:]

    # -- browser ---------------------------------------------------------------------------------
    def action_toggle_browser(self) -> None:
        """Show or hide the catalog browser (remembered for the next start)."""
        if self.workspace is None:
            self.notify("The catalog browser is off in this session", severity="warning")
            return
        browser = self.query_one(CatalogBrowser)
        browser.display = not browser.display
        self.workspace.set_pref("browser", browser.display)
        if browser.display:
            if self._sandbox_ready:
                self.explore_connected()
            browser.tree.focus()
        else:
            self.query_one(SqlEditor).focus()

    def on_catalog_browser_action_requested(self, message: CatalogBrowser.ActionRequested) -> None:
        if message.action == "insert":
            editor = self.query_one(SqlEditor)
            editor.insert(message.text)
            editor.focus()
        elif message.action == "copy":
            self._copy(message.text, "Name copied")
        elif message.sql:
            self.run_sql(target_for(message.sql))

    # -- history ---------------------------------------------------------------------------------
    def action_history(self) -> None:
        """Search the statement history (enter: paste into the editor, ctrl+r: run)."""
        from trino_tui.tui.screens.history import HistoryScreen

        if self._modal_open():
            return
        if self.workspace is None or self.workspace.history is None:
            self.notify("No history in this session (it is kept only by the trino-tui command)", severity="warning")
            return
        self.push_screen(HistoryScreen(self.workspace.history), self._history_chosen)

    def _history_chosen(self, choice: tuple[str, str] | None) -> None:
        if not choice:
            return
        how, sql = choice
        if how == "run":
            self.run_sql(target_for(sql))
        else:
            editor = self.query_one(SqlEditor)
            if editor.selection.is_empty:
                editor.insert(sql)
            else:
                editor.replace(sql, *editor.selection)
            editor.focus()

    # -- screenshot / save -----------------------------------------------------------------------
    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG screenshot: to ~/Downloads when it exists, else the current directory."""
        from platformdirs import user_downloads_path

        folder = Path(path) if path else user_downloads_path()
        if not folder.is_dir():
            folder = Path.cwd()
        try:
            saved = self.save_screenshot(filename, str(folder))
        except OSError as exc:
            self.notify(f"Screenshot not saved: {exc}", severity="error")
            return
        self.notify(f"Screenshot saved to {saved}", title="Screenshot", timeout=5)

    def explore_save(self) -> None:
        err = self.buffers_save()  # every editor tab (buffer_actions)
        if err:
            self.notify(err, severity="warning")

    def explore_close(self, timeout: float) -> None:
        if self.workspace is not None:
            self.workspace.close(timeout)
