"""The TUI's OAuth2 login dialog: shown from the query thread, copies the URL, closes when the
login ends, Cancel ends the waiting login. Pilot, animation_level none."""

from __future__ import annotations

import asyncio
import threading

from textual.app import App
from textual.widgets import TextArea

from trino_tui.client import ClientConfig, ExternalAuthentication
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.screens.external_login import ExternalLoginScreen, LoginDialogHandler, install_login_dialog

URL = "https://trino.example:8443/oauth2/token/initiate/abc123"


class Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"
        self.clipboard_backend = MemoryClipboard()


class FakeAuth:
    def __init__(self) -> None:
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()


async def _wait_for(pilot, predicate, steps: int = 200) -> None:
    for _ in range(steps):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


def test_dialog_from_the_query_thread_copies_and_closes_when_done() -> None:
    async def scenario() -> None:
        app = Host()
        auth = FakeAuth()
        handler = LoginDialogHandler(app, auth, open_browser=lambda url: False)
        async with app.run_test() as pilot:
            t = threading.Thread(target=handler.redirect, args=(URL,))
            t.start()
            await _wait_for(pilot, lambda: isinstance(app.screen, ExternalLoginScreen))
            t.join(5)
            screen = app.screen
            assert screen.query_one("#login-url", TextArea).text == URL
            await pilot.press("c")
            assert app.clipboard_backend.items == [URL]
            handler.done(True)  # the token arrived
            await _wait_for(pilot, lambda: not isinstance(app.screen, ExternalLoginScreen))
            assert not auth.cancelled.is_set()

    asyncio.run(scenario())


def test_escape_cancels_the_login() -> None:
    async def scenario() -> None:
        app = Host()
        auth = FakeAuth()
        async with app.run_test() as pilot:
            await app.push_screen(ExternalLoginScreen(URL, finished=threading.Event(), on_cancel=auth.cancel,
                                                      browser_opened=True))
            await pilot.press("escape")
            await _wait_for(pilot, lambda: not isinstance(app.screen, ExternalLoginScreen))
            assert auth.cancelled.is_set()

    asyncio.run(scenario())


def test_install_hooks_only_external_authentication() -> None:
    app = Host()
    auth = ExternalAuthentication("https://h:8443")
    cfg = ClientConfig(server="https://h:8443", user="u", auth=auth)
    install_login_dialog(app, cfg)
    first = auth.on_redirect
    assert isinstance(first.__self__, LoginDialogHandler) and auth.on_finished == first.__self__.done
    install_login_dialog(app, cfg)  # idempotent
    assert auth.on_redirect == first
    plain = ClientConfig(server="https://h:8443", user="u")
    install_login_dialog(app, plain)  # nothing to hook, no error


def test_app_shows_the_login_dialog_and_runs_after_the_login(tmp_path, monkeypatch) -> None:
    """The real app, client and TLS sandbox with OAuth2: ctrl+j -> dialog with the URL -> the user logs
    in (HTTP, like a browser) -> the dialog closes and the rows arrive; the token is cached."""
    import re
    import ssl

    import httpx

    from tests.sandbox.helpers_server import fake_sandbox
    from tests.tui.test_app_pilot import wait_until
    from trino_tui.core.settings import TUI_DEFAULTS, resolve
    from trino_tui.sandbox.auth_chain import ChainAuthenticator
    from trino_tui.sandbox.auth_jwt import JwtCodec
    from trino_tui.sandbox.auth_oauth2 import OAuth2Auth
    from trino_tui.sandbox.auth_tls import SandboxPki
    from trino_tui.tui.app import TrinoTuiApp

    monkeypatch.setattr(ExternalAuthentication, "open_browser", staticmethod(lambda url: False))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # the token file lands here

    def log_in(url: str, ca: str) -> None:
        with httpx.Client(verify=ssl.create_default_context(cafile=ca), timeout=10) as http:
            page = http.get(url)
            action = re.search(r"action='([^']+)'", page.text).group(1)
            http.post(httpx.URL(url).join(action), data={"user": "tui-user", "action": "allow"})

    async def scenario(sb, pki) -> None:
        settings = resolve({"server": sb.url, "user": "tui-user", "cafile": pki.ca_path,
                            "external_authentication": True}, env={}, defaults=TUI_DEFAULTS)
        app = TrinoTuiApp(settings, initial_sql="SELECT * FROM numbers_500", clipboard=MemoryClipboard())
        app.animation_level = "none"
        async with app.run_test() as pilot:
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: isinstance(app.screen, ExternalLoginScreen), what="login dialog")
            url = app.screen.url
            assert "/oauth2/token/initiate/" in url
            await asyncio.to_thread(log_in, url, pki.ca_path)
            await wait_until(pilot, lambda: not isinstance(app.screen, ExternalLoginScreen), what="dialog closed")
            await wait_until(pilot, lambda: app.query_status == "finished", what="query finished")
            assert app.store is not None and len(app.store) == 500

    with SandboxPki() as pki, fake_sandbox(**pki.config_kwargs(),
                                           auth=ChainAuthenticator([OAuth2Auth(JwtCodec("k"), poll_wait=5)])) as sb:
        asyncio.run(scenario(sb, pki))
        assert sb.engine.executed[-1][1].user == "tui-user"
    assert (tmp_path / "trino-tui" / "tokens.json").exists()


def test_dialog_is_installed_at_mount_for_every_client() -> None:
    """Background clients (the catalog browser) may hit the login first: the handler is in place
    as soon as the app mounts, so nothing prints the URL over the screen."""
    from trino_tui.core.settings import TUI_DEFAULTS, resolve
    from trino_tui.tui.app import TrinoTuiApp

    settings = resolve({"server": "https://127.0.0.1:9", "user": "u", "external_authentication": True}, env={},
                       defaults=TUI_DEFAULTS)

    async def scenario() -> None:
        app = TrinoTuiApp(settings, clipboard=MemoryClipboard())
        app.animation_level = "none"
        async with app.run_test():
            assert isinstance(settings.client.auth.on_redirect.__self__, LoginDialogHandler)

    asyncio.run(scenario())
