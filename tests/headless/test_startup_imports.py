"""Start-up: a headless run imports only what its mode needs; big exports use the worker processes.

A real `python -m trino_tui --execute` process against the module's sandbox; what it imported is read
from its sys.modules at exit (printed to stderr as the last line by a probe wrapped around the CLI).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.headless.helpers import REPO, clean_env

PROBE = (
    "import atexit, json, sys\n"
    "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
    "from trino_tui.cli import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)
SQL = "SELECT nationkey, name FROM tpch.tiny.nation ORDER BY nationkey LIMIT 3"


def run_probe(args: list[str], **env: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, timeout=120,
                          env=clean_env(**env), cwd=REPO)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-1500:]
    return proc, set(json.loads(proc.stderr.decode().strip().splitlines()[-1]))


def has(mods: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in mods)


def test_a_three_row_execute_loads_no_tui_sandbox_or_unused_writers(sandbox) -> None:
    proc, mods = run_probe(["--server", sandbox.url, "--user", "t", "--execute", SQL])
    assert proc.stdout.count(b"\n") == 3
    assert has(mods, "httpx") and has(mods, "trino_tui.export.csv_tsv")  # the probe sees real imports
    unwanted = ("textual", "duckdb", "pyarrow", "trino_tui.tui", "trino_tui.sandbox", "trino_tui.explore.completion",
                "trino_tui.explore.catalog",
                "trino_tui.export.worker", "trino_tui.export.aligned", "trino_tui.export.markdown",
                "trino_tui.export.json_array", "trino_tui.export.parquet",
                # what only other flags need: a profile (TOML), secret commands, a positional URL,
                # OAuth2/Kerberos/keyring, an --output-file (atomic temp file), --trace/doctor
                "tomllib", "subprocess", "shlex", "getpass", "webbrowser", "keyring", "trino_tui.core.secrets",
                "trino_tui.core.cli_url", "trino_tui.client.oauth2", "trino_tui.client.kerberos",
                "trino_tui.client.token_cache", "trino_tui.export.atomic", "trino_tui.insight")
    # (not checked: rich, tempfile — with the test extras httpx imports its CLI; shutil — argparse imports it)
    assert [m for m in unwanted if has(mods, m)] == []


def test_a_profile_a_url_and_an_output_file_load_what_they_need(sandbox, tmp_path) -> None:
    """The other side of the test above: the lazily imported modules are loaded when a flag needs them."""
    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.local]\nserver = "{sandbox.url}"\nuser = "t"\n')
    out = tmp_path / "out.csv"
    _, mods = run_probe(["--config", str(config), "--profile", "local", "--execute", SQL, "--output-file", str(out)])
    assert out.read_bytes().count(b"\n") == 3
    assert [m for m in ("tomllib", "trino_tui.export.atomic") if not has(mods, m)] == []
    _, mods = run_probe([sandbox.url + "/tpch/tiny", "--user", "t", "--execute", "SELECT 1"])
    assert has(mods, "trino_tui.core.cli_url") and not has(mods, "tomllib")


def test_the_tui_without_a_sandbox_loads_no_duckdb() -> None:
    code = "import sys, trino_tui.cli, trino_tui.tui.app; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=clean_env(),
                         cwd=REPO)
    mods = set(out.stdout.split())
    assert has(mods, "textual")
    assert [m for m in ("duckdb", "trino_tui.sandbox", "trino_tui.headless", "pyarrow") if has(mods, m)] == []


def test_a_big_csv_export_is_formatted_by_worker_processes_byte_for_byte(sandbox, tmp_path) -> None:
    """tpch.tiny.lineitem arrives in ~1 MiB segments: the export workers format them (each leaves
    a profile in TRINO_TUI_WORKER_PROFILE) and the file equals the in-process export."""
    sql = "SELECT * FROM tpch.tiny.lineitem"
    files = {}
    for workers in ("0", "2"):
        out = tmp_path / f"w{workers}.csv"
        profiles = tmp_path / f"profiles{workers}"
        profiles.mkdir()
        run_probe(["--server", sandbox.url, "--user", "t", "--encoding", "json+zstd", "--execute", sql,
                   "--output-format", "CSV_HEADER", "--output-file", str(out)],
                  TRINO_TUI_EXPORT_WORKERS=workers, TRINO_TUI_WORKER_PROFILE=str(profiles))
        files[workers] = out.read_bytes()
        assert len(list(profiles.glob("worker-*.prof"))) == int(workers)
    assert files["2"] == files["0"]
    assert files["2"].count(b"\n") == 60_175 + 1
