"""Query status bar: a Trino-CLI-style one-line summary of the current query.

Owns the choice and order of the facts shown: UI status, query id and server state, a pending
retry ("retrying in 2 s (97 s left)", from ``PipelineSnapshot.retry``), splits
(queued/running/done) and processed rows/bytes from the server stats, rows/bytes received, rates
and elapsed time from the client, and rows in the grid. When the line is too narrow, facts of
lower priority are dropped (never truncated mid-number). UI-thread only; re-renders only when the
text changed, and while the status stays the same at most every ``INTERVAL`` seconds (a status
change shows at once; the newest text is painted when the interval ends).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from trino_tui.core.formatting import human_bytes, human_count, human_duration, human_rate, retry_text
from trino_tui.tui.widgets.grid_model import STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import PipelineSnapshot

SEPARATOR = " │ "


@dataclass(frozen=True)
class StatusPart:
    """One fact of the bar: a key (tests), its text, the component-class suffix and a priority
    (lower = kept longer when narrow)."""

    key: str
    text: str
    style: str
    priority: int


def _splits(stats: Mapping[str, Any]) -> str | None:
    keys = ("queuedSplits", "runningSplits", "completedSplits")
    if not any(k in stats for k in keys):
        return None
    queued, running, done = (int(stats.get(k) or 0) for k in keys)
    total = stats.get("totalSplits")
    suffix = f"/{human_count(total)}" if total is not None else ""
    return (f"splits {human_count(queued)} queued · {human_count(running)} running · "
            f"{human_count(done)}{suffix} done")


def received_bytes(snap: "PipelineSnapshot") -> int:
    """Segment bytes received: the spooled ones downloaded plus the inline ones delivered (their
    bytes came inside the protocol responses, so ``bytes_downloaded`` does not count them)."""
    inline = sum(seg.segment_size for seg in snap.segments
                 if seg.kind == "inline" and seg.delivered_at is not None)
    return snap.bytes_downloaded + inline


def status_parts(snap: "PipelineSnapshot | None", *, rows_in_grid: int,
                 status: str) -> list[StatusPart]:
    """The facts of the bar in display order. Pure, for tests."""
    status_style = status if status in STATUSES else "idle"
    parts = [StatusPart("status", f"● {status}", status_style, 0)]
    if snap is not None:
        stats = snap.server_stats or {}
        if snap.query_id:
            parts.append(StatusPart("query", snap.query_id, "label", 8))
        state = snap.server_state or "–"
        ended = status in ("stopped", "cancelled", "failed")
        if status in ("stopped", "cancelled") and state == "FAILED":
            state = "cancelled on server"  # USER_CANCELED: the user ended it, not a failure
        elif ended and state not in ("FINISHED", "FAILED", "–"):
            state += " (last seen)"  # no poll follows a cancel: do not look like it still runs
        progress = stats.get("progressPercentage")
        if isinstance(progress, (int, float)) and not snap.finished and not ended:
            state += f" {progress:.0f}%"
        parts.append(StatusPart("state", state, "value", 3))
        retrying = retry_text(getattr(snap, "retry", None), snap.now)
        if retrying:
            parts.append(StatusPart("retry", retrying, "retry", 0))
        splits = _splits(stats)
        if splits:
            parts.append(StatusPart("splits", splits, "label", 6))
        if "processedRows" in stats or "processedBytes" in stats:
            parts.append(StatusPart(
                "server", f"server {human_count(stats.get('processedRows'))} rows "
                          f"{human_bytes(stats.get('processedBytes'))}", "label", 7))
        parts.append(StatusPart(
            "received", f"received {human_count(snap.rows_delivered)} "
                        f"{'row' if snap.rows_delivered == 1 else 'rows'} "
                        f"{human_bytes(received_bytes(snap))}", "value", 2))
        if not snap.finished:
            parts.append(StatusPart(
                "rates", f"{human_rate(snap.rows_per_s)} {human_rate(snap.bytes_per_s, 'bytes')}",
                "value", 4))
        parts.append(StatusPart("elapsed", human_duration(snap.elapsed), "value", 1))
    rows_word = "row" if rows_in_grid == 1 else "rows"
    parts.append(StatusPart("grid", f"{rows_in_grid:,} {rows_word} in grid", "value", 0))
    return parts


def fit_parts(parts: list[StatusPart], width: int) -> list[StatusPart]:
    """Drop the lowest-priority parts until the joined line fits *width* (display order kept)."""
    kept = list(parts)
    while len(kept) > 1:
        length = sum(len(p.text) for p in kept) + len(SEPARATOR) * (len(kept) - 1)
        if length <= width:
            break
        worst = max(range(len(kept)), key=lambda i: (kept[i].priority, i))
        del kept[worst]
    return kept


class QueryStatusBar(Widget):
    """One-line status of the current query, fed by ``update_snapshot``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"status-bar--{status}" for status in STATUSES),
        "status-bar--label", "status-bar--value", "status-bar--separator", "status-bar--retry",
    }

    DEFAULT_CSS = """
    QueryStatusBar { height: 1; background: $panel; padding: 0 1; }
    QueryStatusBar > .status-bar--idle { color: $foreground-muted; }
    QueryStatusBar > .status-bar--streaming { color: $accent; text-style: bold; }
    QueryStatusBar > .status-bar--finished { color: $success; text-style: bold; }
    QueryStatusBar > .status-bar--stopped { color: $warning; text-style: bold; }
    QueryStatusBar > .status-bar--cancelled { color: $warning; text-style: bold; }
    QueryStatusBar > .status-bar--failed { color: $error; text-style: bold; }
    QueryStatusBar > .status-bar--label { color: $foreground-muted; }
    QueryStatusBar > .status-bar--value { color: $foreground; }
    QueryStatusBar > .status-bar--separator { color: $foreground-muted; }
    QueryStatusBar > .status-bar--retry { color: $warning; text-style: bold; }
    """

    INTERVAL = 0.25
    """Seconds between repaints while only counters change (each repaint costs the UI thread)."""
    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._parts: list[StatusPart] = status_parts(None, rows_in_grid=0, status="idle")
        self._painted_at = float("-inf")
        self._deferred = False   # a repaint is scheduled for the end of the interval
        self.repaints = 0        # refreshes asked for (tests)

    @property
    def parts(self) -> dict[str, str]:
        """Every fact (before fitting to the width), by key."""
        return {p.key: p.text for p in self._parts}

    def update_snapshot(self, snap: "PipelineSnapshot | None", *, rows_in_grid: int,
                        status: str) -> None:
        """Show *snap* (None: no query yet) with the grid's row count and the UI *status*."""
        parts = status_parts(snap, rows_in_grid=rows_in_grid, status=status)
        if parts == self._parts:
            return
        urgent = parts[0] != self._parts[0]   # the status itself changed
        self._parts = parts
        wait = self.INTERVAL - (self.clock() - self._painted_at)
        if urgent or wait <= 0:
            self._repaint()
        elif not self._deferred:
            self._deferred = True
            self.set_timer(wait, self._repaint)

    def _repaint(self) -> None:
        self._deferred = False
        self._painted_at = self.clock()
        self.repaints += 1
        self.refresh()

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"status-bar--{part}", partial=True)

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        for i, part in enumerate(fit_parts(self._parts, self.content_size.width)):
            if i:
                line.append(SEPARATOR, style=self._style("separator"))
            line.append(part.text, style=self._style(part.style))
        return line
