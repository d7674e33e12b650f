"""QueryDetailsScreen: the current query's web UI link, stats summary and stage tree (modal).

Owns the widgets only: every ``REFRESH`` seconds (UI thread, no network) it calls ``source()``,
which returns the query's (id, infoUri, stats, state) as the client last received them (or None
before a query ran), and redraws from ``explore.query_stats``. ``o`` opens the web UI in a
browser, ``c`` copies the link, escape closes.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, Tree

from trino_tui.explore.query_stats import QueryDetails, StageNode, query_details

Source = Callable[[], "tuple[str, str, Any, str | None] | None"]


class QueryDetailsScreen(ModalScreen[None]):
    """See the module docstring."""

    REFRESH = 0.5
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("o", "open_link", "Open web UI"),
        Binding("c", "copy_link", "Copy link"),
    ]
    DEFAULT_CSS = """
    QueryDetailsScreen { align: center middle; }
    QueryDetailsScreen > Vertical {
        width: 110; height: 85%; border: thick $primary; background: $surface; padding: 0 1;
    }
    QueryDetailsScreen #details-title { text-style: bold; }
    QueryDetailsScreen #details-summary { height: auto; margin: 1 0; }
    QueryDetailsScreen Tree { height: 1fr; }
    QueryDetailsScreen .details-help { color: $foreground-muted; }
    """

    def __init__(self, source: Source, copy: Callable[[str, str], None] | None = None) -> None:
        super().__init__()
        self._source = source
        self._copy = copy
        self.details: QueryDetails | None = None
        self._shape: tuple | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Query details", id="details-title")
            yield Static("", id="details-summary")
            yield Tree("stages", id="details-stages")
            yield Label("o open the web UI · c copy the link · esc close", classes="details-help")

    def on_mount(self) -> None:
        self.refresh_details()
        self.set_interval(self.REFRESH, self.refresh_details)

    def refresh_details(self) -> None:
        got = self._source()
        summary = self.query_one("#details-summary", Static)
        if got is None:
            summary.update("No query yet: run one first.")
            return
        self.details = d = query_details(*got)
        text = Text()
        for label, value in d.summary_lines():
            text.append(f"{label:>12}  ", style="bold")
            text.append(value + "\n")
        summary.update(text)
        self._show_stages(d.root)

    def _show_stages(self, root: StageNode | None) -> None:
        tree = self.query_one("#details-stages", Tree)
        if root is None:
            if self._shape != ():
                tree.clear()
                tree.root.set_label("stages: none reported (yet)")
                self._shape = ()
            return
        shape = _shape(root)
        if shape == self._shape:  # same stages: relabel in place (keeps what the user folded)
            for node, stage in zip(_walk(tree.root), _stages(root)):
                node.set_label(Text(stage.label()))
            return
        self._shape = shape
        tree.clear()
        tree.root.set_label("stages")

        def add(parent, stage: StageNode) -> None:
            node = parent.add(Text(stage.label()), expand=True)
            for child in stage.children:
                add(node, child)
            if not stage.children:
                node.allow_expand = False

        add(tree.root, root)
        tree.root.expand()

    def action_open_link(self) -> None:
        if self.details and self.details.info_uri:
            self.app.open_url(self.details.info_uri)

    def action_copy_link(self) -> None:
        if self.details and self.details.info_uri and self._copy is not None:
            self._copy(self.details.info_uri, "Web UI link copied")


def _stages(stage: StageNode):
    yield stage
    for c in stage.children:
        yield from _stages(c)


def _walk(node):
    for child in node.children:
        yield child
        yield from _walk(child)


def _shape(stage: StageNode) -> tuple:
    return (stage.stage_id, tuple(_shape(c) for c in stage.children))
