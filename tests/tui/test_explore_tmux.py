"""Real terminal (tmux), a new user (empty XDG state dir): type a first query into the fresh editor
and run it, open the catalog browser, quit; start again: the editor text is back and the history
screen holds the query."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from contextlib import contextmanager

import pytest

from .test_tmux import ROOT, SOCKET, Pane, _command, _tmux

pytestmark = pytest.mark.tmux


def _start(session: str, state: str) -> Pane:
    env = (f"cd {shlex.quote(str(ROOT))} && PYTHONPATH={shlex.quote(str(ROOT))} XDG_STATE_HOME={shlex.quote(state)} "
           "TERM=xterm-256color COLUMNS=160 LINES=50")
    done = f"tmux -L {SOCKET} -f /dev/null wait-for -S {session}-exited"  # signals the app's exit
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", f"{env} {_command()}; {done}")
    _tmux("set-option", "-t", session, "window-size", "manual", check=False)
    _tmux("resize-window", "-t", session, "-x", "160", "-y", "50", check=False)
    return Pane(session)


def _quit(session: str) -> None:
    """ctrl+q, then wait (bounded by the tmux call's timeout) for the exit signal."""
    _tmux("send-keys", "-t", session, "C-q")
    _tmux("wait-for", f"{session}-exited")


def _type(session: str, text: str) -> None:
    _tmux("send-keys", "-t", session, "-l", text)
    _tmux("send-keys", "-t", session, "Escape")  # close the completion popup if one is open


def _keep_server(attempts: int = 3) -> None:
    """Start the "keep" session; a server still exiting from the previous test ("server exited
    unexpectedly") is killed and the start tried again."""
    for i in range(attempts):
        try:
            _tmux("new-session", "-d", "-s", "keep", "cat")
            return
        except subprocess.CalledProcessError:
            if i == attempts - 1:
                raise
            _tmux("kill-server", check=False)


@contextmanager
def _new_user(tmp_path):
    """A tmux server kept up between two runs of the app and the first run ("first") started for
    a new user (empty XDG state dir), its sample shown: yields (state dir, pane); kills the server."""
    state = str(tmp_path / "state")
    try:
        _keep_server()
        pane = _start("first", state)
        pane.wait_for("SELECT * FROM tpch.tiny.lineitem", "in tpch.tiny", timeout=90)
        yield state, pane
    finally:
        _tmux("kill-server", check=False)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_new_user_first_query_browser_and_persistence(tmp_path):
    with _new_user(tmp_path) as (state, pane):
        _type("first", "SELECT 40 + 2 AS answer")
        pane.wait_for("SELECT 40 + 2 AS answer", timeout=10)
        _tmux("send-keys", "-t", "first", "C-j")
        pane.wait_for("answer", "1 row", timeout=120)
        _tmux("send-keys", "-t", "first", "C-b")
        pane.wait_for("▣ tpch", "▣ memory", timeout=60)
        _quit("first")
        history = (tmp_path / "state" / "trino-tui" / "history.jsonl").read_text().splitlines()
        entry = json.loads(history[-1])
        assert entry["sql"] == "SELECT 40 + 2 AS answer" and entry["state"] == "finished" and entry["rows"] == 1

        pane = _start("second", state)
        pane.wait_for("SELECT 40 + 2 AS answer", "▣ tpch", timeout=90)  # editor text and browser are back
        _tmux("send-keys", "-t", "second", "C-r")
        screen = pane.wait_for("search history", "finished", timeout=30)
        assert "SELECT 40 + 2 AS answer" in screen
        _tmux("send-keys", "-t", "second", "Escape")
        _quit("second")
