"""TabStrip: a one-line row of tab labels (editor buffers, held results); a click picks a tab.

Owns only drawing the labels it is given and turning a click into ``TabStrip.Picked(index)``;
which tabs exist and what they hold belongs to its owner (``BufferActions``, ``ResultTabs``).
Hidden while it has fewer than ``min_tabs`` labels. UI thread only.
"""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget


class TabStrip(Widget):
    """A row of labels; the active one is highlighted. ``set_tabs`` replaces them all."""

    DEFAULT_CSS = """
    TabStrip { height: 1; width: 1fr; background: $panel; color: $foreground-muted; }
    """

    class Picked(Message):
        """The user clicked tab ``index`` of ``strip``."""

        def __init__(self, strip: "TabStrip", index: int) -> None:
            super().__init__()
            self.strip = strip
            self.index = index

    def __init__(self, *, min_tabs: int = 2, hint: str = "", id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.min_tabs = min_tabs
        self.hint = hint
        self.labels: tuple[str, ...] = ()
        self.active = 0
        self._spans: list[tuple[int, int]] = []
        self.display = False

    def set_tabs(self, labels: Sequence[str], active: int) -> None:
        """Show ``labels`` with ``active`` highlighted (cheap when nothing changed)."""
        labels = tuple(labels)
        if (labels, active) == (self.labels, self.active) and self.display == (len(labels) >= self.min_tabs):
            return
        self.labels, self.active = labels, active
        self.display = len(labels) >= self.min_tabs
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for i, label in enumerate(self.labels):
            start = len(text)
            text.append(f" {label} ", style="bold reverse" if i == self.active else "")
            self._spans.append((start, len(text)))
            text.append("│", style="dim")
        if self.hint:
            text.append(f" {self.hint}", style="dim italic")
        return text

    def tab_at(self, x: int) -> int | None:
        """The index of the tab drawn at column ``x`` (None between/after tabs)."""
        for i, (a, b) in enumerate(self._spans):
            if a <= x < b:
                return i
        return None

    def on_click(self, event: events.Click) -> None:
        index = self.tab_at(event.x)
        if index is not None:
            event.stop()
            self.post_message(self.Picked(self, index))
