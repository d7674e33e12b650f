"""`<catalog>.information_schema.{schemata,tables,columns}` for every sandbox catalog.

Owns the table definitions and `refresh`, which rebuilds one catalog's snapshot in DuckDB tables
`trino_info."<catalog>".<table>` right before a query reads them (listing tpch schemas never
generates data: tpch columns are declared). Callers serialise refreshes (Engine holds a lock);
each refresh is one DuckDB transaction, so readers see a consistent snapshot.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

DUCK_CATALOG = "trino_info"
SCHEMA = "information_schema"

# table -> ((trino column, trino type, DuckDB type), ...)
INFO_TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "schemata": (("catalog_name", "varchar", "VARCHAR"), ("schema_name", "varchar", "VARCHAR")),
    "tables": (("table_catalog", "varchar", "VARCHAR"), ("table_schema", "varchar", "VARCHAR"),
               ("table_name", "varchar", "VARCHAR"), ("table_type", "varchar", "VARCHAR")),
    "columns": (("table_catalog", "varchar", "VARCHAR"), ("table_schema", "varchar", "VARCHAR"),
                ("table_name", "varchar", "VARCHAR"), ("column_name", "varchar", "VARCHAR"),
                ("ordinal_position", "bigint", "BIGINT"), ("column_default", "varchar", "VARCHAR"),
                ("is_nullable", "varchar", "VARCHAR"), ("data_type", "varchar", "VARCHAR")),
}


def create_tables(con: Any, catalogs: Iterable[str]) -> None:
    con.execute(f"ATTACH ':memory:' AS {DUCK_CATALOG}")
    for catalog in catalogs:
        con.execute(f'CREATE SCHEMA {DUCK_CATALOG}."{catalog}"')
        for table, cols in INFO_TABLES.items():
            body = ", ".join(f'"{n}" {d}' for n, _, d in cols)
            con.execute(f'CREATE TABLE {DUCK_CATALOG}."{catalog}"."{table}" ({body})')


def snapshot(catalog: str, schemas: list[str], tables: Callable[[str], list[str]],
             columns: Callable[[str, str], list[tuple[str, str]]], table: str) -> list[tuple]:
    """Rows of one information_schema table of `catalog`."""
    all_schemas = sorted({*schemas, SCHEMA})
    if table == "schemata":
        return [(catalog, s) for s in all_schemas]
    rows: list[tuple] = []
    for schema in all_schemas:
        names = sorted(INFO_TABLES) if schema == SCHEMA else tables(schema)
        for name in names:
            if table == "tables":
                rows.append((catalog, schema, name, "BASE TABLE"))
                continue
            cols = ([(n, t) for n, t, _ in INFO_TABLES[name]] if schema == SCHEMA else columns(schema, name))
            nullable = "NO" if catalog == "tpch" and schema != SCHEMA else "YES"  # tpch columns are NOT NULL
            rows.extend((catalog, schema, name, col, i + 1, None, nullable, typ) for i, (col, typ) in enumerate(cols))
    return rows


def refresh(con: Any, catalog: str, table: str, rows: list[tuple]) -> None:
    """Replace the rows of `trino_info."<catalog>".<table>` in one transaction."""
    replace_rows(con, f'{DUCK_CATALOG}."{catalog}"."{table}"', len(INFO_TABLES[table]), rows)


def replace_rows(con: Any, target: str, width: int, rows: list[tuple]) -> None:
    """Replace every row of the DuckDB table *target* (*width* columns) in one transaction."""
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        cur.execute(f"DELETE FROM {target}")
        if rows:
            marks = ", ".join("?" for _ in range(width))
            cur.executemany(f"INSERT INTO {target} VALUES ({marks})", rows)
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()
