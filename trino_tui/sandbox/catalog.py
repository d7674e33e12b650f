"""The `tpch` catalog: TPC-H tables as Trino's tpch connector shows them, backed by Parquet files
that tpchgen-cli generates on first use.

Owns: the table/column definitions (names without dbgen prefixes, Trino types), the on-disk cache
layout (`<data_dir>/<schema>/<table>.parquet`), race-safe generation (temp dir + rename) and the
DuckDB views (`tpch.<schema>.<table>`) with renames and casts. `TpchCatalog` is thread-safe: one
lock per schema serialises generation/registration inside a process; the rename makes
concurrent processes safe.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .sql_errors import TrinoError

# Trino tpch connector columns: (trino name, dbgen column, trino type)
TPCH_TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "customer": (
        ("custkey", "c_custkey", "bigint"), ("name", "c_name", "varchar(25)"),
        ("address", "c_address", "varchar(40)"), ("nationkey", "c_nationkey", "bigint"),
        ("phone", "c_phone", "varchar(15)"), ("acctbal", "c_acctbal", "double"),
        ("mktsegment", "c_mktsegment", "varchar(10)"), ("comment", "c_comment", "varchar(117)"),
    ),
    "lineitem": (
        ("orderkey", "l_orderkey", "bigint"), ("partkey", "l_partkey", "bigint"),
        ("suppkey", "l_suppkey", "bigint"), ("linenumber", "l_linenumber", "integer"),
        ("quantity", "l_quantity", "double"), ("extendedprice", "l_extendedprice", "double"),
        ("discount", "l_discount", "double"), ("tax", "l_tax", "double"),
        ("returnflag", "l_returnflag", "varchar(1)"), ("linestatus", "l_linestatus", "varchar(1)"),
        ("shipdate", "l_shipdate", "date"), ("commitdate", "l_commitdate", "date"),
        ("receiptdate", "l_receiptdate", "date"), ("shipinstruct", "l_shipinstruct", "varchar(25)"),
        ("shipmode", "l_shipmode", "varchar(10)"), ("comment", "l_comment", "varchar(44)"),
    ),
    "nation": (
        ("nationkey", "n_nationkey", "bigint"), ("name", "n_name", "varchar(25)"),
        ("regionkey", "n_regionkey", "bigint"), ("comment", "n_comment", "varchar(152)"),
    ),
    "orders": (
        ("orderkey", "o_orderkey", "bigint"), ("custkey", "o_custkey", "bigint"),
        ("orderstatus", "o_orderstatus", "varchar(1)"), ("totalprice", "o_totalprice", "double"),
        ("orderdate", "o_orderdate", "date"), ("orderpriority", "o_orderpriority", "varchar(15)"),
        ("clerk", "o_clerk", "varchar(15)"), ("shippriority", "o_shippriority", "integer"),
        ("comment", "o_comment", "varchar(79)"),
    ),
    "part": (
        ("partkey", "p_partkey", "bigint"), ("name", "p_name", "varchar(55)"),
        ("mfgr", "p_mfgr", "varchar(25)"), ("brand", "p_brand", "varchar(10)"),
        ("type", "p_type", "varchar(25)"), ("size", "p_size", "integer"),
        ("container", "p_container", "varchar(10)"), ("retailprice", "p_retailprice", "double"),
        ("comment", "p_comment", "varchar(23)"),
    ),
    "partsupp": (
        ("partkey", "ps_partkey", "bigint"), ("suppkey", "ps_suppkey", "bigint"),
        ("availqty", "ps_availqty", "integer"), ("supplycost", "ps_supplycost", "double"),
        ("comment", "ps_comment", "varchar(199)"),
    ),
    "region": (
        ("regionkey", "r_regionkey", "bigint"), ("name", "r_name", "varchar(25)"),
        ("comment", "r_comment", "varchar(152)"),
    ),
    "supplier": (
        ("suppkey", "s_suppkey", "bigint"), ("name", "s_name", "varchar(25)"),
        ("address", "s_address", "varchar(40)"), ("nationkey", "s_nationkey", "bigint"),
        ("phone", "s_phone", "varchar(15)"), ("acctbal", "s_acctbal", "double"),
        ("comment", "s_comment", "varchar(101)"),
    ),
}

_DUCK_CAST = {"bigint": "BIGINT", "integer": "INTEGER", "double": "DOUBLE", "date": "DATE"}
_SF_NAME = re.compile(r"^sf(\d+(?:\.\d+)?)$")
MAX_SCALE_FACTOR = 10.0
_DONE_MARKER = "_COMPLETE"


def scale_factor(schema: str) -> float | None:
    """Scale factor of a tpch schema name (`tiny` = 0.01, `sfN` = N), None if not a tpch schema."""
    if schema == "tiny":
        return 0.01
    m = _SF_NAME.match(schema)
    return float(m.group(1)) if m else None


def default_data_dir() -> Path:
    """`$XDG_CACHE_HOME/trino-tui/tpch` (or ~/.cache/trino-tui/tpch)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "trino-tui" / "tpch"


