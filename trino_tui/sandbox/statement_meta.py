"""`StatementMeta`: what the engine said about a statement once planning finished (columns,
update type/count, session changes), taken from an engine result. Immutable; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StatementMeta:
    """What the engine said about the statement (known once planning finished)."""

    columns: list[dict[str, Any]]
    update_type: str | None = None
    update_count: int | None = None
    set_catalog: str | None = None
    set_schema: str | None = None
    set_session: dict[str, str] = field(default_factory=dict)
    clear_session: tuple[str, ...] = ()
    changes: Any = None  # resultset.SessionChanges of the statement (None: a fake engine's result)
    scans: bool = True   # reads a table (Trino reports no progress for a failed table-less query)

    @classmethod
    def of(cls, res: Any) -> "StatementMeta":
        """From an engine result (resultset.StatementResult or a test fake with some fields)."""
        columns = [{"name": c.name, "type": c.type, "typeSignature": c.type_signature} for c in res.columns]
        return cls(
            columns=columns, update_type=getattr(res, "update_type", None),
            update_count=getattr(res, "update_count", None), set_catalog=getattr(res, "set_catalog", None),
            set_schema=getattr(res, "set_schema", None), set_session=dict(getattr(res, "set_session", None) or {}),
            clear_session=tuple(getattr(res, "clear_session", None) or ()), changes=getattr(res, "changes", None),
            scans=getattr(res, "scans", True))
