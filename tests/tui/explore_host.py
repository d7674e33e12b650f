"""Small host apps for the exploration widget tests (a fake runner, no server)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import TextArea

from trino_tui.explore.connection import ExploreConnection
from trino_tui.tui.widgets.completion import CompletionController, CompletionKeysMixin


class CompletingEditor(CompletionKeysMixin, TextArea):
    """A TextArea with the completion mixin, as the app's SqlEditor is wired."""


class CompletionHost(App):
    def __init__(self, conn: ExploreConnection, text: str = "") -> None:
        super().__init__()
        self.animation_level = "none"
        self.conn = conn
        self.engine = conn.engine(lambda: ("tpch", "tiny"))
        self._text = text

    def compose(self) -> ComposeResult:
        ed = CompletingEditor(self._text, id="ed")
        ed.completion = CompletionController(ed, lambda: self.engine)
        yield ed


from trino_tui.explore.catalog import CatalogLoader  # noqa: E402
from trino_tui.tui.widgets.catalog_tree import CatalogBrowser  # noqa: E402


class BrowserHost(App):
    """Hosts a CatalogBrowser and records the actions it requests."""

    def __init__(self, loader: CatalogLoader) -> None:
        super().__init__()
        self.animation_level = "none"
        self.loader = loader
        self.actions: list[CatalogBrowser.ActionRequested] = []

    def compose(self) -> ComposeResult:
        yield CatalogBrowser(self.loader, search_delay=0.0, id="browser")

    def on_catalog_browser_action_requested(self, message: CatalogBrowser.ActionRequested) -> None:
        self.actions.append(message)


# -- shared steps of the exploration Pilot tests ------------------------------------------------
from contextlib import asynccontextmanager  # noqa: E402
from typing import Awaitable, Callable  # noqa: E402


@asynccontextmanager
async def completing(conn: ExploreConnection, text: str = ""):
    """A running CompletionHost over ``conn``: yields (pilot, editor), the editor focused."""
    app = CompletionHost(conn, text)
    async with app.run_test(size=(100, 30)) as pilot:
        ed = app.query_one(CompletingEditor)
        ed.focus()
        yield pilot, ed


@asynccontextmanager
async def browsing(loader: CatalogLoader, size: tuple[int, int] = (80, 40)):
    """A running BrowserHost over ``loader``: yields (app, pilot, browser)."""
    app = BrowserHost(loader)
    async with app.run_test(size=size) as pilot:
        yield app, pilot, app.query_one(CatalogBrowser)


def child(node, name: str):
    """The child of a tree node that stands for the catalog object ``name``."""
    for c in node.children:
        if c.data is not None and c.data.meta is not None and c.data.meta.name == name:
            return c
    raise AssertionError(f"{name} not under {node.label}: {[str(c.label) for c in node.children]}")


def labels(node) -> list[str]:
    return [str(c.label) for c in node.children]


async def expand_path(node, names, settle: Callable[[object], Awaitable[None]]):
    """Expand ``names`` one level after the other from ``node`` (``await settle(expanded)`` after
    each); returns the last node."""
    for name in names:
        node = child(node, name)
        node.expand()
        await settle(node)
    return node


def level_shown(node) -> bool:
    """The node's level has arrived (no spinner in its place)."""
    return bool(node.children) and not str(node.children[0].label).startswith("⠿")


async def complete_lineitem_then_where(pilot, ed, settle: Callable[[], Awaitable[None]]) -> list[str]:
    """The issue's completion scenario: ``tpch.tiny.linei`` completes to lineitem (Tab), then
    `` WHERE `` opens the popup again; returns the first popup's labels (``settle`` waits for each)."""
    ed.insert("SELECT * FROM tpch.tiny.line")
    await pilot.press("i")
    await settle()
    first = [c.label for c in ed.completion.popup.items]
    await pilot.press("tab")
    assert ed.text == "SELECT * FROM tpch.tiny.lineitem" and not ed.completion.visible
    await pilot.press("space", *"WHERE", "space")
    await settle()
    return first
