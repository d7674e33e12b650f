"""Word lists for completion: Trino SQL keywords and the functions offered before (or without)
``SHOW FUNCTIONS``. Constants only."""

from __future__ import annotations

__all__ = ["FALLBACK_FUNCTIONS", "KEYWORDS", "RELATION_KEYWORDS", "CLAUSE_KEYWORDS"]

KEYWORDS = tuple("""
ALL ALTER ANALYZE AND ANY ARRAY AS ASC BETWEEN BY CALL CASCADE CASE CAST CATALOGS COLUMNS COMMENT COMMIT
CREATE CROSS CUBE CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATE DEALLOCATE DECIMAL DELETE DESC DESCRIBE
DISTINCT DISTRIBUTED DROP ELSE END ESCAPE EXCEPT EXECUTE EXISTS EXPLAIN EXTRACT FALSE FETCH FILTER FIRST
FOLLOWING FOR FORMAT FROM FULL FUNCTIONS GRANT GROUP GROUPING HAVING IF IN INNER INSERT INTERSECT INTERVAL
INTO IS JOIN JSON LAST LATERAL LEFT LIKE LIMIT MAP MATERIALIZED MERGE NATURAL NOT NULL NULLS OFFSET ON ONLY
OR ORDER ORDINALITY OUTER OVER PARTITION PRECEDING PREPARE RANGE RECURSIVE RESET RIGHT ROLLBACK ROLLUP ROW
ROWS SCHEMA SCHEMAS SELECT SESSION SET SETS SHOW SOME START TABLE TABLES TABLESAMPLE THEN TIES TIME
TIMESTAMP TO TRUE TRUNCATE TRY_CAST UNBOUNDED UNION UNNEST UPDATE USE USING VALUES VIEW WHEN WHERE WINDOW
WITH ZONE
""".split())

# after these the next name is a relation (catalog / schema / table)
RELATION_KEYWORDS = frozenset({"from", "join", "into", "table", "update", "describe", "desc"})

# clause starters: the last one before the cursor tells which clause the cursor is in
CLAUSE_KEYWORDS = frozenset({"select", "from", "where", "group", "order", "having", "limit", "on", "set",
                             "values", "with", "join", "using", "union", "except", "intersect", "offset",
                             "fetch", "window", "into", "table", "update", "describe", "desc"})

FALLBACK_FUNCTIONS: tuple[tuple[str, str], ...] = tuple((n, t) for n, t in (
    ("abs", "number"), ("approx_distinct", "bigint"), ("approx_percentile", "number"), ("arbitrary", "T"),
    ("array_agg", "array"), ("array_join", "varchar"), ("avg", "double"), ("bool_and", "boolean"),
    ("bool_or", "boolean"), ("cardinality", "bigint"), ("ceil", "number"), ("coalesce", "T"),
    ("concat", "varchar"), ("contains", "boolean"), ("count", "bigint"), ("count_if", "bigint"),
    ("current_timezone", "varchar"), ("date_add", "date"), ("date_diff", "bigint"), ("date_format", "varchar"),
    ("date_parse", "timestamp"), ("date_trunc", "date"), ("day", "bigint"), ("element_at", "T"),
    ("filter", "array"), ("floor", "number"), ("format", "varchar"), ("from_iso8601_timestamp", "timestamp"),
    ("from_unixtime", "timestamp"), ("greatest", "T"), ("hour", "bigint"), ("if", "T"),
    ("json_extract", "json"), ("json_extract_scalar", "varchar"), ("json_format", "varchar"),
    ("json_parse", "json"), ("least", "T"), ("length", "bigint"), ("lower", "varchar"), ("lpad", "varchar"),
    ("ltrim", "varchar"), ("map_agg", "map"), ("max", "T"), ("max_by", "T"), ("min", "T"), ("min_by", "T"),
    ("month", "bigint"), ("now", "timestamp"), ("nullif", "T"), ("rank", "bigint"), ("regexp_extract", "varchar"),
    ("regexp_like", "boolean"), ("regexp_replace", "varchar"), ("replace", "varchar"), ("round", "number"),
    ("row_number", "bigint"), ("rpad", "varchar"), ("rtrim", "varchar"), ("sequence", "array"),
    ("split", "array"), ("split_part", "varchar"), ("sqrt", "double"), ("stddev", "double"),
    ("strpos", "bigint"), ("substr", "varchar"), ("sum", "number"), ("to_unixtime", "double"),
    ("transform", "array"), ("trim", "varchar"), ("try", "T"), ("typeof", "varchar"), ("upper", "varchar"),
    ("variance", "double"), ("week", "bigint"), ("year", "bigint"),
))
