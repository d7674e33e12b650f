"""Modal prompts for editor files: a path with Tab completion (``PathPrompt``) and a yes/no/cancel
question (``ConfirmPrompt``, e.g. quitting with unsaved changes). Each dismisses with the answer
(None on escape). Listing a directory for Tab reads the local file system only. UI thread only.
"""

from __future__ import annotations

from typing import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from trino_tui.explore.sqlfiles import complete_path

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 90; height: auto; padding: 1 2; border: thick $primary; background: $surface; }}
{name} .title {{ text-style: bold; margin-bottom: 1; }}
{name} .hint {{ color: $foreground-muted; margin-top: 1; }}
{name} Horizontal {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 2; }}
"""
SHOWN_CANDIDATES = 12


class PathPrompt(ModalScreen["str | None"]):
    """Asks for a file path; Tab completes it (directories and .sql files), Enter answers it."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel"),
                Binding("tab", "complete", "Complete", priority=True)]
    DEFAULT_CSS = _CSS.format(name="PathPrompt")

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self._title, self._value = title, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="title")
            yield Input(self._value, placeholder="path/to/file.sql", id="path-input")
            yield Label("tab: complete · enter: OK · esc: cancel", id="path-candidates", classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_complete(self) -> None:
        field = self.query_one(Input)
        done = complete_path(field.value)
        field.value = done.text
        field.cursor_position = len(done.text)
        names = list(done.candidates[:SHOWN_CANDIDATES])
        more = len(done.candidates) - len(names)
        shown = "  ".join(names) + (f"  … {more} more" if more > 0 else "")
        self.query_one("#path-candidates", Label).update(shown if names else "no matching .sql file or folder")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ConfirmPrompt(ModalScreen["str | None"]):
    """A question with one button per (answer, label); the first is the default; escape is None."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]
    DEFAULT_CSS = _CSS.format(name="ConfirmPrompt")

    def __init__(self, title: str, text: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._title, self._text, self._choices = title, text, list(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="title")
            yield Label(self._text)
            with Horizontal():
                for i, (answer, label) in enumerate(self._choices):
                    yield Button(label, id=f"answer-{answer}", variant="primary" if i == 0 else "default")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
