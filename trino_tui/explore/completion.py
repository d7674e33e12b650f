"""``CompletionEngine``: what to offer at the cursor — keywords, functions, catalogs, schemas,
tables (after FROM/JOIN/INTO/TABLE and after ``name.``) and columns of the tables the statement
references (aliases included).

Never blocks: it reads the catalog cache and *requests* missing levels (loaded in the background;
``CompletionResult.pending`` says more may come — ask again when the loader reports a change).
Identifiers are inserted as the server spells them, quoted when needed; keywords follow the case
being typed. One thread at a time (the UI thread); the caches it reads are thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .catalog import CatalogLoader
from .functions import FunctionCatalog
from .keywords import KEYWORDS
from .metadata import MetaNode, Path
from .quoting import quote_ident
from .ranking import match_score
from .sqlscan import CursorContext, Reference, cursor_context, references

__all__ = ["Completion", "CompletionEngine", "CompletionResult"]

_ORDER_RELATION = {"table": 0, "view": 0, "schema": 1, "catalog": 2}
_ORDER_EXPR = {"column": 0, "alias": 1, "table": 1, "function": 2, "keyword": 3}


@dataclass(frozen=True)
class Completion:
    """``text`` replaces the typed prefix; ``label``/``kind``/``detail`` are shown in the popup."""

    text: str
    label: str
    kind: str     # keyword | function | catalog | schema | table | view | column | alias
    detail: str = ""


@dataclass(frozen=True)
class CompletionResult:
    items: tuple[Completion, ...]
    start: int          # offset where the replaced text begins (the cursor is its end)
    prefix: str
    pending: bool       # some metadata was still loading: ask again after the next change


_EMPTY = CompletionResult((), 0, "", False)


class CompletionEngine:
    """Completions for ``text`` at ``offset``; ``defaults()`` -> the session's (catalog, schema)."""

    def __init__(self, loader: CatalogLoader, functions: FunctionCatalog | None = None, *,
                 defaults: Callable[[], tuple[str | None, str | None]] = lambda: (None, None),
                 limit: int = 100) -> None:
        self.loader = loader
        self.functions = functions
        self.defaults = defaults
        self.limit = limit
        self._built: dict[Path, tuple[tuple[MetaNode, ...], list[Completion]]] = {}
        self._static: tuple[object, list[Completion]] | None = None

    def complete(self, text: str, offset: int) -> CompletionResult:
        ctx = cursor_context(text, offset)
        if ctx is None:
            return CompletionResult((), offset, "", False)
        self._pending = False
        if ctx.relation:
            cands = self._relations(ctx.parts)
            order = _ORDER_RELATION
        else:
            cands = self._expression(ctx)
            order = _ORDER_EXPR
        return CompletionResult(self._rank(ctx, cands, order), ctx.start, ctx.prefix, self._pending)

    # -- metadata lookups (cache only; missing levels are requested) ----------------------------
    def _children(self, path: Path) -> tuple[MetaNode, ...]:
        lvl = self.loader.request(path)
        if lvl.state == "loading":
            self._pending = True
        return lvl.children

    def _nodes(self, path: Path) -> list[Completion]:
        """The completions of a level, built once per loaded level (levels are immutable)."""
        children = self._children(path)
        hit = self._built.get(path)
        if hit is None or hit[0] is not children:
            hit = self._built[path] = (children, [_node(n) for n in children])
        return hit[1]

    def _words(self) -> list[Completion]:
        """Functions (as the server lists them) and keywords, built once per function list."""
        names = self.functions.names() if self.functions is not None else ()
        if self._static is None or self._static[0] is not names:
            words = [Completion(name, f"{name}()", "function", rtype) for name, rtype in names]
            self._static = (names, words + [Completion(k, k, "keyword") for k in KEYWORDS])
        return self._static[1]

    def _catalog_names(self) -> set[str]:
        return {n.name for n in self._children(())}

    def _relations(self, parts: tuple[str, ...]) -> list[Completion]:
        catalog, schema = self.defaults()
        out: list[Completion] = []
        if not parts:
            out += self._nodes(())
            if catalog:
                out += self._nodes((catalog,))
                if schema:
                    out += self._nodes((catalog, schema))
        elif len(parts) == 1:
            if parts[0] in self._catalog_names():
                out += self._nodes((parts[0],))
            if catalog:
                schemas = {n.name for n in self._children((catalog,))}
                if parts[0] in schemas:
                    out += self._nodes((catalog, parts[0]))
        elif len(parts) == 2:
            out += self._nodes(parts)
        return out

    def _resolve(self, ref: Reference) -> Path | None:
        catalog, schema = self.defaults()
        p = ref.parts
        if len(p) == 3:
            return p
        if len(p) == 2 and catalog:
            return (catalog, *p)
        if len(p) == 1 and catalog and schema:
            return (catalog, schema, p[0])
        return None

    def _columns(self, path: Path) -> list[Completion]:
        table = ".".join(path)
        return [Completion(quote_ident(n.name), n.name, "column", f"{n.detail}  {path[-1]}" if n.detail else table)
                for n in self._children(path)]

    def _expression(self, ctx: CursorContext) -> list[Completion]:
        refs = references(ctx.statement)
        if ctx.parts:
            wanted = [p.lower() for p in ctx.parts]
            for ref in refs:
                path = self._resolve(ref)
                if path is None:
                    continue
                by_alias = ref.alias is not None and wanted == [ref.alias.lower()]
                by_name = [x.lower() for x in path[-len(wanted):]] == wanted
                if by_alias or by_name:
                    return self._columns(path)
            return self._relations(ctx.parts)
        out: list[Completion] = []
        seen_tables: set[Path] = set()
        for ref in refs:
            path = self._resolve(ref)
            if path is not None and path not in seen_tables:
                seen_tables.add(path)
                out += self._columns(path)
            if ref.alias:
                out.append(Completion(quote_ident(ref.alias), ref.alias, "alias", ".".join(ref.parts)))
        out += self._words()
        if self.functions is not None:
            self._pending = self._pending or not self.functions.loaded
        return out

    # -- ranking ----------------------------------------------------------------------------------
    def _rank(self, ctx: CursorContext, cands: Iterable[Completion], order: dict[str, int]) -> tuple[Completion, ...]:
        lower_kw = bool(ctx.prefix) and ctx.prefix == ctx.prefix.lower()
        scored = []
        seen: set[tuple[str, str]] = set()
        for c in cands:
            key = (c.kind, c.label)
            if key in seen:
                continue
            seen.add(key)
            name = c.label if c.kind != "function" else c.text
            score = match_score(ctx.prefix, name)
            if score is None:
                continue
            if c.kind == "keyword" and lower_kw:
                c = Completion(c.text.lower(), c.label.lower(), c.kind)
            if ctx.quoted and c.kind not in ("keyword", "function"):
                c = Completion('"' + c.label.replace('"', '""') + '"', c.label, c.kind, c.detail)
            tie = name.lower() if ctx.prefix else ""  # nothing typed: the server's order (columns by ordinal)
            scored.append(((score[0], order.get(c.kind, 9), score[1], score[2], tie), c))
        scored.sort(key=lambda x: x[0])
        return tuple(c for _, c in scored[: self.limit])


def _node(n: MetaNode) -> Completion:
    return Completion(quote_ident(n.name), n.name, n.kind, ".".join(n.path[:-1]))
