"""``CatalogLoader``: lazy, cached, background loading of one connection's catalog tree.

Owns: the per-connection cache (path -> ``Level``), a ``TaskPool`` that runs the listing
statements, background name searches per catalog (each catalog's hits are a ``Level`` at
``(catalog,)``), a one-thread pool that matches the filter against the loaded names (so a UI never
scans the cache itself), and change notification. ``request`` never
blocks: it returns what the cache holds and schedules the load of a missing level; listeners are
called *on a pool thread* with a ``Change`` when a level or a search result changes (a UI must
hand it to its own thread, e.g. ``post_message``). A slow or failing level affects only itself.
Thread-safe; ``close`` joins the pool within a bound.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Iterable

from .metadata import Level, MetaNode, Path, level_sql, parse_level, parse_search, search_sql, tables_fallback_sql
from .runner import SqlRunner, one_line
from .tasks import TaskPool

__all__ = ["CatalogLoader", "Change"]


@dataclass(frozen=True)
class Change:
    """What changed: ``what`` is ``level`` (the level at ``path``), ``search`` (the server search
    hits of catalog ``path[0]``) or ``matches`` (the loaded names matching the filter; ``path`` ())."""

    path: Path
    what: str = "level"


Listener = Callable[[Change], None]


class CatalogLoader:
    """Catalog tree of one connection (``key``), loaded level by level through ``runner``."""

    def __init__(self, runner: SqlRunner, *, key: str = "", workers: int = 4,
                 pool: TaskPool | None = None) -> None:
        self.key = key
        self._runner = runner
        self._pool = pool or TaskPool(workers, name="catalog")
        self._lock = threading.Lock()
        self._levels: dict[Path, Level] = {}
        self._tokens: dict[Path, int] = {}
        self._listeners: list[Listener] = []
        self._search_text = ""
        self._search_gen = 0
        self._search: dict[str, Level] = {}
        self._match_pool = TaskPool(1, name="catalog-match")
        self._match_gen = 0
        self._matches: tuple[str, tuple[MetaNode, ...]] = ("", ())

    # -- listeners ----------------------------------------------------------------------------
    def add_listener(self, fn: Listener) -> Callable[[], None]:
        """Register ``fn`` (called on a pool thread); returns a function that removes it."""
        with self._lock:
            self._listeners.append(fn)

        def remove() -> None:
            with self._lock:
                if fn in self._listeners:
                    self._listeners.remove(fn)
        return remove

    def _notify(self, change: Change) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for fn in listeners:
            try:
                fn(change)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop loading
                pass

    # -- levels -------------------------------------------------------------------------------
    def level(self, path: Path) -> Level:
        """The cached level at ``path`` (``unloaded`` if never requested); never loads."""
        with self._lock:
            return self._levels.get(tuple(path)) or Level(tuple(path))

    def request(self, path: Path) -> Level:
        """The cached level; an unloaded one starts loading in the background."""
        path = tuple(path)
        with self._lock:
            lvl = self._levels.get(path)
            if lvl is not None:
                return lvl
            lvl = self._levels[path] = Level(path, "loading")
            token = self._tokens.get(path, 0) + 1
            self._tokens[path] = token
        self._pool.submit(lambda: self._load(path, token))
        return lvl

    def refresh(self, path: Path = ()) -> Level:
        """Forget ``path`` and everything below it, then load ``path`` again."""
        path = tuple(path)
        n = len(path)
        with self._lock:
            for p in [p for p in self._levels if p[:n] == path]:
                del self._levels[p]
                self._tokens[p] = self._tokens.get(p, 0) + 1
        return self.request(path)

    def _load(self, path: Path, token: int) -> None:
        try:
            nodes = self._fetch(path)
            lvl = Level(path, "loaded", nodes)
        except Exception as exc:  # noqa: BLE001 - becomes an error node
            lvl = Level(path, "error", error=one_line(exc))
        with self._lock:
            if self._tokens.get(path) != token:
                return  # refreshed meanwhile: a newer load owns the level
            self._levels[path] = lvl
        self._notify(Change(path))

    def _fetch(self, path: Path) -> tuple[MetaNode, ...]:
        if len(path) == 2:
            try:
                return parse_level(path, self._runner(level_sql(path)))
            except Exception:  # noqa: BLE001 - servers without information_schema access
                return parse_level(path, self._runner(tables_fallback_sql(path)))
        return parse_level(path, self._runner(level_sql(path)))

    def find(self, path: Path) -> MetaNode | None:
        """The loaded node at ``path`` (None when its parent level is not loaded)."""
        path = tuple(path)
        for node in self.level(path[:-1]).children:
            if node.path == path:
                return node
        return None

    def loaded_matches(self, text: str, limit: int = 1000) -> list[MetaNode]:
        """Loaded catalogs/schemas/tables whose name contains ``text`` (case-insensitive)."""
        needle = text.lower()
        with self._lock:
            levels = [lvl for p, lvl in self._levels.items() if len(p) < 3 and lvl.loaded]
        out: list[MetaNode] = []
        for lvl in sorted(levels, key=lambda l: l.path):
            for node in lvl.children:
                if needle in node.name.lower():
                    out.append(node)
                    if len(out) >= limit:
                        return out
        return out

    def match(self, text: str, limit: int = 1000) -> int:
        """Compute ``loaded_matches(text, limit)`` on the match thread; ``Change((), "matches")``
        announces it (read it with ``matches``). A newer call supersedes an unfinished one."""
        with self._lock:
            self._match_gen += 1
            gen = self._match_gen
        self._match_pool.submit(lambda: self._run_match(text, limit, gen))
        return gen

    def _run_match(self, text: str, limit: int, gen: int) -> None:
        if gen != self._match_gen:
            return  # superseded before it started
        found = tuple(self.loaded_matches(text, limit))
        with self._lock:
            if gen != self._match_gen:
                return
            self._matches = (text, found)
        self._notify(Change((), "matches"))

    def matches(self) -> tuple[str, tuple[MetaNode, ...]]:
        """The text of the last finished ``match`` and the loaded names it found."""
        with self._lock:
            return self._matches

    # -- server-side search -------------------------------------------------------------------
    def search(self, text: str, catalogs: Iterable[str] | None = None) -> int:
        """Search every loaded catalog (or ``catalogs``) for schema/table names containing ``text``;
        each catalog's hits arrive as ``Change((catalog,), "search")``. A new search supersedes the previous one.
        Returns the search generation. An empty ``text`` clears the results."""
        with self._lock:
            self._search_gen += 1
            gen = self._search_gen
            self._search_text = text
            self._search = {}
            root = self._levels.get(())
        if not text:
            return gen
        names = list(catalogs) if catalogs is not None else [
            n.name for n in (root.children if root is not None and root.loaded else ())]
        for cat in names:
            with self._lock:
                self._search[cat] = Level((cat,), "loading")
            self._pool.submit(lambda cat=cat: self._run_search(cat, text, gen))
        return gen

    def _run_search(self, catalog: str, text: str, gen: int) -> None:
        if gen != self._search_gen:
            return  # superseded before it started
        try:
            result = Level((catalog,), "loaded", parse_search(catalog, self._runner(search_sql(catalog, text))))
        except Exception as exc:  # noqa: BLE001
            result = Level((catalog,), "error", error=one_line(exc))
        with self._lock:
            if gen != self._search_gen:
                return
            self._search[catalog] = result
        self._notify(Change((catalog,), "search"))

    def search_results(self) -> tuple[str, list[Level]]:
        """The current search text and its per-catalog hits (``Level``s at ``(catalog,)``, sorted)."""
        with self._lock:
            return self._search_text, [self._search[c] for c in sorted(self._search)]

    # -- lifecycle ----------------------------------------------------------------------------
    def wait_idle(self, timeout: float | None = 5.0) -> bool:
        """Block until no load, search or match is pending (tests, benchmarks)."""
        return self._pool.wait_idle(timeout) and self._match_pool.wait_idle(timeout)

    def close(self, timeout: float = 2.0) -> None:
        self._match_pool.close(timeout / 2)
        self._pool.close(timeout / 2)
