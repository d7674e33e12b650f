"""ExportDialog: choose a path and format, then export with progress (modal).

Owns the dialog widgets and one ExportJob at a time (closed — thread joined — when the dialog is
dismissed). Two modes, decided by the caller's ``source_factory``: the current result (RowStore) or a
statement streamed straight to the file. Dismisses with the ExportDone message (or None).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Select

from trino_tui.export import OUTPUT_FORMATS, extension_for
from trino_tui.tui.export_job import ExportJob
from trino_tui.tui.messages import ExportDone, ExportProgress



class ExportDialog(ModalScreen[ExportDone | None]):
    """Path + format + progress; ``source_factory()`` builds the job's source on Export."""

    BINDINGS = [Binding("escape", "close", "Close / cancel export")]

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical {
        width: 76; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    ExportDialog #export-title { text-style: bold; margin-bottom: 1; }
    ExportDialog Input, ExportDialog Select { margin-bottom: 1; }
    ExportDialog #export-status { height: auto; margin: 1 0; }
    ExportDialog #export-status.error { color: $error; }
    ExportDialog #export-status.success { color: $success; }
    ExportDialog Horizontal { height: auto; align-horizontal: right; }
    ExportDialog Button { margin-left: 2; }
    """

    def __init__(
        self,
        title: str,
        source_factory: Callable[[], Any],
        formats: Sequence[str],
        *,
        default_path: str = "result.csv",
        default_format: str = "CSV_HEADER",
        total_rows: int | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._source_factory = source_factory
        self._formats = list(formats)
        self._default_path = default_path
        self._default_format = default_format if default_format in formats else self._formats[0]
        self._total = total_rows
        self.job: ExportJob | None = None
        self.result: ExportDone | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, id="export-title")
            yield Label("File")
            yield Input(self._default_path, id="export-path")
            yield Label("Format")
            described = {f.name: f"{f.name} — {f.description}" for f in OUTPUT_FORMATS}
            yield Select([(described.get(f, f), f) for f in self._formats], value=self._default_format,
                         allow_blank=False, id="export-format")
            yield ProgressBar(total=self._total, show_eta=False, id="export-progress")
            yield Label("", id="export-status")
            with Horizontal():
                yield Button("Export", variant="primary", id="export-go")
                yield Button("Close", id="export-close")

    def on_mount(self) -> None:
        self.query_one("#export-progress", ProgressBar).display = False

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        path_input = self.query_one("#export-path", Input)
        root, ext = os.path.splitext(path_input.value)
        if ext in {f.extension for f in OUTPUT_FORMATS} | {""}:
            path_input.value = root + extension_for(str(event.value))

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        """Start the export (ignored while one runs)."""
        if self.job is not None and not self.job.done.is_set():
            return
        path = os.path.expanduser(self.query_one("#export-path", Input).value.strip())
        if not path:
            self._status("Enter a file path", "error")
            return
        if os.path.isdir(path):
            self._status(f"{path} is a directory", "error")
            return
        fmt = str(self.query_one("#export-format", Select).value)
        try:
            source = self._source_factory()
        except Exception as exc:  # noqa: BLE001
            self._status(" ".join(str(exc).split()) or type(exc).__name__, "error")
            return
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = True
        bar.update(total=self._total, progress=0)
        self.query_one("#export-go", Button).disabled = True
        self.query_one("#export-close", Button).label = "Cancel"
        self._status(f"Exporting to {path} …", "")
        self.job = ExportJob(source, path, fmt, self.post_message).start()

    def on_export_progress(self, message: ExportProgress) -> None:
        if self.job is None or message.job_id != self.job.job_id:
            return
        self.query_one("#export-progress", ProgressBar).update(progress=message.rows)
        self._status(f"Exporting … {message.rows:,} rows written", "")

    def on_export_done(self, message: ExportDone) -> None:
        if self.job is None or message.job_id != self.job.job_id:
            return
        self.job.close()
        self.result = message
        self.query_one("#export-go", Button).disabled = False
        self.query_one("#export-close", Button).label = "Close"
        bar = self.query_one("#export-progress", ProgressBar)
        if message.error:
            self._status(f"Export failed: {message.error}", "error")
        elif message.cancelled:
            self._status("Export cancelled; no file written", "error")
        else:
            bar.update(total=max(message.rows, 1), progress=max(message.rows, 1))
            self._status(f"Wrote {message.rows:,} rows to {message.path}", "success")

    @on(Button.Pressed, "#export-close")
    def action_close(self) -> None:
        """Cancel a running export, else close the dialog."""
        if self.job is not None and not self.job.done.is_set():
            self.job.cancel()
            return
        if self.job is not None:
            self.job.close()
        self.dismiss(self.result)

    def on_unmount(self) -> None:
        """The app is closing (or the dialog was dismissed): never leave the export thread behind."""
        if self.job is not None:
            self.job.close()

    def _status(self, text: str, kind: str) -> None:
        label = self.query_one("#export-status", Label)
        label.update(text)
        label.set_class(kind == "error", "error")
        label.set_class(kind == "success", "success")
