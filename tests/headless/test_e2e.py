"""Headless mode end to end against an in-process sandbox (subprocess `python -m trino_tui` where the
process boundary matters: exit codes, stdin, SIGINT; in-process `run_headless` elsewhere for speed)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.headless.helpers import (
    REPO, LineReader, UnauthorizedServer, clean_env, closed_port, interrupt_after, run_cli, run_inprocess,
    start_cli,
)
from trino_tui.core.args import parse_args
from trino_tui.headless.main import run_headless

sandbox_mod = pytest.importorskip("trino_tui.sandbox")

NATION3 = "SELECT nationkey, name, regionkey FROM tpch.tiny.nation ORDER BY nationkey LIMIT 3"


@pytest.fixture
def knobs(sandbox):
    """Change sandbox knobs for one test; restored afterwards."""
    saved: dict[str, object] = {}

    def set_knobs(**kw):
        for k in kw:
            saved.setdefault(k, getattr(sandbox.config, k))
        sandbox.configure(**kw)

    yield set_knobs
    if saved:
        sandbox.configure(**saved)


def srv(sandbox, *more: str) -> list[str]:
    return ["--server", sandbox.url, "--user", "tester", *more]


# --- output plumbing: format flag -> bytes ------------------------------------------------------

FORMAT_CHECKS = {
    "CSV": lambda t: t.splitlines()[0] == '"0","ALGERIA","0"' and len(t.splitlines()) == 3,
    "CSV_HEADER": lambda t: t.splitlines()[:2] == ['"nationkey","name","regionkey"', '"0","ALGERIA","0"'],
    "CSV_UNQUOTED": lambda t: t.splitlines()[0] == "0,ALGERIA,0",
    "CSV_HEADER_UNQUOTED": lambda t: t.splitlines()[:2] == ["nationkey,name,regionkey", "0,ALGERIA,0"],
    "TSV": lambda t: t.splitlines()[0] == "0\tALGERIA\t0",
    "TSV_HEADER": lambda t: t.splitlines()[0] == "nationkey\tname\tregionkey",
    "JSON": lambda t: json.loads(t.splitlines()[0]) == {"nationkey": 0, "name": "ALGERIA", "regionkey": 0},
    "MARKDOWN": lambda t: t.splitlines()[0].startswith("| nationkey") and "ALGERIA" in t,
    "ALIGNED": lambda t: "ALGERIA" in t and "(3 rows)" in t,
    "VERTICAL": lambda t: "RECORD 1" in t and "ALGERIA" in t,
    "NULL": lambda t: t == "",
    "JSON_ARRAY": lambda t: json.loads(t)[0] == {"nationkey": 0, "name": "ALGERIA", "regionkey": 0},
}


def test_parquet_output_file(sandbox, tmp_path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "n.parquet"
    code, out, err = run_inprocess(srv(sandbox, "--execute", NATION3, "--output-format", "parquet",
                                       "--output-file", str(target)))
    assert (code, out, err) == (0, b"", "")
    table = pq.read_table(target)
    assert table.column_names == ["nationkey", "name", "regionkey"] and table.column("name").to_pylist()[0] == "ALGERIA"


@pytest.mark.parametrize("fmt", sorted(FORMAT_CHECKS))
def test_output_format_flag_reaches_stdout(sandbox, fmt) -> None:
    code, out, err = run_inprocess(srv(sandbox, "--execute", NATION3, "--output-format", fmt.lower()))
    assert (code, err) == (0, "")
    assert FORMAT_CHECKS[fmt](out.decode()), out.decode()[:300]


def test_output_file_gets_the_same_bytes(sandbox, tmp_path) -> None:
    target = tmp_path / "n.json"
    code, out, err = run_inprocess(srv(sandbox, "-e", NATION3, "--output-format", "JSON", "--output-file", str(target)))
    assert (code, out, err) == (0, b"", "")
    _, stdout_bytes, _ = run_inprocess(srv(sandbox, "-e", NATION3, "--output-format", "JSON"))
    assert target.read_bytes() == stdout_bytes
    assert os.listdir(tmp_path) == ["n.json"]


def test_spooled_export_equals_direct_protocol_export(sandbox, tmp_path) -> None:
    sql = "SELECT * FROM tpch.tiny.lineitem"
    spooled, direct = tmp_path / "spooled.csv", tmp_path / "direct.csv"
    assert run_inprocess(srv(sandbox, "-e", sql, "--encoding", "json+zstd", "--output-file", str(spooled)))[0] == 0
    assert run_inprocess(srv(sandbox, "-e", sql, "--direct", "--output-file", str(direct)))[0] == 0
    data = spooled.read_bytes()
    assert data.count(b"\n") == 60175
    assert data == direct.read_bytes()


# --- statements: several, USE / SET SESSION persisting, stdin, -f -----------------------------

def test_use_and_set_session_persist_across_statements(sandbox) -> None:
    script = ("USE tpch.tiny; SET SESSION query_max_run_time = '2h'; "
              "SELECT count(*) FROM nation; SHOW SESSION LIKE 'query_max_run_time'")
    code, out, err = run_inprocess(srv(sandbox, "-e", script, "--output-format", "TSV"))
    assert code == 0, err
    lines = out.decode().splitlines()
    assert lines[0] == "25"
    assert lines[1].startswith("query_max_run_time\t2h")
    assert err.splitlines() == ["USE", "SET SESSION"]


def test_statements_from_stdin(sandbox) -> None:
    proc = run_cli(srv(sandbox), input="SELECT 1;\nSELECT 'a;b' -- x;\n;")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b'"1"\n"a;b"\n', b"")


def test_statements_from_file_stop_at_first_failure(sandbox, tmp_path) -> None:
    script = tmp_path / "q.sql"
    script.write_text("SELECT 1;\nSELECT * FROM tpch.tiny.no_such_table;\nSELECT 3;\n")
    code, out, err = run_inprocess(srv(sandbox, "-f", str(script)))
    assert code == 1
    assert out == b'"1"\n'
    assert "TABLE_NOT_FOUND" in err.splitlines()[0]
    assert err.splitlines()[1] == "LINE 1: SELECT * FROM tpch.tiny.no_such_table"


# --- failures: exit codes and one-line messages ----------------------------------------------

def test_syntax_error_exit_1_with_location_and_caret(sandbox) -> None:
    proc = run_cli(srv(sandbox, "--execute", "SELECT 1\nWHERE WHERE"))
    assert proc.returncode == 1 and proc.stdout == b""
    lines = proc.stderr.decode().splitlines()
    match = re.search(r" failed: SYNTAX_ERROR: line (\d+):(\d+): ", lines[0])
    assert lines[0].startswith("Query ") and match, lines
    line, column = int(match.group(1)), int(match.group(2))
    assert line == 2
    assert lines[1:] == ["LINE 2: WHERE WHERE", " " * (len("LINE 2: ") + column - 1) + "^"]


def test_unknown_table_is_a_query_failure(sandbox) -> None:
    code, out, err = run_inprocess(srv(sandbox, "-e", "SELECT * FROM tpch.tiny.nope"))
    assert code == 1 and out == b""
    assert " failed: TABLE_NOT_FOUND: " in err.splitlines()[0]
    assert "Traceback" not in err


def test_password_over_http_is_refused_before_connecting() -> None:
    proc = run_cli(["--server", f"http://127.0.0.1:{closed_port()}", "--password", "-e", "SELECT 1"],
                   env={"TRINO_PASSWORD": "s3cret"})
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "TLS/SSL is required" in err and "s3cret" not in err


def test_http_401_is_an_authentication_failure() -> None:
    with UnauthorizedServer() as server:
        code, out, err = run_inprocess(["--server", server.url, "--user", "u", "-e", "SELECT 1"])
    assert code == 3 and out == b""
    assert err.count("\n") == 1 and err.startswith("Authentication failed")


def test_unreachable_server_exit_3() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    proc = run_cli(["--server", url, "--client-request-timeout", "1s", "-e", "SELECT 1"])
    assert proc.returncode == 3
    err = proc.stderr.decode()
    assert err == f"Cannot connect to {url}: connection refused\n"


def test_refused_server_fails_fast_with_the_default_retry_budget() -> None:
    """Issue 8: nothing listening fails within ~5 s (not after the 2-minute retry budget), one line, exit 3."""
    started = time.monotonic()
    proc = run_cli(["--server", "http://127.0.0.1:9", "-e", "SELECT 1"], timeout=60)
    elapsed = time.monotonic() - started
    assert (proc.returncode, proc.stderr.decode()) == (3, "Cannot connect to http://127.0.0.1:9: connection refused\n")
    assert elapsed < 10, f"took {elapsed:.1f}s"  # a bound (process start included), not a benchmark


def test_expired_segment_mid_export_leaves_no_file(sandbox, knobs, tmp_path) -> None:
    knobs(fault_expire_after=0.0)
    target = tmp_path / "out.csv"
    code, out, err = run_inprocess(srv(sandbox, "-e", "SELECT * FROM tpch.tiny.lineitem", "--encoding", "json+zstd",
                                       "--output-file", str(target)))
    assert code == 1, err
    assert err.count("\n") == 1 and " failed: " in err and "expired" in err.lower()
    assert os.listdir(tmp_path) == []  # neither the target nor a temp file


# --- progress and network logging -------------------------------------------------------------

def test_forced_progress_and_summary_on_stderr(sandbox, knobs) -> None:
    knobs(worker_pace=0.3)
    code, out, err = run_inprocess(srv(sandbox, "-e", "SELECT * FROM tpch.tiny.lineitem", "--encoding", "json+zstd",
                                       "--output-format", "NULL", "--progress"))
    assert code == 0 and out == b""
    lines = err.splitlines()
    assert any(line.startswith("Query ") and " | " in line and "segments " in line for line in lines), lines
    assert lines[-1].startswith("Query ") and " FINISHED: 60,175 rows in " in lines[-1]
    assert "encoding json+zstd" in lines[-1]


def test_network_logging_covers_coordinator_and_segments(sandbox) -> None:
    code, _, err = run_inprocess(srv(sandbox, "-e", "SELECT * FROM tpch.tiny.lineitem", "--encoding", "json",
                                     "--output-format", "NULL", "--network-logging", "HEADERS"))
    assert code == 0
    assert "/v1/statement" in err and sandbox.storage_url.split("://")[1] in err
    for secret_header in ("x-amz-server-side-encryption-customer-key:",):
        for line in err.lower().splitlines():
            if line.strip().startswith(secret_header):
                assert "***" in line, line


# --- Ctrl-C ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sig, code_expected, reason", [
    (signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated"), (signal.SIGHUP, 129, "hangup"),
], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_signal_mid_export_cancels_on_the_server_removes_the_temp_file(sandbox, knobs, tmp_path, sig,
                                                                       code_expected, reason) -> None:
    knobs(worker_pace=2.0, storage_latency=0.2)
    target = tmp_path / "out.csv"
    code, line, err = interrupt_after(
        srv(sandbox, "-e", "SELECT * FROM tpch.tiny.lineitem", "--output-file", str(target), "--progress"),
        ", RUNNING,", sig)
    query_id = line.split()[1].rstrip(",")
    assert code == code_expected
    assert f"Query {query_id} cancelled ({reason})" in err
    # nothing of the query is left on the server (its segments were acked or dropped, not left to the TTL)
    assert sandbox.wait_segments(lambda sb: not [x for x in sb.live_segments() if x.query_id == query_id], 30)
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []
    knobs(worker_pace=0.0, storage_latency=0.0)
    code, out, _ = run_inprocess(srv(sandbox, "-e", f"SELECT state FROM system.runtime.queries "
                                                     f"WHERE query_id = '{query_id}'", "--output-format", "TSV"))
    assert (code, out.decode()) == (0, "FAILED\n")
    # system.runtime.queries has no error column in the sandbox: read the failure from its registry
    [query] = [q for q in sandbox._registry.all() if q.query_id == query_id]
    assert query.failure.error_name == "USER_CANCELED"


def test_sandbox_flag_starts_an_embedded_server_with_tpch_tiny() -> None:
    script = ("SELECT count(*) FROM nation; "
              "SELECT \"user\" FROM system.runtime.queries WHERE query = 'SELECT count(*) FROM nation'")
    proc = run_cli(["--sandbox", "-e", script, "--output-format", "TSV"])
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"25\ntrino-tui\n", b"")


class _TtyText(io.StringIO):
    def isatty(self) -> bool:
        return True


class _TtyBytes(io.BytesIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stdout_tty, output_file, expect_progress", [
    (False, False, True),   # rows piped elsewhere: status on the terminal
    (True, False, False),   # rows on the same terminal: no status lines in between
    (True, True, True),     # rows to a file
])
def test_progress_defaults_to_on_only_for_a_terminal(sandbox, tmp_path, stdout_tty, output_file, expect_progress) -> None:
    args = srv(sandbox, "-e", NATION3)
    if output_file:
        args += ["--output-file", str(tmp_path / "o.csv")]
    err = _TtyText()
    out = _TtyBytes() if stdout_tty else io.BytesIO()
    assert run_headless(parse_args(args), stdin=io.StringIO(), stdout=out, stderr=err, env=clean_env()) == 0
    summary = [line for line in err.getvalue().splitlines() if " FINISHED: 3 rows in " in line]
    assert bool(summary) is expect_progress
    # and never on when stderr is not a terminal (all the other tests in this module)


def test_closed_stdout_pipe_stops_quietly(sandbox) -> None:
    proc = start_cli(srv(sandbox, "-e", "SELECT * FROM tpch.tiny.lineitem"))
    reader = LineReader(proc.stderr)
    assert proc.stdout.readline().startswith(b'"1",')
    proc.stdout.close()  # like `| head -1`
    assert proc.wait(timeout=60) == 141
    assert reader.close() == ""


def test_progress_redraws_in_place_on_a_real_terminal(sandbox, knobs, tmp_path) -> None:
    """stdout and stderr on a pseudo-terminal, rows to a file: status lines redrawn, then a summary."""
    knobs(worker_pace=0.3)
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the slave side closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, name="test-pty-reader")
    reader.start()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "trino_tui", *srv(sandbox, "-e", "SELECT * FROM tpch.tiny.lineitem",
                                                                   "--output-file", str(tmp_path / "o.csv"))],
            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=clean_env(COLUMNS="120"), cwd=REPO,
        )
        assert proc.wait(timeout=120) == 0
    finally:
        os.close(slave)
        reader.join(timeout=30)
        os.close(master)
    text = b"".join(chunks).decode(errors="replace")
    assert "\x1b[J" in text and "F\x1b[J" in text          # erased and redrawn in place
    assert ", RUNNING, " in text and "segments " in text
    assert " FINISHED: 60,175 rows in " in text.splitlines()[-1]
    assert (tmp_path / "o.csv").read_bytes().count(b"\n") == 60175


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory):
    """A sandbox whose coordinator serves https with a test CA (storage stays plain http)."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    d = tmp_path_factory.mktemp("tls")
    ca.cert_pem.write_to_path(str(d / "ca.pem"))
    cert.private_key_and_cert_chain_pem.write_to_path(str(d / "server.pem"))
    sb = sandbox_mod.Sandbox(sandbox_mod.SandboxConfig(poll_wait=0.05, tls_cert=str(d / "server.pem"),
                                                       tls_key=str(d / "server.pem")))
    sb.start()
    try:
        yield sb, str(d / "ca.pem")
    finally:
        sb.stop()


