"""Query details, the pure part: a query's stats summary and its stage tree (no Textual).

Owns reading Trino's ``stats`` object of a QueryResults answer (the client keeps the newest one:
``Query.stats``) into a small typed ``QueryDetails``: state, CPU, wall, queued, peak memory,
splits, processed rows/bytes, spilled bytes, and the ``rootStage`` tree as ``StageNode``s. Missing
fields read as None and print as the one "unknown" mark of ``core.formatting``. Pure functions of
immutable values; safe from any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from trino_tui.core.formatting import UNKNOWN, human_bytes, human_count, human_duration

_MAX_DEPTH = 64


@dataclass(frozen=True)
class StageNode:
    stage_id: str
    state: str
    done: bool
    nodes: int | None
    splits: tuple[int | None, int | None, int | None, int | None]  # queued, running, completed, total
    cpu_ms: int | None
    wall_ms: int | None
    rows: int | None
    bytes: int | None
    failed_tasks: int | None
    children: tuple["StageNode", ...]

    def label(self) -> str:
        q, r, c, t = self.splits
        split = f"{_n(c)}/{_n(t)} splits" + (f" ({_n(r)} running, {_n(q)} queued)" if (r or q) else "")
        return (f"stage {self.stage_id} · {self.state} · {split} · {human_count(self.rows)} rows · "
                f"{human_bytes(self.bytes)} · CPU {_ms(self.cpu_ms)}"
                + (f" · {self.failed_tasks} failed tasks" if self.failed_tasks else ""))


@dataclass(frozen=True)
class QueryDetails:
    query_id: str
    info_uri: str
    state: str
    cpu_ms: int | None
    wall_ms: int | None
    queued_ms: int | None
    elapsed_ms: int | None
    peak_memory: int | None
    splits: tuple[int | None, int | None, int | None, int | None]
    rows: int | None
    bytes: int | None
    physical_bytes: int | None
    spilled: int | None
    nodes: int | None
    progress: float | None
    root: StageNode | None

    def summary_lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the details screen."""
        q, r, c, t = self.splits
        return [
            ("Query", self.query_id or UNKNOWN),
            ("Web UI", self.info_uri or UNKNOWN),
            ("State", self.state + (f" ({self.progress:.0f}%)" if self.progress is not None else "")),
            ("Elapsed", _ms(self.elapsed_ms)),
            ("Queued", _ms(self.queued_ms)),
            ("CPU", _ms(self.cpu_ms)),
            ("Wall", _ms(self.wall_ms)),
            ("Peak memory", human_bytes(self.peak_memory)),
            ("Splits", f"{_n(c)} of {_n(t)} done · {_n(r)} running · {_n(q)} queued"),
            ("Processed", f"{human_count(self.rows)} rows · {human_bytes(self.bytes)}"
                          f" (physical input {human_bytes(self.physical_bytes)})"),
            ("Spilled", human_bytes(self.spilled)),
            ("Nodes", _n(self.nodes)),
        ]


def _int(d: Mapping[str, Any], key: str) -> int | None:
    v = d.get(key)
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _n(v: int | None) -> str:
    return UNKNOWN if v is None else f"{v:,}"


def _ms(v: int | None) -> str:
    return UNKNOWN if v is None else human_duration(v / 1000.0)


def _splits(d: Mapping[str, Any]) -> tuple[int | None, int | None, int | None, int | None]:
    return (_int(d, "queuedSplits"), _int(d, "runningSplits"), _int(d, "completedSplits"), _int(d, "totalSplits"))


def stage_tree(stage: Any, depth: int = 0) -> StageNode | None:
    """The ``rootStage`` object (and its ``subStages``) as StageNodes; None when absent/malformed."""
    if not isinstance(stage, Mapping) or depth > _MAX_DEPTH:
        return None
    subs = stage.get("subStages")
    children = tuple(c for c in (stage_tree(s, depth + 1) for s in (subs if isinstance(subs, list) else []))
                     if c is not None)
    return StageNode(
        stage_id=str(stage.get("stageId", "?")), state=str(stage.get("state", UNKNOWN)),
        done=bool(stage.get("done")), nodes=_int(stage, "nodes"), splits=_splits(stage),
        cpu_ms=_int(stage, "cpuTimeMillis"), wall_ms=_int(stage, "wallTimeMillis"),
        rows=_int(stage, "processedRows"), bytes=_int(stage, "processedBytes"),
        failed_tasks=_int(stage, "failedTasks"), children=children)


def query_details(query_id: str, info_uri: str, stats: Any, state: str | None = None) -> QueryDetails:
    """QueryDetails from a query's id, infoUri and its newest ``stats`` object."""
    s: Mapping[str, Any] = stats if isinstance(stats, Mapping) else {}
    progress = s.get("progressPercentage")
    return QueryDetails(
        query_id=query_id, info_uri=info_uri, state=str(s.get("state") or state or UNKNOWN),
        cpu_ms=_int(s, "cpuTimeMillis"), wall_ms=_int(s, "wallTimeMillis"),
        queued_ms=_int(s, "queuedTimeMillis"), elapsed_ms=_int(s, "elapsedTimeMillis"),
        peak_memory=_int(s, "peakMemoryBytes"), splits=_splits(s), rows=_int(s, "processedRows"),
        bytes=_int(s, "processedBytes"), physical_bytes=_int(s, "physicalInputBytes"),
        spilled=_int(s, "spilledBytes"), nodes=_int(s, "nodes"),
        progress=float(progress) if isinstance(progress, (int, float)) and not isinstance(progress, bool) else None,
        root=stage_tree(s.get("rootStage")))
