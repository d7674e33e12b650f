"""Real-terminal smoke test: `trino-tui --sandbox` in a tmux session (160×50).

Runs the sample query with ctrl+j, toggles the pipeline panel with F2 and polls ``capture-pane``
(bounded loop with a deadline) until rows and pipeline figures are on screen. The tmux session is
always killed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.tmux

ROOT = Path(__file__).resolve().parents[2]


def _command() -> str:
    exe = Path(sys.executable).parent / "trino-tui"
    if exe.exists():
        return f"{shlex.quote(str(exe))} --sandbox"
    # Not installed as a script (plain checkout): run the same entry point through the module.
    return f"{shlex.quote(sys.executable)} -m trino_tui --sandbox"


SOCKET = f"trino-tui-test-{uuid.uuid4().hex[:8]}"  # a private tmux server: never touches the user's


def _tmux(*args: str, check: bool = True) -> str:
    cmd = ["tmux", "-L", SOCKET, "-f", os.devnull, *args]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=10).stdout


class Pane:
    def __init__(self, session: str) -> None:
        self.session = session
        self._tick = threading.Event()  # never set: waited on as a bounded poll interval

    def text(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, *needles: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.text()
            if all(n in screen for n in needles):
                return screen
            self._tick.wait(0.2)
        raise AssertionError(f"{needles!r} not on screen after {timeout}s; last screen:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_sandbox_tui_in_a_real_terminal(tmp_path):
    session = "tui"
    # a private state/config home: the user's saved editor buffers and history must not change what runs
    homes = f"XDG_STATE_HOME={shlex.quote(str(tmp_path / 'state'))} XDG_CONFIG_HOME={shlex.quote(str(tmp_path / 'config'))}"
    env_prefix = (f"cd {shlex.quote(str(ROOT))} && PYTHONPATH={shlex.quote(str(ROOT))} {homes} "
                  "TERM=xterm-256color COLUMNS=160 LINES=50")
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", f"{env_prefix} {_command()}")
    _tmux("set-option", "-t", session, "window-size", "manual", check=False)
    _tmux("resize-window", "-t", session, "-x", "160", "-y", "50", check=False)
    pane = Pane(session)
    try:
        pane.wait_for("SELECT * FROM tpch.tiny.lineitem", "Run", timeout=60)
        # pressed at once: a run requested while the sandbox starts is queued until it is ready
        _tmux("send-keys", "-t", session, "C-j")
        screen = pane.wait_for("60,175 rows", "orderkey", timeout=180)
        assert "finished" in screen
        _tmux("send-keys", "-t", session, "F2")
        screen = pane.wait_for("protocol spooled", "segments", "throughput", timeout=30)
        assert "60.2K rows" in screen or "60,175" in screen
        _tmux("send-keys", "-t", session, "C-q")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                _tmux("has-session", "-t", session)
            except subprocess.CalledProcessError:
                break
            threading.Event().wait(0.2)
        else:
            raise AssertionError("trino-tui did not exit on ctrl+q")
    finally:
        _tmux("kill-server", check=False)
