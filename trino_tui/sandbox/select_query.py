"""SELECT-like statements of the sandbox engine: rewrite for DuckDB, bind, type by Trino's rules,
then stream rows as Trino JSON.

Owns `bind_query` (also used for the query of INSERT / CREATE TABLE AS, memory_tables) and
`run_query(engine, sql, sig, session, zone, base)`: the rewritten SQL is bound once for the
output names and types (colnames, declared table types, literal precisions, type_hints), decimal
division/avg are rewritten to Trino's exact decimals (decimal_rules), zoned timestamps keep
their zone through interval arithmetic (zoned_arith), zoned table columns are used as Trino
uses them (zoned_refs), the row-JSON query starts
streaming and the first batch is fetched; a failure while binding raises TrinoError, a failure
while running is answered after the columns (as Trino does). Thread-safe: a cursor per call.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any, Callable, Protocol

import duckdb

from .colnames import trino_column_names
from .decimal_rules import decimal_relation, maybe_decimal
from .engine_api import SessionContext
from .fine_datetime import check_tails
from .nestedjson import is_nested, row_query as nested_row_query
from .result_types import declared_result_types, legacy_datetime, with_precision
from .resultset import DuckSource, ResultColumn, StatementResult
from .rowjson import ZoneSpec, row_json_sql
from .sql_errors import TrinoError, from_duckdb, memory_exceeded, relocate
from .sqltext import Token
from .trino_types import TrinoType
from .type_hints import refine
from .zoned_arith import zoned_rewrite
from .zoned_columns import literal_structs
from .zoned_refs import column_facts, column_rewrite


class QueryHost(Protocol):
    """What run_query needs of the engine (engine.Engine)."""

    def rewrite(self, sql: str, sig: list[Token], session: SessionContext,
                base: int = 0) -> tuple[str, Callable[[int], int], list[Any]]: ...
    def new_cursor(self) -> Any: ...
    def ensure_marker(self, text: str) -> None: ...
    def tracked(self, session: SessionContext, cur: Any) -> AbstractContextManager[None]: ...
    def check_cancelled(self, session: SessionContext) -> None: ...
    def limits(self, err: TrinoError) -> TrinoError: ...
    def cursor_fetch(self, sql: str, params: list | None = None) -> list[tuple]: ...
    def declared_columns(self, r: Any) -> list[tuple[str, TrinoType]] | None: ...
    def zone(self, name: str) -> ZoneSpec: ...

FIRST_BATCH = 256
_COSTLY = frozenset({"join", "group", "distinct", "union", "except", "intersect", "over", "having"})


def _declared(engine: QueryHost, refs: list[Any]) -> list[list[tuple[str, TrinoType]]]:
    """The declared columns of each referenced table, looked up once per table (a self-join: once)."""
    tables: dict[str, list[tuple[str, TrinoType]]] = {}
    for r in refs:
        if r.trino not in tables:
            tables[r.trino] = engine.declared_columns(r) or []
    return list(tables.values())


def _by_name(tables: list[list[tuple[str, TrinoType]]]) -> dict[str, list[TrinoType]]:
    """name -> declared types in table order (result_types.declared_result_types)."""
    declared: dict[str, list[TrinoType]] = {}
    for columns in tables:
        for name, t in columns:
            declared.setdefault(name, []).append(t)
    return declared


@dataclass
class BoundQuery:
    """A SELECT-like statement bound for DuckDB: its cursor, final SQL, Trino names and types
    (before the legacy-datetime view), DuckDB's types and the referenced tables."""

    cur: Any
    duck_sql: str
    omap: Callable[[int], int]
    refs: list[Any]
    names: list[str]
    types: list[TrinoType]
    duck_types: list[Any]


def _closed(cur: Any, exc: BaseException, sql: str, duck_sql: str, omap: Callable[[int], int]) -> BaseException:
    """Close *cur* after a failure; a DuckDB error becomes a TrinoError located in the user's *sql*."""
    cur.close()
    return relocate(from_duckdb(exc, duck_sql, omap), sql) if isinstance(exc, duckdb.Error) else exc


