"""ResultTabs: one result per statement, kept in tabs above the grid (a mixin of ``TrinoTuiApp``).

Owns the ``ResultTab`` list: each run's RowStore, last pipeline snapshot, status and message.
The app's ``_store``/``_snapshot``/``_status`` are those of the *shown* tab; messages of a run
whose tab is not shown only update its tab. Bounds: at most ``limit`` tabs hold rows (the
``--result-tabs`` setting), and all held stores together keep at most ``memory_budget`` compact
bytes in memory (a new store gets what is left, at least ``MIN_STORE_BUDGET``, and spills the rest
to disk). An evicted tab keeps its label and SQL and says "evicted" — its rows are gone, never
silently. Closing a tab closes its store (and cancels its run). Switching tab shows that query's
snapshot and outcome in the pipeline panel. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from textual.binding import Binding

from trino_tui.core.rowstore import RowStore
from trino_tui.tui.widgets.grid import ResultGrid
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.tab_strip import TabStrip

__all__ = ["DEFAULT_RESULT_TABS", "MEMORY_BUDGET", "RESULT_BINDINGS", "RESULT_TABS_HINT", "ResultTab", "ResultTabs", "evictions"]

DEFAULT_RESULT_TABS = 8
MEMORY_BUDGET = 384 << 20       # compact bytes in memory over all held results
MIN_STORE_BUDGET = 32 << 20
MAX_EVICTED_TABS = 8            # evicted tabs shown (oldest markers beyond this are dropped)
RESULT_BINDINGS = [
    Binding("alt+pagedown", "next_result(1)", "Next result tab", show=False, id="next-result"),
    Binding("alt+pageup", "next_result(-1)", "Previous result tab", show=False, id="prev-result"),
    Binding("alt+w", "close_result", "Close result tab", show=False, id="close-result"),
]
RESULT_TABS_HINT = "alt+pgup/pgdn switch · alt+w close"
_MARKS = {"streaming": "…", "failed": "✗", "cancelled": "⊘", "stopped": "■"}


@dataclass
class ResultTab:
    """One statement's result. ``evicted``: why its rows were dropped (None while held)."""

    generation: int
    number: int
    sql: str
    store: RowStore | None = None
    snapshot: Any = None
    status: str = "streaming"
    message: str | None = None
    evicted: str | None = None

    @property
    def label(self) -> str:
        short = " ".join(self.sql.split())
        short = short if len(short) <= 24 else short[:23] + "…"
        mark = " evicted" if self.evicted else (" " + _MARKS[self.status] if self.status in _MARKS else "")
        return f"#{self.number} {short}{mark}"

    @property
    def held_bytes(self) -> int:
        return self.store.nbytes_compact if self.store is not None and not self.store.closed else 0


def evictions(tabs: Sequence[ResultTab], *, limit: int, budget: int, keep: Sequence[ResultTab]) -> list[ResultTab]:
    """Which tabs to evict (oldest first) so that at most ``limit`` hold rows and their compact
    bytes fit ``budget``; tabs in ``keep`` (shown, running) are never chosen."""
    held = [t for t in tabs if t.evicted is None]
    out: list[ResultTab] = []
    total = sum(t.held_bytes for t in held)
    for t in held:
        if len(held) - len(out) <= limit and total <= budget:
            break
        if any(t is k for k in keep):
            continue
        out.append(t)
        total -= t.held_bytes
    return out


