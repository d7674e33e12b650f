"""Fixtures shared by the headless tests: an in-process sandbox per test module (127.0.0.1, port 0)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def sandbox():
    sandbox_mod = pytest.importorskip("trino_tui.sandbox")
    sb = sandbox_mod.Sandbox(sandbox_mod.SandboxConfig(poll_wait=0.05))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(autouse=True)
def _private_state_home(tmp_path_factory, monkeypatch):
    """Headless runs append to the statement history (XDG state dir): keep it out of the user's,
    and out of the test's own tmp_path (tests assert that nothing but their output is left there)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
