"""Shared fixtures: a generated CA per module (`pki`); every connect test keeps OAuth2 token files
out of the real home (XDG_STATE_HOME -> a temp dir)."""

from __future__ import annotations

from typing import Iterator

import pytest


@pytest.fixture(scope="module")
def pki() -> Iterator:
    """CA + server certificate for 127.0.0.1 (files removed after the module)."""
    from trino_tui.sandbox.auth_tls import SandboxPki

    with SandboxPki() as p:
        yield p


@pytest.fixture(autouse=True)
def _private_state_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
