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
