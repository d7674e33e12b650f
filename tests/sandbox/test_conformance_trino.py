"""Conformance: the OFFICIAL `trino` client (the independent judge) reads the sandbox correctly.

Every (encoding × retrieval mode) reads tpch.tiny.lineitem (60175 rows) and memory.default.all_types
and must get exactly the rows DuckDB holds (converted to Python by DuckDB itself); every spooled
segment must be acknowledged. One sandbox per retrieval mode (module scope); segment sizes are
small enough that lineitem spans many spooled segments. Mode-independent reads (direct protocol,
orders, statements) run once, on the STORAGE sandbox.
"""

from __future__ import annotations

import datetime
import math
from functools import lru_cache

import pytest

from trino_tui.sandbox import Sandbox
from trino_tui.sandbox.alltypes import COLUMNS, all_types_reference
from tests.sandbox.helpers_server import fast_config, fetch_all, trino_connect

MODES = ["STORAGE", "COORDINATOR_STORAGE_REDIRECT", "COORDINATOR_PROXY", "WORKER_PROXY"]
SPOOLED = ["json", "json+zstd", "json+lz4"]
LINEITEM = "SELECT * FROM tpch.tiny.lineitem ORDER BY orderkey, linenumber"
ORDERS = "SELECT * FROM tpch.tiny.orders ORDER BY orderkey"


@pytest.fixture(scope="module")
def sandboxes():
    """One sandbox per retrieval mode, started on first use, stopped at the end of the module."""
    started: dict[str, Sandbox] = {}

    def get(mode: str) -> Sandbox:
        if mode not in started:
            config = fast_config(retrieval_mode=mode, initial_segment_size=256 * 1024, max_segment_size=1024 * 1024,
                                 inlining_max_rows=1000, inlining_max_size=128 * 1024)
            started[mode] = Sandbox(config).start()
        return started[mode]

    yield get
    for sandbox in started.values():
        sandbox.stop()


@pytest.fixture(scope="module")
def sb(sandboxes):
    return sandboxes("STORAGE")


@lru_cache(maxsize=None)
def _reference(engine_id: int, sql: str, engine) -> tuple:
    return tuple(engine.cursor_fetch(sql))


def reference(sb: Sandbox, sql: str) -> list[tuple]:
    return list(_reference(id(sb.engine), sql, sb.engine))


def fetch(sb: Sandbox, sql: str, encoding: str | None) -> list[list]:
    return fetch_all(trino_connect(sb, encoding), sql)


def assert_all_acked(sb: Sandbox) -> None:
    done = sb.wait_segments(lambda s: s.segments_acked == s.segments_created and not s.live_segments(), 10.0)
    assert done, f"acked {sb.segments_acked} of {sb.segments_created}; live {len(sb.live_segments())}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("encoding", SPOOLED)
def test_lineitem_spooled_every_mode(sandboxes, mode, encoding):
    sb = sandboxes(mode)
    before = sb.segments_created
    rows = fetch(sb, LINEITEM, encoding)
    assert len(rows) == 60175
    assert [tuple(r) for r in rows] == reference(sb, LINEITEM)
    assert sb.segments_created - before >= 5, "large results must really be spooled"
    assert_all_acked(sb)
    storage_gets = [r for r in sb.storage_log if r.listener != "coordinator" and r.status == 200]
    assert all("authorization" not in r.headers for r in storage_gets)
    if sb.config.retrieval_mode == "WORKER_PROXY":
        assert {r.listener for r in storage_gets} >= {"worker-0", "worker-1"}
    elif sb.config.retrieval_mode in ("STORAGE", "COORDINATOR_STORAGE_REDIRECT"):
        assert any(r.listener == "storage" for r in storage_gets)


def test_lineitem_and_orders_direct(sb):
    before = sb.segments_created
    assert [tuple(r) for r in fetch(sb, LINEITEM, None)] == reference(sb, LINEITEM)
    assert [tuple(r) for r in fetch(sb, ORDERS, None)] == reference(sb, ORDERS)
    assert sb.segments_created == before


@pytest.mark.parametrize("encoding", SPOOLED)
def test_orders_spooled(sb, encoding):
    assert [tuple(r) for r in fetch(sb, ORDERS, encoding)] == reference(sb, ORDERS)
    assert_all_acked(sb)


def _comparable(value, type_text: str):
    """DuckDB's Python value and the trino client's value in one comparable form."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if type_text.startswith("char(") and isinstance(value, str):
        return value.ljust(int(type_text[5:-1]))
    if type_text == "interval year to month" and hasattr(value, "months"):  # relativedelta vs DuckDB's 30-day months
        return datetime.timedelta(days=30 * (value.years * 12 + value.months))
    if hasattr(value, "_names"):  # trino NamedRowTuple
        return {n: _comparable(v, "") for n, v in zip(value._names, value)}
    if isinstance(value, dict):
        return {k: _comparable(v, "") for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v, "") for v in value]
    return value


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("encoding", [None, *SPOOLED])
def test_all_types_value_by_value(sandboxes, mode, encoding):
    sb = sandboxes(mode)
    rows = fetch(sb, "SELECT * FROM memory.default.all_types ORDER BY id", encoding)
    expected = all_types_reference(sb.engine._con)
    assert len(rows) == len(expected) == 4
    for got_row, ref_row in zip(rows, expected):
        for col, got, ref in zip(COLUMNS, got_row, ref_row):
            assert _comparable(got, col.type_text) == _comparable(ref, col.type_text), (col.name, got, ref)


def test_update_statement_and_session_round_trip(sb):
    conn = trino_connect(sb, "json+zstd")
    cur = conn.cursor()
    cur.execute("SHOW SCHEMAS FROM tpch")
    assert ["tiny"] in cur.fetchall()
    cur.execute("USE tpch.tiny")
    cur.fetchall()
    assert (conn._client_session.catalog, conn._client_session.schema) == ("tpch", "tiny")
    cur.execute("SELECT count(*) FROM nation")
    assert cur.fetchall() == [[25]]


def test_default_config_spools_lineitem_in_several_segments():
    from trino_tui.sandbox import SandboxConfig

    with Sandbox(SandboxConfig(poll_wait=0.2)) as sandbox:
        rows = fetch(sandbox, "SELECT * FROM tpch.tiny.lineitem", "json+zstd")
        assert len(rows) == 60175
        assert sandbox.segments_created >= 3  # 1 MB initial target doubling to 4 MB over ~10 MB of JSON
        assert_all_acked(sandbox)
