"""Choosing the connection profile in the TUI: palette entries per profile, the switch takes effect
for the next statement, a profile that needs a typed password is refused with one line."""

from __future__ import annotations

import asyncio

from tests.sandbox.helpers_server import fake_sandbox
from tests.tui.test_app_pilot import wait_until
from trino_tui.core.settings import TUI_DEFAULTS, resolve
from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.clipboard import MemoryClipboard
from trino_tui.tui.commands import TrinoCommands


def test_switch_profile_from_the_palette_list(tmp_path, monkeypatch) -> None:
    with fake_sandbox() as sb:
        config = tmp_path / "config.toml"
        config.write_text(f'[profiles.alpha]\nserver = "{sb.url}"\nuser = "alpha-user"\n'
                          '[profiles.locked]\nserver = "https://locked.example:443"\nuser = "x"\npassword = true\n')
        monkeypatch.setenv("TRINO_TUI_CONFIG", str(config))
        monkeypatch.delenv("TRINO_PASSWORD", raising=False)
        start = resolve({}, env={}, overrides={"server": "http://127.0.0.1:9", "user": "nobody"}, defaults=TUI_DEFAULTS)

        async def scenario() -> None:
            app = TrinoTuiApp(start, initial_sql="SELECT * FROM numbers_20", clipboard=MemoryClipboard())
            app.animation_level = "none"
            async with app.run_test() as pilot:
                titles = [t for t, _, _ in TrinoCommands(app.screen)._entries()]
                assert "Profile: alpha" in titles and "Profile: locked" in titles
                notes: list[str] = []
                monkeypatch.setattr(app, "notify", lambda msg, **kw: notes.append(msg))
                app.switch_profile("locked")
                assert app.settings is start and "TRINO_PASSWORD" in notes[-1]
                app.switch_profile("alpha")
                assert app.settings.profile == "alpha" and app.settings.server == sb.url
                assert app.sub_title == "profile alpha"
                from trino_tui.tui.widgets.context_line import ContextLine
                await wait_until(pilot, lambda: app.query_one(ContextLine).text.startswith("profile alpha"),
                                 what="context line names the profile")
                await pilot.press("ctrl+j")
                await wait_until(pilot, lambda: app.query_status == "finished", what="query finished")
                assert len(app.store) == 20

        asyncio.run(scenario())
        assert sb.engine.executed[-1][1].user == "alpha-user"


def test_context_line_names_the_profile() -> None:
    from trino_tui.client import ClientConfig
    from trino_tui.explore.context import context_from
    cfg = ClientConfig(server="https://h:443", user="u", catalog="tpch", schema="tiny")
    assert context_from(cfg, profile="prod").text().startswith("profile prod  server h:443  user u  in tpch.tiny")
    assert context_from(cfg).text().startswith("server h:443")
