"""`trino-tui doctor`: run a canary query with tracing on, then judge spooling end to end.

Owns the canary run (one TrinoClient, the client's ``trace`` hook collecting records, a wait for
the first HEAD heartbeat before reading rows so the heartbeat is exercised), the encoding
probes (one tiny query per encoding), and the report (text and JSON). The checks themselves are
pure functions in ``doctor_checks``. Front-end code: only ``trino_tui.client.__all__`` names.
Runs on the caller's thread; every thread the client starts is joined by ``Query.close``.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from typing import Any, Callable, Mapping

from trino_tui.client import ClientConfig, TrinoClient, TrinoTuiError
from trino_tui.insight.doctor_checks import FAIL, PASS, SKIP, Canary, Check, run_checks

DEFAULT_SQL = "SELECT * FROM tpch.tiny.lineitem"
PROBE_SQL = "SELECT 1"
ENCODINGS = ("json+zstd", "json+lz4", "json")
HEARTBEAT_INTERVAL = 0.2
HEARTBEAT_WAIT = 2.0
RETRY_BUDGET = 3.0


def canary_config(config: ClientConfig, trace: Callable[[dict], None]) -> ClientConfig:
    """*config* tuned for the canary: tracing on, UTC session (expiresAt is zone-less), quick
    heartbeats, a short retry budget (a broken store fails fast), a small in-flight window
    and descriptor queue (the fetcher idles while rows are not read: a heartbeat becomes due)."""
    return dataclasses.replace(
        config, trace=trace, timezone="UTC", heartbeat_interval=HEARTBEAT_INTERVAL,
        retry_budget=min(config.retry_budget, RETRY_BUDGET), max_out_of_order=2, descriptor_queue=1,
        encoding=config.encoding or ENCODINGS)


def run_canary(config: ClientConfig, sql: str = DEFAULT_SQL, *,
               clock: Callable[[], float] = time.monotonic,
               heartbeat_wait: float = HEARTBEAT_WAIT) -> Canary:
    """Run *sql* to the end (or its failure) and collect the evidence."""
    records: list[dict] = []
    lock = threading.Lock()
    head = threading.Event()

    def trace(record: dict) -> None:
        with lock:
            records.append(record)
        if record.get("method") == "HEAD":
            head.set()

    cfg = canary_config(config, trace)
    canary = Canary(server=cfg.server, sql=sql, requested=tuple(cfg.encoding),
                    wall_start=time.time(), mono_start=clock())
    with TrinoClient(cfg, clock=clock) as client:
        query = client.execute(sql)
        try:
            query.wait_columns(timeout=cfg.request_timeout + cfg.retry_budget)
            head.wait(heartbeat_wait)  # bounded: a finished or quick query sends none
            for batch in query.batches():
                canary.rows += batch.row_count
        except TrinoTuiError as exc:
            canary.error, canary.error_type = str(exc), type(exc).__name__
        except TimeoutError:
            canary.error, canary.error_type = "no columns within the request timeout", "TimeoutError"
        finally:
            query.close()
        canary.snapshot = query.snapshot()
        canary.outcome, canary.encoding = query.outcome, query.encoding
    with lock:
        canary.records = list(records)
    return canary


def probe_encodings(config: ClientConfig, canary: Canary) -> None:
    """Which encodings the server offers: one tiny query per encoding, alone in the list."""
    for encoding in ENCODINGS:
        cfg = dataclasses.replace(config, encoding=(encoding,), trace=None)
        try:
            with TrinoClient(cfg) as client:
                query = client.execute(PROBE_SQL)
                for _ in query.batches():
                    pass
                query.close()
                canary.offered = {**canary.offered, encoding: query.encoding == encoding}
        except TrinoTuiError as exc:
            canary.probe_error = f"{encoding}: {exc}"
            return


@dataclasses.dataclass
class Report:
    server: str
    sql: str
    checks: list[Check]
    rows: int
    outcome: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.checks if c.status == s) for s in (PASS, FAIL, SKIP)}

    def to_json(self) -> dict[str, Any]:
        return {"server": self.server, "sql": self.sql, "ok": self.ok, "rows": self.rows,
                "outcome": self.outcome, "error": self.error, "counts": self.counts(),
                "checks": [dataclasses.asdict(c) for c in self.checks]}


def diagnose(config: ClientConfig, sql: str = DEFAULT_SQL, *, probes: bool = True,
             clock: Callable[[], float] = time.monotonic) -> Report:
    """The whole doctor run: canary, probes, checks."""
    canary = run_canary(config, sql, clock=clock)
    reached = any(r.get("kind") == "coordinator" and r.get("status") == 200 for r in canary.records)
    if probes and reached:
        probe_encodings(config, canary)
    return Report(canary.server, sql, run_checks(canary), canary.rows, canary.outcome, canary.error)


MARKS = {PASS: "✓", FAIL: "✗", SKIP: "–"}


def render_text(report: Report, *, verbose: bool = True) -> str:
    """Terminal report: one line per check, its evidence and advice indented below."""
    counts = report.counts()
    lines = [f"trino-tui doctor · {report.server} · {counts[PASS]} passed, {counts[FAIL]} failed, "
             f"{counts[SKIP]} skipped"]
    width = max(len(c.name) for c in report.checks)
    for c in report.checks:
        lines.append(f"  {MARKS[c.status]} {c.name:<{width}}  {c.summary}")
        if verbose or c.status == FAIL:
            lines += [f"      {e}" for e in c.evidence if e]
        if c.advice and c.status == FAIL:
            lines.append(f"      → {c.advice}")
    if report.error and not any(c.status == FAIL for c in report.checks):
        lines.append(f"  canary query: {report.error}")
    lines.append("all checks passed" if report.ok else "some checks FAILED")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, default=str)


def failed_names(report: Report) -> list[str]:
    return [c.name for c in report.checks if c.status == FAIL]


def checks_by_name(report: Report) -> Mapping[str, Check]:
    return {c.name: c for c in report.checks}
