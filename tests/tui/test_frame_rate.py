"""The TUI's frame cap: 120 frames/s unless the user set TEXTUAL_FPS (read when Textual is imported)."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = "import trino_tui.tui.app, textual.constants as c; print(c.MAX_FPS)"


def _max_fps(**env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                         timeout=60, check=True)
    return int(out.stdout.strip())


def test_the_app_caps_frames_at_120_per_second():
    assert _max_fps() == 120


def test_a_frame_rate_the_user_set_wins():
    assert _max_fps(TEXTUAL_FPS="30") == 30
