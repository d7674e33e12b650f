"""The sandbox SQL engine: Trino-style SQL executed by DuckDB over the tpch/memory/system catalogs.

Owns: `Engine` (one DuckDB database; `execute` is thread-safe and uses a fresh cursor per call),
`SessionContext`, name resolution (Trino catalog.schema.table -> DuckDB names, with Trino's
errors), declared-type lookup (varchar(n), char(n), json, ... that DuckDB cannot hold) and the
dispatch to statements.py handlers. Results: resultset.StatementResult. Errors: TrinoError only.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import duckdb

from . import alltypes, info_schema, system_tables
from .catalog import TpchCatalog, default_data_dir
from .catalog_facts import CatalogFacts
from .decimal_rules import MACROS as DECIMAL_MACROS, maybe_decimal, rewrite_written_query
from .engine_api import CATALOGS, SessionContext
from .literal_edits import MARKER_TYPES, literal_edits, marker_ddl, marker_names
from .memory_tables import MemoryTables
from .metadata import MetadataStatements
from .resultset import ListSource, ResultColumn, StatementResult
from .rowjson import MACROS, ZoneSpec
from .session_sql import session_value_edits
from .session_statements import SessionStatements
from .select_query import run_query
from .sql_errors import TrinoError, at, from_duckdb, memory_exceeded, relocate
from .sqltext import Rewriter, Token, find_table_refs, significant, tokenize, type_syntax_edits, values_row_edits
from .statements import check_property, check_statement_shape, parse_statement
from .synthetic import SyntheticCatalog, SyntheticSpec
from .system_tables import SystemInfo
from .trino_functions import FUNCTION_MACROS
from .zoned_literals import zoned_edits
from .fine_datetime import fine_edits
from .trino_types import TrinoType, from_duckdb as type_from_duckdb, parse_type

__all__ = ["Engine", "SessionContext", "CATALOGS", "ResultColumn", "StatementResult", "TrinoError", "SystemInfo"]

_DML_TYPES = {"insert": "INSERT", "delete": "DELETE", "update": "UPDATE"}
_PARSING = "io.trino.sql.parser.ParsingException"
DEFAULT_MEMORY_LIMIT = 2 * 1024**3  # DuckDB memory_limit: over it a query fails EXCEEDED_LOCAL_MEMORY_LIMIT


@dataclass(frozen=True)
class Resolved:
    catalog: str
    schema: str
    table: str

    @property
    def duck(self) -> str:
        if self.schema == info_schema.SCHEMA:
            parts = (info_schema.DUCK_CATALOG, self.catalog, self.table)
        else:
            parts = (system_tables.DUCK_CATALOG if self.catalog == "system" else self.catalog, self.schema, self.table)
        return ".".join('"' + p.replace('"', '""') + '"' for p in parts)

    @property
    def trino(self) -> str:
        return f"{self.catalog}.{self.schema}.{self.table}"


class Engine:
    """Executes Trino-style SQL. Thread-safe; `close` waits for nothing (results own cursors)."""

    def __init__(self, data_dir: Path | None = None, schemas: Sequence[str] = ("tiny",),
                 system: SystemInfo | None = None, progress: Callable[[str], None] | None = None,
                 memory_limit: int | None = DEFAULT_MEMORY_LIMIT, synthetic: str | None = None) -> None:
        self._memory_limit = memory_limit
        self._synthetic = SyntheticCatalog(SyntheticSpec.parse(synthetic)) if synthetic else None
        self.catalogs = CATALOGS + ((self._synthetic.name,) if self._synthetic else ())
        self._data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self._data_dir.mkdir(parents=True, exist_ok=True)
        self._data_dir = self._data_dir.resolve()   # DuckDB's allowed_directories compares real paths
        self._configured = list(schemas)
        self._system = system
        self._tpch = TpchCatalog(self._data_dir, progress)
        self.facts = CatalogFacts(self._tpch, self._configured, self._synthetic, self.cursor_fetch)
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self._markers: set[str] = set()
        self._closed = False
        self._setup()
        self._zones = frozenset(r[0] for r in self.cursor_fetch("SELECT name FROM pg_timezone_names()")) | {"UTC"}
        self._system_lock = threading.Lock()   # serialises system/information_schema refreshes
        self._running: dict[str, Any] = {}     # query_id -> DuckDB cursor while execute() runs
        self._cancelled: set[str] = set()      # cancel() arrived while execute() ran
        self._running_lock = threading.Lock()
        self.metadata = MetadataStatements(self)
        self.sessions = SessionStatements(self)
        self.memory_tables = MemoryTables(self)
        for schema in self._configured:
            self._tpch.ensure(self._con, schema)

    # ------------------------------------------------------------------ setup

    def _setup(self) -> None:
        con = self._con
        for macro in (*MACROS, *FUNCTION_MACROS, *DECIMAL_MACROS):
            con.execute(macro)
        for marker in MARKER_TYPES:
            con.execute(str(marker_ddl(marker)))
            self._markers.add(marker)
        con.execute("ATTACH ':memory:' AS tpch")
        con.execute('CREATE SCHEMA memory."default"')
        system_tables.create_tables(con)
        info_schema.create_tables(con, CATALOGS)
        if self._synthetic is not None:
            self._synthetic.attach(con, info_schema.DUCK_CATALOG)
        alltypes.create(con)
        con.execute("SET GLOBAL integer_division = true")
        if self._memory_limit:
            con.execute(f"SET GLOBAL memory_limit = '{max(1, self._memory_limit // 1024**2)}MiB'")
        allowed = str(self._data_dir).replace("'", "''")
        con.execute(f"SET GLOBAL allowed_directories = ['{allowed}']")
        con.execute("SET GLOBAL enable_external_access = false")
        con.execute("SET GLOBAL lock_configuration = true")

    def cancel(self, query_id: str) -> bool:
        """Interrupt the DuckDB work of a query still inside `execute` (its execute then raises
        USER_CANCELED). Results already returned are cancelled with StatementResult.close()."""
        with self._running_lock:
            cur = self._running.get(query_id)
            if cur is None:
                return False
            self._cancelled.add(query_id)
        cur.interrupt()
        return True

    def check_cancelled(self, session: SessionContext) -> None:
        with self._running_lock:
            if session.query_id in self._cancelled:
                raise TrinoError("USER_CANCELED", "Query was canceled")

    @contextmanager
    def tracked(self, session: SessionContext, cur: Any) -> Iterator[None]:
        if not session.query_id:
            yield
            return
        with self._running_lock:
            self._running[session.query_id] = cur
        try:
            yield
        finally:
            with self._running_lock:
                self._running.pop(session.query_id, None)
                self._cancelled.discard(session.query_id)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._con.close()

    # ------------------------------------------------------------------ catalog facts

    def tpch(self) -> TpchCatalog:
        return self._tpch

    def configured_schemas(self) -> list[str]:
        return list(self._configured)

    def schemas(self, catalog: str) -> list[str]:
        """Schemas of a catalog, information_schema included (as Trino lists them)."""
        return self.facts.schemas(catalog)

    def tables(self, catalog: str, schema: str) -> list[str]:
        return self.facts.tables(catalog, schema)

    def declared_columns(self, r: Resolved) -> list[tuple[str, TrinoType]] | None:
        """Columns with the Trino types the table declares (None: only DuckDB's types known)."""
        return self.facts.declared_columns(r.catalog, r.schema, r.table)

    def column_types(self, r: Resolved) -> list[tuple[str, TrinoType]]:
        """Declared columns, else the Trino types of DuckDB's columns (user tables)."""
        declared = self.declared_columns(r)
        if declared is not None:
            return declared
        cur = self._con.cursor()
        try:
            rel = cur.sql(f"SELECT * FROM {r.duck}")
            return [(n, type_from_duckdb(t)) for n, t in zip(rel.columns, rel.types)]
        finally:
            cur.close()

    def _refresh_info(self, r: Resolved) -> None:
        if self._synthetic is not None and r.catalog == self._synthetic.name:
            return  # views over range(), always current
        schemas = [s for s in self.schemas(r.catalog) if s != info_schema.SCHEMA]
        rows = info_schema.snapshot(
            r.catalog, schemas, lambda s: self.tables(r.catalog, s),
            lambda s, t: [(n, ty.text) for n, ty in self.column_types(Resolved(r.catalog, s, t))], r.table)
        info_schema.refresh(self._con, r.catalog, r.table, rows)

    def all_types_reference(self) -> list[tuple]:
        """memory.default.all_types rows as DuckDB holds them (Python values), for tests."""
        return alltypes.all_types_reference(self._con)

    def cursor_fetch(self, sql: str, params: list | None = None) -> list[tuple]:
        cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    # ------------------------------------------------------------------ name resolution

    def resolve(self, parts: Sequence[str], session: SessionContext, sql: str, offset: int,
                role: str = "read") -> Resolved:
        """Trino name (1-3 parts) -> Resolved, raising Trino's errors located at `offset`. Names
        are case-insensitive, quoted or not (Trino lower-cases them for its connectors)."""
        parts = [p.lower() for p in parts]
        if len(parts) == 1:
            if session.catalog is None or session.schema is None:
                raise at("MISSING_SCHEMA_NAME", "Schema must be specified when session schema is not set", sql, offset)
            parts = [session.catalog, session.schema, parts[0]]
        elif len(parts) == 2:
            if session.catalog is None:
                raise at("MISSING_CATALOG_NAME", "Catalog must be specified when session catalog is not set",
                         sql, offset)
            parts = [session.catalog, *parts]
        catalog, schema, table = parts
        self.check_schema(catalog, schema, sql, offset)
        r = Resolved(catalog, schema, table)
        if role in ("create", "write", "drop") and (catalog != "memory" or schema == info_schema.SCHEMA):
            verb = {"create": "creating tables", "write": "modifying table rows", "drop": "dropping tables"}[role]
            raise at("NOT_SUPPORTED", f"This connector does not support {verb}", sql, offset)
        if role in ("read", "write") and table not in self.tables(catalog, schema):
            raise at("TABLE_NOT_FOUND", f"Table '{r.trino}' does not exist", sql, offset)
        self.check_schema(catalog, schema, sql, offset, generate=True)   # tpch data on first real use
        if self._synthetic is not None and catalog == self._synthetic.name and schema != info_schema.SCHEMA:
            self._synthetic.ensure_table(self._con, schema, table)
        return r

    def check_schema(self, catalog: str, schema: str | None, sql: str, offset: int, generate: bool = False) -> None:
        """Raise CATALOG_NOT_FOUND / SCHEMA_NOT_FOUND; `generate` also makes tpch data ready."""
        if catalog not in self.catalogs:
            raise at("CATALOG_NOT_FOUND", f"Catalog '{catalog}' not found", sql, offset)
        if schema is None:
            return
        if catalog == "tpch" and schema != info_schema.SCHEMA:
            if not self._tpch.is_schema(schema):
                raise at("SCHEMA_NOT_FOUND", f"Schema '{schema}' does not exist", sql, offset)
            if not generate:
                return
            try:
                self._tpch.ensure(self._con, schema)
            except TrinoError as e:
                raise at(e.error_name, e.message, sql, offset) from None
        elif self._synthetic is not None and catalog == self._synthetic.name and schema != info_schema.SCHEMA:
            if not self._synthetic.has_schema(schema):
                raise at("SCHEMA_NOT_FOUND", f"Schema '{schema}' does not exist", sql, offset)
        elif schema not in self.schemas(catalog):
            raise at("SCHEMA_NOT_FOUND", f"Schema '{schema}' does not exist", sql, offset)

    # ------------------------------------------------------------------ execute

    def execute(self, sql: str, session: SessionContext) -> StatementResult:
        """Run one statement. Raises TrinoError for every failure."""
        if self._closed:
            raise TrinoError("GENERIC_INTERNAL_ERROR", "The sandbox engine is shut down")
        try:
            return self._execute(sql, session)
        except TrinoError as exc:
            raise self.limits(exc) from None
        except duckdb.Error as exc:
            raise self.limits(relocate(from_duckdb(exc, sql), sql)) from None
        except MemoryError:
            raise self.limits(memory_exceeded("")) from None
        except Exception as exc:  # never let an unexpected failure escape untranslated
            raise TrinoError("GENERIC_INTERNAL_ERROR", f"{type(exc).__name__}: {exc}") from None

    def limits(self, err: TrinoError) -> TrinoError:
        """*err* with the configured memory limit named in EXCEEDED_LOCAL_MEMORY_LIMIT messages."""
        if err.error_name != "EXCEEDED_LOCAL_MEMORY_LIMIT" or not self._memory_limit:
            return err
        return memory_exceeded(f"{self._memory_limit / 1024**3:g}GB" if self._memory_limit >= 1024**3
                               else f"{self._memory_limit // 1024**2}MB")

    def _execute(self, sql: str, session: SessionContext) -> StatementResult:
        for name, value in session.properties.items():
            check_property(name, value)
        zone = self.zone(session.time_zone)
        sig = significant(tokenize(sql))
        while sig and sig[-1].text == ";":
            sig.pop()
        if not sig:
            raise at("SYNTAX_ERROR", "mismatched input '<EOF>'. Expecting: <query>", sql, len(sql),
                     failure_type=_PARSING)
        semi = next((t for t in sig if t.text == ";"), None)
        if semi is not None:
            raise at("SYNTAX_ERROR", "mismatched input ';'. Expecting: <EOF>", sql, semi.start, failure_type=_PARSING)
        body = sql[: sig[-1].end]
        check_statement_shape(sig, body)
        if self._synthetic is not None and any(t.is_ident and t.ident == self._synthetic.name for t in sig):
            self._synthetic.delay()
        first = sig[0].lower
        self.sessions.check_transaction(session, writes=first in ("insert", "delete", "update", "create", "drop"))
        handled = self.sessions.run(sig, body, session)
        if handled is not None:
            return handled
        parsed = parse_statement(sig, body)
        if parsed is not None:
            return self.metadata.run(parsed, body, session, zone)
        if first in ("select", "with", "values", "table", "(", "from"):
            return self.query(body, sig, session, zone)
        if first in ("insert", "delete", "update", "create", "drop"):
            return self._modify(body, sig, session)
        self._syntax_check(body)
        raise TrinoError("NOT_SUPPORTED", f"Statement '{sig[0].text.upper()}' is not supported by the sandbox")

    def zone(self, name: str) -> ZoneSpec:
        spec = ZoneSpec.parse(name or "UTC")
        if spec.region is not None and spec.region not in self._zones:
            raise TrinoError("GENERIC_USER_ERROR", f"Time zone not supported: {name}")
        return spec

    def _syntax_check(self, sql: str) -> None:
        try:
            self._con.extract_statements(sql)
        except duckdb.Error as exc:
            raise relocate(from_duckdb(exc, sql), sql) from None

    # ------------------------------------------------------------------ rewriting

    def rewrite(self, sql: str, sig: list[Token], session: SessionContext, base: int = 0):
        """Qualify table names of `sql[base:]` for DuckDB. Returns (duck_sql, to_user_offset,
        resolved refs in order); to_user_offset maps duck_sql offsets to offsets into `sql`."""
        rw = Rewriter(sql[base:])
        resolved: list[Resolved] = []
        for ref in find_table_refs(sig):
            r = self.resolve(ref.parts, session, sql, ref.start, ref.role)
            if ref.role == "read" and r.schema == info_schema.SCHEMA:
                with self._system_lock:
                    self._refresh_info(r)
            elif ref.role == "read" and r.catalog == "system":
                with self._system_lock:
                    system_tables.refresh(self._con, self._system, r.table)
            rw.replace(ref.start - base, ref.end - base, r.duck)
            resolved.append(r)
        taken: list[tuple[int, int]] = []
        edits = [*type_syntax_edits(sig), *session_value_edits(sig, session, session.time_zone), *literal_edits(sig, sql),
                 *values_row_edits(sig), *zoned_edits(sig), *fine_edits(sig)]
        for start, end, text in sorted(edits, key=lambda e: e[0] - e[1]):  # wider edits first
            if any(start < e and s < end for s, e in taken):
                continue  # inside an edit already made (e.g. a nested type rewritten as a whole)
            taken.append((start, end))
            self.ensure_marker(text)
            rw.replace(start - base, end - base, text)
        duck_sql, omap = rw.result()
        return duck_sql, (lambda off: omap(off) + base), resolved

    def ensure_marker(self, text: str) -> None:
        """Create the DuckDB marker types an edit uses (trino_char_5, ...) once."""
        for name in marker_names(text):
            if name in self._markers:
                continue
            with self._lock:
                if name not in self._markers:
                    try:
                        self._con.execute(str(marker_ddl(name)))
                    except duckdb.CatalogException:
                        pass  # created meanwhile
                    self._markers.add(name)

    def explain(self, duck_sql: str, to_user: Callable[[int], int], sql: str) -> list[str]:
        """DuckDB's plan text for a rewritten query."""
        cur = self._con.cursor()
        try:
            rows = cur.execute("EXPLAIN " + duck_sql).fetchall()
        except duckdb.Error as exc:
            shifted = lambda off: to_user(max(0, off - len("EXPLAIN ")))  # noqa: E731
            raise relocate(from_duckdb(exc, "EXPLAIN " + duck_sql, shifted), sql) from None
        finally:
            cur.close()
        return [str(r[-1]) for r in rows]

    def query(self, sql: str, sig: list[Token], session: SessionContext, zone: ZoneSpec,
              base: int = 0) -> StatementResult:
        """SELECT-like statement: columns now, rows streamed as Trino JSON (select_query.py)."""
        return run_query(self, sql, sig, session, zone, base)

    def new_cursor(self) -> Any:
        return self._con.cursor()

    def _modify(self, sql: str, sig: list[Token], session: SessionContext) -> StatementResult:
        """INSERT/DELETE/UPDATE/CREATE TABLE/DROP TABLE on the memory catalog."""
        first = sig[0].lower
        words = [t.lower for t in sig[:4]]
        if first in ("create", "drop") and next((w for w in words[1:] if w in ("table", "schema", "view")), None) != "table":
            raise TrinoError("NOT_SUPPORTED", f"{' '.join(w.upper() for w in words[:2])} is not supported by the sandbox")
        handled = self.memory_tables.run(sql, sig, session)
        if handled is not None:   # declared Trino types kept (memory_tables)
            return handled
        duck_sql, to_user, refs = self.rewrite(sql, sig, session)
        cur = self._con.cursor()
        try:
            with self.tracked(session, cur):
                if first in ("create", "insert") and maybe_decimal(sig):
                    duck_sql = rewrite_written_query(cur, duck_sql)   # Trino's decimal division/avg stored
                cur.execute(duck_sql)
                rows = cur.fetchall() if cur.description else []
        except duckdb.Error as exc:
            raise relocate(from_duckdb(exc, duck_sql, to_user), sql) from None
        finally:
            cur.close()
        if first in _DML_TYPES:
            count = rows[0][0] if rows and rows[0] and isinstance(rows[0][0], int) else 0
            return _count_result(_DML_TYPES[first], int(count))
        if first == "create":
            is_ctas = any(t.lower == "as" for t in sig) and any(t.lower in ("select", "values", "with") for t in sig)
            if is_ctas and refs:
                return _count_result("CREATE TABLE", int(self.cursor_fetch(f"SELECT count(*) FROM {refs[0].duck}")[0][0]))
            return StatementResult([], is_query=False, update_type="CREATE TABLE", total_rows=0)
        return StatementResult([], is_query=False, update_type="DROP TABLE", total_rows=0)

    def list_result(self, columns: list[tuple[str, str]], rows: list[list], update_type: str | None = None,
                    is_query: bool = False, bounded: bool = False) -> StatementResult:
        """Rows known in Python; *bounded*: varchar columns report varchar(longest value), as Trino
        types the VALUES behind SHOW CATALOGS, DESCRIBE INPUT/OUTPUT, SHOW CREATE TABLE, EXPLAIN."""
        if bounded:
            columns = [(n, f"varchar({max((len(r[i]) for r in rows if r[i] is not None), default=0)})")
                       if t == "varchar" else (n, t) for i, (n, t) in enumerate(columns)]
        cols = [ResultColumn.of(n, parse_type(t)) for n, t in columns]
        return StatementResult(cols, is_query=is_query, source=ListSource(rows), update_type=update_type,
                               total_rows=len(rows))


def _count_result(update_type: str, count: int) -> StatementResult:
    cols = [ResultColumn.of("rows", TrinoType("bigint"))]
    return StatementResult(cols, is_query=False, source=ListSource([[count]]), update_type=update_type,
                           update_count=count, total_rows=1)
