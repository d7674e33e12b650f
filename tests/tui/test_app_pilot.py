"""Pilot tests of TrinoTuiApp with a scriptable fake client (deterministic, no server).

Intermediate states are reached by holding the fake query at a gate and waiting on conditions.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.command import CommandList

from trino_tui.tui.app import TrinoTuiApp
from trino_tui.tui.clipboard import ClipboardUnavailable, MemoryClipboard, SystemClipboard
from trino_tui.tui.widgets.editor import SqlEditor
from trino_tui.tui.widgets.grid import ResultGrid

from tests.tui.conftest import FakeClient, FakeQuery, failed, int_batches, make_settings

CONFIG = make_settings()


async def wait_until(pilot, cond, timeout: float = 10.0, what: str = "condition") -> None:
    """Process messages until ``cond()`` holds (bounded by ``timeout``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


def palette_hits(app) -> int:
    """Options currently listed by the command palette (0 when it is not open)."""
    lists = app.screen.query(CommandList)
    return lists.first().option_count if lists else 0


def streaming_client(columns, gate_at: int) -> FakeClient:
    """A client whose queries stream 1,000 rows in batches of 100, holding at batch *gate_at*."""
    return FakeClient(lambda sql: FakeQuery(columns, int_batches(1000, 100), gate_at=gate_at))


def run_to_gate(columns, gate_at: int, body, size=(100, 30)):
    """Start the app, press ctrl+j, wait until the query holds at its gate, then
    ``await body(app, pilot, client, query)``; returns what body returns."""
    client = streaming_client(columns, gate_at)

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=size) as pilot:
            await pilot.press("ctrl+j")
            query = client.wait_query()
            assert query.reached_gate.wait(10)
            return await body(app, pilot, client, query)

    return asyncio.run(scenario())

def make_app(client: FakeClient, sql: str = "select n, label from t", **kw) -> TrinoTuiApp:
    app = TrinoTuiApp(CONFIG, initial_sql=sql, client_factory=lambda cfg: client,
                      clipboard=kw.pop("clipboard", MemoryClipboard()), **kw)
    app.animation_level = "none"
    return app


def test_run_streams_rows_then_finishes(fake_columns):
    async def body(app, pilot, client, query):
        grid = app.query_one(ResultGrid)
        await wait_until(pilot, lambda: grid.row_count == 300, what="300 rows so far")
        assert app.query_status == "streaming"
        assert "so far" in str(grid.border_title)
        query.gate.set()
        await wait_until(pilot, lambda: app.query_status == "finished", what="finished")
        assert grid.row_count == 1000 and "1,000 rows" in str(grid.border_title)
        assert client.executed == ["select n, label from t"]
        editor = app.query_one(SqlEditor)
        assert editor.language == "sql" and editor.is_syntax_aware and editor.show_line_numbers

    run_to_gate(fake_columns, 3, body, size=(120, 36))


def test_runs_statement_under_cursor_and_ctrl_enter(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(3, 3)))

    async def scenario():
        app = make_app(client, sql="select 1;\nselect 2;\n")
        async with app.run_test(size=(100, 30)) as pilot:
            app.query_one(SqlEditor).move_cursor((1, 3))
            await pilot.press("ctrl+enter")
            await wait_until(pilot, lambda: app.query_status == "finished")
            app.query_one(SqlEditor).move_cursor((0, 0))
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: len(client.executed) == 2 and app.query_status == "finished")
            assert client.executed == ["select 2", "select 1"]

    asyncio.run(scenario())


@pytest.mark.parametrize("key,status,title", [("ctrl+c", "cancelled", "cancelled after 300 rows"),
                                              ("f3", "stopped", "stopped after 300 rows")])
def test_cancel_and_stop_mid_stream(fake_columns, key, status, title):
    async def body(app, pilot, client, query):
        grid = app.query_one(ResultGrid)
        await wait_until(pilot, lambda: grid.row_count == 300)
        await pilot.press(key)
        await wait_until(pilot, lambda: app.query_status == status, what=status)
        assert title in str(grid.border_title)
        assert grid.row_count == 300
        assert (query.cancelled if key == "ctrl+c" else query.stop_requested).is_set()

    run_to_gate(fake_columns, 3, body, size=(120, 36))


