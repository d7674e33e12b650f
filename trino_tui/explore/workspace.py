"""``Workspace``: what a front end keeps for exploration across statements and runs — the
``ExploreConnection`` of the current server/user (replaced, and the old one closed, when the
connection changes), the history recorder and the saved editor session with UI preferences.

``state_dir=None`` keeps nothing on disk (tests, embedded use). Textual-free; used from the UI
thread (the connection's loaders are thread-safe). ``close`` closes the connection's threads.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Sequence

from .buffers import Buffer, EditorSession, SessionStore
from .completion import CompletionEngine
from .connection import ExploreConnection, connection_key
from .history import HistoryStore
from .recorder import HistoryRecorder
from .runner import SqlRunner

__all__ = ["Workspace"]


class Workspace:
    def __init__(self, runner_factory: Callable[[Any], SqlRunner], *, state_dir: Path | None = None) -> None:
        self._runner_factory = runner_factory
        self.state_dir = state_dir
        self.history = HistoryStore(state_dir / "history.jsonl") if state_dir is not None else None
        self.recorder = HistoryRecorder(self.history) if self.history is not None else None
        self._sessions = SessionStore(state_dir / "session.json") if state_dir is not None else None
        self.session = self._sessions.load() if self._sessions is not None else EditorSession()
        self._conn: ExploreConnection | None = None
        self._engine: CompletionEngine | None = None

    # -- connection ---------------------------------------------------------------------------
    def connection(self, config: Any) -> ExploreConnection:
        """The exploration state for ``config``'s server and user (cached while they stay)."""
        key = connection_key(str(getattr(config, "server", "")), str(getattr(config, "user", "")))
        if self._conn is None or self._conn.key != key:
            old, self._conn = self._conn, ExploreConnection(self._runner_factory(config), key=key)
            if old is not None:
                old.close(timeout=0.5)
        return self._conn

    def engine(self, config: Any, defaults: Callable[[], tuple[str | None, str | None]]) -> CompletionEngine:
        """The completion engine over the current connection (``defaults`` -> session catalog/schema)."""
        conn = self.connection(config)
        if self._engine is None or self._engine.loader is not conn.loader:
            self._engine = conn.engine(defaults)
        return self._engine

    # -- history ------------------------------------------------------------------------------
    def record(self, sql: str, **kw: Any) -> str | None:
        """Append one statement to the history (see ``HistoryRecorder.record``); None when off."""
        return self.recorder.record(sql, **kw) if self.recorder is not None else None

    # -- saved session ------------------------------------------------------------------------
    def pref(self, key: str, default: Any = None) -> Any:
        return self.session.prefs.get(key, default)

    def set_pref(self, key: str, value: Any) -> None:
        self.session = self.session.with_pref(key, value)

    def saved_buffer(self) -> Buffer | None:
        return self.session.current

    def saved_buffers(self) -> tuple[Buffer, ...]:
        """Every saved editor buffer (the active one is ``session.active``)."""
        return self.session.buffers

    def save(self, text: str, cursor: tuple[int, int]) -> str | None:
        """Remember the active buffer's text and cursor (the others stay); see ``save_buffers``."""
        buf = Buffer("buffer 1", text, (int(cursor[0]), int(cursor[1])))
        bufs = list(self.session.buffers) or [buf]
        active = min(self.session.active, len(bufs) - 1)
        bufs[active] = replace(bufs[active], text=buf.text, cursor=buf.cursor) if self.session.buffers else buf
        return self.save_buffers(bufs, active)

    def save_buffers(self, buffers: Sequence[Buffer], active: int) -> str | None:
        """Remember every editor buffer, the active one and the preferences; a one-line error or None."""
        bufs = tuple(buffers)
        self.session = EditorSession(bufs, max(0, min(active, len(bufs) - 1)), self.session.prefs)
        if self._sessions is None:
            return None
        try:
            self._sessions.save(self.session)
        except OSError as exc:
            return f"Editor session not saved: {exc}"
        return None

    def close(self, timeout: float = 2.0) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close(timeout)
