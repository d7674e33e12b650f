"""``CatalogTree``: the browser's ``Tree``, drawn cheaply, and ``NodeData``, what its nodes stand for.

A label's width is its text's width (the stock ``get_label_width`` renders every line on every
rebuild); a line is drawn from component styles looked up once per style change and kept by what it
shows, so a level arriving costs one light repaint. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from trino_tui.explore.metadata import MetaNode, Path

__all__ = ["CatalogTree", "NodeData"]


@dataclass(frozen=True)
class NodeData:
    """What a tree node stands for: a catalog object, or a placeholder (loading/error/more/searching)."""

    kind: str                   # meta | loading | error | more | status
    meta: MetaNode | None = None
    path: Path = ()
    offset: int = 0             # a "more" node: the index of the next child to add


class CatalogTree(Tree[NodeData]):
    """A ``Tree`` whose lines are cheap, so that a level arriving (or a node opening) costs one
    light repaint: a label's width is its text's width (the stock ``get_label_width`` renders every
    line on every rebuild); a batch of node changes asks for one refresh; a line is drawn from
    component styles looked up once per style change (not per line) and kept by what it shows
    (node, its state, its place), so the lines a change did not touch are not drawn again."""

    _TOGGLE = Style.from_meta({"toggle": True})
    _MAX_STRIPS = 4000
    BINDINGS = [
        Binding("right", "open_or_child", "Expand / first child", show=False),
        Binding("left", "close_or_parent", "Collapse / parent", show=False),
    ]

    def action_open_or_child(self) -> None:
        """→ expands a closed node (its level loads as with enter); on an open one, goes to its first child."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            self._toggle_node(node)
        elif node.is_expanded and node.children:
            self.action_cursor_down()

    def action_close_or_parent(self) -> None:
        """← collapses an open node; on a closed one (or a leaf), goes to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            self._toggle_node(node)
        else:
            self.action_cursor_parent()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._strips: dict[tuple, Strip] = {}
        self._styles: tuple[tuple, tuple[Style, Style, Style, Style]] | None = None
        self._base_style: Style | None = None

    def process_label(self, label) -> Text:
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def get_label_width(self, node: TreeNode[NodeData]) -> int:
        icon = cell_len(self.ICON_NODE) if node.allow_expand else 0
        return icon + node.label.cell_len

    def _invalidate(self) -> None:
        """As ``Tree._invalidate``, but one ``refresh`` per batch of node changes (the stock one
        refreshes once per node added or removed)."""
        self._clear_line_cache()
        self._updates += 1
        self.root._reset()
        if not (self._layout_required and self._repaint_required):
            self.refresh(layout=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    def _line_styles(self) -> tuple[Style, Style, Style, Style]:
        """(guides, label, cursor, highlight) styles for the current focus/pseudo-class state."""
        key = (self.has_focus, self._pseudo_class_state)
        if self._styles is None or self._styles[0] != key:
            rich = self.get_component_rich_style
            self._styles = (key, (rich("tree--guides", partial=True), rich("tree--label", partial=True),
                                  rich("tree--cursor", partial=False), rich("tree--highlight", partial=True)))
            self._strips.clear()
        return self._styles[1]

    def render_lines(self, crop):
        self._base_style = self.rich_style  # once per paint (the stock render_line asks per line)
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = None

    def render_line(self, y: int) -> Strip:
        base = self._base_style if self._base_style is not None else self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        return self._render_line(y + scroll_y, scroll_x, scroll_x + self.size.width, base)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        lines = self._tree_lines
        width = self.size.width
        if y >= len(lines):
            return Strip.blank(width, base_style)
        line = lines[y]
        node = line.node
        styles = self._line_styles()
        pad_width = max(self.virtual_size.width, width)
        key = (y, node._id, node._updates, node._expanded, tuple(n.is_last for n in line.path), self.cursor_line == y,
               self.hover_line == y, pad_width, base_style, self.show_guides, self.guide_depth)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= self._MAX_STRIPS:
                self._strips.clear()
            strip = self._strips[key] = self._draw_line(y, line, styles, pad_width, base_style)
        return strip.crop(x1, x2)

    def _draw_line(self, y: int, line, styles: tuple[Style, Style, Style, Style], pad_width: int,
                   base_style: Style) -> Strip:
        guide_style, label_style, cursor_style, highlight_style = styles
        node = line.node
        line_style = base_style + Style(meta={"line": y})
        node_meta = Style(meta={"node": node._id})
        segments: list[Segment] = []
        path = line.path
        if len(path) > 1:
            space, vertical, last, middle = self._guides()
            guides = "".join(space if n.is_last else vertical for n in path[1:-1]) + (last if line.last else middle)
            segments.append(Segment(guides, line_style + guide_style))
        if node._allow_expand:
            icon = self.ICON_NODE_EXPANDED if node._expanded else self.ICON_NODE
            segments.append(Segment(icon, line_style + self._TOGGLE + node_meta))
        style = label_style
        if self.hover_line == y:
            style += highlight_style
        if self.cursor_line == y:
            style += cursor_style
        label: Text = node._label
        if label.spans:
            text = label.copy()
            text.stylize(style)
            text.stylize(node_meta)
            segments.extend(Segment(seg.text, line_style + seg.style if seg.style else line_style)
                            for seg in text.render(self.app.console))
        else:
            own = label.style if isinstance(label.style, Style) else Style.parse(label.style or "none")
            segments.append(Segment(label.plain, line_style + own + style + node_meta))
        used = sum(cell_len(seg.text) for seg in segments)
        if pad_width > used:
            segments.append(Segment(" " * (pad_width - used), line_style))
        return Strip(segments)

    def _guides(self) -> tuple[str, str, str, str]:
        """Indentation pieces (space, vertical, last child, middle child), ``guide_depth`` wide."""
        if not self.show_guides:
            return ("  ",) * 4  # type: ignore[return-value]
        fill = max(0, self.guide_depth - 2)
        a, b, c, d = self.LINES["default"]
        return (a[0] + a[1] * fill + " ", b[0] + b[1] * fill + " ", c[0] + c[1] * fill + " ", d[0] + d[1] * fill + " ")
