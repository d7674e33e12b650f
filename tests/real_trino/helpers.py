"""Helpers for the real-Trino tests: trino-tui's client (public names only), the official Python
client, the Trino CLI 476 jar and trino-tui --execute as processes, the storage request log,
and value comparison that treats NaN as equal to NaN."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from tests.real_trino.harness import Cluster, Install
from trino_tui.client import ClientConfig, TrinoClient

ROOT = Path(__file__).resolve().parents[2]
QUERY_ID = re.compile(r"\d{8}_\d{6}_\d{5}_[a-z0-9]{5}")
ENCODINGS = ["json", "json+zstd", "json+lz4", None]  # None = direct protocol
MODES = ["storage", "coordinator_storage_redirect", "coordinator_proxy", "worker_proxy"]

# (expression, type): every Trino type the issue names; ALL_TYPES_SQL selects each as a column,
# once with a value and once NULL.
ALL_TYPES = [
    ("true", "boolean"), ("TINYINT '-128'", "tinyint"), ("SMALLINT '32767'", "smallint"),
    ("INTEGER '-2147483648'", "integer"), ("BIGINT '9223372036854775807'", "bigint"),
    ("REAL '1.5'", "real"), ("DOUBLE '1e308'", "double"), ("nan()", "double"), ("infinity()", "double"),
    ("-infinity()", "double"), ("CAST(nan() AS real)", "real"), ("CAST(-infinity() AS real)", "real"),
    ("DECIMAL '12345678901234567890123456789012345678'", "decimal(38,0)"), ("DECIMAL '-0.01'", "decimal(2,2)"),
    ("DECIMAL '1234567890123456789.0123456789012345678'", "decimal(38,19)"), ("DECIMAL '3.14'", "decimal(5,2)"),
    ("'ab'", "char(5)"), ("'é😀 \"q\"'", "varchar"), ("'x'", "varchar(3)"), ("X'00ff10'", "varbinary"),
    ("JSON '{\"a\":[1,2.5,null]}'", "json"), ("DATE '2024-02-29'", "date"), ("DATE '0001-01-01'", "date"),
    ("TIME '12:34:56'", "time(0)"), ("TIME '12:34:56.123456789'", "time(9)"), ("TIME '23:59:59.999999999999'", "time(12)"),
    ("TIME '12:34:56.123 +05:30'", "time(3) with time zone"), ("TIME '01:02:03.123456 -08:00'", "time(6) with time zone"),
    ("TIMESTAMP '2024-01-02 03:04:05'", "timestamp(0)"), ("TIMESTAMP '2024-01-02 03:04:05.123'", "timestamp(3)"),
    ("TIMESTAMP '2024-01-02 03:04:05.123456789'", "timestamp(9)"),
    ("TIMESTAMP '2024-01-02 03:04:05.123456789012'", "timestamp(12)"),
    ("TIMESTAMP '2024-01-02 03:04:05.123 America/New_York'", "timestamp(3) with time zone"),
    ("TIMESTAMP '2024-07-02 03:04:05.123456 +01:00'", "timestamp(6) with time zone"),
    ("TIMESTAMP '2024-01-02 03:04:05 UTC'", "timestamp(0) with time zone"),
    ("INTERVAL '2-3' YEAR TO MONTH", "interval year to month"), ("INTERVAL '-5' MONTH", "interval year to month"),
    ("INTERVAL '1 02:03:04.567' DAY TO SECOND", "interval day to second"),
    ("INTERVAL '-2' HOUR", "interval day to second"),
    ("UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59'", "uuid"), ("IPADDRESS '10.0.0.1'", "ipaddress"),
    ("IPADDRESS '2001:db8::1'", "ipaddress"),
    ("ARRAY[1, NULL, 3]", "array(integer)"), ("ARRAY[ARRAY['a'], ARRAY[]]", "array(array(varchar))"),
    ("MAP(ARRAY['k', 'n'], ARRAY[1.5, NULL])", "map(varchar, double)"),
    ("ROW(1, 'x', ARRAY[DATE '2024-01-01'])", "row(id bigint, name varchar, dates array(date))"),
    ("ARRAY[ROW(TIMESTAMP '2024-01-02 03:04:05.123456', DECIMAL '1.10')]", "array(row(ts timestamp(6), d decimal(3,2)))"),
]


def _all_types_row(null: bool) -> str:
    return ", ".join(f"CAST({'NULL' if null else e} AS {t})" for e, t in ALL_TYPES)


ALL_TYPES_SQL = (f"SELECT * FROM (VALUES ({_all_types_row(False)}), ({_all_types_row(True)})) "
                 f"AS t({', '.join(f'c{i}' for i in range(len(ALL_TYPES)))})")


def config(cluster: Cluster, encoding: str | None = "json+zstd", **kw: Any) -> ClientConfig:
    return ClientConfig(server=cluster.url, user="tester", encoding=() if encoding is None else (encoding,),
                        timezone="UTC", **kw)


def tui_query_rows(cluster: Cluster, sql: str, encoding: str | None, **kw: Any) -> tuple[list[tuple], Any]:
    """(converted rows, finished Query) through trino-tui's client."""
    client = TrinoClient(config(cluster, encoding, **kw))
    try:
        query = client.execute(sql)
        try:
            query.wait_columns(120)
            rows = list(query.rows())
        finally:
            query.close()
        return rows, query
    finally:
        client.close()


