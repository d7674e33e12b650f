"""Fixtures for the sandbox engine tests (tests/sandbox/test_engine_*.py): one Engine over a
freshly generated tpch.tiny per test session, and helpers to run SQL and decode its rows."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import orjson
import pytest

from trino_tui.sandbox.engine import Engine, SessionContext


class FakeSystem:
    """SystemInfo double with fixed nodes and queries."""

    def nodes(self) -> list[dict]:
        return [
            {"node_id": "coordinator", "http_uri": "http://127.0.0.1:1", "node_version": "466-sandbox",
             "coordinator": True, "state": "active"},
            {"node_id": "worker-0", "http_uri": "http://127.0.0.1:2", "node_version": "466-sandbox",
             "coordinator": False, "state": "active"},
        ]

    def queries(self) -> list[dict]:
        return [{"query_id": "20260101_000000_00001_abcde", "state": "FINISHED", "user": "alice",
                 "source": "trino-tui", "query": "SELECT 1", "created": 1767225600.25,
                 "started": "2026-01-01T00:00:01+00:00", "end": None}]


@pytest.fixture(scope="session")
def sbx_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tpch")


@pytest.fixture(scope="session")
def sbx_engine(sbx_data_dir: Path) -> Iterator[Engine]:
    engine = Engine(data_dir=sbx_data_dir, schemas=("tiny",), system=FakeSystem())
    yield engine
    engine.close()


@pytest.fixture
def tiny() -> SessionContext:
    return SessionContext(user="test", catalog="tpch", schema="tiny")


def run(engine: Engine, sql: str, session: SessionContext | None = None, target_bytes: int = 256 * 1024):
    """Execute and decode: (result, rows as parsed JSON, raw chunks)."""
    result = engine.execute(sql, session or SessionContext(user="test"))
    try:
        chunks = list(result.iter_chunks(target_bytes))
    finally:
        result.close()
    rows: list = []
    for count, data in chunks:
        decoded = orjson.loads(b"[" + data + b"]")
        assert len(decoded) == count
        rows.extend(decoded)
    return result, rows, chunks