def tpchgen_binary() -> str:
    """Path of tpchgen-cli: beside the running interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "tpchgen-cli"
    if beside.exists():
        return str(beside)
    found = shutil.which("tpchgen-cli")
    if not found:
        raise TrinoError("GENERIC_INTERNAL_ERROR", "tpchgen-cli not found: cannot generate TPC-H data")
    return found


def _format_sf(sf: float) -> str:
    return str(int(sf)) if sf == int(sf) else repr(sf)


def generate(target: Path, sf: float, progress: Callable[[str], None] | None = None) -> Path:
    """Generate all TPC-H tables as Parquet into `target` unless present. Safe against
    concurrent processes: data is written into a temp dir beside `target` and renamed."""
    if (target / _DONE_MARKER).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if progress:
        progress(f"Generating TPC-H data at scale factor {_format_sf(sf)} into {target} ...")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        proc = subprocess.run(
            [tpchgen_binary(), "parquet", "-s", _format_sf(sf), "--output-dir", str(tmp)],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["unknown error"]
            raise TrinoError("GENERIC_INTERNAL_ERROR", f"tpchgen-cli failed: {detail[0]}")
        missing = [t for t in TPCH_TABLES if not (tmp / f"{t}.parquet").exists()]
        if missing:
            raise TrinoError("GENERIC_INTERNAL_ERROR", f"tpchgen-cli did not produce {', '.join(missing)}")
        (tmp / _DONE_MARKER).write_text("ok\n")
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / _DONE_MARKER).exists():   # a stale partial dir: replace it
                shutil.rmtree(target, ignore_errors=True)
                os.rename(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    if progress:
        progress(f"TPC-H scale factor {_format_sf(sf)} ready")
    return target


@dataclass(frozen=True)
class ColumnDef:
    name: str
    type_text: str


class TpchCatalog:
    """Registers tpch schemas in DuckDB on demand. `ensure(con, schema)` is idempotent."""

    def __init__(self, data_dir: Path, progress: Callable[[str], None] | None = None) -> None:
        self.data_dir = data_dir
        self._progress = progress
        self._lock = threading.Lock()
        self._schema_locks: dict[str, threading.Lock] = {}
        self._ready: set[str] = set()

    def is_schema(self, schema: str) -> bool:
        sf = scale_factor(schema)
        return sf is not None and sf > 0

    def listed_schemas(self, configured: list[str]) -> list[str]:
        names = {"tiny", "sf1", *[s for s in configured if self.is_schema(s)], *self._ready}
        return sorted(names)

    @staticmethod
    def tables() -> list[str]:
        return sorted(TPCH_TABLES)

    @staticmethod
    def columns(table: str) -> list[ColumnDef]:
        return [ColumnDef(n, t) for n, _, t in TPCH_TABLES[table]]

    def ensure(self, con, schema: str) -> None:
        """Generate (if needed) and register `tpch.<schema>` views on DuckDB connection `con`."""
        if schema in self._ready:
            return
        sf = scale_factor(schema)
        if sf is None or sf <= 0:
            raise TrinoError("SCHEMA_NOT_FOUND", f"Schema '{schema}' does not exist")
        if sf > MAX_SCALE_FACTOR:
            raise TrinoError("NOT_SUPPORTED", f"Schema 'tpch.{schema}' is larger than the sandbox allows "
                                              f"(max sf{_format_sf(MAX_SCALE_FACTOR)})")
        with self._lock:
            lock = self._schema_locks.setdefault(schema, threading.Lock())
        with lock:
            if schema in self._ready:
                return
            directory = generate(self.data_dir / schema, sf, self._progress)
            cur = con.cursor()
            try:
                cur.execute(f'CREATE SCHEMA IF NOT EXISTS tpch."{schema}"')
                for table, cols in TPCH_TABLES.items():
                    select = ", ".join(
                        f'CAST({src} AS {_DUCK_CAST.get(t, "VARCHAR")}) AS "{name}"' for name, src, t in cols)
                    path = str(directory / f"{table}.parquet").replace("'", "''")
                    cur.execute(f'CREATE OR REPLACE VIEW tpch."{schema}"."{table}" AS '
                                f"SELECT {select} FROM read_parquet('{path}')")
            finally:
                cur.close()
            self._ready.add(schema)
