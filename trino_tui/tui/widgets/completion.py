"""Editor autocomplete: ``CompletionPopup`` (the list: name, kind, type), ``CompletionController``
(when to ask the engine, accepting and dismissing) and ``CompletionKeysMixin`` (routes Tab/Enter/
Esc/Up/Down to the controller while the popup is open).

The controller asks ``trino_tui.explore.CompletionEngine`` on the UI thread; the engine only reads
caches, so typing never waits. Metadata that arrives later (loader threads) is announced with
``post_message`` and coalesced into one refresh. UI thread only, except ``_metadata_changed``.
"""

from __future__ import annotations

import threading
from typing import Callable

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from trino_tui.explore.completion import Completion, CompletionEngine, CompletionResult
from trino_tui.explore.sqlscan import tokens

__all__ = ["CompletionController", "CompletionKeysMixin", "CompletionPopup", "MetadataChanged"]

# after these words (and a space) the popup opens by itself
_OPEN_AFTER = frozenset({"from", "join", "into", "table", "where", "and", "or", "on", "by", "select", "having",
                         "update", "describe", "when", "then", "else"})
_KIND_STYLE = {"column": "$text-success", "table": "$text-accent", "view": "$text-accent", "schema": "$text-warning",
               "catalog": "$text-warning", "function": "$text-primary", "keyword": "$text-muted", "alias": "$text-success"}


class MetadataChanged(Message):
    """Metadata arrived in the background: refresh an open popup."""