class ResultTabs:
    """Result tabs; see the module docstring."""

    def results_init(self, limit: int | None) -> None:
        self.result_limit = max(1, int(limit or DEFAULT_RESULT_TABS))
        self.memory_budget = MEMORY_BUDGET
        self.result_tabs: list[ResultTab] = []
        self._shown_tab: ResultTab | None = None
        self._tab_numbers = 0

    # -- the run's life (called by the app) ------------------------------------------------------
    def results_open(self, sql: str, generation: int) -> None:
        """A statement starts: a new tab, shown (the tabs before it keep their rows)."""
        self._tab_numbers += 1
        tab = ResultTab(generation, self._tab_numbers, sql)
        self.result_tabs.append(tab)
        self._show_tab(tab)
        self._evict()

    def results_store(self, columns: Sequence[Any]) -> RowStore:
        """The store factory of a run (runner thread): the memory the held results leave over."""
        used = sum(t.held_bytes for t in list(self.result_tabs))
        return RowStore(columns, memory_budget=max(MIN_STORE_BUDGET, self.memory_budget - used))

    def results_holds(self, store: RowStore | None) -> bool:
        return store is not None and any(t.store is store for t in self.result_tabs)

    def _tab(self, generation: int) -> ResultTab | None:
        return next((t for t in self.result_tabs if t.generation == generation), None)

    def results_attach(self, generation: int, store: RowStore) -> bool:
        """The run's store exists; True when its tab is shown (the app then shows the store)."""
        tab = self._tab(generation)
        if tab is None:
            store.close()
            return False
        tab.store = store
        return tab is self._shown_tab

    def results_progress(self, generation: int, snapshot: Any) -> bool:
        tab = self._tab(generation)
        if tab is not None:
            tab.snapshot = snapshot
        return tab is not None and tab is self._shown_tab

    def results_finish(self, message: Any) -> bool:
        """A run ended (also a replaced one): its tab keeps the outcome; True when it is shown."""
        tab = self._tab(message.generation)
        if tab is None:
            return False
        outcome = message.outcome
        error = getattr(outcome, "error", None)
        tab.status, tab.message = outcome.status, getattr(error, "message", None)
        if message.snapshot is not None:
            tab.snapshot = message.snapshot
        self._evict()
        self._result_tabs_changed()
        return tab is self._shown_tab

    # -- showing ---------------------------------------------------------------------------------
    def _show_tab(self, tab: ResultTab) -> None:
        self._shown_tab = tab
        self._snapshot, self._status = tab.snapshot, tab.status
        self._set_store(tab.store)
        message = f"evicted ({tab.evicted}): re-run the statement to see it" if tab.evicted else tab.message
        self.query_one(ResultGrid).set_status(tab.status, message=message)
        panel = self.query_one("#pipeline", PipelinePanel)
        if panel.display:
            panel.update_snapshot(tab.snapshot, outcome=self._panel_outcome())
        self._update_status_bar()
        self._result_tabs_changed()

    def _result_tabs_changed(self) -> None:
        tabs = self.result_tabs
        active = next((i for i, t in enumerate(tabs) if t is self._shown_tab), 0)
        self.query_one("#result-tabs", TabStrip).set_tabs([t.label for t in tabs], active)

    def action_next_result(self, step: int = 1) -> None:
        """Show the next (step 1) or previous (step -1) result tab."""
        tabs = self.result_tabs
        if self._modal_open() or len(tabs) < 2 or self._shown_tab not in tabs:
            return
        self._show_tab(tabs[(tabs.index(self._shown_tab) + step) % len(tabs)])

    def on_tab_strip_picked(self, message: TabStrip.Picked) -> None:
        if message.strip.id == "result-tabs" and 0 <= message.index < len(self.result_tabs):
            message.stop()
            self._show_tab(self.result_tabs[message.index])

    def action_close_result(self) -> None:
        """Close the shown result tab: its rows are freed (a running statement is cancelled)."""
        tab = self._shown_tab
        if self._modal_open() or tab is None:
            return
        runner = self._runner
        if runner is not None and runner.running and runner.generation == tab.generation:
            runner.cancel()
        i = self.result_tabs.index(tab)
        self.result_tabs.remove(tab)
        store, tab.store = tab.store, None
        if self.result_tabs:
            self._show_tab(self.result_tabs[min(i, len(self.result_tabs) - 1)])
        else:
            self._shown_tab = None
            self._snapshot, self._status = None, "idle"
            self._set_store(None)
            self.query_one(ResultGrid).set_status("idle")
            self._update_status_bar()
            self._result_tabs_changed()
        if store is not None:
            store.close()

    # -- bounds ----------------------------------------------------------------------------------
    def _evict(self) -> None:
        runner = self._runner
        running = [t for t in self.result_tabs if runner is not None and runner.running
                   and t.generation == runner.generation]
        keep = [t for t in (self._shown_tab, *running) if t is not None]
        for tab in evictions(self.result_tabs, limit=self.result_limit, budget=self.memory_budget, keep=keep):
            held = sum(1 for t in self.result_tabs if t.evicted is None)
            why = (f"only {self.result_limit} results are kept" if held > self.result_limit
                   else f"held results over {self.memory_budget >> 20} MiB")
            store, tab.store = tab.store, None
            n = len(store) if store is not None else 0
            tab.evicted = f"{n:,} row{'' if n == 1 else 's'} dropped: {why}"
            if store is not None:
                store.close()
            self.notify(f"Result #{tab.number} evicted ({tab.evicted})", timeout=4)
        dead = [t for t in self.result_tabs if t.evicted]
        for tab in dead[:max(0, len(dead) - MAX_EVICTED_TABS)]:
            self.result_tabs.remove(tab)
        self._result_tabs_changed()

    def results_close(self) -> None:
        """Quit: close every held store (idempotent)."""
        tabs, self.result_tabs = self.result_tabs, []
        for t in tabs:
            if t.store is not None:
                t.store.close()
                t.store = None
