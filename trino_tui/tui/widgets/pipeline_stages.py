"""Stage boxes: fetcher → dispatcher → downloaders → decoders → finalizer with queue arrows.

Owns the drawing of the five pipeline stages from ``PipelineSnapshot.stages``: each box shows the
stage state, busy/total workers (one cell per thread), processed count and errors; the arrow
into a stage shows that stage's input queue depth. Narrow widths fall back to one line per stage. UI-thread only; the
widget keeps the last stages tuple and re-renders only when it changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from trino_tui.core.formatting import human_count
from trino_tui.tui.widgets.pipeline_facts import STAGE_ORDER

if TYPE_CHECKING:  # pragma: no cover
    from trino_tui.client import StageSnapshot

ARROW_WIDTH = 6
MAX_WORKER_CELLS = 8
MIN_BOX_WIDTH = 16
BOX_HEIGHT = 5

_STATE_CLASS = {
    "running": "running", "busy": "running", "active": "running", "downloading": "running",
    "decoding": "running", "reordering": "running", "fetching": "running",
    "idle": "waiting", "waiting": "waiting", "blocked": "waiting", "pending": "waiting",
    "finished": "finished", "done": "finished", "closed": "finished", "stopped": "finished",
    "cancelled": "finished", "failed": "failed", "error": "failed",
}


def state_class(state: str) -> str:
    """Component-class suffix for a stage state string, matched on its first word
    ("waiting for slot" → waiting); unknown states render neutrally."""
    words = state.lower().split()
    return _STATE_CLASS.get(words[0], "label") if words else "label"


def ordered_stages(stages: Sequence["StageSnapshot"]) -> list["StageSnapshot"]:
    """Stages in pipeline order; stages with unknown names keep their relative order at the end."""
    rank = {name: i for i, name in enumerate(STAGE_ORDER)}
    return sorted(stages, key=lambda s: rank.get(s.name, len(rank)))


class PipelineStages(Widget):
    """The row of stage boxes (or a compact list when too narrow)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pipeline-stages--border", "pipeline-stages--title", "pipeline-stages--label",
        "pipeline-stages--running", "pipeline-stages--waiting", "pipeline-stages--finished",
        "pipeline-stages--failed", "pipeline-stages--arrow", "pipeline-stages--arrow-busy",
        "pipeline-stages--error",
    }

    DEFAULT_CSS = """
    PipelineStages { height: 5; }
    PipelineStages > .pipeline-stages--border { color: $foreground-muted; }
    PipelineStages > .pipeline-stages--title { color: $foreground; text-style: bold; }
    PipelineStages > .pipeline-stages--label { color: $foreground; }
    PipelineStages > .pipeline-stages--running { color: $success; text-style: bold; }
    PipelineStages > .pipeline-stages--waiting { color: $warning; }
    PipelineStages > .pipeline-stages--finished { color: $foreground-muted; }
    PipelineStages > .pipeline-stages--failed { color: $error; text-style: bold; }
    PipelineStages > .pipeline-stages--arrow { color: $foreground-muted; }
    PipelineStages > .pipeline-stages--arrow-busy { color: $accent; text-style: bold; }
    PipelineStages > .pipeline-stages--error { color: $error; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._stages: tuple = ()

    @property
    def stages(self) -> tuple:
        """The stages currently shown (pipeline order)."""
        return self._stages

    def update_stages(self, stages: Sequence["StageSnapshot"]) -> None:
        """Show *stages*; no-op when nothing changed."""
        ordered = tuple(ordered_stages(stages))
        if ordered != self._stages:
            self._stages = ordered
            self.refresh()

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"pipeline-stages--{part}", partial=True)

    def render(self) -> Text:
        width = self.size.width
        stages = self._stages
        if not stages:
            return Text("pipeline not started", style=self._style("border"))
        count = len(stages)
        box_width = (width - ARROW_WIDTH * (count - 1)) // count
        if box_width < MIN_BOX_WIDTH:
            return self._render_compact(stages)
        lines = [Text() for _ in range(BOX_HEIGHT)]
        for i, stage in enumerate(stages):
            if i:
                self._append_arrow(lines, stage.queue_depth)
            for line, part in zip(lines, self._box(stage, box_width)):
                line.append_text(part)
        return Text("\n").join(lines)

    def _append_arrow(self, lines: list[Text], depth: int) -> None:
        """Blank column except the middle line: ``──12─▶`` coloured when the queue is non-empty."""
        label = human_count(depth)
        body = f"{label:─^{ARROW_WIDTH - 1}}▶"
        style = self._style("arrow-busy" if depth else "arrow")
        for row, line in enumerate(lines):
            line.append(body if row == BOX_HEIGHT // 2 else " " * ARROW_WIDTH,
                        style if row == BOX_HEIGHT // 2 else None)

    def _box(self, stage: "StageSnapshot", width: int) -> list[Text]:
        inner = width - 2
        border = self._style("border")
        title = f" {stage.name} "[: inner - 1]
        top = Text("╭─", style=border)
        top.append(title, style=self._style("title"))
        top.append("─" * max(0, inner - 1 - len(title)) + "╮", style=border)
        room = inner - 2  # one blank column each side
        state_text = f"● {stage.state}" if len(stage.state) + 2 <= room else stage.state
        done = Text(f"done {human_count(stage.processed)}", style=self._style("label"))
        errors = f" err {human_count(stage.errors)}"
        if stage.errors and done.cell_len + len(errors) <= room:
            done.append(errors, style=self._style("error"))
        bodies = [Text(state_text, style=self._style(state_class(stage.state))),
                  self._workers_line(stage, room), done]
        out = [top]
        for body in bodies:
            body.truncate(room, overflow="ellipsis")
            line = Text("│ ", style=border)
            line.append_text(body)
            line.append(" " * (room - body.cell_len) + " │", style=border)
            out.append(line)
        out.append(Text("╰" + "─" * inner + "╯", style=border))
        return out

    def _workers_line(self, stage: "StageSnapshot", inner: int) -> Text:
        """``■■■□□ 3/5 busy``: one cell per worker thread when it fits, else ``busy 3/5``."""
        count = f"{stage.busy}/{stage.workers} busy"
        if 1 < stage.workers <= MAX_WORKER_CELLS and stage.workers + 1 + len(count) <= inner:
            busy = max(0, min(stage.busy, stage.workers))
            line = Text("■" * busy, style=self._style("running"))
            line.append("□" * (stage.workers - busy), style=self._style("border"))
            line.append(f" {count}", style=self._style("label"))
            return line
        return Text(f"busy {stage.busy}/{stage.workers}", style=self._style("label"))

    def _render_compact(self, stages: Sequence["StageSnapshot"]) -> Text:
        """One line per stage for narrow panels."""
        lines = []
        for stage in stages:
            line = Text(f"{stage.name[:11]:<11} ", style=self._style("title"))
            line.append(f"{stage.state[:8]:<8} ", style=self._style(state_class(stage.state)))
            line.append(f"{stage.busy}/{stage.workers} q{human_count(stage.queue_depth)} "
                        f"✓{human_count(stage.processed)}", style=self._style("label"))
            if stage.errors:
                line.append(f" ✗{human_count(stage.errors)}", style=self._style("error"))
            lines.append(line)
        return Text("\n").join(lines)
