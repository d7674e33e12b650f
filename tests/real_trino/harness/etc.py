"""Writing a Trino node's etc/ directory (config.properties, node.properties, jvm.config,
log.properties, catalogs, spooling-manager.properties) for one harness configuration.

Pure functions of a ``NodeSpec``: no processes, no network. Unknown properties make Trino refuse
to start, so only properties that exist in 476 are written.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

RETRIEVAL_MODES = ("storage", "coordinator_storage_redirect", "coordinator_proxy", "worker_proxy")

JVM_OPTIONS = (
    "-server", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=32M", "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError", "-XX:-OmitStackTraceInFastThrow", "-XX:ReservedCodeCacheSize=256M",
    "-XX:PerMethodRecompilationCutoff=10000", "-XX:PerBytecodeRecompilationCutoff=10000",
    "-Djdk.attach.allowAttachSelf=true", "-Djdk.nio.maxCachedBufferSize=2000000",
    "-Dfile.encoding=UTF-8", "-XX:+EnableDynamicAgentLoading",
    "--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
    "--enable-native-access=ALL-UNNAMED",
)


@dataclass(frozen=True)
class ClusterSpec:
    """One configuration of the harness cluster (each distinct spec is one Trino start)."""

    retrieval_mode: str = "storage"
    workers: int = 0
    heap: str = "2G"
    worker_heap: str = "1G"
    encryption: bool = False
    inline_max_rows: int = 1000
    inline_max_size: str = "128kB"
    initial_segment_size: str = "1MB"
    max_segment_size: str = "8MB"
    extra: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.retrieval_mode not in RETRIEVAL_MODES:
            raise ValueError(f"unknown retrieval mode {self.retrieval_mode!r}")
        if self.retrieval_mode == "worker_proxy" and self.workers < 1:
            raise ValueError("worker_proxy needs at least one worker")


def shared_secret(seed: str = "trino-tui-real-trino") -> str:
    """A deterministic base64 32-byte key (the cluster's nodes must agree on it)."""
    return base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()


def _props(path: Path, items: dict[str, str]) -> None:
    path.write_text("".join(f"{k}={v}\n" for k, v in items.items()))


def write_node(etc: Path, spec: ClusterSpec, *, node_id: str, coordinator: bool, port: int,
               discovery_port: int, s3_endpoint: str, data_dir: Path, plugin_dir: Path) -> None:
    """Write the etc/ directory of one node (coordinator when *coordinator*)."""
    (etc / "catalog").mkdir(parents=True, exist_ok=True)
    heap = spec.heap if coordinator else spec.worker_heap
    (etc / "jvm.config").write_text("\n".join((f"-Xmx{heap}", *JVM_OPTIONS)) + "\n")
    _props(etc / "node.properties", {
        "node.environment": "trinotui", "node.id": node_id, "node.data-dir": str(data_dir),
        "node.bind-ip": "127.0.0.1", "node.internal-address": "127.0.0.1",
    })
    config = {
        "coordinator": "true" if coordinator else "false",
        "http-server.http.port": str(port),
        "discovery.uri": f"http://127.0.0.1:{discovery_port}",
        "plugin.dir": str(plugin_dir),
        "catalog.config-dir": str(etc / "catalog"),
        "internal-communication.shared-secret": shared_secret("internal"),
        "query.max-memory": "1GB", "query.max-memory-per-node": "512MB",
        "protocol.spooling.enabled": "true",
        "protocol.spooling.shared-secret-key": shared_secret(),
        "protocol.spooling.retrieval-mode": spec.retrieval_mode,
        "protocol.spooling.inlining.max-rows": str(spec.inline_max_rows),
        "protocol.spooling.inlining.max-size": spec.inline_max_size,
        "protocol.spooling.initial-segment-size": spec.initial_segment_size,
        "protocol.spooling.max-segment-size": spec.max_segment_size,  # 476 warns on the old "maximum-"
        "task.concurrency": "2", "task.max-worker-threads": "4",
    }
    if coordinator:
        config["node-scheduler.include-coordinator"] = "true" if spec.workers == 0 else "false"
    config.update(dict(spec.extra))
    _props(etc / "config.properties", config)
    _props(etc / "log.properties", {"io.trino": "INFO", "io.airlift": "WARN"})
    _props(etc / "catalog" / "tpch.properties", {"connector.name": "tpch"})
    _props(etc / "catalog" / "memory.properties", {"connector.name": "memory"})
    _props(etc / "spooling-manager.properties", {
        "spooling-manager.name": "filesystem", "fs.s3.enabled": "true", "fs.location": "s3://spooling/",
        "fs.segment.encryption": "true" if spec.encryption else "false",
        "s3.endpoint": s3_endpoint, "s3.region": "us-east-1", "s3.aws-access-key": "test",
        "s3.aws-secret-key": "test", "s3.path-style-access": "true",
    })
