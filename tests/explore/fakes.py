"""A scriptable ``SqlRunner`` for exploration tests: canned rows per statement, gates, failures."""

from __future__ import annotations

import threading
from typing import Callable


class FakeRunner:
    """``responses``: sql -> rows, or an Exception to raise; ``gates``: sql -> Event waited on first."""

    def __init__(self, responses: dict[str, object] | None = None,
                 handler: Callable[[str], object] | None = None) -> None:
        self.responses = dict(responses or {})
        self.handler = handler
        self.gates: dict[str, threading.Event] = {}
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def gate(self, sql: str) -> threading.Event:
        ev = self.gates[sql] = threading.Event()
        return ev

    def __call__(self, sql: str) -> list[list]:
        with self._lock:
            self.calls.append(sql)
        gate = self.gates.get(sql)
        if gate is not None:
            assert gate.wait(10), f"gate never opened for {sql}"
        if sql in self.responses:
            out = self.responses[sql]
        elif self.handler is not None:
            out = self.handler(sql)
        else:
            raise RuntimeError(f"line 1:1: no canned answer for {sql}")
        if isinstance(out, BaseException):
            raise out
        return [list(r) for r in out]  # type: ignore[union-attr]


TPCH = {
    "SHOW CATALOGS": [["memory"], ["system"], ["tpch"]],
    "SHOW SCHEMAS FROM tpch": [["information_schema"], ["sf1"], ["tiny"]],
    "SHOW SCHEMAS FROM memory": [["default"], ["information_schema"]],
    "SHOW SCHEMAS FROM system": [["runtime"]],
    ("SELECT table_name, table_type FROM tpch.information_schema.tables WHERE table_schema = 'tiny' "
     "ORDER BY table_name"): [["customer", "BASE TABLE"], ["lineitem", "BASE TABLE"], ["nation", "BASE TABLE"],
                              ["orders", "BASE TABLE"]],
    ("SELECT table_name, table_type FROM tpch.information_schema.tables WHERE table_schema = 'sf1' "
     "ORDER BY table_name"): [["lineitem", "BASE TABLE"]],
    ("SELECT table_name, table_type FROM memory.information_schema.tables WHERE table_schema = 'default' "
     "ORDER BY table_name"): [["Mixed Case", "BASE TABLE"], ["v_all", "VIEW"]],
    "SHOW COLUMNS FROM tpch.tiny.lineitem": [["orderkey", "bigint", "", ""], ["partkey", "bigint", "", ""],
                                             ["quantity", "double", "", ""], ["shipdate", "date", "", ""]],
    "SHOW COLUMNS FROM tpch.tiny.orders": [["orderkey", "bigint", "", ""], ["orderdate", "date", "", ""],
                                           ["totalprice", "double", "", ""]],
    'SHOW COLUMNS FROM memory.default."Mixed Case"': [["Id", "integer", "", ""]],
}


def tpch_runner() -> FakeRunner:
    return FakeRunner(TPCH)
