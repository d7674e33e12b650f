"""Editor tabs and .sql files in TrinoTuiApp (Pilot): new/close/next tabs keep each text and cursor,
open a file through the path prompt (Tab completes), dirty marker, save, the confirm on quitting
with unsaved changes, and every tab (text, cursor, file) restored on the next start."""

from __future__ import annotations

import asyncio

from trino_tui.explore.sqlfiles import complete_path, read_sql_file, write_sql_file
from trino_tui.explore.workspace import Workspace
from trino_tui.tui.screens.path_prompt import PathPrompt
from trino_tui.tui.screens.prompt import ChoicePrompt
from trino_tui.tui.widgets.editor import SqlEditor
from trino_tui.tui.widgets.tab_strip import TabStrip

from ..explore.fakes import tpch_runner
from .test_explore_app import fake_client, idle, make_app


def _ws(tmp_path) -> Workspace:
    return Workspace(lambda cfg: tpch_runner(), state_dir=tmp_path / "state")


def test_complete_path_lists_folders_and_sql_files_only(tmp_path):
    (tmp_path / "queries").mkdir()
    (tmp_path / "query1.sql").write_text("SELECT 1")
    (tmp_path / "notes.txt").write_text("x")
    done = complete_path(str(tmp_path) + "/q")
    assert done.text == str(tmp_path) + "/quer" and done.candidates == ("queries/", "query1.sql")
    assert complete_path(str(tmp_path) + "/n").candidates == ()  # .txt is not offered
    assert complete_path(str(tmp_path / "missing") + "/x").candidates == ()


def test_sql_files_round_trip_and_fail_in_one_line(tmp_path):
    path = write_sql_file(str(tmp_path / "a.sql"), "SELECT 'é'")
    assert read_sql_file(path) == "SELECT 'é'"
    (tmp_path / "bin.sql").write_bytes(b"\xff\xfe")
    for bad in (str(tmp_path / "bin.sql"), str(tmp_path / "nope.sql")):
        try:
            read_sql_file(bad)
        except Exception as exc:  # noqa: BLE001
            assert "\n" not in str(exc) and bad in str(exc)
        else:
            raise AssertionError("no error")