def test_ctrl_c_copies_in_editor_when_idle(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(100, 30)) as pilot:
            assert app.check_action("cancel_query", ()) is False
            await pilot.press("ctrl+c")  # falls through to the editor; nothing runs, nothing breaks
            assert client.executed == [] and app.query_status == "idle"

    asyncio.run(scenario())


def test_error_moves_cursor_to_location_relative_to_statement(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, [], error=failed("line 2:5: Column 'nope' cannot be resolved", 2, 5)))

    async def scenario():
        app = make_app(client, sql="select 1;\n\n  select\n    nope from t;\n")
        async with app.run_test(size=(120, 36)) as pilot:
            editor = app.query_one(SqlEditor)
            editor.move_cursor((3, 0))
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "failed")
            assert client.executed == ["select\n    nope from t"]
            assert editor.cursor_location == (3, 4)
            grid = app.query_one(ResultGrid)
            assert grid.status == "failed"
            assert any("cannot be resolved" in str(n.message) for n in app._notifications)

    asyncio.run(scenario())


def test_new_query_cancels_the_running_one(fake_columns):
    async def body(app, pilot, client, first):
        await pilot.press("ctrl+j")
        second = client.wait_query(2)
        assert first.cancelled.is_set()
        second.gate.set()
        await wait_until(pilot, lambda: app.query_status == "finished")
        assert app.query_one(ResultGrid).row_count == 1000

    run_to_gate(fake_columns, 1, body)


def test_copy_cell_row_and_selection(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(10, 10)))
    clip = MemoryClipboard()

    async def scenario():
        app = make_app(client, clipboard=clip)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished")
            grid = app.query_one(ResultGrid)
            grid.focus()
            grid.cursor = (2, 1)
            await pilot.press("f6")
            await pilot.press("f7")
            grid.cursor = (1, 0)
            await pilot.press("shift+down", "shift+right")
            await pilot.press("f8")
            assert clip.items == ["row 2", "2\trow 2", "n\tlabel\n1\trow 1\n2\trow 2"]

    asyncio.run(scenario())


def test_copy_with_no_result_says_so(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))
    clip = MemoryClipboard()

    async def scenario():
        app = make_app(client, clipboard=clip)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f6")
            assert clip.items == []
            assert any("Nothing to copy" in str(n.message) for n in app._notifications)

    asyncio.run(scenario())


def test_system_clipboard_falls_back_to_osc52(monkeypatch):
    import pyperclip

    def no_clipboard(text):
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    sent: list[str] = []
    assert "OSC 52" in SystemClipboard(sent.append).copy("x\ty")
    assert sent == ["x\ty"]
    with pytest.raises(ClipboardUnavailable, match="no clipboard available"):
        SystemClipboard(None).copy("x")


def test_theme_switch_via_command_palette(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))

    async def scenario():
        app = make_app(client, theme="trino-dark")
        async with app.run_test(size=(100, 30)) as pilot:
            assert app.theme == "trino-dark"
            assert {"trino-dark", "trino-light"} <= set(app.available_themes)
            await pilot.press("ctrl+p")
            await pilot.press(*"Theme: trino-light")
            await wait_until(pilot, lambda: palette_hits(app) > 0, what="palette hits")
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.theme == "trino-light", what="theme switched")

    asyncio.run(scenario())


def test_unknown_theme_is_reported_not_fatal(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))

    async def scenario():
        app = make_app(client, theme="no-such-theme")
        async with app.run_test(size=(100, 30)):
            assert app.theme == "trino-dark"
            assert any("Unknown theme" in str(n.message) for n in app._notifications)

    asyncio.run(scenario())


