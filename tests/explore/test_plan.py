"""explore.plan: EXPLAIN variants, and plan trees from Trino JSON (logical and distributed), Trino
text (fragments, branches, detail lines), the sandbox's box-drawn text, and anything else."""

from __future__ import annotations

import json

from trino_tui.explore.plan import explain_sql, parse_plan

TEXT = """Trino version: 476
Fragment 0 [SINGLE]
    Output layout: [count]
    Output partitioning: SINGLE []
    Output[columnNames = [_col0]]
    │   Layout: [count:bigint]
    │   _col0 := count
    └─ Aggregate[type = FINAL]
       │   Layout: [count:bigint]
       │   count := count("count_0")
       └─ LocalExchange[partitioning = SINGLE]
          │   Layout: [count_0:bigint]
          ├─ RemoteSource[sourceFragmentIds = [1]]
          │      Layout: [count_0:bigint]
          └─ RemoteSource[sourceFragmentIds = [2]]
                 Layout: [count_0:bigint]

Fragment 1 [SOURCE]
    Output layout: [count_0]
    Aggregate[type = PARTIAL]
    │   count_0 := count(*)
    └─ TableScan[table = tpch:tiny:nation]
           Layout: []
"""

LOGICAL = """Output[columnNames = [name]]
│   Layout: [name:varchar(25)]
└─ TableScan[table = tpch:tiny:nation]
       Layout: [name:varchar(25)]
       name := tpch:name
"""

BOXES = """┌───────────────────────────┐
│         PROJECTION        │
│    ────────────────────   │
│           name            │
└─────────────┬─────────────┘
╭─ Read Parquet ┴───────────╮
│ Function: READ_PARQUET    │
│ ~25 rows                  │
╰───────────────────────────╯
"""


def test_explain_variants():
    assert explain_sql("select 1;", "logical", json_format=False) == "EXPLAIN select 1"
    assert explain_sql("select 1", "logical", json_format=True) == "EXPLAIN (FORMAT JSON) select 1"
    assert explain_sql("select 1", "distributed", json_format=True) == "EXPLAIN (TYPE DISTRIBUTED, FORMAT JSON) select 1"
    assert explain_sql("select 1", "analyze", json_format=True) == "EXPLAIN ANALYZE select 1"


def test_trino_text_fragments_and_branches():
    roots = parse_plan(TEXT)
    assert [r.name for r in roots] == ["Fragment 0 [SINGLE]", "Fragment 1 [SOURCE]"]
    f0 = roots[0]
    assert f0.details == ["Output layout: [count]", "Output partitioning: SINGLE []"]
    output = f0.children[0]
    assert output.name == "Output[columnNames = [_col0]]" and output.details == ["Layout: [count:bigint]", "_col0 := count"]
    agg = output.children[0]
    exchange = agg.children[0]
    assert agg.name == "Aggregate[type = FINAL]" and exchange.name.startswith("LocalExchange")
    assert [c.name for c in exchange.children] == ["RemoteSource[sourceFragmentIds = [1]]",
                                                   "RemoteSource[sourceFragmentIds = [2]]"]
    assert exchange.children[0].details == ["Layout: [count_0:bigint]"]
    scan = roots[1].children[0].children[0]
    assert scan.name == "TableScan[table = tpch:tiny:nation]" and scan.details == ["Layout: []"]
    assert sum(r.count() for r in roots) == 9


def test_trino_text_logical():
    (root,) = parse_plan(LOGICAL)
    assert root.name.startswith("Output[") and root.children[0].name.startswith("TableScan[")
    assert root.children[0].details == ["Layout: [name:varchar(25)]", "name := tpch:name"]


def test_trino_json_logical_and_distributed():
    node = {"id": "6", "name": "Output", "descriptor": {"columnNames": "[name]"},
            "outputs": [{"symbol": "name", "type": "varchar(25)"}], "details": ["name := name"],
            "estimates": [{"outputRowCount": 25.0, "outputSizeInBytes": 425.0, "cpuCost": float("nan")}],
            "children": [{"id": "0", "name": "TableScan", "descriptor": {"table": "tpch:tiny:nation"},
                          "outputs": [], "details": [], "estimates": [], "children": []}]}
    (root,) = parse_plan(json.dumps(node).replace("NaN", "NaN"))
    assert root.name == "Output[columnNames = [name]]"
    assert root.details == ["Layout: [name:varchar(25)]",
                            "Estimates: {outputRowCount: 25, outputSizeInBytes: 425, cpuCost: ?}", "name := name"]
    assert root.children[0].name == "TableScan[table = tpch:tiny:nation]"
    frags = parse_plan(json.dumps({"0": node, "1": node["children"][0]}))
    assert [f.name for f in frags] == ["Fragment 0", "Fragment 1"] and frags[0].children[0].count() == 2


def test_box_plan_and_fallback():
    (root,) = parse_plan(BOXES)
    assert root.name == "PROJECTION" and root.details == ["name"]  # an untitled box is named by its first line
    assert parse_plan(BOXES)[0].children[0].name == "Read Parquet"
    assert parse_plan(BOXES)[0].children[0].details == ["Function: READ_PARQUET", "~25 rows"]
    (only,) = parse_plan("something odd\nsecond line")
    assert only.name == "something odd" and only.details == ["second line"]
    assert parse_plan("")[0].name == "(empty plan)"
    assert parse_plan("{not json")[0].name == "{not json"


SANDBOX_CHAIN = """\
╭─ Hash Group By ──────────────────────────╮
│ Groups: #0                               │
│ ~7,607 rows                              │
╰─────────────────────┬────────────────────╯
╭─ Projection ────────┴────────────────────╮
│ Projections: returnflag                  │
╰─────────────────────┬────────────────────╯
╭─ Read Parquet ──────┴────────────────────╮
│ Function: READ_PARQUET                   │
╰──────────────────────────────────────────╯
"""


def test_box_plan_children_whose_top_edge_carries_the_connector():
    (root,) = parse_plan(SANDBOX_CHAIN)  # the sandbox's EXPLAIN answer: a chain of three boxes
    assert root.name == "Hash Group By" and root.count() == 3
    assert root.children[0].name == "Projection" and root.children[0].children[0].name == "Read Parquet"
