"""ResultActions: the app's export and clipboard actions (a mixin of ``TrinoTuiApp``).

Owns what F4/F5 (export the result held / stream a statement to a file) and F6/F7/F8 (copy cell,
row, selection) do. UI thread only; the export itself runs in an ``ExportJob`` thread started by
the export dialog. Relies on the app's ``settings``, ``_store``, ``_runner``, ``_sandbox_ready``,
``_client_factory``, ``clipboard_backend`` and ``_modal_open()``.
"""

from __future__ import annotations

from trino_tui.tui.clipboard import ClipboardUnavailable, copy_text
from trino_tui.tui.widgets.editor import SqlEditor
from trino_tui.tui.widgets.grid import ResultGrid


class ResultActions:
    """Export and copy actions; see the module docstring."""

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

    def _editor_statement(self, what: str):
        """The statement under the editor's cursor for an action that runs it, or None after telling
        the user why not (a dialog is open, the sandbox is starting, the editor holds no statement)."""
        if self._modal_open():
            return None
        if not self._sandbox_ready:
            self.notify("The sandbox is still starting; try again in a moment", severity="warning")
            return None
        target = self.query_one(SqlEditor).run_target()
        if target is None:
            self.notify(f"Nothing to {what}: the editor holds no statement", severity="warning")
        return target

    def action_export_query(self) -> None:
        """Stream the statement under the cursor straight to a file (not held in the grid)."""
        from trino_tui.export import FORMATS
        from trino_tui.tui.export_job import QuerySource
        from trino_tui.tui.screens.export_dialog import ExportDialog

        target = self._editor_statement("export")
        if target is None:
            return
        sql = target.statement.text
        short = " ".join(sql.split())
        short = short if len(short) <= 60 else short[:59] + "…"
        config, server = self.settings.client, self.settings.server
        self.push_screen(ExportDialog(f"Export from query: {short}",
                                      lambda: QuerySource(lambda: self._client_factory(config), sql, server=server),
                                      FORMATS))

    # -- clipboard -------------------------------------------------------------------------------
    def _copy(self, text: str, what: str) -> None:
        try:
            how = self.clipboard_backend.copy(text)
        except ClipboardUnavailable as exc:
            self.notify(f"Copy failed: {exc}", severity="error")
            return
        self.notify(f"{what}: {how}", timeout=3)

    def _copy_what(self, what: str) -> None:
        """Copy "cell" | "row" | "selection" of the current result (see clipboard.copy_text). A
        selection whose rows are not decoded yet is copied when the grid's loader has them."""
        grid = self.query_one(ResultGrid)
        values = grid.selection_values() if what == "selection" else ([], [])
        if values is None:
            self.notify("Reading the selected rows…", timeout=2)
            return
        text = copy_text(what, self._store, grid.cursor, lambda: values)
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

    def on_result_grid_selection_loaded(self, message: ResultGrid.SelectionLoaded) -> None:
        self._copy_what("selection")
