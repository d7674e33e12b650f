"""Shared fixtures for the insight tests: one sandbox per module (127.0.0.1, port 0)."""

from __future__ import annotations

import pytest

from trino_tui.sandbox import Sandbox, SandboxConfig

HEALTHY = dict(retrieval_mode="STORAGE", spooling_enabled=True, fault_segment_503=0.0,
               fault_expire_after=None, storage_latency=0.0)


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox(SandboxConfig(host="127.0.0.1", port=0))
    box.start()
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def healthy(sandbox):
    """The module's sandbox reset to a healthy configuration before and after the test."""
    sandbox.configure(**HEALTHY)
    yield sandbox
    sandbox.configure(**HEALTHY)
