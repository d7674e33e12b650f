"""The sandbox CLI: flag parsing into SandboxConfig, and `python -m trino_tui.sandbox` serving until SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from trino_tui.sandbox.cli import add_arguments, config_from_args

ROOT = Path(__file__).resolve().parents[2]


def parse(*argv: str):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return config_from_args(parser.parse_args(list(argv)))


def test_flags_map_to_config():
    cfg = parse("--port", "0", "--retrieval-mode", "WORKER_PROXY", "--encodings", "json+lz4,json",
                "--initial-segment-size", "64kB", "--max-segment-size", "1MB", "--segment-latency", "2=0.5",
                "--segment-latency", "3=1", "--fault-segment-503", "0.1", "--storage-bandwidth", "10MB",
                "--no-inlining", "--cache-results", "--seed", "9")
    assert cfg.retrieval_mode == "WORKER_PROXY" and cfg.encodings == ("json+lz4", "json")
    assert (cfg.initial_segment_size, cfg.max_segment_size) == (64 * 1024, 1024 * 1024)
    assert cfg.segment_latency == {2: 0.5, 3: 1.0} and cfg.fault_segment_503 == 0.1
    assert cfg.storage_bandwidth == 10 * 1024 * 1024 and not cfg.inlining_enabled
    assert cfg.cache_results and cfg.seed == 9 and cfg.host == "127.0.0.1"


def test_bad_flags_are_rejected():
    with pytest.raises(ValueError):
        parse("--initial-segment-size", "8MB", "--max-segment-size", "1MB")
    with pytest.raises(SystemExit):
        parse("--segment-latency", "nope")


def test_module_serves_until_sigterm():
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "trino_tui.sandbox", "--port", "0", "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()  # blocks until the server printed its URL (or exited)
        assert line.startswith("Sandbox coordinator: http://127.0.0.1:"), line + proc.stderr.read()
        url = line.split(": ", 1)[1].strip()
        assert httpx.get(f"{url}/v1/info", timeout=10).json()["starting"] is False
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
        out = proc.stdout.read()  # (communicate() would bypass the already-buffered lines)
        assert "Knobs:" in out and "retrieval_mode=STORAGE" in out and "x-amz" not in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
