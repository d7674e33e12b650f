"""`trino-tui sandbox --from-trace`: a traced incident becomes sandbox flags that re-create its
retrieval mode, encoding, segment size, latencies and 503s."""

from __future__ import annotations

import argparse
import io

from trino_tui.client import ClientConfig
from trino_tui.insight.cli import from_trace_args, load_trace
from trino_tui.insight.incident import sandbox_flags
from trino_tui.insight.tracing import TracedClient
from trino_tui.sandbox import Sandbox, SandboxConfig
from trino_tui.sandbox import cli as sandbox_cli

INCIDENT = dict(retrieval_mode="COORDINATOR_STORAGE_REDIRECT", storage_latency=0.05,
                segment_latency={3: 0.5}, fault_segment_503=0.25, seed=7,
                initial_segment_size=512 * 1024, max_segment_size=512 * 1024)


def _record(config: SandboxConfig, path) -> None:
    with Sandbox(config) as box:
        client_config = ClientConfig(server=box.url, user="t", catalog="tpch", schema="tiny",
                                     encoding=("json+lz4",))
        with TracedClient(client_config, str(path)) as client:
            query = client.execute("select * from lineitem")
            assert sum(b.row_count for b in query.batches()) == 60_175
            query.close()


def _parsed(flags):
    parser = argparse.ArgumentParser()
    sandbox_cli.add_arguments(parser)
    return sandbox_cli.config_from_args(parser.parse_args([*flags, "--port", "0"]))


def _value(flags, name):
    return flags[flags.index(name) + 1]


def test_flags_recreate_the_incident_and_a_second_recording_agrees(tmp_path):
    _record(SandboxConfig(host="127.0.0.1", port=0, **INCIDENT), tmp_path / "a.trace")
    flags, notes = sandbox_flags(load_trace(str(tmp_path / "a.trace")))
    assert _value(flags, "--retrieval-mode") == "COORDINATOR_STORAGE_REDIRECT"
    assert _value(flags, "--encodings") == "json+lz4"
    assert 0.04 <= float(_value(flags, "--storage-latency")) < 0.2
    assert "3=" in " ".join(flags)  # the slow segment gets its own latency
    assert 0.0 < float(_value(flags, "--fault-segment-503")) < 1.0
    assert any("traced statement: select * from lineitem" in n for n in notes)
    config = _parsed(flags)
    assert config.retrieval_mode == "COORDINATOR_STORAGE_REDIRECT" and config.encodings == ("json+lz4",)
    assert 3 in config.segment_latency and config.fault_segment_503 > 0
    _record(config.replace(host="127.0.0.1", port=0), tmp_path / "b.trace")
    again, _ = sandbox_flags(load_trace(str(tmp_path / "b.trace")))
    assert _value(again, "--retrieval-mode") == _value(flags, "--retrieval-mode")
    assert abs(float(_value(again, "--storage-latency")) - float(_value(flags, "--storage-latency"))) < 0.1


def test_from_trace_args_lets_later_flags_win_and_fails_in_one_line(tmp_path):
    _record(SandboxConfig(host="127.0.0.1", port=0, retrieval_mode="COORDINATOR_PROXY"),
            tmp_path / "p.trace")
    err = io.StringIO()
    args = from_trace_args(["--from-trace", str(tmp_path / "p.trace"), "--retrieval-mode", "STORAGE"], err)
    assert _parsed(args).retrieval_mode == "STORAGE"  # the user's flag after the derived ones
    assert "from trace: sandbox flags --encodings json+lz4 --retrieval-mode COORDINATOR_PROXY" in err.getvalue()
    assert from_trace_args(["--from-trace", str(tmp_path / "missing")], err) == 2
    assert "cannot read" in err.getvalue().splitlines()[-1]
    (tmp_path / "bad.trace").write_text("not json\n")
    assert from_trace_args(["--from-trace", str(tmp_path / "bad.trace")], err) == 2
    assert err.getvalue().splitlines()[-1].startswith(f"trino-tui sandbox: {tmp_path / 'bad.trace'}: ")
    from trino_tui.cli import main

    assert main(["sandbox", "--from-trace=" + str(tmp_path / "missing")]) == 2
