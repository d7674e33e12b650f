"""Small modal prompts for the grid tools: one line of text (``TextPrompt``) and a choice between
a few buttons (``ChoicePrompt``). Each dismisses with the answer (None on escape). UI thread only.
"""

from __future__ import annotations

from typing import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 90; height: auto; padding: 1 2; border: thick $primary; background: $surface; }}
{name} .prompt-title {{ text-style: bold; margin-bottom: 1; }}
{name} .prompt-help {{ color: $foreground-muted; margin-top: 1; }}
{name} Horizontal {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 1; min-width: 8; width: auto; }}
"""


class TextPrompt(ModalScreen["str | None"]):
    """Asks for one line of text; Enter answers it, escape answers None."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]
    DEFAULT_CSS = _CSS.format(name="TextPrompt")

    def __init__(self, title: str, *, value: str = "", placeholder: str = "", help: str = "") -> None:  # noqa: A002
        super().__init__()
        self._title, self._value, self._placeholder, self._help = title, value, placeholder, help

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="prompt-title")
            yield Input(self._value, placeholder=self._placeholder, id="prompt-input")
            if self._help:
                yield Label(self._help, classes="prompt-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ChoicePrompt(ModalScreen["str | None"]):
    """A question with one button per (answer, label); escape answers None."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]
    DEFAULT_CSS = _CSS.format(name="ChoicePrompt")

    def __init__(self, title: str, text: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._title, self._text, self._choices = title, text, list(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="prompt-title")
            yield Label(self._text)
            with Horizontal():
                for i, (answer, label) in enumerate(self._choices):
                    yield Button(label, id=f"choice-{answer}", variant="primary" if i == 0 else "default")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
