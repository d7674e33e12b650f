"""The engine's shared vocabulary: `SessionContext`, `CATALOGS` and `EngineOps`, the engine operations
statement handlers (metadata.py, session_statements.py) call. Lets those handlers depend on an
interface instead of importing engine.py (which imports them). Pure declarations; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence

from .resultset import StatementResult

CATALOGS = ("memory", "system", "tpch")


@dataclass(frozen=True)
class SessionContext:
    """What one statement runs with. `prepared`: name -> SQL text (X-Trino-Prepared-Statement);
    `transaction_id`: the client's open transaction (X-Trino-Transaction-Id), None in autocommit."""

    user: str
    catalog: str | None = None
    schema: str | None = None
    time_zone: str = "UTC"
    properties: Mapping[str, str] = field(default_factory=dict)   # X-Trino-Session values
    query_id: str = ""
    prepared: Mapping[str, str] = field(default_factory=dict)
    transaction_id: str | None = None
    parametric_datetime: bool = True  # False: time/timestamp types without precision, values in ms (legacy clients)


class EngineOps(Protocol):
    """The engine operations statement handlers use (implemented by engine.Engine)."""

    catalogs: tuple[str, ...]

    def tpch(self) -> Any: ...
    def schemas(self, catalog: str) -> list[str]: ...
    def tables(self, catalog: str, schema: str) -> list[str]: ...
    def check_schema(self, catalog: str, schema: str | None, sql: str, offset: int, generate: bool = False) -> None: ...
    def resolve(self, parts: Sequence[str], session: SessionContext, sql: str, offset: int,
                role: str = "read") -> Any: ...
    def column_types(self, r: Any) -> list[tuple[str, Any]]: ...
    def rewrite(self, sql: str, sig: list, session: SessionContext, base: int = 0) -> tuple[str, Callable[[int], int], list]: ...
    def explain(self, duck_sql: str, to_user: Callable[[int], int], sql: str) -> list[str]: ...
    def list_result(self, columns: list[tuple[str, str]], rows: list[list], update_type: str | None = None,
                    is_query: bool = False, bounded: bool = False) -> StatementResult: ...
    def execute(self, sql: str, session: SessionContext) -> StatementResult: ...
    def cursor_fetch(self, sql: str, params: list | None = None) -> list[tuple]: ...
