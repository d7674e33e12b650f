"""CREATE TABLE, CREATE TABLE AS and INSERT on the memory catalog with the columns' declared Trino
types kept, as Trino's memory connector keeps them.

Owns `MemoryTables.run(sql, sig, session)`: a created table's columns get DuckDB storage for
their Trino type (trino_types.table_storage: a timestamp(p) with time zone column holds each
value's instant and zone) and a DuckDB column comment ``trino:<type>`` (catalog_facts reads it:
DESCRIBE, SHOW COLUMNS, information_schema and result types say e.g. timestamp(1) or
time(3) with time zone); CREATE TABLE AS types its query by Trino's rules (select_query.bind_query);
INSERT into such a table converts each value to the column's type (zoned_columns: zones kept,
precisions below 6 rounded half up) and refuses what Trino's insert coercion would refuse
(TYPE_MISMATCH "Insert query has mismatched column types"). Returns None for statements it
leaves to the plain DuckDB path. Thread-safe: a cursor per call.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

from . import alltypes
from .catalog_facts import DECLARED_PREFIX
from .engine_api import SessionContext
from .resultset import ListSource, ResultColumn, StatementResult
from .select_query import bind_query
from .sql_errors import TrinoError, at, from_duckdb, relocate
from .sqltext import Token
from .trino_types import STORED_PRECISION, TrinoType, parse_type, table_storage
from .zoned_columns import TRUNCATE, stored_value_sql

_DEF_END = frozenset({"not", "comment", "with"})
_TSTZ_SOURCES = frozenset({"timestamp with time zone", "timestamp", "date", "unknown"})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _name_end(sig: list[Token], i: int) -> int:
    """Index after the dotted name starting at sig[i]."""
    i += 1
    while i + 1 < len(sig) and sig[i].text == "." and sig[i + 1].is_ident:
        i += 2
    return i


def _split_defs(sig: list[Token], i: int) -> tuple[list[list[Token]], int] | None:
    """Column definitions inside the parentheses opening at sig[i]; (defs, index after ')')."""
    defs: list[list[Token]] = [[]]
    depth = 0
    for j in range(i + 1, len(sig)):
        t = sig[j].text
        if t == "(":
            depth += 1
        elif t == ")" and depth == 0:
            return defs, j + 1
        elif t == ")":
            depth -= 1
        elif t == "," and depth == 0:
            defs.append([])
            continue
        defs[-1].append(sig[j])
    return None


def _column_def(tokens: list[Token]) -> tuple[str, TrinoType, bool] | None:
    if len(tokens) < 2 or not tokens[0].is_ident or tokens[0].lower == "like":
        return None
    end = next((k for k, t in enumerate(tokens) if k > 1 and t.lower in _DEF_END
                and not (t.lower == "with" and k + 1 < len(tokens) and tokens[k + 1].lower == "time")), len(tokens))
    try:
        t = parse_type(" ".join(x.text for x in tokens[1:end]))
    except (ValueError, KeyError, IndexError):
        return None
    if not _storable(t):
        return None
    not_null = [x.lower for x in tokens[end:end + 2]] == ["not", "null"]
    return tokens[0].ident.lower(), t, not_null


def _storable(t: TrinoType) -> bool:
    """Whether a table can hold *t*; a zoned timestamp inside array/map/row is refused (its zones would be lost)."""
    try:
        table_storage(t)
    except ValueError:
        raise TrinoError("NOT_SUPPORTED", f"The sandbox cannot store {t.text} columns (the zone of each nested "
                                          "timestamp with time zone would be lost)") from None
    except (KeyError, IndexError):
        return False
    return True


def _count(update_type: str, count: int) -> StatementResult:
    return StatementResult([ResultColumn.of("rows", TrinoType("bigint"))], is_query=False,
                           source=ListSource([[count]]), update_type=update_type, update_count=count, total_rows=1)


class MemoryTables:
    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def run(self, sql: str, sig: list[Token], session: SessionContext) -> StatementResult | None:
        words = [t.lower for t in sig[:5]]
        if words[:2] == ["create", "table"]:
            return self._create(sql, sig, session)
        if words[:2] == ["insert", "into"] and len(sig) > 2 and sig[2].is_ident:
            return self._insert(sql, sig, session)
        if words[:2] == ["delete", "from"] and len(sig) > 2 and sig[2].is_ident:
            self._check_change(sql, sig, session, 2, "DELETE")
        elif words[:1] == ["update"] and len(sig) > 1 and sig[1].is_ident:
            self._check_change(sql, sig, session, 1, "UPDATE")
        return None

    def _check_change(self, sql: str, sig: list[Token], session: SessionContext, at_name: int, verb: str) -> None:
        """DELETE / UPDATE run on DuckDB as written: refuse what would not be Trino's answer there
        (a zoned column anywhere; UPDATE SET of a column whose stored value Trino converts)."""
        end = _name_end(sig, at_name)
        r = self.engine.resolve([t.ident for t in sig[at_name:end] if t.is_ident], session, sql, sig[at_name].start,
                                "write")
        declared = dict(self.engine.declared_columns(r) or [])
        used = {t.ident.lower() for t in sig[end:] if t.is_ident}
        zoned = [n for n, t in declared.items() if t.raw == "timestamp with time zone" and n in used]
        words = [t.lower for t in sig]
        lo = words.index("set") if "set" in words else len(sig)
        hi = words.index("where") if "where" in words else len(sig)
        targets = {sig[k].ident.lower() for k in range(lo, hi - 1) if sig[k].is_ident and sig[k + 1].text == "="}
        converted = [n for n, t in declared.items() if n in targets and (
            t.raw in ("varchar", "char") and t.params or
            t.raw in ("time", "timestamp", "time with time zone") and t.precision < 6)]
        if zoned or converted:
            name = (zoned or converted)[0]
            raise TrinoError("NOT_SUPPORTED", f"The sandbox cannot emulate {verb} on column '{name}' "
                                              f"of type {declared[name].text}")

    # ------------------------------------------------------------------ CREATE TABLE

    def _create(self, sql: str, sig: list[Token], session: SessionContext) -> StatementResult | None:
        i = 2
        if [t.lower for t in sig[2:5]] == ["if", "not", "exists"]:
            i = 5
        if i >= len(sig) or not sig[i].is_ident:
            return None
        end = _name_end(sig, i)
        if end >= len(sig) or sig[end].text != "(" and sig[end].lower != "as":
            return None
        parts = [t.ident for t in sig[i:end] if t.is_ident]
        r = self.engine.resolve(parts, session, sql, sig[i].start, "create")
        exists = r.table in self.engine.tables(r.catalog, r.schema)
        if exists and i == 5:
            return StatementResult([], is_query=False, update_type="CREATE TABLE", total_rows=0)
        if exists:
            raise at("TABLE_ALREADY_EXISTS", f"Table '{r.trino}' already exists", sql, sig[i].start)
        if sig[end].text == "(":
            split = _split_defs(sig, end)
            if split is None or split[1] != len(sig):
                return None
            defs = [_column_def(d) for d in split[0]]
            if any(d is None for d in defs):
                return None
            columns = [(n, t) for n, t, _ in defs]   # type: ignore[misc]
            nulls = [nn for _, _, nn in defs]   # type: ignore[misc]
            self._write(r, columns, nulls, None)
            return StatementResult([], is_query=False, update_type="CREATE TABLE", total_rows=0)
        return self._create_as(sql, sig, session, r, end + 1)

    def _create_as(self, sql: str, sig: list[Token], session: SessionContext, r: Any, start: int) -> StatementResult | None:
        stop, data = len(sig), True
        tail = [t.lower for t in sig[-3:]]
        if tail[-2:] == ["with", "data"]:
            stop -= 2
        elif tail == ["with", "no", "data"]:
            stop, data = stop - 3, False
        if start >= stop or sig[start].text == "(" and sig[start + 1:start + 2] and sig[start + 1].is_ident \
                and sig[start + 1].lower not in ("select", "values", "with", "table"):
            return None
        body = sql[: sig[stop - 1].end]
        bound = bind_query(self.engine, body, sig[start:stop], session, sig[start].start, store=True)
        try:
            types = [self._precision(bound, k, t) for k, t in enumerate(bound.types)]
            if not all([_storable(t) for t in types]):
                if any(t.raw == "timestamp with time zone" for t in types):
                    raise TrinoError("NOT_SUPPORTED", "The sandbox cannot create this table with its timestamp with "
                                                      "time zone columns")
                return None
            count = self._write(r, list(zip(bound.names, types)), [False] * len(types),
                                (bound, bound.types, session) if data else None, sql)
        finally:
            bound.cur.close()
        return _count("CREATE TABLE", count)

    def _precision(self, bound: Any, k: int, t: TrinoType) -> TrinoType:
        """A query column's type to store: zoned literals carry their own precision (the widest)."""
        if t.raw == "timestamp with time zone" and t.stored_zone and not t.params:
            (p,) = bound.cur.execute(f"SELECT max(struct_extract(c{k}, '{STORED_PRECISION}')) FROM (\n{bound.duck_sql}\n) "
                                     f"AS _q({', '.join(f'c{j}' for j in range(len(bound.types)))})").fetchone()
            return TrinoType(t.raw, (3 if p is None else int(p),))
        return TrinoType(t.raw, t.params) if t.raw == "timestamp with time zone" and not t.stored_zone else t

    def _write(self, r: Any, columns: list[tuple[str, TrinoType]], nulls: list[bool], rows: Any,
               sql: str = "") -> int:
        """Create the DuckDB table with declared-type comments, then fill it from *rows* (bound query)."""
        cols = ", ".join(f"{_quote(n)} {table_storage(t)}{' NOT NULL' if nn else ''}"
                         for (n, t), nn in zip(columns, nulls))
        cur = self.engine.new_cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            cur.execute(f"CREATE TABLE {r.duck} ({cols})")
            for n, t in columns:
                comment = (DECLARED_PREFIX + t.text).replace("'", "''")
                cur.execute(f"COMMENT ON COLUMN {r.duck}.{_quote(n)} IS '{comment}'")
            count = 0
            if rows is not None:
                bound, types, session = rows
                count = self._fill(cur, r, columns, bound, types, session, sql)
            cur.execute("COMMIT")
            return count
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()

    def _fill(self, cur: Any, r: Any, targets: list[tuple[str, TrinoType]], bound: Any, sources: list[TrinoType],
              session: SessionContext, sql: str) -> int:
        zone = self.engine.zone(session.time_zone)
        names = [f"c{k}" for k in range(len(sources))]
        items = ", ".join(stored_value_sql(f"_q.{c}", t, s, zone) for c, (_, t), s in zip(names, targets, sources))
        into = ", ".join(_quote(n) for n, _ in targets)
        try:
            (count,) = cur.execute(f"INSERT INTO {r.duck} ({into}) SELECT {items} FROM (\n{bound.duck_sql}\n) "
                                   f"AS _q({', '.join(names)})").fetchone()
        except duckdb.Error as exc:
            found = re.search(f"{TRUNCATE}[^\n]*? on INSERT", str(exc))
            err = TrinoError("INVALID_CAST_ARGUMENT", found.group(0)) if found else \
                relocate(from_duckdb(exc, bound.duck_sql, bound.omap), sql)
            err.runtime = True   # the INSERT was planned and ran
            raise err from None
        return int(count)

    # ------------------------------------------------------------------ INSERT

    def _insert(self, sql: str, sig: list[Token], session: SessionContext) -> StatementResult | None:
        end = _name_end(sig, 2)
        parts = [t.ident for t in sig[2:end] if t.is_ident]
        r = self.engine.resolve(parts, session, sql, sig[2].start, "write")
        declared = self.engine.declared_columns(r) if (r.schema, r.table) != ("default", alltypes.TABLE) else None
        if r.catalog != "memory" or declared is None:
            return None
        start, targets = end, declared
        if end < len(sig) and sig[end].text == "(" and end + 1 < len(sig) and sig[end + 1].is_ident \
                and sig[end + 1].lower not in ("select", "values", "with", "table"):
            split = _split_defs(sig, end)
            if split is None or any(len(d) != 1 or not d[0].is_ident for d in split[0]):
                return None
            by_name = dict(declared)
            wanted = [d[0].ident.lower() for d in split[0]]
            if any(w not in by_name for w in wanted):
                return None   # DuckDB's error names the column
            targets, start = [(w, by_name[w]) for w in wanted], split[1]
        if start >= len(sig):
            return None
        bound = bind_query(self.engine, sql, sig[start:], session, sig[start].start, store=True)
        try:
            sources = [self._precision(bound, k, t) for k, t in enumerate(bound.types)]
            if len(sources) != len(targets) or any(
                    t.raw == "timestamp with time zone" and s.raw not in _TSTZ_SOURCES for (_, t), s in zip(targets, sources)):
                raise at("TYPE_MISMATCH", "Insert query has mismatched column types: Table: ["
                         + ", ".join(t.text for _, t in declared) + "], Query: ["
                         + ", ".join(s.text for s in sources) + "]", sql, sig[0].start)
            cur = self.engine.new_cursor()
            try:
                count = self._fill(cur, r, targets, bound, bound.types, session, sql)
            finally:
                cur.close()
        finally:
            bound.cur.close()
        return _count("INSERT", count)
