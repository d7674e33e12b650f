"""Hostile-server scenarios (issue 9 items 6 and 7): the client in a child process must fail
with one clear line, within a peak-memory bound (ru_maxrss) and an elapsed-time bound."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .server import BIG, BOMB, RESPONSE, HostileServer

ROOT = Path(__file__).resolve().parents[2]


def run_child(url: str, *args: str, pythonpath: str = str(ROOT), timeout: float = 120) -> dict:
    """Run child.py as a script (sys.path[0] = its folder, cwd = /) so *pythonpath* decides the client."""
    env = {**os.environ, "PYTHONPATH": pythonpath}
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("child.py")), url, *args],
                         capture_output=True, text=True, env=env, cwd="/", timeout=timeout)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _growth_mib(result: dict) -> float:
    return (result["peak_kb"] - result["baseline_kb"]) / 1024


@pytest.mark.parametrize("scenario, error, bound_mib", [
    ("oversized_segment", "SegmentTooLarge: segment 0: body from", 32),   # server offers 512 MiB
    ("zstd_bomb", "SegmentTooLarge: segment 0: declared uncompressedSize 1073741824", 32),  # 1 GiB frame
    ("huge_response", "ResponseTooLarge: response to POST", 64 + 48),  # 256 MiB answer, 64 MiB cap
])
def test_memory_stays_bounded(scenario, error, bound_mib):
    with HostileServer(scenario) as srv:
        result = run_child(srv.url)
        sent = srv.sent
    assert result["error"] and result["error"].startswith(error), result
    assert "\n" not in result["error"]
    assert _growth_mib(result) < bound_mib, result
    assert result["elapsed"] < 10, result
    assert sent < {"oversized_segment": BIG, "zstd_bomb": 2 * BOMB, "huge_response": RESPONSE}[scenario]


def test_a_drip_fails_by_the_deadline():
    with HostileServer("drip") as srv:
        t0 = time.monotonic()
        result = run_child(srv.url, "1", "2")  # request_timeout 1 s, retry_budget 2 s
        wall = time.monotonic() - t0
    assert result["error"] and result["error"].startswith("DeadlineExceeded: POST"), result
    assert result["elapsed"] < 2.5 and wall < 10, result  # the old client: ~60 s (the whole drip)


def test_dripping_polls_are_retried_only_within_the_retry_budget():
    with HostileServer("drip_poll") as srv:
        result = run_child(srv.url, "1", "2")  # each poll dies at 1 s; all retries share 2 s
        polls = srv.polls
    assert result["error"] and result["error"].startswith("DeadlineExceeded: GET"), result
    assert result["elapsed"] < 3.5 and 2 <= polls <= 4, (result, polls)
