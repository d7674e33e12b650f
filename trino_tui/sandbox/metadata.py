"""Execution of the Trino-only statements recognised by statements.py: USE, SET/RESET SESSION,
SHOW CATALOGS/SCHEMAS/TABLES/COLUMNS/SESSION, DESCRIBE and EXPLAIN.

Owns the result shapes Trino uses for them (column names, update types). Stateless apart from the
engine reference; thread-safe.
"""

from __future__ import annotations

import fnmatch
import re
from .engine_api import EngineOps, SessionContext
from .resultset import StatementResult
from .rowjson import ZoneSpec
from .select_query import bind_query
from .sql_errors import TrinoError, at
from .sqltext import significant, tokenize
from .statements import SESSION_PROPERTIES, Parsed, check_property


_RANGED = frozenset({"tinyint", "smallint", "integer", "bigint", "real", "double", "decimal", "date", "timestamp",
                     "timestamp with time zone", "time"})
_UNSIGNED = re.compile(r"\bU(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)\b|\bHUGEINT\b|\bVARINT\b|\bBIT\b")
_DUCK_NAMES = {"float": "real", "blob": "varbinary", "any": "T", "decimal": "decimal(p,s)", "timestamptz": "timestamp with time zone",
               "timestamp with time zone": "timestamp with time zone", "": "unknown", "lambda": "function", "t": "T"}


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def function_trino_type(duck: str) -> str:
    """DuckDB's function signature type text in Trino's words ('BIGINT[]' -> 'array(bigint)')."""
    t = duck.strip()
    if t.endswith("]") and "[" in t:
        return f"array({function_trino_type(t[: t.rindex('[')])})"
    return _DUCK_NAMES.get(t.lower(), t.lower())


def _like(names: list[str], pattern: str | None) -> list[str]:
    if pattern is None:
        return names
    glob = pattern.replace("*", "[*]").replace("?", "[?]").replace("%", "*").replace("_", "?")
    return [n for n in names if fnmatch.fnmatchcase(n, glob)]


