"""--trace: records from a real sandbox run hold no secret; the file reads back into the same
snapshots; recorder, writer and reader edge cases."""

from __future__ import annotations

import base64
import io
import json
import threading
from urllib.parse import parse_qs

import pytest
import trustme

from tests.tui import fake_snapshots as fs
from trino_tui.client import ClientConfig
from trino_tui.insight.recorder import TraceRecorder
from trino_tui.insight.trace import FORMAT, TraceFormatError, TraceWriter, read_trace
from trino_tui.insight.tracing import TraceFileError, TracedClient
from trino_tui.sandbox import Sandbox, SandboxConfig
from trino_tui.sandbox.auth_hook import Response

PASSWORD = "pa55-Wörd-never-in-traces"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-token-payload.sig"


class BasicOrBearer:
    """alice with PASSWORD (Basic) or TOKEN (Bearer); /v1/info is public."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def authenticate(self, request):
        if request.path == "/v1/info":
            return None
        value = request.header("Authorization") or ""
        basic = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
        if value in (basic, f"Bearer {TOKEN}"):
            return "alice"
        return Response(401, b"Unauthorized", "text/plain", [("WWW-Authenticate", 'Basic realm="Trino"')])


@pytest.fixture(scope="module")
def tls_sandbox(tmp_path_factory):
    ca = trustme.CA()
    d = tmp_path_factory.mktemp("tls")
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(d / "cert.pem")
    cert.private_key_pem.write_to_path(d / "key.pem")
    ca.cert_pem.write_to_path(d / "ca.pem")
    box = Sandbox(SandboxConfig(host="127.0.0.1", port=0, tls_cert=str(d / "cert.pem"),
                                tls_key=str(d / "key.pem"), auth=BasicOrBearer()))
    box.start()
    try:
        yield box, str(d / "ca.pem")
    finally:
        box.stop()


def _run(config, path, sql="select * from tpch.tiny.lineitem"):
    with TracedClient(config, str(path)) as client:
        query = client.execute(sql)
        rows = sum(b.row_count for b in query.batches())
        query.close()
    return rows


@pytest.mark.parametrize("credential", ["password", "access_token"])
def test_a_trace_holds_no_password_token_sse_c_key_or_signature(tls_sandbox, tmp_path, credential):
    box, ca = tls_sandbox
    secret = {"password": PASSWORD, "access_token": TOKEN}[credential]
    config = ClientConfig(server=box.url, user="alice", verify=ca, **{credential: secret})
    path = tmp_path / "run.trace"
    assert _run(config, path) == 60_175
    text = path.read_text(encoding="utf-8")
    # the secrets that were on the wire
    sse_keys = {r.headers.get("x-amz-server-side-encryption-customer-key") for r in box.storage_log}
    sse_md5 = {r.headers.get("x-amz-server-side-encryption-customer-key-md5") for r in box.storage_log}
    signatures = {v for r in box.storage_log for k, vs in parse_qs(r.query).items()
                  if "signature" in k.lower() for v in vs}
    secrets = {secret, base64.b64encode(f"alice:{secret}".encode()).decode()}
    secrets |= {s for s in sse_keys | sse_md5 | signatures if s}
    assert len(secrets) > 3  # SSE-C keys and signatures were really used
    for s in secrets:
        assert s not in text, f"secret leaked into the trace: {s[:6]}…"
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["type"] == "meta" and lines[0]["format"] == FORMAT
    http = [r for r in lines if r["type"] == "http"]
    assert {r["kind"] for r in http} == {"coordinator", "storage"}
    assert all("?" not in r["url"] for r in http)
    assert [r["type"] for r in lines].count("snapshot") >= 2
    assert lines[-1] == {"type": "end", "outcome": "finished", "rows": 60_175, "error": None}


def test_trace_reads_back_into_the_recorded_snapshots():
    out = io.StringIO()
    writer = TraceWriter(out, server="http://u:p@coord:8080/x?token=t")
    writer.statement("select 1")
    series = fs.rate_series(5) + [fs.finished_snapshot()]
    for snap in series:
        writer.snapshot(snap)
    writer.end("finished", 24)
    trace = read_trace(out.getvalue().splitlines())
    assert trace.meta["server"] == "http://coord:8080/x"
    assert trace.statements == ["select 1"] and trace.end["outcome"] == "finished"
    for got, want in zip(trace.snapshots, series):
        assert got.segments == want.segments or [s.index for s in got.segments] == [
            s.index for s in want.segments]
        assert (got.now, got.rows_delivered, got.stages) == (want.now, want.rows_delivered, want.stages)
    # segment deltas: unchanged segments are written once
    records = [json.loads(line) for line in out.getvalue().splitlines() if '"snapshot"' in line]
    assert len(records[1]["segments"]) == 0 and len(records[1]["present"]) == 60
    # header values are masked even when the snapshot forgot to redact one (segment 6)
    assert fs.SECRET_HEADER_VALUE not in out.getvalue()


def test_recorder_samples_once_per_clock_value_and_writes_the_end():
    out = io.StringIO()
    writer = TraceWriter(out)
    snaps = iter(fs.rate_series(3))
    current = [next(snaps)]
    recorder = TraceRecorder(writer, lambda: current[0])
    recorder.sample()
    recorder.sample()  # same clock: nothing new
    current[0] = next(snaps)
    assert recorder.close("stopped", 7) is None
    kinds = [json.loads(line)["type"] for line in out.getvalue().splitlines()]
    assert kinds == ["meta", "snapshot", "snapshot", "end"]


def test_reader_rejects_other_files_with_one_line():
    with pytest.raises(TraceFormatError, match="line 1: not a trino-tui-trace/1 file"):
        read_trace(['{"type": "http"}'])
    with pytest.raises(TraceFormatError, match="line 2: not a trace record"):
        read_trace([json.dumps({"type": "meta", "format": FORMAT}), "{oops"])
    with pytest.raises(TraceFormatError, match="empty"):
        read_trace([])


def test_writer_keeps_going_after_a_write_error_and_unwritable_paths_are_one_line(tmp_path):
    class Broken(io.StringIO):
        def write(self, s):
            raise OSError("disk full")

    writer = TraceWriter(Broken())
    writer.http({"url": "http://x/"})
    assert writer.close() == "cannot write the trace: disk full"
    with pytest.raises(TraceFileError, match="cannot write the trace file"):
        TracedClient(ClientConfig(server="http://127.0.0.1:9", user="u"), str(tmp_path / "no" / "f"))


def test_trace_flag_is_a_setting_of_the_tui_and_headless_parser():
    from trino_tui.core.args import parse_args
    from trino_tui.core.settings import resolve

    ns = parse_args(["--trace", "run.trace", "-e", "select 1"])
    assert ns.trace == "run.trace"
    assert resolve(ns, env={}).values["trace"] == "run.trace"
    assert parse_args(["-e", "select 1"]).trace is None


def test_headless_trace_records_every_statement(healthy, tmp_path):
    from trino_tui.cli import main

    path, out = tmp_path / "headless.trace", tmp_path / "out.csv"
    code = main(["--server", healthy.url, "--catalog", "tpch", "--schema", "tiny", "--trace", str(path),
                 "--output-file", str(out), "-e", "select * from nation; select * from region"])
    assert code == 0 and out.read_text().count("\n") == 25 + 5
    trace = read_trace(path.read_text(encoding="utf-8").splitlines())
    assert trace.statements == ["select * from nation", "select * from region"]
    assert trace.end == {"type": "end", "outcome": "finished", "rows": 5, "error": None}
    assert main(["--server", healthy.url, "--trace", str(tmp_path / "no" / "x"), "-e", "select 1"]) == 2
