"""The fidelity corpus: statements run against real Trino 476 (recorded as fixtures) and replayed
against the sandbox. An entry is a list of steps run in one session (the driver follows the
session headers each answer carries); ``encoding`` None = direct protocol. ``rows=False`` marks
answers whose values are volatile (node lists, timings): only their shape is compared.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    id: str
    steps: tuple[str, ...]
    encoding: str | None = None
    rows: bool = True
    catalog: str | None = "tpch"
    schema: str | None = "tiny"
    capabilities: bool = True  # send X-Trino-Client-Capabilities as trino-tui does


def _e(id: str, *steps: str, **kw: object) -> Entry:
    return Entry(id, steps, **kw)  # type: ignore[arg-type]


TYPES = [
    _e("t_boolean", "SELECT true, false, CAST(NULL AS boolean)"),
    _e("t_integers", "SELECT TINYINT '-128', SMALLINT '32767', INTEGER '-2147483648', BIGINT '9223372036854775807'"),
    _e("t_floats", "SELECT REAL '1.5', DOUBLE '1e308', DOUBLE '-0.0', REAL '3.4028235e38', DOUBLE '4.9e-324'"),
    _e("t_nan_inf", "SELECT nan(), infinity(), -infinity(), CAST(nan() AS real), CAST(infinity() AS real)"),
    _e("t_decimal", "SELECT DECIMAL '1.5', DECIMAL '-0.01', CAST(1 AS decimal(38,10)), "
       "DECIMAL '12345678901234567890123456789012345678', DECIMAL '0.00000000000000000000000000000000000001'"),
    _e("t_varchar", "SELECT 'abc', '', 'é😀\"\\', CAST('x' AS varchar(10)), CAST('a' AS char(5))"),
    _e("t_varbinary", "SELECT X'00ff10', to_utf8('abc'), X''"),
    _e("t_json", "SELECT JSON '{\"a\":1}', json_parse('[1,\"x\",null,1.5]'), JSON 'null', JSON '\"s\"'"),
    _e("t_date", "SELECT DATE '2024-02-29', DATE '0001-01-01', DATE '9999-12-31', DATE '1969-12-31'"),
    _e("t_time", "SELECT TIME '12:34:56', TIME '12:34:56.123', TIME '12:34:56.123456789', "
       "CAST(TIME '01:02:03.999' AS time(0)), TIME '23:59:59.999999999999'"),
    _e("t_time_tz", "SELECT TIME '12:34:56 +05:30', TIME '12:34:56.123456 -08:00', TIME '00:00:00.000 +00:00'"),
    _e("t_timestamp", "SELECT TIMESTAMP '2024-01-02 03:04:05', TIMESTAMP '2024-01-02 03:04:05.123', "
       "TIMESTAMP '2024-01-02 03:04:05.123456789', TIMESTAMP '2024-01-02 03:04:05.123456789012', "
       "TIMESTAMP '1900-01-01 00:00:00'"),
    _e("t_timestamp_tz", "SELECT TIMESTAMP '2024-01-02 03:04:05 UTC', TIMESTAMP '2024-07-02 03:04:05.123 America/New_York', "
       "TIMESTAMP '2024-01-02 03:04:05.123456 +01:00', TIMESTAMP '2024-01-02 03:04:05.123456789012 Asia/Kolkata'"),
    _e("t_interval", "SELECT INTERVAL '3' YEAR, INTERVAL '2-3' YEAR TO MONTH, INTERVAL '-5' MONTH, "
       "INTERVAL '1 02:03:04.567' DAY TO SECOND, INTERVAL '-2' HOUR, INTERVAL '0.001' SECOND"),
    _e("t_uuid", "SELECT UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59', CAST(NULL AS uuid)"),
    _e("t_ipaddress", "SELECT IPADDRESS '10.0.0.1', IPADDRESS '2001:db8::1', IPADDRESS '::ffff:1.2.3.4'"),
    _e("t_array", "SELECT ARRAY[1, 2, NULL], ARRAY['a', 'b'], ARRAY[ARRAY[1], ARRAY[]], ARRAY[DATE '2024-01-01']"),
    _e("t_map", "SELECT MAP(ARRAY['a', 'b'], ARRAY[1, NULL]), MAP(ARRAY[1], ARRAY[ARRAY['x']]), MAP()"),
    _e("t_row", "SELECT ROW(1, 'a'), CAST(ROW(1, 'x') AS ROW(id bigint, name varchar)), "
       "ARRAY[CAST(ROW(1.5, DATE '2024-01-01') AS ROW(d double, dt date))]"),
    _e("t_nulls", "SELECT CAST(NULL AS bigint), CAST(NULL AS varchar), CAST(NULL AS decimal(20,2)), "
       "CAST(NULL AS timestamp(3)), CAST(NULL AS array(integer)), CAST(NULL AS map(varchar, bigint)), CAST(NULL AS json)"),
    _e("t_untyped_null", "SELECT NULL, NULL AS n"),
    _e("t_timestamp_no_capabilities", "SELECT TIMESTAMP '2024-01-02 03:04:05.123456789', TIME '01:02:03.123456'",
       capabilities=False),
    _e("t_column_names", "SELECT 1, 'x', 2 AS a, 3 AS a, 4 AS \"Weird Name\", 5 AS \"ÄÖ\""),
    _e("t_values", "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, NULL)) AS t(id, name) ORDER BY id"),
]

TPCH = [
    _e("q_nation", "SELECT * FROM nation ORDER BY nationkey"),
    _e("q_region_full_name", "SELECT * FROM tpch.tiny.region ORDER BY regionkey"),
    _e("q_orders_limit", "SELECT * FROM orders ORDER BY orderkey LIMIT 5"),
    _e("q_lineitem_limit", "SELECT * FROM lineitem ORDER BY orderkey, linenumber LIMIT 5"),
    _e("q_customer_limit0", "SELECT * FROM customer LIMIT 0"),
    _e("q_empty", "SELECT 1 WHERE false"),
    _e("q_agg", "SELECT returnflag, linestatus, count(*), sum(quantity), avg(extendedprice), min(shipdate) "
       "FROM lineitem GROUP BY returnflag, linestatus ORDER BY 1, 2"),
    _e("q_orders_all", "SELECT orderkey, custkey, orderstatus, totalprice, orderdate FROM orders ORDER BY orderkey"),
    _e("q_join", "SELECT n.name, r.name FROM nation n JOIN region r ON n.regionkey = r.regionkey ORDER BY n.name LIMIT 7"),
]

META = [
    _e("m_show_catalogs", "SHOW CATALOGS"),
    _e("m_show_schemas", "SHOW SCHEMAS FROM tpch"),
    _e("m_show_tables", "SHOW TABLES FROM tpch.tiny"),
    _e("m_show_tables_like", "SHOW TABLES LIKE 'n%'"),
    _e("m_show_columns", "SHOW COLUMNS FROM tpch.tiny.nation"),
    _e("m_describe", "DESCRIBE orders"),
    _e("m_show_create_table", "SHOW CREATE TABLE tpch.tiny.nation"),
    _e("m_show_session_like", "SHOW SESSION LIKE 'query_max_run_time'"),
    _e("m_show_functions_like", "SHOW FUNCTIONS LIKE 'abs'"),
    _e("m_show_stats", "SHOW STATS FOR nation", rows=False),
    _e("m_explain", "EXPLAIN SELECT * FROM nation", rows=False),
    _e("m_explain_distributed", "EXPLAIN (TYPE DISTRIBUTED) SELECT count(*) FROM nation", rows=False),
    _e("m_explain_analyze", "EXPLAIN ANALYZE SELECT count(*) FROM nation", rows=False),
    _e("m_info_schema_columns", "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
       "WHERE table_schema = 'tiny' AND table_name = 'nation' ORDER BY ordinal_position"),
    _e("m_info_schema_tables", "SELECT table_name FROM tpch.information_schema.tables WHERE table_schema = 'tiny' ORDER BY 1"),
    _e("m_system_nodes", "SELECT * FROM system.runtime.nodes", rows=False),
    _e("m_system_queries", "SELECT query_id, state FROM system.runtime.queries LIMIT 1", rows=False),
]

SESSION = [
    _e("s_use", "USE memory.default", "SHOW TABLES", "USE tpch.tiny", "USE sf1", "USE tiny",
       "SELECT count(*) FROM customer"),
    _e("s_set_reset_session", "SET SESSION query_max_run_time = '10m'", "SHOW SESSION LIKE 'query_max_run_time'",
       "RESET SESSION query_max_run_time", "SHOW SESSION LIKE 'query_max_run_time'"),
    _e("s_time_zone", "SET TIME ZONE 'America/Los_Angeles'", "SELECT current_timezone()",
       "SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE", "SELECT current_timezone()", "SET TIME ZONE LOCAL"),
    _e("s_prepare", "PREPARE p1 FROM SELECT ? + 1", "EXECUTE p1 USING 41", "DESCRIBE INPUT p1", "DESCRIBE OUTPUT p1",
       "DEALLOCATE PREPARE p1"),
    _e("s_execute_missing", "EXECUTE nope USING 1"),
    _e("s_transaction_commit", "START TRANSACTION", "SELECT 1", "COMMIT"),
    _e("s_transaction_rollback", "START TRANSACTION READ ONLY", "ROLLBACK"),
    _e("s_commit_without_tx", "COMMIT"),
    _e("s_set_role", "SET ROLE ALL", "SET ROLE NONE"),
    _e("s_memory_ddl", "CREATE TABLE memory.default.fid_t AS SELECT * FROM tpch.tiny.nation",
       "INSERT INTO memory.default.fid_t SELECT * FROM tpch.tiny.nation WHERE nationkey < 3",
       "SELECT count(*) FROM memory.default.fid_t", "DROP TABLE memory.default.fid_t"),
    _e("s_no_catalog", "SELECT * FROM nation", catalog=None, schema=None),
]

ERRORS = [
    _e("e_syntax_eof", "SELECT * FROM"),
    _e("e_syntax_keyword", "SELEC 1"),
    _e("e_missing_table", "SELECT * FROM tpch.tiny.nope"),
    _e("e_missing_column", "SELECT nope FROM nation"),
    _e("e_missing_schema", "SELECT * FROM tpch.nope.nation"),
    _e("e_missing_catalog", "SELECT * FROM nope.tiny.nation"),
    _e("e_division_by_zero", "SELECT 1 / 0"),
    _e("e_division_runtime", "SELECT nationkey / (nationkey - nationkey) FROM nation"),
    _e("e_type_mismatch", "SELECT 1 + 'a'"),
    _e("e_function_not_found", "SELECT nope(1)"),
    _e("e_invalid_cast", "SELECT CAST('x' AS integer)"),
    _e("e_multiline_location", "SELECT\n  1,\n    nope\nFROM nation"),
    _e("e_unknown_session_property", "SET SESSION nope = 1"),
    _e("e_max_run_time", "SET SESSION query_max_run_time = '1s'",
       "SELECT count(*) FROM tpch.sf100000.lineitem WHERE comment LIKE '%x%'"),
]

SPOOLED = [
    _e("sp_nation_json", "SELECT * FROM nation ORDER BY nationkey", encoding="json"),
    _e("sp_orders_zstd", "SELECT * FROM orders", encoding="json+zstd", rows=False),
    _e("sp_lineitem_lz4", "SELECT * FROM lineitem", encoding="json+lz4", rows=False),
    _e("sp_types_json", "SELECT DECIMAL '1.5', TIMESTAMP '2024-01-02 03:04:05.123', ARRAY[1], X'00'", encoding="json"),
    _e("sp_show_tables_zstd", "SHOW TABLES", encoding="json+zstd"),
    _e("sp_error_zstd", "SELECT * FROM tpch.tiny.nope", encoding="json+zstd"),
    _e("sp_empty_zstd", "SELECT 1 WHERE false", encoding="json+zstd"),
    _e("sp_unknown_encoding", "SELECT 1", encoding="json+brotli"),
]

# Round 3 (issue 16): Trino's type rules the sandbox emulates beyond the literals above.
RULES = [
    _e("r_decimal_arith", "SELECT DECIMAL '1.5' / DECIMAL '0.3', DECIMAL '10' / 3, DECIMAL '1.00' / DECIMAL '3', "
       "7 / DECIMAL '2.5', DECIMAL '2' / DECIMAL '3', DECIMAL '-1' / DECIMAL '3', DECIMAL '1.5' * DECIMAL '2.25', "
       "DECIMAL '1.5' + DECIMAL '2.25', DECIMAL '5.5' % DECIMAL '2', DECIMAL '1.5' - 1"),
    _e("r_decimal_agg", "SELECT avg(x), sum(x), min(x), max(x), count(x) FROM "
       "(VALUES (DECIMAL '1.10'), (DECIMAL '2.25'), (DECIMAL '3.01'), (NULL)) AS t(x)"),
    _e("r_decimal_avg_group", "SELECT g, avg(x), avg(x) / 2 FROM (VALUES (1, DECIMAL '1.5'), (1, DECIMAL '2.0'), "
       "(2, DECIMAL '-0.25')) AS t(g, x) GROUP BY g ORDER BY g"),
    _e("r_decimal_scopes", "SELECT q, (SELECT avg(y) FROM (VALUES (1, DECIMAL '1.5'), (1, DECIMAL '2.0'), (2, DECIMAL '-0.25')) AS u(h, y) WHERE h = t.g) AS c, "
       "avg(x) OVER (PARTITION BY g) AS w, sum(x / 2) OVER (ORDER BY x) AS r "
       "FROM (SELECT g, x, x / 3 AS q FROM (VALUES (1, DECIMAL '1.5'), (1, DECIMAL '2.0'), (2, DECIMAL '-0.25')) AS v(g, x)) AS t ORDER BY x"),
    _e("r_decimal_union_cte", "WITH w AS (SELECT avg(x) AS a FROM (VALUES (1, DECIMAL '1.5'), (1, DECIMAL '2.0'), (2, DECIMAL '-0.25')) AS v(g, x)) "
       "SELECT a / 7 FROM w UNION ALL SELECT DECIMAL '1' / 7 ORDER BY 1"),
    _e("r_decimal_where", "SELECT count(*) FROM (VALUES (1, DECIMAL '1.5'), (1, DECIMAL '2.0'), (2, DECIMAL '-0.25')) AS v(g, x) WHERE x / 3 = DECIMAL '0.67'"),
    _e("r_tstz_interval", "SELECT TIMESTAMP '2020-01-01 00:00:00 America/New_York' + INTERVAL '1' HOUR, "
       "INTERVAL '1' DAY + TIMESTAMP '2020-03-07 12:00:00.5 America/New_York', "
       "TIMESTAMP '2020-01-01 00:00:00 America/New_York' + INTERVAL '1-2' YEAR TO MONTH, "
       "TIMESTAMP '2020-01-31 10:00:00.123456 Asia/Tokyo' + INTERVAL '1' MONTH - INTERVAL '2' HOUR"),
    _e("r_values_bare", "VALUES 1, 2, 3"),
    _e("r_values_bare_subquery", "SELECT x * 2 FROM (VALUES 1, 2) AS t(x) ORDER BY 1"),
    _e("r_values_bare_strings", "VALUES 'a', 'bc'"),
    _e("r_nested_bounded", "SELECT CAST(ARRAY['abc'] AS ARRAY(varchar(3))), CAST(ROW('ab') AS ROW(x char(2))), "
       "ARRAY['a', 'bcd'], MAP(ARRAY['k'], ARRAY['vv']), ROW('a', 1), CAST(MAP(ARRAY['k'], ARRAY[1]) AS MAP(varchar(5), bigint))"),
    _e("r_timestamp_tz_zones", "SELECT TIMESTAMP '2020-01-01 00:00:00 America/New_York', "
       "TIMESTAMP '2020-06-01 12:00:00.5 +05:30', TIMESTAMP '2020-07-01 00:00:00 Europe/Berlin', "
       "TIMESTAMP '2020-01-01 10:00:00 UTC'"),
    _e("r_time_tz_offsets", "SELECT TIME '01:02:03.456 +08:00', TIME '23:59:59.999999 -05:00', TIME '10:00 +14:00'"),
    _e("r_time_precision", "SELECT CAST(TIME '12:34:56.123456789' AS time(7)), "
       "CAST(TIMESTAMP '2024-01-02 03:04:05.123456789' AS timestamp(7)), "
       "CAST(TIMESTAMP '2024-12-31 23:59:59.9999999' AS timestamp(6)), TIME '23:59:59.9999999999', "
       "TIMESTAMP '2024-01-02 03:04:05.1234567', CAST(TIME '01:02:03.9999995' AS time(6))"),
    _e("r_describe_input", "PREPARE p2 FROM SELECT name FROM nation WHERE nationkey = ? AND name <> ?",
       "DESCRIBE INPUT p2", "DESCRIBE OUTPUT p2", "PREPARE p3 FROM SELECT ? * 2, lower(?)", "DESCRIBE INPUT p3",
       "DESCRIBE OUTPUT p3"),
    _e("r_describe_input_more", "PREPARE p4 FROM SELECT ? = 'x', ? > DATE '2020-01-01', regionkey FROM nation LIMIT ?",
       "DESCRIBE INPUT p4"),
    _e("r_describe_input_functions", "PREPARE p6 FROM SELECT upper(?), length(?) > 3, regexp_like(?, 'a'), "
       "strpos(?, 'a'), abs(?), round(?), sqrt(?), year(?) FROM nation WHERE lower(name) = lower(?)", "DESCRIBE INPUT p6"),
    _e("r_at_time_zone", "SELECT TIMESTAMP '2020-01-01 00:00:00 UTC' AT TIME ZONE 'America/New_York', "
       "CAST(TIMESTAMP '2020-01-01 00:00:00 America/New_York' AS timestamp), "
       "to_unixtime(TIMESTAMP '2020-01-01 00:00:00 America/New_York'), "
       "TIMESTAMP '2020-01-01 00:00:00 America/New_York' + INTERVAL '1' DAY"),
]

# Round 4 (issue 16): table columns of zoned and fine-precision datetime types, in a session zone
# that differs from every stored value's, so a value shown in the session zone would differ.
_TZ_TABLE = ("CREATE TABLE memory.default.fid_tz (id integer, a timestamp(3) with time zone, b timestamp(0) with time zone, "
             "c time(3) with time zone, d timestamp(1), e timestamp(6) with time zone)")
_TZ_ROWS = ("INSERT INTO fid_tz VALUES (1, TIMESTAMP '2020-01-01 00:00:00 America/New_York', "
            "TIMESTAMP '2020-06-01 12:00:00.5 +05:30', TIME '01:02:03.456 +08:00', TIMESTAMP '2020-01-01 00:00:00.56', "
            "TIMESTAMP '2019-12-31 23:59:59.999999 Europe/Berlin'), (2, TIMESTAMP '2020-01-01 05:00:00 UTC', NULL, NULL, "
            "NULL, TIMESTAMP '2020-01-01 05:00:00.123456 UTC'), (3, TIMESTAMP '2020-06-01 12:00:00.5 +05:30', "
            "TIMESTAMP '2020-01-01 00:00:00 Asia/Kolkata', TIME '23:59:59.9996 -05:00', TIMESTAMP '2020-01-01 23:59:59.96', NULL)")
ZONED = [
    _e("z_table_columns", "SET TIME ZONE 'Asia/Tokyo'", _TZ_TABLE, _TZ_ROWS, "SELECT * FROM fid_tz ORDER BY id",
       "DESCRIBE fid_tz", "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'default' "
       "AND table_name = 'fid_tz' ORDER BY ordinal_position", "DROP TABLE fid_tz", catalog="memory", schema="default"),
    _e("z_table_uses", "SET TIME ZONE 'Asia/Tokyo'", _TZ_TABLE, _TZ_ROWS,
       "SELECT id, a AT TIME ZONE 'UTC', e AT TIME ZONE 'America/New_York', d AT TIME ZONE 'America/New_York' "
       "FROM fid_tz ORDER BY a DESC, id",
       "SELECT id, a, e FROM fid_tz WHERE a = TIMESTAMP '2020-01-01 05:00:00 UTC' OR e < a ORDER BY id",
       "SELECT min(a), max(e), count(DISTINCT a), count(b) FROM fid_tz",
       "SELECT id, to_unixtime(a), e - a, a BETWEEN TIMESTAMP '2020-01-01 00:00:00 UTC' AND TIMESTAMP '2020-01-02 00:00:00 UTC' "
       "FROM fid_tz WHERE e IS NOT NULL ORDER BY id",
       "SELECT id, hour(a), day(e), CAST(a AS date), CAST(e AS timestamp(3)), CAST(b AS timestamp(0)), CAST(a AS varchar) "
       "FROM fid_tz ORDER BY id",
       "DROP TABLE fid_tz", catalog="memory", schema="default"),
    _e("z_table_ctas", "SET TIME ZONE 'Asia/Tokyo'", _TZ_TABLE, _TZ_ROWS,
       "CREATE TABLE fid_tz2 AS SELECT id, a, TIMESTAMP '2020-01-01 00:00:00.12 Asia/Kolkata' AS k, "
       "TIME '01:02:03 +05:00' AS t FROM fid_tz",
       "INSERT INTO fid_tz2 (id, k) VALUES (4, TIMESTAMP '2021-03-04 05:06:07.891 -08:00')",
       "SELECT * FROM fid_tz2 ORDER BY id", "SHOW COLUMNS FROM fid_tz2", "DROP TABLE fid_tz2", "DROP TABLE fid_tz",
       catalog="memory", schema="default"),
    _e("z_table_interval", "SET TIME ZONE 'Asia/Tokyo'", _TZ_TABLE, _TZ_ROWS,
       "INSERT INTO fid_tz (id, a, e) VALUES (4, TIMESTAMP '2020-03-07 12:00:00 America/New_York', "
       "TIMESTAMP '2020-01-30 22:00:00 -05:00')",
       "SELECT id, a + INTERVAL '1' HOUR, INTERVAL '1' DAY + b, a + INTERVAL '1' MONTH, e - INTERVAL '1-1' YEAR TO MONTH, "
       "e + INTERVAL '1' MONTH FROM fid_tz ORDER BY id",
       "SELECT id FROM fid_tz WHERE a + INTERVAL '1' DAY > TIMESTAMP '2020-01-02 04:00:00 UTC' ORDER BY id",
       "DROP TABLE fid_tz", catalog="memory", schema="default"),
    _e("z_table_bounded", "CREATE TABLE memory.default.fid_vc (x varchar(3), c char(3))",
       "INSERT INTO fid_vc VALUES ('ab', 'a'), ('abc  ', 'b ')", "SELECT * FROM fid_vc ORDER BY x",
       "CREATE TABLE fid_vc2 AS SELECT x, c, 'four' AS f FROM fid_vc", "DESCRIBE fid_vc2",
       "DROP TABLE fid_vc2", "DROP TABLE fid_vc", catalog="memory", schema="default"),
    _e("z_literal_interval_dst", "SELECT TIMESTAMP '2020-03-07 12:00:00 America/New_York' + INTERVAL '1' MONTH, "
       "TIMESTAMP '2020-01-30 22:00:00 -05:00' + INTERVAL '1' MONTH, TIMESTAMP '2020-03-07 12:00:00 America/New_York' "
       "+ INTERVAL '24' HOUR, TIMESTAMP '2020-01-30 22:00:00 -05:00', TIMESTAMP '2020-11-01 01:30:00 America/New_York' "
       "- INTERVAL '1' MONTH"),
]

CORPUS: list[Entry] = TYPES + TPCH + META + SESSION + ERRORS + SPOOLED + RULES + ZONED
assert len({e.id for e in CORPUS}) == len(CORPUS)
