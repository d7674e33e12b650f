"""Small host apps and screen-reading helpers shared by the pipeline panel / status bar tests."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App, ComposeResult

from tests.tui import fake_snapshots as fs
from trino_tui.tui.widgets.pipeline_panel import PipelinePanel
from trino_tui.tui.widgets.status_bar import QueryStatusBar


class PanelHost(App):
    """A PipelinePanel alone on the screen; records SegmentSelected messages."""

    def __init__(self, *, history: int = 120, snapshot=None) -> None:
        super().__init__()
        self.animation_level = "none"
        self.history = history
        self.initial = snapshot
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield PipelinePanel(coordinator_host=fs.COORDINATOR, history=self.history)

    def on_mount(self) -> None:
        if self.initial is not None:
            self.query_one(PipelinePanel).update_snapshot(self.initial)

    def on_pipeline_panel_segment_selected(self, message: PipelinePanel.SegmentSelected) -> None:
        self.selected.append(message.index)


class StatusHost(App):
    """A QueryStatusBar alone on the screen."""

    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"

    def compose(self) -> ComposeResult:
        yield QueryStatusBar()


def screen_text(app: App) -> str:
    """The whole screen as plain text (what a user reads)."""
    width = app.size.width
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


class PanelWithStatusHost(PanelHost):
    """The panel above a status bar, as the app lays them out (snapshot tests)."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield QueryStatusBar()
