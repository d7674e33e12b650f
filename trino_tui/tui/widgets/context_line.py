"""``ContextLine``: one line naming the connection in force — server host, user, catalog.schema,
session properties and the protocol of the last query — from an ``explore.ConnectionContext``.
UI thread only; ``show`` repaints only when the text changes."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from trino_tui.explore.context import ConnectionContext

__all__ = ["ContextLine"]


class ContextLine(Static):
    DEFAULT_CSS = """
    ContextLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, context: ConnectionContext | None = None, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.context = context or ConnectionContext()
        self._text = ""

    def on_mount(self) -> None:
        self._paint()

    def show(self, context: ConnectionContext) -> None:
        self.context = context
        self._paint()

    @property
    def text(self) -> str:
        return self.context.text()

    def _paint(self) -> None:
        text = self.context.text()
        if text == self._text:
            return
        self._text = text
        parts: list = []
        for label, value in self.context.parts():
            if parts:
                parts.append("  ")
            parts += [(label + " ", "dim"), (value, "bold" if label == "in" else "")]
        self.update(Content.assemble(*parts))