def tui_wire_rows(cluster: Cluster, sql: str, encoding: str | None) -> list[list]:
    client = TrinoClient(config(cluster, encoding))
    try:
        query = client.execute(sql)
        try:
            return [row for batch in query.batches() for row in batch.wire_rows()]
        finally:
            query.close()
    finally:
        client.close()


def official_rows(cluster: Cluster, sql: str, encoding: str | None, **kw: Any) -> list[list]:
    import trino

    from tests.sandbox.helpers_server import fetch_all

    return fetch_all(trino.dbapi.connect(host="127.0.0.1", port=cluster.port, user="tester", http_scheme="http",
                                         encoding=encoding, timezone="UTC", **kw), sql)


def same(a: Any, b: Any) -> bool:
    """Equality where NaN == NaN, recursively through lists, tuples and dicts."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _year_month(value: Any) -> str | None:
    """The official client's relativedelta for interval year to month, as Trino's wire text."""
    if type(value).__name__ != "relativedelta":
        return None
    months = value.years * 12 + value.months
    return f"{'-' if months < 0 else ''}{abs(months) // 12}-{abs(months) % 12}"


def equivalent(ours: Any, theirs: Any) -> bool:
    """``same``, plus the one documented representation difference: trino-tui keeps interval year
    to month as Trino's text ('2-3'; Python's standard library has no such type) where the official
    client returns dateutil's relativedelta."""
    if isinstance(ours, str) and _year_month(theirs) is not None:
        return ours == _year_month(theirs)
    return same(ours, theirs)


# trino-tui bugs found by these tests (reported, not fixed here): type -> what differs.
def first_mismatch(ours: list, theirs: list, skip: frozenset[int] = frozenset()) -> str | None:
    """None when every value is equivalent (columns in *skip* aside), else every differing column
    of the first bad row."""
    if len(ours) != len(theirs):
        return f"{len(ours)} rows vs {len(theirs)} rows"
    for i, (r1, r2) in enumerate(zip(ours, theirs)):
        bad = [f"column {j}: trino-tui {a!r} ({type(a).__name__}) vs official {b!r} ({type(b).__name__})"
               for j, (a, b) in enumerate(zip(r1, r2)) if j not in skip and not equivalent(a, b)]
        if bad or len(r1) != len(r2):
            return f"row {i}: " + "; ".join(bad or [f"{len(r1)} vs {len(r2)} columns"])
    return None


class StorageLog:
    """The proxy's request log, read from a mark on."""

    def __init__(self, cluster: Cluster) -> None:
        self.path = cluster.storage_log
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def records(self) -> list[dict]:
        if not self.path.exists():
            return []
        with self.path.open() as fh:
            fh.seek(self.offset)
            return [json.loads(line) for line in fh if line.strip()]


def eventually(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll an external process's observable state until *predicate* or *timeout*."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def trino_cli(install: Install, cluster: Cluster, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    argv = [str(install.java), "--enable-native-access=ALL-UNNAMED", "-jar", str(install.cli_jar),
            "--server", cluster.url, "--user", "tester", "--timezone", "UTC", *args]
    return subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def tui_cli(cluster: Cluster, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "trino_tui", "--server", cluster.url, "--user", "tester", "--timezone", "UTC", *args]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(ROOT)) if p))
    # cwd outside the checkout: `-m` puts the cwd first on sys.path, PYTHONPATH decides instead
    return subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, env=env,
                          cwd=tempfile.gettempdir())


def cli_stderr_error(stderr: bytes) -> list[str]:
    """The CLI's error lines without JVM/jline noise: ['Query <id> failed: ...', 'LINE 1: ...', '   ^']."""
    noise = ("WARNING:", "org.jline", "Dec ", "Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ",
             "Sep ", "Oct ", "Nov ")
    return [ln for ln in stderr.decode().splitlines() if ln.strip() and not ln.startswith(noise)]