def bind_query(engine: QueryHost, sql: str, sig: list[Token], session: SessionContext, base: int = 0,
               store: bool = False, cur: Any = None) -> BoundQuery:
    """Rewrite and bind on *cur* (None: a new cursor); *store*: the rows go into a table (zoned
    literals keep their zone per row). The caller owns the returned cursor; on failure it is
    closed and a TrinoError raised."""
    duck_sql, omap, refs = engine.rewrite(sql, sig, session, base)
    cur = engine.new_cursor() if cur is None else cur
    written = duck_sql   # as rewritten from the user's text (typed literals still recognisable)
    try:
        if store and "trino_tstz_" in duck_sql:
            duck_sql = literal_structs(cur, duck_sql) or duck_sql
        tables = _declared(engine, refs)
        facts = column_facts(tables, engine.zone(session.time_zone))
        columns = column_rewrite(cur, duck_sql, facts, engine.ensure_marker)
        if columns is not None:   # zoned table columns used as Trino uses them
            duck_sql = columns
        rel = cur.sql(duck_sql)
        if rel is None:
            raise TrinoError("NOT_SUPPORTED", "Statement does not return rows")
        zoned = zoned_rewrite(cur, duck_sql, engine.ensure_marker) if "trino_tstz_" in duck_sql else None
        if zoned is not None:   # zoned arithmetic keeps its zone (a select item typed by its marker)
            duck_sql, rel = zoned, cur.sql(zoned)
        out = trino_column_names(cur, duck_sql, list(rel.columns))
        if duck_sql != written:   # a tree rewrite re-wrote typed literals as casts: their precision from before
            before = trino_column_names(cur, written, list(rel.columns)).precisions
            out = replace(out, precisions=[b if b is not None else a for b, a in zip(before, out.precisions)])
        exact = decimal_relation(cur, duck_sql) if maybe_decimal(sig) else None
        if exact is not None:   # bound fine as written: errors keep their locations
            duck_sql, rel = exact
        quoted = {t.ident for t in sig if t.kind == "qident"}
        names = [n if n in quoted else n.lower() for n in out.names]   # Trino folds unquoted names
        types = declared_result_types(out.sources, list(rel.types), _by_name(tables))
        types = [with_precision(t, p) for t, p in zip(types, out.precisions)]
        types = [refine(t, h) for t, h in zip(types, out.hints or [None] * len(types))]
        return BoundQuery(cur, duck_sql, omap, refs, names, types, list(rel.types))
    except BaseException as exc:
        raise _closed(cur, exc, sql, duck_sql, omap) from None


def run_query(engine: QueryHost, sql: str, sig: list[Token], session: SessionContext, zone: ZoneSpec,
              base: int = 0) -> StatementResult:
    """SELECT-like statement: columns now, rows streamed as Trino JSON."""
    cur = engine.new_cursor()
    duck_sql, omap = sql, (lambda off: off)
    try:
        with engine.tracked(session, cur):   # binding too: a cancel interrupts whatever runs
            bound = bind_query(engine, sql, sig, session, base, cur=cur)
            duck_sql, omap, refs, names, types = bound.duck_sql, bound.omap, bound.refs, bound.names, bound.types
            check_tails(duck_sql, sum(1 for t in types if t.fraction_tail))
            if not session.parametric_datetime:
                types = [legacy_datetime(t) for t in types]
            assemble = None
            if any(is_nested(t) for t in types):   # linear-cost path (see nestedjson)
                row_sql, assemble = nested_row_query(duck_sql, types, bound.duck_types, zone)
            else:
                row_sql = row_json_sql(duck_sql, types, zone)
            engine.check_cancelled(session)
            failed: duckdb.Error | None = None
            try:
                cur.execute(row_sql)   # streams: fetchmany pulls chunks
                first = cur.fetchmany(FIRST_BATCH)
            except duckdb.Error as exc:   # a runtime failure: like Trino, answer the columns, then fail
                first, failed = [], exc
            engine.check_cancelled(session)
            total = len(first) if failed or len(first) < FIRST_BATCH else _cheap_count(engine, duck_sql, sig, refs)
    except BaseException as exc:
        raise _closed(cur, exc, sql, duck_sql, omap) from None

    def translate(exc: BaseException) -> Exception:
        if isinstance(exc, duckdb.Error):
            return engine.limits(relocate(from_duckdb(exc, duck_sql, omap), sql))
        if isinstance(exc, MemoryError):
            return engine.limits(memory_exceeded(""))
        return TrinoError("GENERIC_INTERNAL_ERROR", f"{type(exc).__name__}: {exc}")

    columns = [ResultColumn.of(n, t) for n, t in zip(names, types)]
    return StatementResult(columns, is_query=True, source=DuckSource(cur, first, translate, assemble, failed),
                           total_rows=total, scans=bool(refs))


def _cheap_count(engine: QueryHost, duck_sql: str, sig: list[Token], refs: list[Any]) -> int | None:
    """Row count up front for single-table scans (cheap in DuckDB); None otherwise."""
    if len(refs) != 1 or any(t.kind == "word" and t.lower in _COSTLY for t in sig):
        return None
    try:
        return int(engine.cursor_fetch(f"SELECT count(*) FROM (\n{duck_sql}\n) AS _c")[0][0])
    except duckdb.Error:
        return None
