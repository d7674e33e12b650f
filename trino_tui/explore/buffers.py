"""Editor buffers that survive a restart: several named buffers with text, cursor and file path,
the active one and small UI preferences (e.g. whether the catalog browser is shown).

``SessionStore`` writes ``session.json`` in the state directory atomically (temp file + rename) and
reads it back leniently (a missing or corrupt file gives an empty session). Values are immutable.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .paths import state_dir

__all__ = ["Buffer", "EditorSession", "SessionStore"]


@dataclass(frozen=True)
class Buffer:
    name: str
    text: str = ""
    cursor: tuple[int, int] = (0, 0)    # (row, column) as the editor counts them
    path: str | None = None              # the .sql file it was opened from / saved to
    dirty: bool = False                  # unsaved changes relative to ``path``


@dataclass(frozen=True)
class EditorSession:
    buffers: tuple[Buffer, ...] = ()
    active: int = 0
    prefs: dict[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> Buffer | None:
        return self.buffers[self.active] if 0 <= self.active < len(self.buffers) else None

    def with_buffer(self, index: int, buf: Buffer) -> "EditorSession":
        bufs = list(self.buffers)
        bufs[index] = buf
        return replace(self, buffers=tuple(bufs))

    def with_pref(self, key: str, value: Any) -> "EditorSession":
        return replace(self, prefs={**self.prefs, key: value})


class SessionStore:
    """Loads and saves one ``EditorSession`` (JSON)."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else state_dir() / "session.json"

    def load(self) -> EditorSession:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return EditorSession()
        if not isinstance(data, dict):
            return EditorSession()
        bufs = []
        for b in data.get("buffers") or []:
            if not isinstance(b, dict) or not isinstance(b.get("text", ""), str):
                continue
            cur = b.get("cursor") or (0, 0)
            try:
                cursor = (max(0, int(cur[0])), max(0, int(cur[1])))
            except (TypeError, ValueError, IndexError):
                cursor = (0, 0)
            bufs.append(Buffer(str(b.get("name") or f"buffer {len(bufs) + 1}"), b.get("text", ""), cursor,
                               b.get("path") if isinstance(b.get("path"), str) else None, bool(b.get("dirty"))))
        active = data.get("active", 0)
        active = active if isinstance(active, int) and 0 <= active < len(bufs) else 0
        prefs = data.get("prefs") if isinstance(data.get("prefs"), dict) else {}
        return EditorSession(tuple(bufs), active, prefs)

    def save(self, session: EditorSession) -> None:
        """Write ``session`` atomically; raises OSError (callers report it in one line)."""
        data = {
            "buffers": [{"name": b.name, "text": b.text, "cursor": list(b.cursor), "path": b.path, "dirty": b.dirty}
                        for b in session.buffers],
            "active": session.active,
            "prefs": session.prefs,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".session-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
