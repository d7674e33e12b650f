"""``CatalogBrowser``: the catalog sidebar — a filter box over a lazy tree
(catalog → schema → table/view → columns with types).

Expanding a node asks the ``CatalogLoader``, which loads the level on its own threads; a level that
is loading shows a spinner node, a failing one an error node (select it to retry), and neither
blocks the UI or the other catalogs. Loader threads only ``post_message``; the tree is changed on
the UI thread, and never by work proportional to a level's size: a level shows its first ``PAGE``
children and a "… N more" node that adds the next page when selected (the filter finds the rest),
and ``CatalogTree`` measures a line without rendering it. The filter narrows the loaded names at
once (matched on the loader's match thread) and, after a short pause in typing, searches the
not-yet-loaded levels on the server (per catalog). Node actions are posted as
``CatalogBrowser.ActionRequested`` for the app to carry out (insert, preview, describe, show
create, copy). UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from trino_tui.explore.catalog import CatalogLoader, Change
from trino_tui.explore.metadata import Level, MetaNode, Path
from trino_tui.explore.quoting import qualified

__all__ = ["CatalogBrowser", "CatalogTree", "NodeData", "node_sql"]

PAGE = 100            # children of a level added at once (the "… N more" node adds the next page)
MAX_MATCHES = 100     # filter results shown at once (type more to narrow)
SPINNER = "⠿ loading…"
_ICON = {"catalog": "▣", "schema": "▤", "table": "▦", "view": "▧", "column": "·"}


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


def node_sql(action: str, node: MetaNode) -> str | None:
    """The statement an action runs for ``node`` (None when the action does not apply)."""
    if node.kind == "column":
        table = qualified(*node.path[:-1])
        return f"SELECT {node.qualified} FROM {table} LIMIT 100" if action == "preview" else None
    name = node.qualified
    if action == "preview" and node.kind in ("table", "view"):
        return f"SELECT * FROM {name} LIMIT 100"
    if action == "describe" and node.kind in ("table", "view"):
        return f"DESCRIBE {name}"
    if action == "show_create":
        what = {"table": "TABLE", "view": "VIEW", "schema": "SCHEMA"}.get(node.kind)
        return f"SHOW CREATE {what} {name}" if what else None
    return None


class LevelChanged(Message):
    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


class CatalogBrowser(Vertical):
    """Filter box + tree over one connection's ``CatalogLoader`` (``set_loader`` switches it)."""

    DEFAULT_CSS = """
    CatalogBrowser { width: 40; border-right: solid $panel-lighten-2; }
    CatalogBrowser > Input { height: 3; }
    CatalogBrowser > Tree { height: 1fr; }
    CatalogBrowser > #catalog-results { display: none; }
    CatalogBrowser.-filtered > #catalog-results { display: block; }
    CatalogBrowser.-filtered > #catalog-nodes { display: none; }
    """
    BINDINGS = [
        Binding("i", "node('insert')", "Insert name", show=False),
        Binding("p", "node('preview')", "Preview", show=False),
        Binding("d", "node('describe')", "Describe", show=False),
        Binding("s", "node('show_create')", "Show create", show=False),
        Binding("c", "node('copy')", "Copy name", show=False),
        Binding("r", "refresh_node", "Refresh", show=False),
        Binding("slash", "focus_filter", "Filter", show=False),
    ]

    class ActionRequested(Message):
        """``action``: insert | preview | describe | show_create | copy; ``text`` the quoted
        qualified name; ``sql`` the statement to run (preview/describe/show_create)."""

        def __init__(self, action: str, node: MetaNode, text: str, sql: str | None) -> None:
            super().__init__()
            self.action = action
            self.node = node
            self.text = text
            self.sql = sql

    def __init__(self, loader: CatalogLoader | None = None, *, search_delay: float = 0.3, **kwargs) -> None:
        super().__init__(**kwargs)
        self._loader: CatalogLoader | None = None
        self._unlisten = None
        self._pending_loader = loader
        self.search_delay = search_delay
        self._search_timer: Timer | None = None
        self._filter = ""
        self.shown_filter = ""  # the filter whose matches the results tree shows
        self._matches_pending = False

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter (/)", id="catalog-filter")
        tree = CatalogTree("catalogs", id="catalog-nodes")
        tree.show_root = False
        yield tree
        results = CatalogTree("matches", id="catalog-results")
        results.show_root = False
        yield results

    def on_mount(self) -> None:
        if self._pending_loader is not None:
            self.set_loader(self._pending_loader)

    @property
    def tree(self) -> Tree[NodeData]:
        return self.query_one("#catalog-nodes", Tree)

    @property
    def results(self) -> Tree[NodeData]:
        return self.query_one("#catalog-results", Tree)

    @property
    def loader(self) -> CatalogLoader | None:
        return self._loader

    def set_loader(self, loader: CatalogLoader) -> None:
        """Show ``loader``'s catalogs (the connection changed); the root loads in the background."""
        if self._unlisten is not None:
            self._unlisten()
        self._loader = loader
        self._unlisten = loader.add_listener(lambda change: self.post_message(LevelChanged(change)))
        root = self.tree.root
        root.data = NodeData("meta", None, ())
        self._show_level(root, loader.request(()))
        root.expand()

    def on_unmount(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    # -- tree content -------------------------------------------------------------------------
    def _show_level(self, node: TreeNode[NodeData], level: Level) -> None:
        if level.state in ("loading", "unloaded", "loaded") and self._unchanged(node, level):
            if level.loaded:
                self._reload_open(node)
            return  # a refresh: the names shown stay until different ones arrive (no flicker, no repaint)
        node.remove_children()
        if level.state in ("loading", "unloaded"):
            node.add_leaf(Text(SPINNER), NodeData("loading", path=level.path))
            return
        if level.state == "error":
            node.add_leaf(Text(f"✗ {level.error} (enter: retry)"), NodeData("error", path=level.path))
            return
        if not level.children:
            node.add_leaf(Text("(empty)"), NodeData("status", path=level.path))
        self._fill(node, level, 0)

    @staticmethod
    def _unchanged(node: TreeNode[NodeData], level: Level) -> bool:
        """``node`` shows loaded names and ``level`` is still loading or holds the same first names
        (one page: O(PAGE), whatever the level's size)."""
        shown = [c.data.meta for c in node.children if c.data is not None and c.data.kind == "meta"]
        if not shown:
            return False
        if not level.loaded:
            return True
        more = [c.data.offset for c in node.children if c.data is not None and c.data.kind == "more"]
        rest = len(level.children) - len(shown)
        return list(level.children[:len(shown)]) == shown and (more == [len(shown)] if rest > 0 else not more)

    def _reload_open(self, node: TreeNode[NodeData]) -> None:
        """The level of ``node`` came back unchanged: its open children ask for their levels again
        (a refresh forgot them); each stays on screen until its own answer differs."""
        if self._loader is None:
            return
        for c in node.children:
            if c.is_expanded and c.data is not None and c.data.kind == "meta":
                self._show_level(c, self._loader.request(c.data.path))

    def _fill(self, node: TreeNode[NodeData], level: Level, start: int) -> None:
        """Add one page of ``level``'s children from ``start``, then a "… N more" node if any are left."""
        end = min(len(level.children), start + PAGE)
        for child in level.children[start:end]:
            self._add_meta(node, child)
        rest = len(level.children) - end
        if rest > 0:
            node.add_leaf(Text(f"… {rest:,} more (enter: next {min(rest, PAGE)}; or type in the filter)", style="dim"),
                          NodeData("more", path=level.path, offset=end))

    def _more(self, more: TreeNode[NodeData]) -> None:
        """The "… N more" node was selected: it gives way to the next page of its level."""
        parent, data = more.parent, more.data
        if parent is None or data is None or self._loader is None:
            return
        level = self._loader.level(data.path)
        more.remove()
        if level.loaded and data.offset < len(level.children):
            self._fill(parent, level, data.offset)

    def _add_meta(self, parent: TreeNode[NodeData], meta: MetaNode, label: str | None = None) -> TreeNode[NodeData]:
        text = label or meta.name
        icon = _ICON.get(meta.kind, "")
        data = NodeData("meta", meta, meta.path)
        if meta.kind == "column":
            return parent.add_leaf(Text.assemble(f"{icon} {text}  ", (meta.detail, "dim")), data)
        return parent.add(Text(f"{icon} {text}"), data, allow_expand=True)

    def _nodes_for(self, tree: Tree[NodeData], path: Path) -> list[TreeNode[NodeData]]:
        """Expanded nodes of ``tree`` that show ``path``'s level (only expanded nodes are walked)."""
        found = []
        stack = [tree.root]
        while stack:
            n = stack.pop()
            d = n.data
            if d is not None and d.kind == "meta" and d.path == path:
                found.append(n)
            if len(d.path if d is not None else ()) < len(path):
                stack.extend(c for c in n.children if c.is_expanded)
        return found

    def on_level_changed(self, message: LevelChanged) -> None:
        loader = self._loader
        if loader is None:
            return
        change = message.change
        if change.what != "level":
            if self._filter and change.what == "matches":
                self._show_matches()  # one message per answer of the match thread: shown at once
            elif self._filter:
                self._schedule_matches()
            return
        level = loader.level(change.path)
        for tree in (self.tree, self.results):
            for node in self._nodes_for(tree, change.path):
                if tree is self.results and node is tree.root:
                    continue
                self._show_level(node, level)
        if self._filter and len(change.path) < 3:
            loader.match(self._filter, MAX_MATCHES + 1)  # the loaded names changed

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        event.stop()
        data = event.node.data
        if self._loader is None or data is None or data.kind != "meta" or data.meta is None:
            return
        self._show_level(event.node, self._loader.request(data.path))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        data = event.node.data
        if data is not None and data.kind == "more":
            self._more(event.node)
        elif data is not None and data.kind == "error" and self._loader is not None:
            parent = event.node.parent
            if parent is not None:
                self._show_level(parent, self._loader.refresh(data.path))

    # -- filter -------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter = event.value.strip()
        self.set_class(bool(self._filter), "-filtered")
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if self._loader is None:
            return
        if not self._filter:
            self._loader.search("")
            return
        self._loader.match(self._filter, MAX_MATCHES + 1)  # shown when the match thread answers
        if self.search_delay > 0:
            self._search_timer = self.set_timer(self.search_delay, self._start_search)
        else:
            self.call_later(self._start_search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.results.focus() if self._filter else self.tree.focus()

    def _start_search(self) -> None:
        self._search_timer = None
        if self._loader is not None and self._filter:
            self._loader.search(self._filter)
            self._schedule_matches()

    def _schedule_matches(self) -> None:
        """Rebuild the filter view once however many search answers arrive meanwhile."""
        if not self._matches_pending:
            self._matches_pending = True
            self.call_later(self._show_matches)

    def _show_matches(self) -> None:
        """Loaded names containing the filter, then server search hits and per-catalog status
        (nothing changes until the match thread has answered for the current filter)."""
        self._matches_pending = False
        loader = self._loader
        if loader is None or not self._filter:
            return
        text, matches = loader.matches()
        if text != self._filter:
            return
        root = self.results.root
        root.remove_children()
        self.shown_filter = text
        seen: set[Path] = set()
        for meta in matches[:MAX_MATCHES]:
            seen.add(meta.path)
            self._add_meta(root, meta, ".".join(meta.path))
        search_text, results = loader.search_results()
        if search_text == self._filter:
            for res in results:
                catalog = res.path[0]
                for hit in res.children:
                    if hit.path not in seen and len(seen) < MAX_MATCHES:
                        seen.add(hit.path)
                        self._add_meta(root, hit, ".".join(hit.path))
                if res.state == "loading":
                    root.add_leaf(Text(f"{SPINNER} searching {catalog}"), NodeData("loading", path=(catalog,)))
                elif res.state == "error":
                    root.add_leaf(Text(f"✗ {catalog}: {res.error}"), NodeData("status", path=(catalog,)))
        if len(matches) > MAX_MATCHES or len(seen) >= MAX_MATCHES:
            root.add_leaf(Text(f"… more than {MAX_MATCHES}: type more to narrow", style="dim"), NodeData("status"))
        if not root.children:
            root.add_leaf(Text("(no match)"), NodeData("status"))

    def action_focus_filter(self) -> None:
        self.query_one("#catalog-filter", Input).focus()

    # -- actions ------------------------------------------------------------------------------
    def current(self) -> MetaNode | None:
        tree = self.results if self._filter else self.tree
        node = tree.cursor_node
        data = node.data if node is not None else None
        return data.meta if data is not None and data.kind == "meta" else None

    def action_node(self, action: str) -> None:
        meta = self.current()
        if meta is None:
            self.notify("Select a catalog object first", severity="warning")
            return
        sql = node_sql(action, meta)
        if action in ("preview", "describe", "show_create") and sql is None:
            self.notify(f"{action.replace('_', ' ')} does not apply to a {meta.kind}", severity="warning")
            return
        self.post_message(self.ActionRequested(action, meta, meta.qualified, sql))

    def action_refresh_node(self) -> None:
        """Reload the level under the cursor (or the catalogs at the top)."""
        if self._loader is None:
            return
        meta = self.current()
        path = meta.path if meta is not None and meta.expandable else (meta.path[:-1] if meta else ())
        node = self.tree.cursor_node
        target = node if node is not None and node.data is not None and node.data.path == path else None
        level = self._loader.refresh(path)
        self.notify(f"Reloading {'.'.join(path) or 'the catalogs'}", timeout=2)
        if not path:
            self._show_level(self.tree.root, level)
        elif target is not None:
            self._show_level(target, level)