def test_tabs_keep_text_and_cursor_and_come_back_on_the_next_start(tmp_path):
    async def first():
        app = make_app(fake_client(), tmp_path, sql="SELECT 1", workspace=_ws(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            editor = app.query_one(SqlEditor)
            strip = app.query_one("#editor-tabs", TabStrip)
            assert not strip.display  # one scratch buffer: no strip
            await pilot.press("ctrl+n")
            assert strip.display and len(strip.labels) == 2 and strip.active == 1
            assert editor.text == ""
            await pilot.press(*"SELECT", "space", "2")
            await pilot.press("ctrl+pageup")  # back to the first tab: its text and cursor
            assert editor.text == "SELECT 1" and strip.active == 0
            editor.move_cursor((0, 3))
            await pilot.press("ctrl+pagedown")
            assert editor.text == "SELECT 2" and editor.cursor_location == (0, 8)
            await pilot.press("ctrl+q")
        return app

    asyncio.run(first())

    async def second():
        app = make_app(fake_client(), tmp_path, workspace=_ws(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            editor = app.query_one(SqlEditor)
            assert [b.text for b in app.buffers] == ["SELECT 1", "SELECT 2"]
            assert app.active_buffer == 1 and editor.text == "SELECT 2"
            await pilot.press("ctrl+pageup")
            assert editor.cursor_location == (0, 3)
            await pilot.press("ctrl+w")  # a scratch tab closes at once
            assert [b.text for b in app.buffers] == ["SELECT 2"] and editor.text == "SELECT 2"
            await pilot.press("ctrl+n", *"SELECT", "space", "n", "a")
            await idle(pilot, app)
            assert editor.completion.visible  # typing a name opens the popup ...
            await pilot.press("ctrl+pageup", "ctrl+pagedown")
            await idle(pilot, app)
            assert editor.text == "SELECT na" and not editor.completion.visible  # ... loading a tab does not

    asyncio.run(second())


def test_open_with_tab_completion_dirty_marker_save_and_quit_confirm(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "report.sql").write_text("SELECT 42\n")

    async def scenario():
        app = make_app(fake_client(), tmp_path, sql="", workspace=_ws(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            editor = app.query_one(SqlEditor)
            await pilot.press("ctrl+o")
            assert isinstance(app.screen, PathPrompt)
            from textual.widgets import Input

            field = app.screen.query_one(Input)
            field.value = str(folder) + "/re"
            await pilot.press("tab")
            assert field.value == str(folder / "report.sql")
            await pilot.press("enter")
            await pilot.pause()
            assert editor.text == "SELECT 42\n"
            assert len(app.buffers) == 1 and app.buffers[0].path == str(folder / "report.sql")  # empty scratch reused
            strip = app.query_one("#editor-tabs", TabStrip)
            assert strip.display and strip.labels == ("1 report.sql",)
            editor.move_cursor((0, 9))
            await pilot.press("space", "1")
            assert strip.labels == ("1 report.sql*",)
            await pilot.press("backspace", "backspace")
            assert strip.labels == ("1 report.sql",)  # back to the file's text: clean again
            await pilot.press("space", "+", "space", "1")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ChoicePrompt) and app.is_running  # not quit yet
            await pilot.press("escape")  # cancel: keep working
            await pilot.pause()
            assert not isinstance(app.screen, ChoicePrompt)
            await pilot.press("ctrl+s")
            assert (folder / "report.sql").read_text() == "SELECT 42 + 1\n" and strip.labels == ("1 report.sql",)
            await pilot.press("space", "x")
            await pilot.press("ctrl+q")
            await pilot.pause()
            await pilot.click("#choice-save")  # save all and quit
            await pilot.pause()
        assert (folder / "report.sql").read_text() == "SELECT 42 + 1 x\n"

    asyncio.run(scenario())


def test_save_as_names_the_tab_and_a_write_error_is_one_line(tmp_path):
    async def scenario():
        app = make_app(fake_client(), tmp_path, sql="SELECT 7", workspace=_ws(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("ctrl+s")  # no file yet: asks for one
            assert isinstance(app.screen, PathPrompt)
            from textual.widgets import Input

            app.screen.query_one(Input).value = str(tmp_path / "missing-dir" / "x.sql")
            await pilot.press("enter")
            await pilot.pause()
            assert app.buffers[0].path is None  # not saved: the directory does not exist
            await pilot.press("alt+s")
            app.screen.query_one(Input).value = str(tmp_path / "seven")
            await pilot.press("enter")
            await pilot.pause()
            assert (tmp_path / "seven.sql").read_text() == "SELECT 7"
            assert app.query_one("#editor-tabs", TabStrip).labels == ("1 seven.sql",)

    asyncio.run(scenario())


def test_f1_help_lists_the_tab_and_file_keys():
    from trino_tui.tui.app import TrinoTuiApp
    from trino_tui.tui.screens.help import help_markdown

    text = help_markdown(TrinoTuiApp.BINDINGS)
    for key, what in (("ctrl+n", "New editor tab"), ("ctrl+w", "Close editor tab"), ("ctrl+o", "Open .sql file"),
                      ("ctrl+s", "Save .sql file"), ("alt+pagedown", "Next result tab"), ("alt+w", "Close result tab")):
        assert f"| {key} | {what}" in text, key


def test_each_tab_keeps_its_own_undo_history(tmp_path):
    async def go():
        app = make_app(fake_client(), tmp_path, sql="SELECT 1", workspace=_ws(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            editor = app.query_one(SqlEditor)
            editor.move_cursor(editor.document.end)
            await pilot.press("A")  # one key per tab: one undo step whatever the checkpoint timer
            assert editor.text == "SELECT 1A"
            await pilot.press("ctrl+n")
            await pilot.press("2")
            await pilot.press("ctrl+pageup")
            assert editor.text == "SELECT 1A"
            editor.undo()  # the first tab's own edit is undone, not lost with the switch
            assert editor.text == "SELECT 1"
            await pilot.press("ctrl+pagedown")
            assert editor.text == "2"
            editor.undo()
            assert editor.text == ""  # and the second tab undoes its typing, not the first's
            editor.redo()
            assert editor.text == "2"

    asyncio.run(go())
