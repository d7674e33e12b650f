"""GridToolActions: sort, filter and quick search of the result (a mixin of ``TrinoTuiApp``).

Owns the user's ``ViewSpec`` for the current result and where it is applied:
- *in place*: a complete result of at most ``LOCAL_LIMIT`` rows is sorted/filtered on the
  ``ToolWorker`` thread into a new RowStore (the original is kept, ``x`` restores it);
- *on Trino*: for a partial or larger result the user is offered a re-run of
  ``SELECT * FROM (<statement>) AS t (…) WHERE … ORDER BY …`` (``grid_ops.pushdown_sql``).
The grid title always says which one happened (``ResultGrid.tool_note``). Quick search ``/``, then
``n``/``N``, scans held rows on the worker too. UI thread only; jobs never touch widgets (their
result comes back as a ``ToolDone`` message). Relies on the app's ``_store``, ``_target``,
``_status``, ``_generation``, ``run_sql`` and ``_update_status_bar``.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from trino_tui.core.rowstore import RowStore
from trino_tui.core.statements import Statement
from trino_tui.tui.grid_ops import (
    LOCAL_LIMIT, FilterSpec, SortSpec, ViewSpec, apply_local, parse_filter, pushdown_sql, search_rows,
)
from trino_tui.tui.tool_worker import ToolWorker
from trino_tui.tui.widgets.editor import RunTarget
from trino_tui.tui.widgets.grid import ResultGrid


class ToolDone(Message):
    """A grid-tool job finished (posted from the ToolWorker thread)."""

    def __init__(self, key: str, token: int, result: Any, error: str | None) -> None:
        super().__init__()
        self.key, self.token, self.result, self.error = key, token, result, error


class _Rows:
    """A Batch-shaped run of already decoded rows (for building the derived RowStore)."""

    payload = encoding = uncompressed_size = None
    segment = None

    def __init__(self, offset: int, rows: list[list]) -> None:
        self.row_offset, self.row_count, self._rows = offset, len(rows), rows

    def wire_rows(self) -> list[list]:
        return self._rows


def build_store(columns: list, rows: list[list], block: int = 4096) -> RowStore:
    store = RowStore(columns)
    for i in range(0, len(rows), block):
        store.append(_Rows(i, rows[i:i + block]))
    return store


def _local_job(base: RowStore, spec: ViewSpec):
    def job(cancelled):
        rows = (row for chunk in base.iter_chunks() for row in chunk)
        out = apply_local(rows, base.columns, spec, cancelled)
        return None if out is None else (base, build_store(base.columns, out))
    return job


class GridToolActions:
    """Sort/filter/search actions; see the module docstring."""

    def grid_tools_init(self) -> None:
        self._tools = ToolWorker(lambda key, token, result, error: self.post_message(
            ToolDone(key, token, result, error)), name="tui-grid-tools")
        self._tool_base: RowStore | None = None     # the original result while a derived one shows
        self._tool_spec = ViewSpec()
        self._tool_origin: tuple[str, list] | None = None  # (statement, columns) the spec applies to
        self._tool_push_gen = -1
        self._tool_push_pending = False  # our pushdown run is starting: keep spec/origin/note
        self._tool_token = 0
        self._search_text = ""

    # -- lifetime hooks (called by the app) ------------------------------------------------------
    def grid_tools_forget(self, new_store: Any) -> None:
        """The app replaces its store (new run or new result): drop the kept original unless it is
        the one coming back; forget the spec unless this run is our own pushdown."""
        base, self._tool_base = self._tool_base, None
        if base is not None and base is not new_store and not self._tool_held_elsewhere(base):
            base.close()
        if self._tool_push_pending and self._generation == self._tool_push_gen:
            self._tool_push_pending = new_store is None  # our pushdown's result arrived: done keeping
        else:
            self._tool_push_pending = False
            self._tool_spec, self._tool_origin = ViewSpec(), None
            self.query_one(ResultGrid).tool_note = None
        self._tools.cancel("view")

    def _tool_held_elsewhere(self, store: Any) -> bool:
        """True when another owner (a result tab) keeps *store*: it must not be closed here."""
        holds = getattr(self, "results_holds", None)
        return bool(holds is not None and holds(store))

    def grid_tools_close(self, timeout: float) -> None:
        self._tools.close(timeout)
        base, self._tool_base = self._tool_base, None
        if base is not None and not self._tool_held_elsewhere(base):
            base.close()

    # -- actions ---------------------------------------------------------------------------------
    def _tool_grid(self) -> ResultGrid | None:
        grid = self.query_one(ResultGrid)
        if self._store is None or not self._store.columns or self._modal_open():
            return None
        return grid

    def action_grid_sort(self) -> None:
        """Sort by the cursor's column: ascending, then descending, then unsorted."""
        grid = self._tool_grid()
        if grid is None:
            return
        col = grid.cursor[1]
        name = self._store.columns[col].name
        cur = self._tool_spec.sort
        if cur is None or cur.column != col:
            sort: SortSpec | None = SortSpec(col, name)
        elif not cur.descending:
            sort = SortSpec(col, name, True)
        else:
            sort = None
        self._apply_spec(ViewSpec(self._tool_spec.filters, sort))

    def action_grid_filter(self) -> None:
        """Filter on the cursor's column (prompt: text, = 5, > 10, null, !null)."""
        from trino_tui.tui.screens.prompt import TextPrompt

        grid = self._tool_grid()
        if grid is None:
            return
        col = grid.cursor[1]
        name = self._store.columns[col].name

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                spec = parse_filter(text, col, name)
            except ValueError as exc:
                self.notify(str(exc), severity="warning")
                return
            self._apply_spec(ViewSpec(self._tool_spec.filters + (spec,), self._tool_spec.sort))

        self.push_screen(TextPrompt(f"Filter rows on {name}", placeholder="abc   = 5   > 10   null   !null",
                                    help="text: contains (any case) · = != < <= > >= value · null · !null"),
                         answered)

    def action_grid_filter_value(self) -> None:
        """Keep the rows whose cursor column equals the cursor cell (NULL: is null)."""
        from trino_tui.export import format_cell_text

        grid = self._tool_grid()
        if grid is None:
            return
        row, col = grid.cursor
        cached = self._store.cached_rows(row, row + 1)
        if not cached:
            self.notify("The row is still loading; try again", severity="warning", timeout=2)
            return
        column = self._store.columns[col]
        value = cached[0][col]
        spec = (FilterSpec(col, column.name, "is null") if value is None else
                FilterSpec(col, column.name, "=", format_cell_text(value, column.type)))
        self._apply_spec(ViewSpec(self._tool_spec.filters + (spec,), self._tool_spec.sort))

    def action_grid_clear(self) -> None:
        """Drop every sort and filter (the held original comes back; a pushdown re-runs as typed)."""
        if self._tool_spec.empty:
            return
        self._apply_spec(ViewSpec())

    # -- applying --------------------------------------------------------------------------------
    def _apply_spec(self, spec: ViewSpec) -> None:
        base = self._tool_base or self._store
        if base is None:
            return
        if self._tool_origin is None:
            tab = getattr(self, "_shown_tab", None)  # with result tabs: the shown result's statement
            statement = getattr(tab, "sql", None) or (self._target.statement.text if self._target else None)
            if statement is None:
                return
            self._tool_origin = (statement, list(base.columns))
        complete = self._status == "finished"
        n = len(base)
        if (complete and n <= LOCAL_LIMIT) or (spec.empty and self._tool_base is not None):
            self._apply_local(base, spec)
            return
        self._offer_pushdown(spec, n, complete)

    def _apply_local(self, base: RowStore, spec: ViewSpec) -> None:
        self._tool_spec = spec
        grid = self.query_one(ResultGrid)
        if spec.empty:
            self._show_derived(base, None)
            return
        grid.tool_note = f"{spec.describe()} … (in place)"
        grid.refresh()
        self._tool_token = self._tools.start().submit("view", _local_job(base, spec))

    def _offer_pushdown(self, spec: ViewSpec, n: int, complete: bool) -> None:
        from trino_tui.tui.screens.prompt import ChoicePrompt

        why = (f"The result has {n:,} rows (in place up to {LOCAL_LIMIT:,})." if complete else
               f"The result is not complete ({self._status}, {n:,} rows held).")
        choices = [("trino", "Run on Trino")]
        if n <= LOCAL_LIMIT and self._status != "streaming":
            choices.append(("held", f"Only the {n:,} held rows"))
        choices.append(("cancel", "Cancel"))

        def answered(answer: str | None) -> None:
            if answer == "trino":
                self._pushdown(spec)
            elif answer == "held":
                self._apply_local(self._tool_base or self._store, spec)

        self.push_screen(ChoicePrompt(spec.describe() or "Clear sort and filter",
                                      why + " Re-run the statement on Trino with this WHERE / ORDER BY?",
                                      choices), answered)

    def _pushdown(self, spec: ViewSpec) -> None:
        assert self._tool_origin is not None
        statement, columns = self._tool_origin
        try:
            sql = statement if spec.empty else pushdown_sql(statement, columns, spec)
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        target = RunTarget(Statement(sql, 0, len(sql), 0, len(sql), 1), sql)
        self._tool_push_gen = self._generation + 1  # run_sql's generation: keep spec and origin
        self._tool_push_pending = True
        self._tool_spec = spec
        self.run_sql(target)
        if self._generation == self._tool_push_gen:
            note = f"{spec.describe()} — on Trino (re-run)" if not spec.empty else "re-run as typed"
            self.query_one(ResultGrid).tool_note = note
            self.notify(f"Re-running on Trino: {spec.describe() or 'as typed'}", timeout=3)

    def _show_derived(self, store: RowStore, spec: ViewSpec | None) -> None:
        """Show *store* (derived from the kept original, or the original itself)."""
        grid = self.query_one(ResultGrid)
        base = self._tool_base or self._store
        old = self._store
        self._store = store
        if store is base:
            self._tool_base = None
        else:
            self._tool_base = base
        col = grid.cursor[1]
        grid.show_result(store)
        grid.cursor = (0, col)  # the column stays under the cursor (s again: descending)
        if old is not None and old is not store and old is not base:
            old.close()
        grid.tool_note = None if spec is None else (
            f"{spec.describe()} (in place, of {len(base):,} held rows)")
        grid.sync()
        grid.refresh()
        self._update_status_bar()

    # -- quick search ----------------------------------------------------------------------------
    def action_grid_search(self) -> None:
        """Find text in the held rows (then n / N for the next / previous match)."""
        from trino_tui.tui.screens.prompt import TextPrompt

        if self._tool_grid() is None:
            return

        def answered(text: str | None) -> None:
            if text:
                self._search_text = text
                self.action_grid_search_next(True)

        self.push_screen(TextPrompt("Search the held rows", value=self._search_text,
                                    help="any case; n: next match, N: previous"), answered)

    def action_grid_search_next(self, forward: bool = True) -> None:
        grid = self._tool_grid()
        if grid is None or not self._search_text:
            return
        store, needle, start = self._store, self._search_text, grid.cursor
        total = len(store)

        def job(cancelled):
            hit = search_rows(store.rows, total, store.columns, needle, start, forward, cancelled)
            return store, needle, hit

        self._tools.start().submit("search", job)

    def on_tool_done(self, message: ToolDone) -> None:
        if self._closing:
            return
        if message.error is not None:
            self.notify(f"Grid tools: {message.error}", severity="error")
            return
        if message.key == "view":
            if message.result is None:
                return
            base, derived = message.result
            if message.token != self._tool_token or base is not (self._tool_base or self._store) or base.closed:
                derived.close()
                return
            self._show_derived(derived, self._tool_spec)
        elif message.key == "search":
            store, needle, hit = message.result
            if store is not self._store:
                return
            if hit is None:
                self.notify(f"No match for {needle!r} in the {len(store):,} held rows", severity="warning",
                            timeout=3)
                return
            grid = self.query_one(ResultGrid)
            grid.cursor = hit
            grid.focus()
            self.notify(f"{needle!r}: row {hit[0] + 1:,}, column {store.columns[hit[1]].name}", timeout=2)

    # -- copy as ---------------------------------------------------------------------------------
    def action_copy_as(self) -> None:
        """Copy the selection (or the cursor cell) as CSV, TSV, Markdown, JSON or SQL INSERTs."""
        from trino_tui.tui.copy_formats import COPY_FORMATS
        from trino_tui.tui.screens.prompt import ChoicePrompt

        grid = self._tool_grid()
        if grid is None:
            return
        r0, c0, r1, c1 = grid.selection

        def answered(fmt: str | None) -> None:
            if fmt:
                self._copy_as_pending = fmt
                self._copy_as_now()

        self.push_screen(ChoicePrompt("Copy as", f"{r1 - r0 + 1:,} rows × {c1 - c0 + 1} columns", COPY_FORMATS),
                         answered)

    def _copy_as_now(self) -> None:
        from trino_tui.tui.copy_formats import COPY_FORMATS, copy_as

        fmt = getattr(self, "_copy_as_pending", None)
        if fmt is None:
            return
        values = self.query_one(ResultGrid).selection_values()
        if values is None:  # rows not decoded yet: the grid's loader reads them (SelectionLoaded)
            self.notify("Reading the selected rows…", timeout=2)
            return
        self._copy_as_pending = None
        columns, rows = values
        if not rows:
            self.notify("Nothing to copy: no rows", severity="warning")
            return
        self._copy(copy_as(fmt, columns, rows), f"Copied as {dict(COPY_FORMATS)[fmt]}")

    def on_result_grid_selection_loaded(self, message: ResultGrid.SelectionLoaded) -> None:
        if getattr(self, "_copy_as_pending", None) is not None:
            message.prevent_default()  # ours: not the F8 TSV copy
            self._copy_as_now()
