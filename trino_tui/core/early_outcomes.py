"""The outcomes of a run that ended early: ``Stopped``, ``Cancelled`` and ``Failed(error)``.

Import them from ``core.run`` (``from trino_tui.core.run import Failed``), which loads this module
on first use of one of the names: a run that finishes never creates these classes (start-up: three
classes fewer to make). Immutable; thread-safe.
"""

from __future__ import annotations

from dataclasses import field
from typing import ClassVar

from trino_tui.records import record
from trino_tui.core.errors import ErrorReport
from trino_tui.core.outcome import Outcome

__all__ = ["Stopped", "Cancelled", "Failed"]


@record
class Stopped(Outcome):
    """The user stopped the query; the rows so far were kept (``sink.end()`` was called)."""

    status: ClassVar[str] = "stopped"


@record
class Cancelled(Outcome):
    """The query was cancelled (on the server too); the rows so far are incomplete."""

    status: ClassVar[str] = "cancelled"


@record
class Failed(Outcome):
    """The statement failed; ``error`` is the one described wording (core.errors)."""

    status: ClassVar[str] = "failed"
    error: ErrorReport = field(default_factory=lambda: ErrorReport("internal", "Unexpected error", 1))
