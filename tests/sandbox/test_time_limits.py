"""Session time limits as real Trino 476 enforces them (fixture entry e_max_run_time): a query past
query_max_run_time fails EXCEEDED_TIME_LIMIT, and the engine work behind it is interrupted."""

from __future__ import annotations

import threading

import httpx

from tests.sandbox.helpers_server import FakeTrinoError, fast_config
from trino_tui.sandbox import Sandbox
from trino_tui.sandbox.query import time_limit


class BlockingEngine:
    """execute() blocks until cancel(query_id) interrupts it (as DuckDB's interrupt does)."""

    def __init__(self) -> None:
        self.interrupted = threading.Event()
        self.cancelled: list[str] = []

    def execute(self, sql: str, ctx) -> None:
        if not self.interrupted.wait(30):
            raise AssertionError("never interrupted")
        raise FakeTrinoError("Query was canceled", "USER_CANCELED", 3)

    def cancel(self, query_id: str) -> bool:
        self.cancelled.append(query_id)
        self.interrupted.set()
        return True


def test_durations_parse_like_airlift() -> None:
    assert time_limit("1s") == (1.0, "1.00s")
    assert time_limit("10m") == (600.0, "10.00m")
    assert time_limit("100.00d") == (8_640_000.0, "100.00d")
    assert time_limit("soon") is None and time_limit(None) is None


def test_query_max_run_time_fails_the_query_and_interrupts_the_engine() -> None:
    engine = BlockingEngine()
    sb = Sandbox(fast_config(), engine=engine).start()
    try:
        with httpx.Client(timeout=30) as http:
            doc = http.post(f"{sb.url}/v1/statement", content=b"SELECT 1",
                            headers={"X-Trino-User": "u", "X-Trino-Session": "query_max_run_time=1ms"}).json()
            doc = http.get(doc["nextUri"]).json()  # submits: the engine now blocks
            assert engine.interrupted.wait(10)     # housekeeping found the query over its limit
            while "nextUri" in doc:
                doc = http.get(doc["nextUri"]).json()
        err = doc["error"]
        assert (err["errorName"], err["errorCode"], err["errorType"]) == (
            "EXCEEDED_TIME_LIMIT", 131075, "INSUFFICIENT_RESOURCES")
        assert err["message"] == "Query exceeded maximum time limit of 1.00ms"
        assert engine.cancelled == [doc["id"]]
    finally:
        sb.stop()
