"""PlanScreen: a statement's plan as a collapsible tree beside the plan text (modal).

Owns the widgets and at most one ``PlanJob`` (closed — thread joined, bounded — when another kind
is asked for and when the screen closes). ``l`` logical, ``d`` distributed (TYPE DISTRIBUTED),
``a`` EXPLAIN ANALYZE (runs the statement), escape closes. The tree comes from the JSON plan when
the server gave one, else from the text (``explore.plan.parse_plan``); the title says which.
UI thread only; the job posts ``PlanLoaded``.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea, Tree

from trino_tui.explore.plan import PlanNode, parse_plan
from trino_tui.tui.plan_job import PlanJob, PlanResult

_TITLES = {"logical": "EXPLAIN", "distributed": "EXPLAIN (TYPE DISTRIBUTED)", "analyze": "EXPLAIN ANALYZE"}


class PlanLoaded(Message):
    def __init__(self, result: PlanResult) -> None:
        super().__init__()
        self.result = result


class PlanScreen(ModalScreen[None]):
    """See the module docstring."""

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("l", "explain('logical')", "Logical"),
        Binding("d", "explain('distributed')", "Distributed"),
        Binding("a", "explain('analyze')", "Analyze (runs it)"),
    ]
    DEFAULT_CSS = """
    PlanScreen { align: center middle; }
    PlanScreen > Vertical { width: 95%; height: 90%; border: thick $primary; background: $surface; }
    PlanScreen #plan-title { text-style: bold; padding: 0 1; }
    PlanScreen Horizontal { height: 1fr; }
    PlanScreen Tree { width: 1fr; }
    PlanScreen TextArea { width: 1fr; }
    PlanScreen .plan-help { color: $foreground-muted; padding: 0 1; }
    """

    def __init__(self, job_factory: Callable[[str, Callable[[PlanResult], None]], PlanJob],
                 kind: str = "logical") -> None:
        super().__init__()
        self._factory = job_factory
        self._kind = kind
        self._job: PlanJob | None = None
        self.result: PlanResult | None = None
        self.source = ""   # "json" | "text" once a plan is shown

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", id="plan-title")
            with Horizontal():
                yield Tree("plan", id="plan-tree")
                yield TextArea("", read_only=True, id="plan-text", soft_wrap=False)
            yield Label("l logical · d distributed · a EXPLAIN ANALYZE (runs the statement) · "
                        "enter/space fold · esc close", classes="plan-help")

    def on_mount(self) -> None:
        self.action_explain(self._kind)
        self.query_one(Tree).focus()

    def action_explain(self, kind: str) -> None:
        if self._job is not None:
            self._job.close(timeout=0.5)
        self._kind = kind
        self.result = None
        self.query_one("#plan-title", Label).update(f"{_TITLES[kind]} … loading")
        self._job = self._factory(kind, lambda r: self.post_message(PlanLoaded(r))).start()

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        r = message.result
        if r.kind != self._kind:
            return
        self.result = r
        title = self.query_one("#plan-title", Label)
        tree = self.query_one(Tree)
        tree.clear()
        if r.error is not None:
            title.update(Text(f"{_TITLES[r.kind]} failed: {r.error}"))
            self.query_one(TextArea).load_text("")
            return
        roots = parse_plan(r.json_text) if r.json_text and r.json_text.lstrip().startswith("{") else []
        self.source = "json" if roots else "text"
        if not roots:
            roots = parse_plan(r.text or "")
        nodes = sum(n.count() for n in roots)
        title.update(f"{_TITLES[r.kind]} · {nodes} plan nodes · tree from the "
                     f"{'JSON plan' if self.source == 'json' else 'text plan'}")
        tree.root.set_label(_TITLES[r.kind])
        for root in roots:
            _add(tree.root, root)
        tree.root.expand()
        self.query_one(TextArea).load_text(r.text or "")

    def on_unmount(self) -> None:
        if self._job is not None:
            self._job.close(timeout=0.5)


def _add(parent: Any, node: PlanNode, depth: int = 0) -> None:
    item = parent.add(Text(node.name), expand=depth < 6)  # Text: plan names hold [..], not markup
    if node.details:  # folded: the operators stay readable
        info = item.add(f"({len(node.details)} details)", expand=False)
        for d in node.details:
            info.add_leaf(Text(d))
    for child in node.children:
        _add(item, child, depth + 1)
