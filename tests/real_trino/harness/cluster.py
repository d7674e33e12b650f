"""Running one harness cluster: moto S3 + logging proxy + Trino coordinator (+ workers).

``Cluster(install, spec, workdir).start()`` starts every process (127.0.0.1 only, ephemeral ports),
creates the spooling bucket and waits until /v1/info says ``starting: false`` and every node is
active in system.runtime.nodes. ``stop()`` ends each process by its PID (TERM, bounded wait, KILL).
The PIDs are also written to ``workdir/state.json`` so a separate command can stop them.
Not thread-safe: one owner starts and stops it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import wire
from .etc import ClusterSpec, write_node
from .install import Install, Missing

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path


@dataclass
class Cluster:
    """moto + proxy + Trino nodes for one ClusterSpec."""

    install: Install
    spec: ClusterSpec
    workdir: Path
    storage_delay_ms: float = 0.0
    procs: list[Proc] = field(default_factory=list)
    port: int = 0
    s3_port: int = 0
    proxy_port: int = 0
    startup_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def storage_log(self) -> Path:
        return self.workdir / "storage-requests.jsonl"

    @property
    def delay_file(self) -> Path:
        """Write milliseconds here to change the storage latency while the cluster runs."""
        return self.workdir / "storage-delay-ms"

    def set_storage_delay(self, ms: float) -> None:
        self.delay_file.write_text(str(ms))

    def _spawn(self, name: str, argv: list[str], cwd: Path, env: dict | None = None) -> Proc:
        log = self.workdir / f"{name}.log"
        fh = log.open("wb")
        popen = subprocess.Popen(argv, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True, env=env)
        fh.close()
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        self._write_state()
        return proc

    def _write_state(self) -> None:
        state = {"url": self.url, "s3_port": self.s3_port, "proxy_port": self.proxy_port,
                 "pids": {p.name: p.popen.pid for p in self.procs}}
        (self.workdir / "state.json").write_text(json.dumps(state, indent=1))

    def _wait(self, what: str, check, timeout: float, proc: Proc | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.popen.poll() is not None:
                raise Missing(f"{what}: process exited with {proc.popen.returncode}: {last_error(proc.log)}")
            try:
                if check():
                    return
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(0.2)
        raise Missing(f"{what}: not ready after {timeout:.0f} s: {last_error(proc.log) if proc else ''}")

    def _start_storage(self) -> None:
        self.s3_port = free_port()
        moto = self._spawn("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)],
                           self.workdir)
        self._wait("moto S3", lambda: _get(self.s3_port, "/")[0] < 500, 60, moto)
        conn = http.client.HTTPConnection("127.0.0.1", self.s3_port, timeout=10)
        conn.request("PUT", "/spooling")
        status = conn.getresponse().status
        conn.close()
        if status != 200:
            raise Missing(f"moto S3: creating the spooling bucket answered {status}")
        port_file = self.workdir / "proxy.port"
        port_file.unlink(missing_ok=True)
        self.storage_log.unlink(missing_ok=True)
        self.delay_file.write_text(str(self.storage_delay_ms))
        proxy = self._spawn("proxy", [sys.executable, "-m", "tests.real_trino.harness.proxy", "--upstream",
                                      str(self.s3_port), "--log", str(self.storage_log), "--port-file",
                                      str(port_file), "--delay-ms", str(self.storage_delay_ms),
                                      "--delay-file", str(self.delay_file)], ROOT)
        self._wait("storage proxy", lambda: port_file.exists() and port_file.read_text().strip() != "", 30, proxy)
        self.proxy_port = int(port_file.read_text())

    def _start_node(self, node_id: str, coordinator: bool, port: int) -> Proc:
        node_dir = self.workdir / node_id
        etc = node_dir / "etc"
        write_node(etc, self.spec, node_id=node_id, coordinator=coordinator, port=port, discovery_port=self.port,
                   s3_endpoint=f"http://127.0.0.1:{self.proxy_port}", data_dir=node_dir / "data",
                   plugin_dir=self.install.server_dir / "plugin")
        jvm = [ln for ln in (etc / "jvm.config").read_text().splitlines() if ln.strip()]
        node_props = [f"-D{ln}" for ln in (etc / "node.properties").read_text().splitlines() if ln.strip()]
        argv = [str(self.install.java), *jvm, *node_props, f"-Dconfig={etc / 'config.properties'}",
                f"-Dlog.levels-file={etc / 'log.properties'}", "-cp", str(self.install.server_dir / "lib") + "/*",
                "io.trino.server.TrinoServer"]
        env = dict(os.environ, JAVA_HOME=str(self.install.java.parent.parent))
        return self._spawn(node_id, argv, node_dir, env)

    def start(self, timeout: float = 300.0) -> "Cluster":
        self.workdir.mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        try:
            self._start_storage()
            self.port = free_port()
            coordinator = self._start_node("coordinator", True, self.port)
            for i in range(self.spec.workers):
                self._start_node(f"worker{i}", False, free_port())
            self._wait("Trino coordinator", self._info_ready, timeout, coordinator)
            self._wait("Trino nodes", self._nodes_active, timeout, coordinator)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def _info_ready(self) -> bool:
        status, body = _get(self.port, "/v1/info")
        return status == 200 and json.loads(body).get("starting") is False

    def _nodes_active(self) -> bool:
        """Every node active and a tpch split schedulable (the node manager refreshes every few
        seconds, so a fresh coordinator can list itself and still answer "nodes is empty")."""
        if len(self.active_nodes()) < 1 + self.spec.workers:
            return False
        return wire.scalar(self.url, "SELECT count(*) FROM tpch.tiny.region") == 5

    def active_nodes(self) -> list[str]:
        sql = "SELECT array_join(array_agg(node_id), ',') FROM system.runtime.nodes WHERE state = 'active'"
        value = wire.scalar(self.url, sql)
        return str(value or "").split(",") if value else []

    def stop(self) -> None:
        """Stop every process this cluster started, newest first, by PID."""
        for proc in reversed(self.procs):
            stop_pid(proc.popen.pid, proc.popen)
        self.procs.clear()
        (self.workdir / "state.json").unlink(missing_ok=True)


def stop_pid(pid: int, popen: subprocess.Popen | None = None, grace: float = 20.0) -> None:
    """TERM *pid* (and its session), wait up to *grace* seconds, then KILL."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except PermissionError:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if popen is not None:
            if popen.poll() is not None:
                return
        elif not _alive(pid):
            return
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    if popen is not None:
        popen.wait(10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of another process counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def last_error(log: Path) -> str:
    """The most telling line of a process log: Trino's first configuration error ("1) ..." after
    "Errors:"), else the last ERROR/Exception line, else the last line."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return "no log"
    if "Errors:" in lines:
        listed = [ln for ln in lines[lines.index("Errors:") + 1:] if re.match(r"\d+\) ", ln)]
        if listed:
            return f"configuration is invalid: {listed[0][3:].strip()[:300]}"
    for ln in reversed(lines):
        if re.search(r"\bERROR\b|Exception|Error:|refus", ln):
            return ln.strip()[:300]
    return lines[-1].strip()[:300] if lines else "empty log"
