"""BufferActions: several editor buffers (tabs) in the one SqlEditor, .sql files, the quit confirm
(a mixin of ``TrinoTuiApp``, before ``App`` in the bases).

Owns the open buffers (name, text, cursor, file path, dirty) and which is active. The active
buffer's text lives in the editor widget; switching stores it back here and loads the next one
(each buffer keeps its own undo history while the app runs). Buffers are saved into the workspace's editor session
(text, cursor, path, dirty) after each statement, on every tab change and on quit, and restored on
the next start. A buffer is dirty when it has a file and its text differs from what was last read
from or written to it. File reads/writes are local and small (``explore.sqlfiles``). UI thread only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import EditHistory

from trino_tui.explore.buffers import Buffer
from trino_tui.explore.sqlfiles import SqlFileError, read_sql_file, write_sql_file
from trino_tui.tui.widgets.editor import SqlEditor
from trino_tui.tui.widgets.tab_strip import TabStrip

__all__ = ["BUFFER_BINDINGS", "BufferActions", "OpenBuffer"]

BUFFER_BINDINGS = [  # key, action, description, id; none of them shown in the footer
    Binding(key, action, description, show=False, id=id_)
    for key, action, description, id_ in (
        ("ctrl+n", "new_buffer", "New editor tab", "new-buffer"),
        ("ctrl+w", "close_buffer", "Close editor tab", "close-buffer"),
        ("ctrl+pagedown", "next_buffer(1)", "Next editor tab", "next-buffer"),
        ("ctrl+pageup", "next_buffer(-1)", "Previous editor tab", "prev-buffer"),
        ("ctrl+o", "open_file", "Open .sql file", "open-file"),
        ("ctrl+s", "save_file", "Save .sql file", "save-file"),
        ("alt+s", "save_file_as", "Save as…", "save-file-as"),
    )
]
EDITOR_TABS_HINT = "ctrl+n new · ctrl+w close · ctrl+pgup/pgdn switch · ctrl+o open · ctrl+s save"


@dataclass
class OpenBuffer:
    """One editor tab. ``saved_text``: the file's text as last read/written (None if unknown)."""

    name: str
    text: str = ""
    cursor: tuple[int, int] = (0, 0)
    path: str | None = None
    dirty: bool = False
    saved_text: str | None = None
    history: EditHistory | None = field(default=None, repr=False, compare=False)  # undo, this run only

    @property
    def label(self) -> str:
        return self.name + ("*" if self.dirty else "")

    def to_buffer(self) -> Buffer:
        return Buffer(self.name, self.text, self.cursor, self.path, self.dirty)


