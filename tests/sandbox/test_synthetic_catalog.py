"""Issue 11's big catalog: `synthetic_catalog="schemas=1000,tables=10000"` adds a catalog whose
metadata is computed lazily (cheap to create, cheap to list and filter), with optional latency."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.sandbox.conftest import run
from tests.sandbox.helpers_server import real_sandbox, trino_connect
from trino_tui.sandbox import SandboxConfig
from trino_tui.sandbox.engine import Engine, SessionContext
from trino_tui.sandbox.synthetic import SyntheticSpec
from trino_tui.sandbox.sql_errors import TrinoError


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    started = time.monotonic()
    engine = Engine(data_dir=tmp_path_factory.mktemp("syn"), schemas=(), synthetic="schemas=1000,tables=10000")
    engine.created_in = time.monotonic() - started
    yield engine
    engine.close()


S = SessionContext(user="u")


def test_spec_parsing_and_validation() -> None:
    assert SyntheticSpec.parse("schemas=10, tables=100, latency=0.5") == SyntheticSpec(10, 100, 5, 3, 0.5)
    for bad in ("schemas=10", "schemas=0,tables=1", "tables=x,schemas=1", "color=red"):
        with pytest.raises(ValueError):
            SyntheticSpec.parse(bad) if bad != "schemas=10" else SyntheticSpec.parse("schemas=10,tables=5")
    with pytest.raises(ValueError, match="synthetic catalog"):
        SandboxConfig(synthetic_catalog="schemas=2,tables=1").validate()


def test_browsing_the_big_catalog(big: Engine) -> None:
    assert big.created_in < 5.0  # nothing is generated up front
    _, rows, _ = run(big, "SHOW CATALOGS", S)
    assert ["synthetic"] in rows
    _, rows, _ = run(big, "SHOW SCHEMAS FROM synthetic", S)
    assert len(rows) == 1001 and rows[0] == ["information_schema"] and rows[-1] == ["s0999"]
    _, rows, _ = run(big, "SHOW TABLES FROM synthetic.s0999", S)
    assert rows == [[f"t{i:05d}"] for i in range(9990, 10000)]
    _, rows, _ = run(big, "SHOW COLUMNS FROM synthetic.s0003.t00031", S)
    assert [r[:2] for r in rows] == [["id", "bigint"], ["name", "varchar"], ["amount", "double"], ["day", "date"],
                                     ["price", "decimal(12, 2)"]]
    result, rows, _ = run(big, "SELECT * FROM synthetic.s0003.t00031 ORDER BY id", S)
    assert rows == [[0, "name-0", 0.0, "2024-01-01", "0.00"], [1, "name-1", 1.5, "2024-01-02", "1.00"],
                    [2, "name-2", 3.0, "2024-01-03", "2.00"]]
    assert result.columns[4].type == "decimal(12, 2)"


def test_information_schema_filters_in_the_engine(big: Engine) -> None:
    started = time.monotonic()
    _, rows, _ = run(big, "SELECT count(*) FROM synthetic.information_schema.tables", S)
    assert rows == [[10000]]
    _, rows, _ = run(big, "SELECT table_schema, table_name FROM synthetic.information_schema.tables "
                          "WHERE table_name LIKE 't0999%' ORDER BY 2", S)
    assert rows[0] == ["s0999", "t09990"] and len(rows) == 10
    _, rows, _ = run(big, "SELECT count(*) FROM synthetic.information_schema.columns", S)
    assert rows == [[50000]]
    assert time.monotonic() - started < 5.0


def test_unknown_names_fail_like_trino(big: Engine) -> None:
    for sql, name in [("SHOW TABLES FROM synthetic.s1000", "SCHEMA_NOT_FOUND"),
                      ("SELECT * FROM synthetic.s0001.t99999", "TABLE_NOT_FOUND")]:
        with pytest.raises(TrinoError) as info:
            run(big, sql, S)
        assert info.value.error_name == name


def test_latency_applies_per_statement(tmp_path: Path) -> None:
    engine = Engine(data_dir=tmp_path, schemas=(), synthetic="schemas=2,tables=4,latency=0.3")
    try:
        started = time.monotonic()
        run(engine, "SHOW SCHEMAS FROM synthetic", S)
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        run(engine, "SHOW CATALOGS", S)  # other catalogs are not slowed
        assert time.monotonic() - started < 0.3
    finally:
        engine.close()


def test_through_the_server_and_the_official_client() -> None:
    with real_sandbox(synthetic_catalog="schemas=5,tables=20") as sb:
        cur = trino_connect(sb, None).cursor()
        cur.execute("SHOW TABLES FROM synthetic.s0004")
        assert cur.fetchall() == [["t00016"], ["t00017"], ["t00018"], ["t00019"]]
