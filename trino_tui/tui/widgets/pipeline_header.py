"""Pipeline header facts: encoding, protocol, observed retrieval mode, bytes and ratio, acks, retries.

Owns the summary lines at the top of the pipeline panel: two lines of facts, a status line
(running / finished / stopped / cancelled / failed, plus the bottleneck verdict while running)
and the error line when the query failed. Derives everything from the snapshot via pipeline_facts; re-renders only when
the derived text changes. UI-thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from trino_tui.core.formatting import human_bytes, human_count, human_ratio
from trino_tui.tui.widgets.pipeline_facts import retrieval_mode, scrub_urls, status_line

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import PipelineSnapshot

FIRST_LINE_FACTS = 4
"""encoding, protocol, retrieval, pages on line 1; bytes, segments, ack failures, retries on line 2."""


def header_facts(snap: "PipelineSnapshot", coordinator_host: str | None = None, *,
                 retrieval: str | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs shown in the header, in order. Pure, for tests. *retrieval*
    overrides the retrieval mode derived from *snap* alone (the panel's ledger sees more)."""
    compressed = snap.bytes_downloaded
    if snap.protocol == "direct" or not snap.bytes_decompressed:
        size = human_bytes(compressed)  # nothing decompressed (yet): no ratio to speak of
    else:
        size = (f"{human_bytes(compressed)} → {human_bytes(snap.bytes_decompressed)} "
                f"({human_ratio(snap.bytes_decompressed, compressed)})")
    return [
        ("encoding", snap.encoding or ("none" if snap.protocol == "direct" else "–")),
        ("protocol", snap.protocol),
        ("retrieval", retrieval or retrieval_mode(snap, coordinator_host)),
        ("pages", human_count(snap.pages_fetched)),
        ("bytes", size),
        ("segments", f"{human_count(snap.segments_acked)}/{human_count(snap.segments_total)} acked "
                     f"({human_count(snap.segments_inline)} inline, "
                     f"{human_count(snap.segments_spooled)} spooled)"),
        ("ack failures", human_count(snap.ack_failures)),
        ("retries", human_count(snap.retries)),
    ]


class PipelineHeader(Widget):
    """Summary facts of the running pipeline (two lines, three with an error)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pipeline-header--label", "pipeline-header--value", "pipeline-header--alert",
        "pipeline-header--error", "pipeline-header--running", "pipeline-header--finished",
        "pipeline-header--stopped", "pipeline-header--cancelled", "pipeline-header--failed",
        "pipeline-header--verdict",
    }

    DEFAULT_CSS = """
    PipelineHeader { height: auto; }
    PipelineHeader > .pipeline-header--label { color: $foreground-muted; }
    PipelineHeader > .pipeline-header--value { color: $foreground; text-style: bold; }
    PipelineHeader > .pipeline-header--alert { color: $warning; text-style: bold; }
    PipelineHeader > .pipeline-header--error { color: $error; text-style: bold; }
    PipelineHeader > .pipeline-header--running { color: $accent; text-style: bold; }
    PipelineHeader > .pipeline-header--finished { color: $success; text-style: bold; }
    PipelineHeader > .pipeline-header--stopped { color: $warning; text-style: bold; }
    PipelineHeader > .pipeline-header--cancelled { color: $warning; text-style: bold; }
    PipelineHeader > .pipeline-header--failed { color: $error; text-style: bold; }
    PipelineHeader > .pipeline-header--verdict { color: $foreground; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._facts: list[tuple[str, str]] = []
        self._error: str | None = None
        self._status: tuple[str, str] | None = None
        self._verdict: str | None = None

    @property
    def facts(self) -> dict[str, str]:
        """The facts currently shown, by label."""
        return dict(self._facts)

    @property
    def status(self) -> str | None:
        """The status line text shown (None without a query)."""
        return self._status[0] if self._status else None

    @property
    def verdict(self) -> str | None:
        """The bottleneck verdict shown on the status line, or None."""
        return self._verdict

    def update_snapshot(self, snap: "PipelineSnapshot | None", coordinator_host: str | None = None,
                        *, retrieval: str | None = None, outcome: str | None = None,
                        verdict: str | None = None, provenance: str | None = None) -> None:
        """Show facts of *snap* (None: "no query") and its *outcome* (see
        pipeline_facts.query_outcome); refresh only when the text changed. A stopped or
        cancelled query shows no error line: the user ended it."""
        facts = (header_facts(snap, coordinator_host, retrieval=retrieval)
                 if snap is not None else [])
        failed = outcome not in ("stopped", "cancelled")
        error = scrub_urls(snap.error) if snap is not None and snap.error and failed else None
        status = status_line(snap, outcome) if snap is not None else None
        if status is not None and provenance:
            status = (f"{status[0]} · {provenance}", status[1])
        verdict = verdict if snap is not None and outcome is None else None
        if (facts, error, status, verdict) != (self._facts, self._error, self._status,
                                               self._verdict):
            self._facts, self._error, self._status = facts, error, status
            self._verdict = verdict
            self.refresh(layout=True)

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"pipeline-header--{part}", partial=True)

    def render(self) -> Text:
        if not self._facts:
            return Text("no query running", style=self._style("label"))
        label, value = self._style("label"), self._style("value")
        lines = [Text(), Text()]
        for i, (name, fact) in enumerate(self._facts):
            line = lines[0 if i < FIRST_LINE_FACTS else 1]
            if line.cell_len:
                line.append("  ·  ", style=label)
            line.append(f"{name} ", style=label)
            alert = name in ("ack failures", "retries") and fact != "0"
            line.append(fact, style=self._style("alert") if alert else value)
        if self._status:
            text, tone = self._status
            status = Text(f"● {text}", style=self._style(tone))
            if self._verdict:
                status.append("  ·  ", style=label)
                status.append(self._verdict, style=self._style("verdict"))
            lines.append(status)
        if self._error:
            lines.append(Text(f"✗ {self._error}", style=self._style("error")))
        return Text("\n").join(lines)