def test_access_token_is_redacted_in_logs_and_never_sent_to_storage(tls_sandbox) -> None:
    sandbox, cafile = tls_sandbox
    before = len(sandbox.storage_log)
    code, _, err = run_inprocess(srv(sandbox, "--cafile", cafile, "-e", "SELECT * FROM tpch.tiny.lineitem",
                                     "--access-token", "tok-s3cret", "--encoding", "json", "--output-format", "NULL",
                                     "--network-logging", "HEADERS"))
    assert code == 0, err
    assert "tok-s3cret" not in err
    assert any(line.lower().strip().endswith("authorization: ***") or "authorization: bearer ***" in line.lower()
               for line in err.splitlines()), [line for line in err.splitlines() if "uthorization" in line]
    storage = [r for r in sandbox.storage_log[before:] if r.listener == "storage"]
    assert storage, "expected spooled segment downloads"
    assert all("authorization" not in r.headers and not any(k.startswith("x-trino-") for k in r.headers) for r in storage)


def test_access_token_over_plain_http_is_refused(sandbox) -> None:
    code, _, err = run_inprocess(srv(sandbox, "-e", "SELECT 1", "--access-token", "tok-s3cret"))
    assert code == 2 and err.count("\n") == 1 and err.startswith("Invalid configuration: ") and "tok-s3cret" not in err


def test_sigint_while_still_connecting_exits_130() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    code, _, err = interrupt_after(  # POST is logged before each connection attempt
        ["--server", url, "--client-request-timeout", "5m", "--network-logging", "BASIC", "-e", "SELECT 1"], "POST")
    assert code == 130
    assert err.splitlines()[-1] == "Interrupted" and "Traceback" not in err


def test_progress_shows_pending_retries_then_one_failure_line(sandbox, knobs) -> None:
    knobs(fault_poll_503=1.0)  # every poll answers 503: the client retries until its budget is spent
    code, out, err = run_inprocess(srv(sandbox, "-e", "SELECT * FROM tpch.tiny.nation", "--progress",
                                       "--client-request-timeout", "5s"))
    retry_lines = [line for line in err.splitlines() if "retrying in " in line]
    assert retry_lines and re.search(r"retrying in \d+ s \(\d+ s left\)", retry_lines[-1]), err[-2000:]
    assert code == 1 and out == b""
    assert "Traceback" not in err and err.splitlines()[-1].startswith("Query ")
