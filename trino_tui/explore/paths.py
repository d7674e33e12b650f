"""Where exploration keeps its files: the XDG state directory (``$XDG_STATE_HOME/trino-tui``,
default ``~/.local/state/trino-tui``). Pure."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["state_dir"]


def state_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or os.path.join(env.get("HOME") or os.path.expanduser("~"), ".local", "state")
    return Path(base) / "trino-tui"
