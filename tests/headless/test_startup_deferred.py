"""Start-up of a 3-row `--execute` run as the console script runs it (``cli.main()`` without argv).

What a small inline result never needs is deferred to first use (zoneinfo, which reads sysconfig;
the outcomes of a run that ended early; the pipeline snapshot; lz4; decimal), its value classes are
``trino_tui.records.record`` (no methods compiled per class), the cyclic GC is off while the mode's code is imported and
on again (start-up objects frozen) before the statement runs, and the output writer's module is
imported while the server works. A real process against the module's sandbox (127.0.0.1, port 0);
what it saw is printed to stderr as the last line by a probe wrapped around the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.headless.helpers import REPO, clean_env

PROBE = r"""
import atexit, gc, json, os, sys, threading
seen = {}

shutdown = threading._shutdown  # CPython calls it when the interpreter's teardown starts


def teardown():
    os.write(2, b"teardown\n")
    shutdown()


threading._shutdown = teardown
if os.environ.get("PROBE_NON_DAEMON"):  # a thread the exit must wait for: the normal exit is kept
    import trino_tui.cli as cli
    stop, exit_now = threading.Event(), cli._exit_now
    threading.Thread(target=lambda: (stop.wait(), os.write(2, b"thread done\n")), daemon=False).start()

    def exit_now_then_stop(code):
        exit_now(code)  # it returns: a non-daemon thread is alive
        stop.set()

    cli._exit_now = exit_now_then_stop
import trino_tui.client.query as query, trino_tui.headless.runner as runner

init, run, on_query = query.TrinoClient.__init__, runner.HeadlessRunner.run, runner.HeadlessRunner._on_query

def client_init(self, *a, **k):
    seen["gc_on_at_client"] = gc.isenabled()
    init(self, *a, **k)

def runner_run(self, statements):
    seen["gc_on_at_run"], seen["frozen_at_run"] = gc.isenabled(), gc.get_freeze_count()
    return run(self, statements)

def runner_on_query(self, q):
    seen["csv_before_submit"] = "trino_tui.export.csv_tsv" in sys.modules
    on_query(self, q)
    seen["csv_while_server_works"] = "trino_tui.export.csv_tsv" in sys.modules

query.TrinoClient.__init__, runner.HeadlessRunner.run, runner.HeadlessRunner._on_query = client_init, runner_run, runner_on_query
def generated():  # dataclasses whose methods were compiled from source (not trino_tui.records.record)
    import dataclasses
    return sorted(f"{name}.{k}" for name, mod in list(sys.modules.items()) if name.startswith("trino_tui.")
                  for k, v in vars(mod).items() if isinstance(v, type) and v.__module__ == name
                  and dataclasses.is_dataclass(v) and "__record_init__" not in vars(v))
atexit.register(lambda: print(json.dumps({"seen": seen, "modules": sorted(sys.modules), "generated": generated()}),
                              file=sys.stderr))
from trino_tui.cli import main
sys.argv = ["trino-tui", *sys.argv[1:]]
raise SystemExit(main())
"""
SQL = "SELECT nationkey, name FROM tpch.tiny.nation ORDER BY nationkey LIMIT 3"


def run_probe(args: list[str], env: dict | None = None) -> tuple[subprocess.CompletedProcess, dict, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, timeout=120,
                          env={**clean_env(), **(env or {})}, cwd=REPO)
    lines = proc.stderr.decode().strip().splitlines()
    report = json.loads(next(line for line in reversed(lines) if line.startswith("{")))
    report["seen"]["teardown"] = "teardown" in lines
    report["seen"]["generated"] = report["generated"]
    return proc, report["seen"], set(report["modules"])


def test_a_three_row_execute_defers_what_a_small_result_never_needs(sandbox) -> None:
    proc, seen, mods = run_probe(["--server", sandbox.url, "--user", "t", "--execute", SQL])
    assert proc.returncode == 0 and proc.stdout.count(b"\n") == 3, proc.stderr[-1500:]
    assert "trino_tui.client.protocol" in mods and "trino_tui.core.run" in mods  # the probe sees real imports
    deferred = ("zoneinfo", "sysconfig", "trino_tui.core.early_outcomes", "trino_tui.client.snapshots", "lz4",
                "trino_tui.explore.runner", "encodings.unicode_escape")  # (decimal: the test extras' httpx loads it)
    assert [m for m in deferred if m in mods] == []
    # every value class it makes is a record: dataclass compiles ~0.8 ms of methods per class
    assert seen["generated"] == []
    # the GC: off while the client's code loads, on (start-up objects frozen) when the statement runs
    assert seen["gc_on_at_client"] is False and seen["gc_on_at_run"] is True and seen["frozen_at_run"] > 0
    # the CSV writer's module is imported once the statement is submitted, not when its columns arrive
    assert seen["csv_before_submit"] is False and seen["csv_while_server_works"] is True


def test_a_failing_statement_creates_the_early_outcomes_and_turns_the_gc_back_on(sandbox) -> None:
    proc, seen, mods = run_probe(["--server", sandbox.url, "--user", "t", "--execute", "SELECT * FROM no_such_table"])
    assert proc.returncode == 1, proc.stderr[-1500:]
    assert b"no_such_table" in proc.stderr and b"Traceback" not in proc.stderr
    assert "trino_tui.core.early_outcomes" in mods and seen["gc_on_at_run"] is True


def test_a_bad_flag_still_exits_2_with_the_gc_back_on() -> None:
    code = ("import gc, sys\nfrom trino_tui.cli import main\nsys.argv = ['trino-tui', '--no-such-flag']\n"
            "code = main()\nprint(code, gc.isenabled())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=clean_env(),
                         cwd=REPO)
    assert out.stdout.split() == ["2", "True"], out.stderr[-1500:]


def test_prepare_writer_imports_only_the_chosen_formats_module() -> None:
    code = ("import sys\nfrom trino_tui.export.registry import prepare_writer\n"
            "prepare_writer('json'); prepare_writer('PARQUET'); prepare_writer('no-such-format')\n"
            "print(' '.join(m for m in sys.modules if m.startswith('trino_tui.export.') or m == 'pyarrow'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=clean_env(),
                         cwd=REPO)
    mods = set(out.stdout.split())
    assert "trino_tui.export.json_lines" in mods, out.stderr[-1500:]
    assert [m for m in ("trino_tui.export.csv_tsv", "trino_tui.export.parquet", "pyarrow") if m in mods] == []


def test_a_finished_headless_run_skips_the_interpreter_teardown_but_runs_atexit(sandbox) -> None:
    proc, seen, _ = run_probe(["--server", sandbox.url, "--user", "t", "--execute", SQL])
    assert proc.returncode == 0 and proc.stdout.count(b"\n") == 3, proc.stderr[-1500:]
    assert seen["teardown"] is False  # the atexit report above was printed: handlers ran
    proc, seen, _ = run_probe(["--server", sandbox.url, "--user", "t", "--execute", "SELECT * FROM no_such_table"])
    assert proc.returncode == 1 and b"no_such_table" in proc.stderr and seen["teardown"] is False


def test_a_non_daemon_thread_keeps_the_normal_exit(sandbox) -> None:
    proc, seen, _ = run_probe(["--server", sandbox.url, "--user", "t", "--execute", SQL], env={"PROBE_NON_DAEMON": "1"})
    assert proc.returncode == 0 and proc.stdout.count(b"\n") == 3 and seen["teardown"] is True
    assert b"thread done" in proc.stderr  # the exit waited for it
