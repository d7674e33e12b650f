"""Unit tests of the real-Trino harness that need no Java (they run in the main suite): finding a
JDK, reporting what is missing, the etc/ it writes, and the logging/delaying storage proxy."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.real_trino.harness import ClusterSpec, Missing
from tests.real_trino.harness.etc import write_node
from tests.real_trino.harness.install import _artifact, find_java, unpack
from tests.real_trino.harness.cluster import last_error

ROOT = Path(__file__).resolve().parents[2]


def fake_java(tmp_path: Path, name: str, version: str) -> Path:
    java = tmp_path / name / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2026-01-01\' >&2\n')
    java.chmod(0o755)
    return java


def test_find_java_picks_the_first_jdk_24_or_newer(tmp_path):
    old, new = fake_java(tmp_path, "jdk17", "17.0.9"), fake_java(tmp_path, "jdk25", "25.0.3")
    assert find_java([tmp_path / "nope" / "java", old, new]) == (new, "25.0.3")


def test_find_java_names_what_it_saw_when_too_old(tmp_path):
    old = fake_java(tmp_path, "jdk17", "17.0.9")
    with pytest.raises(Missing, match=r"no JDK >= 24 found .*saw: 17\.0\.9"):
        find_java([old])


def test_missing_mvn_is_one_clear_line(tmp_path):
    with pytest.raises(Missing, match="is not in .* and mvn is not installed"):
        _artifact("io/trino/x/1/x-1.jar", "io.trino:x:1", m2=tmp_path, mvn=None)


def test_unreachable_maven_names_the_artifact(tmp_path):
    mvn = tmp_path / "mvn"
    mvn.write_text("#!/bin/sh\necho '[ERROR] Could not transfer artifact: Network is unreachable'\nexit 1\n")
    mvn.chmod(0o755)
    with pytest.raises(Missing, match=r"mvn could not fetch io\.trino:x:1 .*Network is unreachable"):
        _artifact("io/trino/x/1/x-1.jar", "io.trino:x:1", m2=tmp_path, mvn=str(mvn))


def test_cached_artifact_needs_no_mvn(tmp_path):
    jar = tmp_path / "io/trino/x/1/x-1.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"jar")
    assert _artifact("io/trino/x/1/x-1.jar", "io.trino:x:1", m2=tmp_path, mvn=None) == jar


def test_unpack_prunes_plugins_and_keeps_hard_linked_files(tmp_path):
    import tarfile

    src = tmp_path / "src" / "trino-server-476"
    for plugin in ("tpch", "hive", "memory"):
        (src / "plugin" / plugin).mkdir(parents=True)
    (src / "plugin" / "hive" / "shared.jar").write_bytes(b"shared")
    (src / "plugin" / "tpch" / "shared.jar").hardlink_to(src / "plugin" / "hive" / "shared.jar")
    (src / "lib").mkdir()
    tarball = tmp_path / "t.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(src, arcname="trino-server-476")
    out = unpack(tarball, tmp_path / "cache")
    assert sorted(p.name for p in (out / "plugin").iterdir()) == ["memory", "tpch"]
    assert (out / "plugin" / "tpch" / "shared.jar").read_bytes() == b"shared"
    assert unpack(tarball, tmp_path / "cache") == out  # cached: a second call does not unpack again


def test_etc_has_spooling_and_loopback_only(tmp_path):
    etc = tmp_path / "etc"
    write_node(etc, ClusterSpec(retrieval_mode="coordinator_proxy"), node_id="c", coordinator=True, port=1234,
               discovery_port=1234, s3_endpoint="http://127.0.0.1:9", data_dir=tmp_path / "d", plugin_dir=tmp_path)
    props = dict(ln.split("=", 1) for ln in (etc / "config.properties").read_text().splitlines())
    node = dict(ln.split("=", 1) for ln in (etc / "node.properties").read_text().splitlines())
    spool = dict(ln.split("=", 1) for ln in (etc / "spooling-manager.properties").read_text().splitlines())
    assert props["protocol.spooling.retrieval-mode"] == "coordinator_proxy"
    assert props["node-scheduler.include-coordinator"] == "true"
    assert node["node.bind-ip"] == "127.0.0.1" and props["discovery.uri"] == "http://127.0.0.1:1234"
    assert spool["s3.region"] == "us-east-1" and spool["s3.aws-access-key"] == "test"
    assert "-Xmx2G" in (etc / "jvm.config").read_text()


def test_worker_proxy_needs_a_worker():
    with pytest.raises(ValueError, match="worker"):
        ClusterSpec(retrieval_mode="worker_proxy")


def test_last_error_names_the_first_configuration_error(tmp_path):
    log = tmp_path / "l.log"
    log.write_text("x ERROR main Configuration is invalid\n==========\n\nErrors:\n"
                   "1) Configuration property 'no-such.property' was not used\n\n1 error\n")
    assert last_error(log) == "configuration is invalid: Configuration property 'no-such.property' was not used"


def test_last_error_prefers_error_lines(tmp_path):
    log = tmp_path / "l.log"
    log.write_text("INFO a\nERROR main Configuration property 'x' was not used\nINFO b\n")
    assert last_error(log) == "ERROR main Configuration property 'x' was not used"


class _Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        body = b"payload:" + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_proxy_forwards_and_logs_header_names(tmp_path):
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port_file, log = tmp_path / "port", tmp_path / "log.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "tests.real_trino.harness.proxy", "--upstream",
                             str(upstream.server_address[1]), "--log", str(log), "--port-file", str(port_file)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())  # the proxy prints its port once it listens
        assert port_file.read_text() == str(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/bucket/key?X-Amz-Signature=s", headers={"X-Trino-User": "leak"})
        resp = conn.getresponse()
        assert (resp.status, resp.read()) == (200, b"payload:/bucket/key?X-Amz-Signature=s")
        conn.close()
        [record] = [json.loads(line) for line in log.read_text().splitlines()]
        assert record["path"] == "/bucket/key" and record["query"] == "X-Amz-Signature=s"
        assert "x-trino-user" in record["headers"] and record["status"] == 200
    finally:
        proc.terminate()
        proc.wait(10)
        upstream.shutdown()
