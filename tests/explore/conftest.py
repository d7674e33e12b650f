"""Exploration test fixtures: the TUI tests' module-scoped sandbox (127.0.0.1, port 0)."""

from ..tui.conftest import sandbox  # noqa: F401 - re-exported fixture
