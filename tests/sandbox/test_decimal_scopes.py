"""Trino's decimal division and avg(decimal) in every scope of a statement (decimal_rules): subqueries,
CTEs, set operations, windows, correlated subqueries, WHERE / GROUP BY. Expected values follow Trino's
DecimalOperators: decimal(p1,s1) / decimal(p2,s2) is decimal(min(38, p1 + s2 + max(0, s2 - s1)),
max(s1, s2)), avg(decimal(p, s)) is decimal(p, s), both rounded half away from zero; integers are
decimal(10, 0). With DuckDB's own rules every one of these answers double."""

from __future__ import annotations

import duckdb
import pytest

from trino_tui.sandbox.decimal_rules import MACROS, decimal_rewrite
from trino_tui.sandbox.engine import Engine, SessionContext
from trino_tui.sandbox.sql_errors import TrinoError
from tests.sandbox.conftest import run

V = "(VALUES (1, DECIMAL '1.5'), (1, DECIMAL '2.0'), (2, DECIMAL '-0.25')) AS t(g, x)"   # x is decimal(3,2)
U = V.replace("t(g, x)", "u(h, y)")
D32 = "decimal(3, 2)"

CASES = [
    (f"SELECT q FROM (SELECT x / 3 AS q FROM {V})", [D32], [["0.50"], ["0.67"], ["-0.08"]]),
    (f"WITH w AS (SELECT avg(x) AS a FROM {V}) SELECT a, a / 7 FROM w", [D32, D32], [["1.08", "0.15"]]),
    (f"SELECT avg(q) FROM (SELECT x / 3 AS q FROM {V})", [D32], [["0.36"]]),   # (0.50 + 0.67 - 0.08) / 3
    (f"SELECT x / 3 FROM {V} UNION ALL SELECT DECIMAL '1' / 7", [D32], [["0.50"], ["0.67"], ["-0.08"], ["0.00"]]),
    (f"SELECT x / 3 FROM {V} INTERSECT SELECT DECIMAL '0.67'", [D32], [["0.67"]]),
    (f"SELECT g, avg(x) OVER (PARTITION BY g) FROM {V} ORDER BY g", ["integer", D32],
     [[1, "1.75"], [1, "1.75"], [2, "-0.25"]]),
    (f"SELECT g, sum(x / 2) OVER (ORDER BY x) FROM {V} ORDER BY 2", ["integer", "decimal(38, 2)"],
     [[2, "-0.13"], [1, "0.62"], [1, "1.62"]]),
    (f"SELECT g, (SELECT avg(y) FROM {U} WHERE h = t.g) FROM {V} ORDER BY g", ["integer", D32],
     [[1, "1.75"], [1, "1.75"], [2, "-0.25"]]),
    (f"SELECT count(*) FROM {V} WHERE x / 3 = DECIMAL '0.67'", ["bigint"], [[1]]),   # double: 0.666… != 0.67
    (f"SELECT x / 2 FROM {V} GROUP BY x / 2 ORDER BY 1", [D32], [["-0.13"], ["0.75"], ["1.00"]]),
    (f"SELECT g, avg(x) FROM {V} GROUP BY 1 HAVING avg(x) / 2 > DECIMAL '0.8' ORDER BY 1", ["integer", D32],
     [[1, "1.75"]]),
    (f"SELECT avg(DISTINCT x), avg(x) FILTER (WHERE g = 1) FROM {V}", [D32, D32], [["1.08", "1.75"]]),
    (f"SELECT x FROM {V} WHERE x > (SELECT avg(y) FROM {U}) ORDER BY 1", [D32], [["1.50"], ["2.00"]]),
    ("SELECT 10000000000 / DECIMAL '3.0', 7 / 2", ["decimal(21, 1)", "integer"], [["3333333333.3", 3]]),
    # an untyped NULL beside a decimal is decimal(1, 0) (answers of real Trino 476, 2026-12-01)
    ("SELECT NULL / DECIMAL '1.5', DECIMAL '1.5' / NULL", ["decimal(3, 1)", "decimal(2, 1)"], [[None, None]]),
]


@pytest.mark.parametrize("sql, types, rows", CASES, ids=[c[0][:60] for c in CASES])
def test_decimal_rules_in_every_scope(sbx_engine: Engine, sql: str, types: list[str], rows: list) -> None:
    result, got, _ = run(sbx_engine, sql, SessionContext(user="t"))
    assert [c.type for c in result.columns] == types
    assert got == rows


class _NoTypes:
    """A cursor whose binds fail with an unrelated error: the rewrite cannot type any operand."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.real = cur

    def execute(self, *args):
        return self.real.execute(*args)

    def sql(self, text: str):
        raise duckdb.BinderException("Binder Error: something else")


def test_an_operand_it_cannot_type_is_not_supported_never_double() -> None:
    con = duckdb.connect()
    for macro in MACROS:
        con.execute(macro)
    with pytest.raises(TrinoError) as err:
        decimal_rewrite(_NoTypes(con.cursor()), "SELECT (SELECT 1.5 / 3)")
    assert err.value.error_name == "NOT_SUPPORTED" and "decimal rules" in str(err.value)
    assert decimal_rewrite(con.cursor(), "SELECT 1 + 2, 'a/b'") is None   # nothing to change
    assert decimal_rewrite(con.cursor(), "SELECT NULL / 2") is None       # untyped NULL: DuckDB's answer


def test_create_table_as_and_insert_store_trinos_decimals(sbx_engine: Engine) -> None:
    s = SessionContext(user="t")
    run(sbx_engine, "CREATE TABLE memory.default.dec_ctas AS (SELECT DECIMAL '2.0' / 3 AS q, avg(x) AS a "
                    "FROM (VALUES DECIMAL '1.5', DECIMAL '2.25') AS t(x))", s)
    run(sbx_engine, "INSERT INTO memory.default.dec_ctas SELECT DECIMAL '1.0' / 4, avg(DECIMAL '0.01')", s)
    try:
        result, rows, _ = run(sbx_engine, "SELECT q, a FROM memory.default.dec_ctas ORDER BY q", s)
    finally:
        run(sbx_engine, "DROP TABLE memory.default.dec_ctas", s)
    assert [c.type for c in result.columns] == ["decimal(2, 1)", D32]
    assert rows == [["0.3", "0.01"], ["0.7", "1.88"]]   # 1.0 / 4 = 0.25 -> 0.3 (half away from zero)
