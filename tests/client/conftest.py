"""Fixtures for client tests: one sandbox per module (fake engine, 127.0.0.1, port 0).

``sandbox`` resets the run-time knobs (faults, latency, retrieval mode) after every test.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.sandbox.helpers_server import fake_sandbox
from trino_tui.client import ClientConfig, TrinoClient
from trino_tui.sandbox import Sandbox

RESET = dict(retrieval_mode="STORAGE", storage_latency=0.0, segment_latency={}, fault_segment_503=0.0,
             fault_poll_503=0.0, fault_expire_after=None, fault_truncate=0.0, fault_corrupt=0.0)


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with fake_sandbox() as sb:
        yield sb


@pytest.fixture
def sandbox(module_sandbox: Sandbox) -> Iterator[Sandbox]:
    yield module_sandbox
    module_sandbox.configure(**RESET)


def client_for(sb: Sandbox, **kw) -> TrinoClient:
    base = dict(server=sb.url, user="tester", retry_budget=10.0)
    base.update(kw)
    return TrinoClient(ClientConfig(**base))