class BufferActions:
    """Editor tabs and files; see the module docstring."""

    def buffers_init(self) -> None:
        self._buffers: list[OpenBuffer] = [OpenBuffer("buffer 1")]
        self._active_buffer = 0
        self._loading_buffer = False

    # -- restore / save --------------------------------------------------------------------------
    def buffers_restore(self, editor: SqlEditor, *, explicit_sql: bool) -> None:
        """At mount: the saved buffers come back (a given SQL text opens as its own tab on top)."""
        ws = self.workspace
        saved = ws.saved_buffers() if ws is not None else ()
        current = OpenBuffer("buffer 1", editor.text, editor.cursor_location)
        if not saved:
            self._buffers, self._active_buffer = [current], 0
        else:
            self._buffers = [OpenBuffer(b.name, b.text, b.cursor, b.path, b.dirty, None if b.dirty else b.text)
                             for b in saved]
            self._active_buffer = ws.session.active
            if explicit_sql:
                current.name = self._fresh_name()
                self._buffers.append(current)
                self._active_buffer = len(self._buffers) - 1
        self._show_buffer(self._active_buffer)

    def buffers_save(self) -> str | None:
        """Store every buffer into the workspace session (on disk when the workspace keeps one)."""
        if self.workspace is None:
            return None
        self._capture()
        return self.workspace.save_buffers([b.to_buffer() for b in self._buffers], self._active_buffer)

    def _save_quietly(self) -> None:
        err = self.buffers_save()
        if err:
            self.notify(err, severity="warning")

    @property
    def buffers(self) -> list[OpenBuffer]:
        self._capture()
        return list(self._buffers)

    @property
    def active_buffer(self) -> int:
        return self._active_buffer

    # -- editor <-> buffers ----------------------------------------------------------------------
    def _editor(self) -> SqlEditor:
        return self.query_one(SqlEditor)

    def _capture(self) -> None:
        try:
            editor = self._editor()
        except Exception:  # noqa: BLE001 - unmounted
            return
        buf = self._buffers[self._active_buffer]
        buf.text, buf.cursor, buf.history = editor.text, editor.cursor_location, editor.history

    def _show_buffer(self, index: int) -> None:
        self._active_buffer = index
        buf = self._buffers[index]
        editor = self._editor()
        self._loading_buffer = True
        try:
            if editor.text != buf.text:
                if editor.completion is not None:
                    editor.completion.ignore_next_change()  # a loaded tab is not typing: no popup
                editor.history = _fresh_history(editor.history)  # load_text clears the one in use
                editor.load_text(buf.text)
            if buf.history is not None and buf.history is not editor.history:
                editor.history = buf.history  # each tab keeps its own undo/redo
            row = min(buf.cursor[0], editor.document.line_count - 1)
            editor.move_cursor((row, buf.cursor[1]))
        finally:
            self._loading_buffer = False
        self._buffer_tabs()

    def _buffer_tabs(self) -> None:
        strip = self.query_one("#editor-tabs", TabStrip)
        strip.min_tabs = 1 if any(b.path for b in self._buffers) else 2
        strip.set_tabs([f"{i + 1} {b.label}" for i, b in enumerate(self._buffers)], self._active_buffer)

    def _switch_buffer(self, index: int) -> None:
        if self._modal_open() or not 0 <= index < len(self._buffers):
            return
        self._capture()
        self._show_buffer(index)
        self._editor().focus()
        self._save_quietly()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._loading_buffer or not isinstance(event.text_area, SqlEditor):
            return
        buf = self._buffers[self._active_buffer]
        if buf.path is None:
            return
        dirty = event.text_area.text != buf.saved_text
        if dirty != buf.dirty:
            buf.dirty = dirty
            self._buffer_tabs()

    def on_tab_strip_picked(self, message: TabStrip.Picked) -> None:
        if message.strip.id == "editor-tabs":
            message.stop()
            self._switch_buffer(message.index)

    def _fresh_name(self) -> str:
        names = {b.name for b in self._buffers}
        n = len(self._buffers) + 1
        while f"buffer {n}" in names:
            n += 1
        return f"buffer {n}"

    # -- tab actions -----------------------------------------------------------------------------
    def action_new_buffer(self, text: str = "", path: str | None = None) -> None:
        """Open a new editor tab (empty, or with a file's text)."""
        if self._modal_open():
            return
        self._capture()
        self._add_buffer(text, path)

    def _add_buffer(self, text: str, path: str | None) -> None:
        name = os.path.basename(path) if path else self._fresh_name()
        self._buffers.append(OpenBuffer(name, text, (0, 0), path, False, text if path else None))
        self._show_buffer(len(self._buffers) - 1)
        self._editor().focus()
        self._save_quietly()

    def action_next_buffer(self, step: int = 1) -> None:
        """Show the next (step 1) or previous (step -1) editor tab."""
        if len(self._buffers) > 1:
            self._switch_buffer((self._active_buffer + step) % len(self._buffers))

    def action_close_buffer(self) -> None:
        """Close the current editor tab (asks first when its file has unsaved changes)."""
        if self._modal_open():
            return
        self._capture()
        buf = self._buffers[self._active_buffer]
        if not buf.dirty:
            self._close_buffer()
            return
        from trino_tui.tui.screens.prompt import ChoicePrompt

        def answered(answer: str | None) -> None:
            if answer == "save" and self._write(buf, buf.path):
                self._close_buffer()
            elif answer == "discard":
                self._close_buffer()

        self.push_screen(ChoicePrompt("Unsaved changes", f"{buf.path} has unsaved changes.",
                                       [("save", "Save and close"), ("discard", "Close without saving"),
                                        ("cancel", "Cancel")]), answered)

    def _close_buffer(self) -> None:
        del self._buffers[self._active_buffer]
        if not self._buffers:
            self._buffers.append(OpenBuffer("buffer 1"))
        self._show_buffer(min(self._active_buffer, len(self._buffers) - 1))
        self._save_quietly()

    # -- files -----------------------------------------------------------------------------------
    def action_open_file(self) -> None:
        """Open a .sql file in a tab (a path prompt; Tab completes)."""
        from trino_tui.tui.screens.path_prompt import PathPrompt

        if not self._modal_open():
            self.push_screen(PathPrompt("Open SQL file", _start_dir()), self._open_path)

    def _open_path(self, path: str | None) -> None:
        if not path:
            return
        full = os.path.abspath(os.path.expanduser(path))
        for i, b in enumerate(self._buffers):
            if b.path == full:
                self._switch_buffer(i)
                return
        try:
            text = read_sql_file(full)
        except SqlFileError as exc:
            self.notify(str(exc), severity="error")
            return
        self._capture()
        current = self._buffers[self._active_buffer]
        if current.path is None and not current.text.strip():  # an empty scratch tab becomes the file
            del self._buffers[self._active_buffer]
        self._add_buffer(text, full)
        self.notify(f"Opened {full}", timeout=3)

    def action_save_file(self) -> None:
        """Save the current tab to its file (asks for a path the first time)."""
        if self._modal_open():
            return
        self._capture()
        buf = self._buffers[self._active_buffer]
        if buf.path is None:
            self.action_save_file_as()
        else:
            self._write(buf, buf.path)

    def action_save_file_as(self) -> None:
        """Save the current tab to a new .sql file (a path prompt; Tab completes)."""
        from trino_tui.tui.screens.path_prompt import PathPrompt

        if self._modal_open():
            return
        self._capture()
        buf = self._buffers[self._active_buffer]
        self.push_screen(PathPrompt("Save SQL file as", buf.path or _start_dir()),
                         lambda path: self._write(buf, path) if path else None)

    def _write(self, buf: OpenBuffer, path: str | None) -> bool:
        if not path:
            return False
        if not os.path.basename(path.rstrip("/")).count("."):
            path += ".sql"
        try:
            full = write_sql_file(path, buf.text)
        except SqlFileError as exc:
            self.notify(str(exc), severity="error")
            return False
        buf.path, buf.name, buf.saved_text, buf.dirty = full, os.path.basename(full), buf.text, False
        if buf in self._buffers:
            self._buffer_tabs()
        self.notify(f"Saved {full}", timeout=3)
        self._save_quietly()
        return True

    # -- quit ------------------------------------------------------------------------------------
    def unsaved_buffers(self) -> list[OpenBuffer]:
        self._capture()
        return [b for b in self._buffers if b.dirty and b.path]

    async def action_quit(self) -> None:
        """Quit; with unsaved files, ask first (save all / quit anyway / cancel)."""
        from trino_tui.tui.screens.prompt import ChoicePrompt

        unsaved = self.unsaved_buffers()
        if not unsaved:
            self._save_quietly()
            self.exit()
            return
        if isinstance(self.screen, ChoicePrompt):
            return
        names = ", ".join(b.name for b in unsaved[:4]) + (" …" if len(unsaved) > 4 else "")

        def answered(answer: Any) -> None:
            if answer == "save" and not all(self._write(b, b.path) for b in unsaved):
                return
            if answer in ("save", "quit"):
                self._save_quietly()  # unsaved text is kept in the session either way
                self.exit()

        self.push_screen(ChoicePrompt("Unsaved changes", f"Unsaved changes in {names}.",
                                       [("save", "Save all and quit"), ("quit", "Quit without saving"),
                                        ("cancel", "Cancel")]), answered)


def _fresh_history(like: EditHistory) -> EditHistory:
    return EditHistory(max_checkpoints=like.max_checkpoints, checkpoint_timer=like.checkpoint_timer,
                       checkpoint_max_characters=like.checkpoint_max_characters)


def _start_dir() -> str:
    cwd = os.getcwd()
    home = os.path.expanduser("~")
    shown = "~" + cwd[len(home):] if cwd == home or cwd.startswith(home + os.sep) else cwd
    return shown.rstrip("/") + "/"
