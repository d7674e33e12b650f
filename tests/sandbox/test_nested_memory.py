"""Issue 9 item 1: nested values cost linear memory, and one query's memory is capped.

Nested columns used to be rendered with one SQL lambda per nesting level, which DuckDB binds in
exponential memory (ARRAY depth 8: ~800 MB, 9: > 3 GB, 50: killed). The depth tests run the
engine in a child process watched by the parent, which kills it above WATCHDOG_BYTES.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.sandbox.conftest import run
from trino_tui.sandbox.engine import Engine, SessionContext
from trino_tui.sandbox.sql_errors import TrinoError

WATCHDOG_BYTES = 1536 * 1024**2
ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
from trino_tui.sandbox.engine import Engine, SessionContext
engine = Engine(data_dir=sys.argv[2], schemas=())
depth = int(sys.argv[3])
sql = "SELECT " + "ARRAY[" * depth + "ROW(1, 'x', 2.5e0)" + "]" * depth + " AS a"
result = engine.execute(sql, SessionContext(user="u"))
text = b"".join(data for _, data in result.iter_chunks())
assert text == b"[" + b"[" * depth + b'[1,"x",2.5]' + b"]" * depth + b"]", text[:200]
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]  # not ru_maxrss: fork-inherited
print(int(hwm.split()[1]) * 1024)
"""


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_rss_of_depth(depth: int, data_dir: Path) -> int:
    """Peak RSS in bytes of a child that renders an ARRAY nested *depth* levels (killed above the watchdog)."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(data_dir), str(depth)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    while True:
        try:
            out, err = proc.communicate(timeout=0.05)
            break
        except subprocess.TimeoutExpired:
            if _rss(proc.pid) > WATCHDOG_BYTES:
                proc.kill()
                proc.communicate()
                pytest.fail(f"ARRAY depth {depth}: the sandbox engine grew past {WATCHDOG_BYTES >> 20} MB")
    assert proc.returncode == 0, err.decode()[-2000:]
    return int(out.split()[-1])


@pytest.mark.parametrize("depth", [9, 50])
def test_deep_nesting_costs_linear_memory(depth: int, tmp_path: Path) -> None:
    peak = peak_rss_of_depth(depth, tmp_path)
    assert peak < 400 * 1024**2, f"peak RSS {peak >> 20} MB"


LEAVES = [
    "DECIMAL '1.50'", "1e20", "REAL '0.1'", "CAST('NaN' AS double)", "-CAST('Infinity' AS double)", "TIMESTAMP '2024-01-02 03:04:05.123456'",
    "CAST(TIMESTAMP '2024-01-02 03:04:05.123456' AS timestamp(6))", "TIME '01:02:03.450000'",
    "DATE '2024-02-29'", "INTERVAL '2' DAY", "X'00ff41'",
    "UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59'", "'q\"uote'", "true", "CAST(7 AS tinyint)", "NULL",
    "TIMESTAMP '2024-01-02 03:04:05.123456 UTC'",
]


# char(n) and interval year to month are reported only for top-level columns (see docs/sandbox.md)
@pytest.mark.parametrize("leaf", LEAVES)
def test_nested_leaf_text_matches_the_scalar_text(sbx_engine: Engine, leaf: str) -> None:
    session = SessionContext(user="test", time_zone="Asia/Kolkata")
    _, rows, _ = run(sbx_engine, f"SELECT {leaf}", session)
    (scalar,) = rows[0]
    _, rows, _ = run(sbx_engine, f"SELECT ARRAY[{leaf}], ROW({leaf}, 1), ARRAY[ARRAY[{leaf}]]", session)
    assert rows[0] == [[scalar], [scalar, 1], [[scalar]]]
    if leaf != "NULL":
        _, rows, _ = run(sbx_engine, f"SELECT MAP(ARRAY['k'], ARRAY[{leaf}])", session)
        assert rows[0] == [{"k": scalar}]


def test_map_with_integer_keys_quotes_them(sbx_engine: Engine) -> None:
    result, _, chunks = run(sbx_engine, "SELECT MAP(ARRAY[1, 2], ARRAY[ARRAY[1.5], NULL])")
    assert chunks[0][1] == b'[{"1":["1.5"],"2":null}]'
    assert orjson.loads(b"[" + chunks[0][1] + b"]")[0] == [{"1": ["1.5"], "2": None}]


AGG = ("SELECT length(array_join(array_agg(concat(comment, comment, comment, comment, comment, comment, "
       "comment, comment, comment, comment)), ',')) FROM tpch.tiny.lineitem")


def test_a_query_over_the_memory_limit_fails_alone(sbx_data_dir: Path, sbx_engine: Engine) -> None:
    _, rows, _ = run(sbx_engine, AGG)  # fine under the default limit
    assert rows[0][0] > 10_000_000
    small = Engine(data_dir=sbx_data_dir, schemas=("tiny",), memory_limit=32 * 1024**2)
    try:
        with pytest.raises(TrinoError) as info:
            run(small, AGG)
        err = info.value
        assert (err.error_name, err.error_code, err.error_type) == (
            "EXCEEDED_LOCAL_MEMORY_LIMIT", 131079, "INSUFFICIENT_RESOURCES")
        assert err.message == "Query exceeded per-node memory limit of 32MB"
        _, rows, _ = run(small, "SELECT 1")  # the engine keeps serving
        assert rows == [[1]]
    finally:
        small.close()