class CompletionPopup(OptionList):
    """The suggestion list, drawn over the screen at the cursor; never takes focus. Shows at most
    ``MAX_ITEMS`` (the best ranked): typing narrows the rest."""

    MAX_ITEMS = 50

    can_focus = False
    DEFAULT_CSS = """
    CompletionPopup {
        overlay: screen; position: absolute; constrain: inside inflect;
        width: auto; min-width: 30; max-width: 90; height: auto; max-height: 12;
        border: round $accent; padding: 0 1; background: $panel; display: none;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: tuple[Completion, ...] = ()

    def show_items(self, items: tuple[Completion, ...], at: tuple[int, int]) -> None:
        items = items[: self.MAX_ITEMS]
        self.items = items
        width = max((len(c.label) for c in items), default=0)
        self.clear_options()
        self.add_options([Option(_row(c, width)) for c in items])
        self.highlighted = 0 if items else None
        self.styles.offset = at
        self.display = bool(items)

    def hide(self) -> None:
        self.display = False
        self.items = ()

    @property
    def selected(self) -> Completion | None:
        i = self.highlighted
        return self.items[i] if self.items and i is not None and 0 <= i < len(self.items) else None

    def move(self, delta: int) -> None:
        if self.items:
            i = (self.highlighted or 0) + delta
            self.highlighted = max(0, min(len(self.items) - 1, i))


def _row(c: Completion, width: int) -> Content:
    style = _KIND_STYLE.get(c.kind, "")
    parts: list = [(c.label.ljust(width), "bold"), "  ", (c.kind.ljust(8), style)]
    if c.detail:
        parts += ["  ", (c.detail, "dim")]
    return Content.assemble(*parts)


class CompletionController:
    """Drives the popup for one editor; ``engine()`` gives the current engine (None = off)."""

    def __init__(self, editor: TextArea, engine: Callable[[], CompletionEngine | None],
                 popup: CompletionPopup | None = None) -> None:
        self.editor = editor
        self._engine = engine
        self.popup = popup or CompletionPopup()
        self.result: CompletionResult | None = None
        self._suppress = False
        self._refresh_posted = threading.Event()
        self._unwatch: Callable[[], None] | None = None
        self._watched = None

    # -- state --------------------------------------------------------------------------------
    @property
    def visible(self) -> bool:
        return bool(self.popup.display and self.popup.items)

    def _mounted_popup(self) -> CompletionPopup:
        if not self.popup.is_attached:
            self.editor.screen.mount(self.popup)
        return self.popup

    def watch(self, engine: CompletionEngine | None) -> None:
        """Listen to ``engine``'s loader so late metadata refreshes the popup."""
        loader = engine.loader if engine is not None else None
        if loader is self._watched:
            return
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None
        self._watched = loader
        if loader is not None:
            self._unwatch = loader.add_listener(lambda _change: self._metadata_changed())

    def _metadata_changed(self) -> None:
        """Loader thread: one MetadataChanged in flight at a time."""
        if not self._refresh_posted.is_set():
            self._refresh_posted.set()
            self.editor.post_message(MetadataChanged())

    def on_metadata_changed(self) -> None:
        self._refresh_posted.clear()
        if self.visible or (self.result is not None and self.result.pending):
            self.update()

    # -- asking and showing --------------------------------------------------------------------
    def update(self, *, force: bool = False) -> CompletionResult | None:
        """Ask the engine at the cursor and show (or hide) the popup."""
        engine = self._engine()
        self.watch(engine)
        if engine is None or not self.editor.selection.is_empty:
            self.dismiss()
            return None
        text = self.editor.text
        offset = self.editor.document.get_index_from_location(self.editor.cursor_location)
        res = engine.complete(text, offset)
        self.result = res
        items = res.items
        typed = text[res.start:offset]
        if not items or (len(items) == 1 and items[0].text == typed and not force):
            self.popup.hide()
            return res
        x, y = self.editor.cursor_screen_offset
        self._mounted_popup().show_items(items, (max(0, x - len(typed)), y + 1))
        return res

    def dismiss(self) -> None:
        self.popup.hide()
        self.result = None

    def accept(self) -> Completion | None:
        item = self.popup.selected
        res = self.result
        if item is None or res is None:
            return None
        text = self.editor.text
        end = self.editor.document.get_index_from_location(self.editor.cursor_location)
        doc = self.editor.document
        self._suppress = True
        self.editor.replace(item.text, doc.get_location_from_index(res.start), doc.get_location_from_index(end))
        self.dismiss()
        return item

    # -- events from the editor ----------------------------------------------------------------
    def handle_key(self, key: str) -> bool:
        """True when the key belongs to the open popup (the editor must not handle it)."""
        if key == "ctrl+space":
            self.update(force=True)
            return True
        if not self.visible:
            return False
        if key in ("tab", "enter"):
            return self.accept() is not None
        if key == "escape":
            self.dismiss()
            return True
        if key in ("up", "down"):
            self.popup.move(-1 if key == "up" else 1)
            return True
        if key in ("pageup", "pagedown"):
            self.popup.move(-10 if key == "pageup" else 10)
            return True
        return False

    def ignore_next_change(self) -> None:
        """The next text change is not typing (a buffer is loaded): close the popup, open none for it."""
        self.dismiss()
        self._suppress = True

    def text_changed(self) -> None:
        """After an edit: open/refresh the popup when the user is typing a name or a clause."""
        if self._suppress:
            self._suppress = False
            return
        if self.visible or self._should_open():
            self.update()

    def cursor_moved(self) -> None:
        if self.visible and self.result is not None:
            offset = self.editor.document.get_index_from_location(self.editor.cursor_location)
            if offset < self.result.start:
                self.dismiss()

    def _should_open(self) -> bool:
        text = self.editor.text
        offset = self.editor.document.get_index_from_location(self.editor.cursor_location)
        if offset == 0:
            return False
        ch = text[offset - 1]
        if ch.isalnum() or ch in "_.\"":
            return True
        if ch in " \n" or ch == ",":
            prev = [t for t in tokens(text[max(0, offset - 200):offset])][-1:]
            return bool(prev) and (prev[0].lower in _OPEN_AFTER or prev[0].text == ",")
        return False


class CompletionKeysMixin:
    """Put before ``TextArea`` in the bases; set ``self.completion`` to a ``CompletionController``."""

    completion: CompletionController | None = None

    async def _on_key(self, event) -> None:  # runs before TextArea._on_key (MRO dispatch)
        ctl = self.completion
        if ctl is not None and ctl.handle_key(event.key):
            event.stop()
            event.prevent_default()

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.completion is not None:
            self.completion.text_changed()

    def _on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        if self.completion is not None:
            self.completion.cursor_moved()

    def _on_blur(self, event) -> None:  # focus left the editor: the popup goes too
        if self.completion is not None:
            self.completion.dismiss()

    def on_metadata_changed(self, event: MetadataChanged) -> None:
        event.stop()
        if self.completion is not None:
            self.completion.on_metadata_changed()
