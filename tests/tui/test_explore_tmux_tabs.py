"""Real terminal (tmux), a new user (empty XDG state dir): a query in the first editor tab, a second
tab (ctrl+n) with another query that is run, quit; start again: the history holds the query and
both tabs' text is back (the second one active, ctrl+pgup shows the first)."""

from __future__ import annotations

import json
import shutil

import pytest

from .test_explore_tmux import _new_user, _quit, _start, _type
from .test_tmux import _tmux

pytestmark = pytest.mark.tmux

FIRST = "SELECT 40 + 2 AS answer"
SECOND = "SELECT 'two' AS tab2"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_two_tabs_a_query_quit_and_both_tabs_and_the_history_are_back(tmp_path):
    with _new_user(tmp_path) as (state, pane):
        _type("first", FIRST)
        pane.wait_for(FIRST, timeout=10)
        _tmux("send-keys", "-t", "first", "C-n")
        pane.wait_for("1 buffer 1", "2 buffer 2", timeout=10)  # the tab strip appears with two tabs
        _type("first", SECOND)
        pane.wait_for(SECOND, timeout=10)
        _tmux("send-keys", "-t", "first", "C-j")
        pane.wait_for("tab2", "1 row", timeout=120)
        _quit("first")
        history = (tmp_path / "state" / "trino-tui" / "history.jsonl").read_text().splitlines()
        entry = json.loads(history[-1])
        assert entry["sql"] == SECOND and entry["state"] == "finished" and entry["rows"] == 1

        pane = _start("second", state)
        screen = pane.wait_for(SECOND, "2 buffer 2", timeout=90)  # the active tab is back
        assert FIRST not in screen
        _tmux("send-keys", "-t", "second", "C-PPage")
        pane.wait_for(FIRST, "SELECT * FROM tpch.tiny.lineitem", timeout=10)  # and the first tab's text
        _tmux("send-keys", "-t", "second", "C-r")
        screen = pane.wait_for("search history", "finished", timeout=30)
        assert SECOND in screen
        _tmux("send-keys", "-t", "second", "Escape")
        _quit("second")
