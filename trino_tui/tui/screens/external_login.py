"""ExternalLoginScreen: the OAuth2 login URL shown while the client waits for the token.

Owns: presenting the login URL (selectable text, ``c`` copies it through the app's clipboard),
closing itself when the login ends, and Cancel (Escape), which ends the waiting login
(``ExternalAuthentication.cancel()``; the query then fails as cancelled).
`LoginDialogHandler` is the ``on_redirect``/``on_finished`` pair installed on the client's
``ExternalAuthentication``: called on the query thread, it opens a browser when there is one and
pushes the screen through ``App.call_from_thread``; the login's end is a ``threading.Event`` the
screen polls on the UI thread (four times a second, cheap).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea


class ExternalLoginScreen(ModalScreen[None]):
    """Login URL + Copy / Cancel; dismisses itself once ``finished`` is set."""

    DEFAULT_CSS = """
    ExternalLoginScreen { align: center middle; background: $background 60%; }
    ExternalLoginScreen > #login-dialog {
        width: 80%; height: auto; max-height: 80%; padding: 1 2;
        border: round $primary; background: $surface;
    }
    ExternalLoginScreen #login-url { height: 5; margin: 1 0; }
    ExternalLoginScreen #login-buttons { height: auto; align-horizontal: right; }
    ExternalLoginScreen Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel_login", "Cancel login"),
        Binding("c", "copy_url", "Copy URL"),
    ]

    def __init__(self, url: str, *, finished: threading.Event, on_cancel: Callable[[], None],
                 browser_opened: bool = False) -> None:
        super().__init__()
        self.url = url
        self.finished = finished
        self.on_cancel = on_cancel
        self.browser_opened = browser_opened

    def compose(self) -> ComposeResult:
        where = "A browser window was opened. " if self.browser_opened else ""
        with Vertical(id="login-dialog") as dialog:
            dialog.border_title = "Log in to Trino"
            yield Static(f"{where}Open this URL in a browser and log in; the query continues by itself.",
                         id="login-help")
            yield TextArea(self.url, id="login-url", read_only=True, soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="login-buttons"):
                yield Button("Copy URL (c)", id="login-copy")
                yield Button("Cancel (Esc)", id="login-cancel", variant="error")

    def on_mount(self) -> None:
        self.set_interval(0.25, self._check_finished)

    def _check_finished(self) -> None:
        if self.finished.is_set() and self.is_attached:
            self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login-copy":
            self.action_copy_url()
        elif event.button.id == "login-cancel":
            self.action_cancel_login()

    def action_copy_url(self) -> None:
        backend = getattr(self.app, "clipboard_backend", None)
        try:
            if backend is not None:
                what = backend.copy(self.url)
            else:
                self.app.copy_to_clipboard(self.url)
                what = "copied to the clipboard"
            self.notify(f"Login URL {what}", timeout=3)
        except Exception as exc:  # noqa: BLE001 - ClipboardUnavailable: one line, the URL stays visible
            self.notify(" ".join(str(exc).split()) or "no clipboard available", severity="warning")

    def action_cancel_login(self) -> None:
        self.on_cancel()
        self.dismiss(None)


class LoginDialogHandler:
    """on_redirect/on_finished for an ExternalAuthentication in the TUI (see the module docstring)."""

    def __init__(self, app: App, auth: Any, *, open_browser: Callable[[str], bool] | None = None) -> None:
        self.app = app
        self.auth = auth
        self._open_browser = open_browser or auth.open_browser
        self._finished: threading.Event | None = None

    def redirect(self, url: str) -> None:
        finished = self._finished = threading.Event()
        opened = self._open_browser(url)
        screen = ExternalLoginScreen(url, finished=finished, on_cancel=self.auth.cancel, browser_opened=opened)
        try:
            self.app.call_from_thread(self.app.push_screen, screen)
        except RuntimeError:  # the app is gone (shutting down): nobody can log in
            self.auth.cancel()

    def done(self, ok: bool) -> None:
        if self._finished is not None:
            self._finished.set()


def install_login_dialog(app: App, config: Any) -> None:
    """Route *config*'s OAuth2 login (if it uses one) to ExternalLoginScreen."""
    auth = getattr(config, "auth", None)
    if auth is None:  # no connection method: the OAuth2 module (httpx, webbrowser) stays unloaded (start-up)
        return
    from trino_tui.client import ExternalAuthentication

    if isinstance(auth, ExternalAuthentication) and not isinstance(getattr(auth.on_redirect, "__self__", None),
                                                                   LoginDialogHandler):
        handler = LoginDialogHandler(app, auth)
        auth.on_redirect, auth.on_finished = handler.redirect, handler.done
