"""Execution of the Trino-only statements recognised by statements.py: USE, SET/RESET SESSION,
SHOW CATALOGS/SCHEMAS/TABLES/COLUMNS/SESSION, DESCRIBE and EXPLAIN.

Owns the result shapes Trino uses for them (column names, update types). Stateless apart from the
engine reference; thread-safe.
"""

from __future__ import annotations

import fnmatch
from .engine_api import EngineOps, SessionContext
from .resultset import StatementResult
from .rowjson import ZoneSpec
from .sql_errors import TrinoError, at
from .sqltext import significant, tokenize
from .statements import SESSION_PROPERTIES, Parsed, check_property


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

    # ------------------------------------------------------------------ metadata

    def _show_catalogs(self, p: Parsed, sql: str, session, zone) -> StatementResult:
        return self.engine.list_result([("Catalog", "varchar")], [[c] for c in _like(list(self.engine.catalogs), p.like)])

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

    def _explain(self, p: Parsed, sql: str, session: SessionContext, zone) -> StatementResult:
        sig = [t for t in significant(tokenize(sql)) if t.start >= p.text_offset]
        duck_sql, to_user, _ = self.engine.rewrite(sql, sig, session, base=p.text_offset)
        rows = self.engine.explain(duck_sql, to_user, sql)
        return self.engine.list_result([("Query Plan", "varchar")], [["\n".join(rows)]])

    def _unsupported(self, p: Parsed, sql: str, session, zone) -> StatementResult:
        raise TrinoError("NOT_SUPPORTED", f"{' '.join(p.names)} is not supported by the sandbox")
