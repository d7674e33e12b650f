"""``Outcome``, the typed end of a ``core.run.StatementRun``, and ``Finished`` (every row was delivered).

Import them from ``core.run``. The outcomes of a run that ended early (``Stopped``, ``Cancelled``,
``Failed``) are in ``core.early_outcomes``, created only when one is needed (start-up: even as records,
three classes fewer to make). Immutable; thread-safe.
"""

from __future__ import annotations

from typing import ClassVar

from trino_tui.records import record

__all__ = ["Outcome", "Finished"]


@record
class Outcome:
    """How a run ended; ``rows`` = rows handed to the sink, ``query_id`` "" if the POST never answered."""

    status: ClassVar[str] = "?"
    rows: int = 0
    query_id: str = ""

    @property
    def complete(self) -> bool:
        """True when the sink holds every row of the result (only ``Finished``)."""
        return False


@record
class Finished(Outcome):
    status: ClassVar[str] = "finished"
    update_type: str | None = None
    update_count: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return True