class MetadataStatements:
    def __init__(self, engine: EngineOps) -> None:
        self.engine = engine

    def run(self, p: Parsed, sql: str, session: SessionContext, zone: ZoneSpec) -> StatementResult:
        handler = getattr(self, f"_{p.kind}")
        return handler(p, sql, session, zone)

    # ------------------------------------------------------------------ session

    def _use(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        if len(p.names) == 1:
            if session.catalog is None:
                raise at("MISSING_CATALOG_NAME", "Catalog must be specified when session catalog is not set",
                         sql, p.offset)
            catalog, schema = session.catalog, p.names[0]
        elif len(p.names) == 2:
            catalog, schema = p.names
        else:
            raise at("SYNTAX_ERROR", "mismatched input '.'. Expecting: <EOF>", sql, p.offset,
                     failure_type="io.trino.sql.parser.ParsingException")
        self.engine.check_schema(catalog, schema, sql, p.offset)
        set_catalog = catalog if len(p.names) == 2 else None  # Trino: "USE sf1" answers X-Trino-Set-Schema only
        return StatementResult([], is_query=False, update_type="USE", set_catalog=set_catalog, set_schema=schema,
                               total_rows=0)

    def _set_session(self, p: Parsed, sql: str, session, zone) -> StatementResult:
        name = ".".join(p.names)
        try:
            value = check_property(name, p.value or "")
        except TrinoError as e:
            raise at(e.error_name, e.message, sql, p.text_offset or p.offset) from None
        return StatementResult([], is_query=False, update_type="SET SESSION", set_session={name: value},
                               total_rows=0)

    def _reset_session(self, p: Parsed, sql: str, session, zone) -> StatementResult:
        name = ".".join(p.names)
        if name not in SESSION_PROPERTIES:
            raise at("INVALID_SESSION_PROPERTY", f"Session property '{name}' does not exist", sql, p.offset)
        return StatementResult([], is_query=False, update_type="RESET SESSION", clear_session=[name],
                               total_rows=0)

    def _show_session(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        rows = []
        for name in _like(sorted(SESSION_PROPERTIES), p.like):
            prop = SESSION_PROPERTIES[name]
            rows.append([name, session.properties.get(name, prop.default), prop.default, prop.type,
                         prop.description])
        cols = [("Name", "varchar"), ("Value", "varchar"), ("Default", "varchar"), ("Type", "varchar"),
                ("Description", "varchar")]
        return self.engine.list_result(cols, rows)

    def _show_functions(self, p: Parsed, sql: str, session, zone) -> StatementResult:
        rows = self.engine.cursor_fetch(
            "SELECT DISTINCT function_name, function_type, coalesce(return_type, ''), "
            "array_to_string(list_transform(parameter_types, lambda t: coalesce(t, 'unknown')), ', '), "
            "coalesce(stability = 'CONSISTENT', true), coalesce(description, '') FROM duckdb_functions() "
            "WHERE function_type IN ('scalar', 'aggregate', 'window', 'macro') "
            "AND regexp_full_match(function_name, '[a-z][a-z0-9_]*') AND function_name NOT LIKE 'trino\\_%' ESCAPE '\\'")
        out = sorted({(name, function_trino_type(ret), ", ".join(function_trino_type(a) for a in args.split(", ") if a),
                       "scalar" if kind == "macro" else kind, bool(det), desc)
                      for name, kind, ret, args, det, desc in rows
                      if name in _like([name], p.like) and not _UNSIGNED.search(f"{ret} {args}")})
        cols = [("Function", "varchar"), ("Return Type", "varchar"), ("Argument Types", "varchar"),
                ("Function Type", "varchar"), ("Deterministic", "boolean"), ("Description", "varchar")]
        return self.engine.list_result(cols, [list(r) for r in out])

    # ------------------------------------------------------------------ metadata

    def _show_catalogs(self, p: Parsed, sql: str, session, zone) -> StatementResult:
        return self.engine.list_result([("Catalog", "varchar")], [[c] for c in _like(list(self.engine.catalogs), p.like)],
                                       bounded=p.like is None)

    def _show_schemas(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        if p.names:
            if len(p.names) != 1:
                raise at("SYNTAX_ERROR", "mismatched input '.'", sql, p.offset,
                         failure_type="io.trino.sql.parser.ParsingException")
            catalog = p.names[0]
        elif session.catalog is None:
            raise at("MISSING_CATALOG_NAME", "Catalog must be specified when session catalog is not set", sql,
                     p.offset)
        else:
            catalog = session.catalog
        self.engine.check_schema(catalog, None, sql, p.offset)
        schemas = self.engine.schemas(catalog)
        return self.engine.list_result([("Schema", "varchar")], [[s] for s in _like(schemas, p.like)])

    def _show_tables(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        if len(p.names) == 2:
            catalog, schema = p.names
        elif len(p.names) == 1:
            if session.catalog is None:
                raise at("MISSING_CATALOG_NAME", "Catalog must be specified when session catalog is not set",
                         sql, p.offset)
            catalog, schema = session.catalog, p.names[0]
        elif session.catalog is None or session.schema is None:
            raise at("MISSING_SCHEMA_NAME", "Schema must be specified when session schema is not set", sql,
                     p.offset)
        else:
            catalog, schema = session.catalog, session.schema
        if catalog == "tpch" and schema != "information_schema":
            if not self.engine.tpch().is_schema(schema):
                raise at("SCHEMA_NOT_FOUND", f"Schema '{schema}' does not exist", sql, p.offset)
            tables = self.engine.tpch().tables()      # listing does not generate data
        else:
            self.engine.check_schema(catalog, schema, sql, p.offset)
            tables = self.engine.tables(catalog, schema)
        return self.engine.list_result([("Table", "varchar")], [[t] for t in _like(tables, p.like)])

    def _show_columns(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        r = self.engine.resolve(p.names, session, sql, p.offset, "read")
        declared = self.engine.column_types(r)
        rows = [[name, t.text, "", ""] for name, t in declared if p.like is None or _like([name], p.like)]
        cols = [("Column", "varchar"), ("Type", "varchar"), ("Extra", "varchar"), ("Comment", "varchar")]
        return self.engine.list_result(cols, rows)

    def _show_create_table(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        r = self.engine.resolve(p.names, session, sql, p.offset, "read")
        not_null = " NOT NULL" if r.catalog == "tpch" else ""
        body = ",\n".join(f"   {_quoted(name)} {t.text}{not_null}" for name, t in self.engine.column_types(r))
        return self.engine.list_result([("Create Table", "varchar")], [[f"CREATE TABLE {r.trino} (\n{body}\n)"]],
                                       bounded=True)

    def _show_stats(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        """Trino's SHOW STATS columns, computed by one scan (the sandbox keeps no statistics)."""
        r = self.engine.resolve(p.names, session, sql, p.offset, "read")
        cols = self.engine.column_types(r)
        parts = ["count(*)"]
        for name, t in cols:
            c = '"' + name.replace('"', '""') + '"'
            size = f"sum(length(CAST({c} AS VARCHAR)))" if t.raw in ("varchar", "char", "json") else "NULL"
            ranged = t.raw in _RANGED and t.raw != "timestamp with time zone"   # zoned: instant + zone (no text)
            parts += [size, f"approx_count_distinct({c})", f"count({c})",
                      f"CAST(min({c}) AS VARCHAR)" if ranged else "NULL", f"CAST(max({c}) AS VARCHAR)" if ranged else "NULL"]
        (row,) = self.engine.cursor_fetch(f"SELECT {', '.join(parts)} FROM {r.duck}")
        total = int(row[0])
        rows: list[list] = []
        for k, (name, _) in enumerate(cols):
            size, distinct, present, low, high = row[1 + 5 * k: 6 + 5 * k]
            rows.append([name, None if size is None else float(size), float(distinct),
                         (total - present) / total if total else 0.0, None, low, high])
        rows.append([None, None, None, None, float(total), None, None])
        out = [("column_name", "varchar"), ("data_size", "double"), ("distinct_values_count", "double"),
               ("nulls_fraction", "double"), ("row_count", "double"), ("low_value", "varchar"), ("high_value", "varchar")]
        return self.engine.list_result(out, rows)

    def _explain(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        sig = [t for t in significant(tokenize(sql)) if t.start >= p.text_offset]
        if sig and sig[0].lower in ("select", "with", "values", "table", "(", "from"):
            bound = bind_query(self.engine, sql, sig, session, p.text_offset)   # type: ignore[arg-type]
            bound.cur.close()   # the plan of the SQL a query would run (zoned columns, exact decimals)
            duck_sql, to_user = bound.duck_sql, bound.omap
        else:
            duck_sql, to_user, _ = self.engine.rewrite(sql, sig, session, base=p.text_offset)
        rows = self.engine.explain(duck_sql, to_user, sql)
        return self.engine.list_result([("Query Plan", "varchar")], [["\n".join(rows)]],
                                       bounded=not any(t.lower == "analyze" for t in significant(tokenize(sql))[1:3]))

    def _unsupported(self, p: Parsed, sql: str, session, zone) -> StatementResult:
        raise TrinoError("NOT_SUPPORTED", f"{' '.join(p.names)} is not supported by the sandbox")
