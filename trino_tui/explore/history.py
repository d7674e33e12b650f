"""``HistoryStore``: every statement run, as JSON lines in the state directory.

One entry per statement: sql, server (user-info stripped), user, catalog.schema, started (epoch
seconds), duration (s), rows, final state, query id — never passwords, tokens or headers. When the
file passes ``max_bytes`` it is rotated to ``history.jsonl.1`` (one generation kept). Reading
tolerates torn or foreign lines. ``search`` is fuzzy, newest first. Appends are serialised by a
lock and written with one ``write`` per line (thread-safe within a process).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, fields
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from trino_tui.records import record
from .paths import state_dir
from .ranking import match_score

__all__ = ["HistoryEntry", "HistoryStore", "safe_server"]

MAX_BYTES = 5 * 1024 * 1024


@record
class HistoryEntry:
    sql: str
    server: str = ""
    user: str = ""
    catalog: str | None = None
    schema: str | None = None
    started: float = 0.0
    duration: float = 0.0
    rows: int = 0
    state: str = ""          # finished | failed | cancelled | stopped
    query_id: str = ""
    error: str | None = None

    @property
    def context(self) -> str:
        """``catalog.schema`` (or what is set of it)."""
        return ".".join(p for p in (self.catalog, self.schema) if p)


_FIELDS = {f.name for f in fields(HistoryEntry)}


def safe_server(url: str) -> str:
    """``url`` without user-info (``https://u:p@h`` -> ``https://h``), query or fragment."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return ""


class HistoryStore:
    """Append-only history file with one-generation rotation."""

    def __init__(self, path: str | os.PathLike | None = None, *, max_bytes: int = MAX_BYTES) -> None:
        self.path = Path(path) if path is not None else state_dir() / "history.jsonl"
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    @property
    def rotated_path(self) -> Path:
        return self.path.with_name(self.path.name + ".1")

    def append(self, entry: HistoryEntry) -> None:
        """Record ``entry``; raises OSError when the file cannot be written (callers report it)."""
        data = asdict(entry)
        data["server"] = safe_server(entry.server) if entry.server else ""
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            if size and size + len(line.encode("utf-8")) > self.max_bytes:
                os.replace(self.path, self.rotated_path)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)

    def entries(self) -> list[HistoryEntry]:
        """All entries, newest first (the current file, then the rotated one)."""
        out: list[HistoryEntry] = []
        for p in (self.path, self.rotated_path):
            out.extend(reversed(_read(p)))
        return out

    def search(self, text: str, limit: int = 500) -> list[HistoryEntry]:
        """Entries whose SQL matches ``text`` (substring first, then fuzzy), newest first within each."""
        if not text.strip():
            return self.entries()[:limit]
        needle = " ".join(text.lower().split())
        exact, fuzzy = [], []
        for e in self.entries():
            flat = " ".join(e.sql.lower().split())
            if needle in flat:
                exact.append(e)
            elif match_score(needle.replace(" ", ""), flat) is not None:
                fuzzy.append(e)
        return (exact + fuzzy)[:limit]


def _read(path: Path) -> list[HistoryEntry]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue  # a torn last line or foreign text
        if isinstance(data, dict) and isinstance(data.get("sql"), str):
            try:
                out.append(HistoryEntry(**{k: v for k, v in data.items() if k in _FIELDS}))
            except TypeError:
                continue
    return out