def test_palette_commands_run_actions(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, int_batches(5, 5)))

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.press(*"Run statement")
            await wait_until(pilot, lambda: palette_hits(app) > 0, what="palette hits")
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.query_status == "finished", what="ran from the palette")
            assert client.executed == ["select n, label from t"]

    asyncio.run(scenario())


def test_quit_while_streaming_cancels_and_joins_every_thread(fake_columns):
    import threading

    async def body(app, pilot, client, query):
        await wait_until(pilot, lambda: app.query_one(ResultGrid).row_count == 200)
        runner = app.runner
        await pilot.press("ctrl+q")
        return runner, query

    runner, query = run_to_gate(fake_columns, 2, body)
    assert query.cancelled.is_set() and query.closed
    assert not runner.running and runner.store.closed
    assert not [t.name for t in threading.enumerate() if t.name.startswith("tui-")]


def test_run_tui_rejects_an_unknown_theme_before_starting(capsys):
    from trino_tui.tui.app import run_tui

    assert run_tui(CONFIG, theme="no-such-theme") == 2
    err = capsys.readouterr().err
    assert "unknown theme 'no-such-theme'" in err and "trino-light" in err and "\n" == err[-1]


def test_theme_files_load_and_bad_files_are_reported(tmp_path):
    from trino_tui.tui.themes import load_themes

    (tmp_path / "a.toml").write_text('name = "a"\nprimary = "#112233"\ndark = false\n[variables]\nx = 1\n')
    (tmp_path / "b.toml").write_text('name = "b"\n')
    (tmp_path / "c.toml").write_text('name = "c"\nprimary = "#000"\ncolour = "red"\n')
    (tmp_path / "d.toml").write_text("name = \n")
    loaded = load_themes(tmp_path)
    assert [t.name for t in loaded.themes] == ["a"] and loaded.themes[0].variables == {"x": "1"}
    assert len(loaded.errors) == 3 and all("\n" not in e for e in loaded.errors)
    assert any("unknown keys ['colour']" in e for e in loaded.errors)
    packaged = load_themes()
    assert {t.name for t in packaged.themes} >= {"trino-dark", "trino-light"} and packaged.errors == []


def test_nothing_to_run_is_a_notice_not_a_query(fake_columns):
    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))

    async def scenario():
        app = make_app(client, sql="-- just a comment\n  ;  \n")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+j")
            assert client.executed == []
            assert any("Nothing to run" in str(n.message) for n in app._notifications)

    asyncio.run(scenario())


def test_selection_runs_only_the_selected_text(fake_columns):
    from textual.widgets.text_area import Selection

    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))

    async def scenario():
        app = make_app(client, sql="select a, b from t where x = 1;\n")
        async with app.run_test(size=(100, 30)) as pilot:
            app.query_one(SqlEditor).selection = Selection((0, 0), (0, 16))
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished")
            assert client.executed == ["select a, b from"]

    asyncio.run(scenario())


def test_unreachable_server_is_a_one_line_failure():
    """The real client against a closed port: a clear message in the grid, no traceback."""
    config = make_settings("http://127.0.0.1:1", client_request_timeout=0.5)

    async def scenario():
        app = TrinoTuiApp(config, initial_sql="select 1", clipboard=MemoryClipboard())
        app.animation_level = "none"
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "failed", timeout=30)
            messages = [str(n.message) for n in app._notifications]
            assert any("127.0.0.1:1" in m and "\n" not in m for m in messages)
            assert "127.0.0.1:1" in str(app.query_one(ResultGrid).border_title)

    asyncio.run(scenario())


def test_help_screen_lists_the_bindings(fake_columns):
    from textual.widgets import Markdown

    from trino_tui.tui.screens.help import HelpScreen

    client = FakeClient(lambda sql: FakeQuery(fake_columns, []))

    async def scenario():
        app = make_app(client)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f1")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
            text = app.screen.query_one(Markdown).source
            assert "| ctrl+j | Run |" in text and "Stop, keep rows" in text and "ctrl+end" in text
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))

    asyncio.run(scenario())
