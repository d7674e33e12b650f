"""Messages that carry query/export progress from worker threads to the app.

Owns: the message types only. Every message names the ``generation`` of the run that produced it so
the app can drop messages from a query it has already replaced. Messages are immutable once posted;
they are created on worker threads and handled on the UI thread (``post_message`` is thread-safe).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from trino_tui.client import PipelineSnapshot
    from trino_tui.core.run import Outcome


class ResultStarted(Message):
    """Columns are known: ``store`` (a RowStore) now belongs to the app, which must close it."""

    def __init__(self, generation: int, store: Any) -> None:
        super().__init__()
        self.generation = generation
        self.store = store


class QueryProgress(Message):
    """Coalesced progress (≤ 10/s): the pipeline snapshot and the rows held so far."""

    def __init__(self, generation: int, snapshot: Any, rows: int) -> None:
        super().__init__()
        self.generation = generation
        self.snapshot = snapshot
        self.rows = rows


class QueryDone(Message):
    """The run ended (always posted exactly once per run, after its last progress message);
    ``outcome`` is core's Finished / Stopped / Cancelled / Failed(error)."""

    def __init__(self, generation: int, outcome: "Outcome", snapshot: "PipelineSnapshot | None") -> None:
        super().__init__()
        self.generation = generation
        self.outcome = outcome
        self.snapshot = snapshot


class ExportProgress(Message):
    """Rows written so far by an export job."""

    def __init__(self, job_id: int, rows: int) -> None:
        super().__init__()
        self.job_id = job_id
        self.rows = rows


class ExportDone(Message):
    """An export job ended; ``error`` is a one-line message or None on success."""

    def __init__(self, job_id: int, path: str, rows: int, error: str | None, cancelled: bool = False) -> None:
        super().__init__()
        self.job_id = job_id
        self.path = path
        self.rows = rows
        self.error = error
        self.cancelled = cancelled


class SandboxReady(Message):
    """The in-process sandbox started (``url``) or failed to (``error``, one line)."""

    def __init__(self, url: str | None, error: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.error = error


class SandboxProgress(Message):
    """A start-up notice from the sandbox (e.g. "generating TPC-H data")."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
