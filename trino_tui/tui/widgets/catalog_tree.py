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


from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from trino_tui.tui.widgets.catalog_tree_lines import CatalogTree, NodeData

from trino_tui.explore.catalog import CatalogLoader, Change
from trino_tui.explore.metadata import Level, MetaNode, Path
from trino_tui.explore.quoting import qualified

__all__ = ["CatalogBrowser", "CatalogTree", "NodeData", "node_sql"]

PAGE = 100            # children of a level added at once (the "… N more" node adds the next page)
MAX_MATCHES = 100     # filter results shown at once (type more to narrow)
SPINNER = "⠿ loading…"
_ICON = {"catalog": "▣", "schema": "▤", "table": "▦", "view": "▧", "column": "·"}


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
            # short enough for the 40-column sidebar at table depth (no horizontal scrollbar for it)
            node.add_leaf(Text(f"… {rest:,} more (enter: next {min(rest, PAGE)})", style="dim"),
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
