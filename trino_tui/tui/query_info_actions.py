"""QueryInfoActions: the query details screen and the plan screen (a mixin of ``TrinoTuiApp``).

Owns what ctrl+g (details of the current query: web UI link, stats, stage tree — refreshed while
it runs) and ctrl+l (plan of the statement under the cursor) open. UI thread only: the details
screen reads the stats the client already holds; plans are fetched by a ``PlanJob`` thread on its
own client. Relies on the app's ``settings``, ``_runner``, ``_client_factory``, ``_copy``,
``_modal_open()`` and ``_editor_statement()`` (ResultActions).
"""

from __future__ import annotations

from typing import Any


class QueryInfoActions:
    """Details and plan actions; see the module docstring."""

    def _details_source(self) -> "tuple[str, str, Any, str | None] | None":
        runner = self._runner
        query = runner.query if runner is not None else None
        if query is None:
            return None
        return query.query_id, query.info_uri, query.stats, getattr(query, "state", None)

    def action_query_details(self) -> None:
        """Show the current query's web UI link, stats and stage tree."""
        from trino_tui.tui.screens.query_details import QueryDetailsScreen

        if self._modal_open():
            return
        if self._details_source() is None:
            self.notify("No query yet: run one first", severity="warning")
            return
        self.push_screen(QueryDetailsScreen(self._details_source, self._copy))

    def action_show_plan(self) -> None:
        """Show the plan of the statement under the cursor (EXPLAIN, distributed, analyze)."""
        from trino_tui.tui.plan_job import PlanJob
        from trino_tui.tui.screens.plan import PlanScreen

        target = self._editor_statement("explain")
        if target is None:
            return
        sql, config, server = target.statement.text, self.settings.client, self.settings.server

        def job(kind: str, deliver) -> PlanJob:
            return PlanJob(lambda: self._client_factory(config), sql, kind, deliver, server=server)

        self.push_screen(PlanScreen(job))
