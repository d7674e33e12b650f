"""Query details (stats summary, web UI link, stage tree) and plans (tree beside the text): the
pure readers, and the screens through the app against the sandbox and a fake JSON-plan server;
grid tools against the sandbox (pushdown of a stopped result)."""

from __future__ import annotations

import asyncio
import json

from textual.widgets import TextArea, Tree

from trino_tui.explore.query_stats import query_details
from trino_tui.tui.screens.plan import PlanScreen
from trino_tui.tui.screens.prompt import ChoicePrompt
from trino_tui.tui.screens.query_details import QueryDetailsScreen

from tests.core.fakes import FakeBatch
from tests.tui.conftest import FakeClient, FakeQuery, make_columns
from tests.tui.test_app_pilot import make_app as make_fake_app, wait_until
from tests.tui.test_app_sandbox import make_app, run_to_grid

STATS = {
    "state": "RUNNING", "cpuTimeMillis": 1500, "wallTimeMillis": 4000, "queuedTimeMillis": 12,
    "elapsedTimeMillis": 2500, "peakMemoryBytes": 3 << 20, "queuedSplits": 2, "runningSplits": 3,
    "completedSplits": 5, "totalSplits": 10, "processedRows": 123456, "processedBytes": 5 << 20,
    "physicalInputBytes": 4 << 20, "spilledBytes": 0, "nodes": 3, "progressPercentage": 50.0,
    "rootStage": {"stageId": "0", "state": "RUNNING", "done": False, "totalSplits": 1, "completedSplits": 0,
                  "processedRows": 10, "subStages": [
                      {"stageId": "1", "state": "FINISHED", "done": True, "totalSplits": 9, "completedSplits": 9,
                       "processedRows": 123446, "processedBytes": 1024, "cpuTimeMillis": 1400, "subStages": []},
                      "not a stage"]},
}


def test_query_details_reads_stats_and_stage_tree():
    d = query_details("q_1", "http://h/ui/query.html?q_1", STATS)
    lines = dict(d.summary_lines())
    assert lines["State"] == "RUNNING (50%)" and lines["Web UI"] == "http://h/ui/query.html?q_1"
    assert lines["CPU"] == "1.5s" and lines["Wall"] == "4.0s" and lines["Queued"] == "12ms"
    assert lines["Peak memory"] == "3.00 MB" and lines["Spilled"] == "0 B"
    assert lines["Splits"] == "5 of 10 done · 3 running · 2 queued"
    assert lines["Processed"] == "123K rows · 5.00 MB (physical input 4.00 MB)"
    assert d.root is not None and [c.stage_id for c in d.root.children] == ["1"]
    assert d.root.children[0].label().startswith("stage 1 · FINISHED · 9/9 splits · 123K rows")
    empty = query_details("", "", None, "QUEUED")
    assert empty.state == "QUEUED" and empty.root is None and dict(empty.summary_lines())["CPU"] == "–"


def _tree_labels(tree: Tree) -> list[str]:
    out = []

    def walk(node):
        for c in node.children:
            out.append(str(c.label))
            walk(c)
    walk(tree.root)
    return out


def test_details_and_plans_against_the_sandbox(client_settings):
    async def scenario():
        app = make_app(client_settings, "select name, regionkey from nation")
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("ctrl+g")
            assert not isinstance(app.screen, QueryDetailsScreen)  # no query yet: a warning
            await pilot.press("ctrl+j")
            await wait_until(pilot, lambda: app.query_status == "finished", what="finished")
            await pilot.press("ctrl+g")
            screen = app.screen
            assert isinstance(screen, QueryDetailsScreen)
            await wait_until(pilot, lambda: screen.details is not None)
            assert "/ui/query.html?" in screen.details.info_uri and screen.details.state == "FINISHED"
            assert screen.details.root is not None
            assert any(label.startswith("stage 0") for label in _tree_labels(screen.query_one(Tree)))
            await pilot.press("c")
            assert app.clipboard_backend.items[-1] == screen.details.info_uri
            await pilot.press("escape")
            await pilot.press("ctrl+l")
            plan = app.screen
            assert isinstance(plan, PlanScreen)
            await wait_until(pilot, lambda: plan.result is not None, what="plan")
            assert plan.result.error is None and plan.result.sql == "EXPLAIN select name, regionkey from nation"
            assert plan.source == "text"  # the sandbox answers FORMAT JSON with its text plan
            assert plan.query_one(TextArea).text == plan.result.text and _tree_labels(plan.query_one(Tree))
            await pilot.press("a")
            await wait_until(pilot, lambda: plan.result is not None and plan.result.kind == "analyze")
            assert plan.result.sql.startswith("EXPLAIN ANALYZE ") and plan.result.json_text is None
            await pilot.press("escape")
            assert not isinstance(app.screen, PlanScreen)

    asyncio.run(scenario())


def test_plan_tree_from_json_when_the_server_gives_it():
    plan_json = {"id": "1", "name": "Output", "descriptor": {"columnNames": "[n]"}, "outputs": [],
                 "details": [], "estimates": [], "children": [
                     {"id": "0", "name": "TableScan", "descriptor": {"table": "t"}, "outputs": [],
                      "details": ["n := n"], "estimates": [], "children": []}]}
    cols = make_columns(("Query Plan", "varchar"))

    def factory(sql):
        if "FORMAT JSON" in sql:
            return FakeQuery(cols, [FakeBatch(0, [[json.dumps(plan_json)]])])
        return FakeQuery(cols, [FakeBatch(0, [["Output[columnNames = [n]]\n└─ TableScan[table = t]"]])])

    client = FakeClient(factory)

    async def scenario():
        app = make_fake_app(client, sql="select n from t")
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("ctrl+l")
            plan = app.screen
            await wait_until(pilot, lambda: getattr(plan, "result", None) is not None)
            assert plan.source == "json"
            labels = _tree_labels(plan.query_one(Tree))
            assert labels[:2] == ["Output[columnNames = [n]]", "TableScan[table = t]"]
            assert "n := n" in labels  # details folded beneath their operator
            await pilot.press("d")
            await wait_until(pilot, lambda: plan.result is not None and plan.result.kind == "distributed")
            assert client.executed[-2:] == ["EXPLAIN (TYPE DISTRIBUTED) select n from t",
                                            "EXPLAIN (TYPE DISTRIBUTED, FORMAT JSON) select n from t"]

    asyncio.run(scenario())


def test_pushdown_against_the_sandbox(client_settings):
    async def scenario():
        app = make_app(client_settings, "select name, regionkey from nation")
        async with app.run_test(size=(140, 40)) as pilot:
            grid = await run_to_grid(pilot)
            app._status = "stopped"  # as if stopped early: the result is partial
            grid.cursor = (0, 1)
            await pilot.press("f", *">= 3", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ChoicePrompt))
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.query_status == "finished" and len(app.store or []) == 10,
                             what="pushed-down result")
            assert all(r[1] >= 3 for r in app.store.rows(0, 10))
            assert "regionkey >= 3 — on Trino (re-run)" in str(grid.border_title)

    asyncio.run(scenario())
