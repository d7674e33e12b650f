#!/usr/bin/env python3
"""The real-Trino harness as a command (see docs/real-trino.md).

  real_trino.py check       fetch + prune if needed; exit 0 when Trino can be run here
  real_trino.py fetch       fetch trino-server/trino-cli 476 into ~/.m2 (mvn; cached)
  real_trino.py prune       unpack the server with plugin/ pruned to tpch, memory, spooling-filesystem
  real_trino.py configure   write etc/ for --mode/--workers into --workdir and print its path
  real_trino.py start       start moto S3 + proxy + Trino (+ workers) and leave them running
  real_trino.py status      print the running cluster's URL, PIDs and /v1/info
  real_trino.py stop        stop the processes recorded in --workdir/state.json by PID

Exit 0 on success, 1 with one line "real Trino unavailable: <why>" when something is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.real_trino.harness import RETRIEVAL_MODES, Cluster, ClusterSpec, Missing, prepare, stop_pid  # noqa: E402
from tests.real_trino.harness import install, wire  # noqa: E402
from tests.real_trino.harness.etc import write_node  # noqa: E402

DEFAULT_WORKDIR = Path("/tmp/trino-tui-real-trino")


def _spec(args: argparse.Namespace) -> ClusterSpec:
    workers = args.workers if args.workers is not None else (1 if args.mode == "worker_proxy" else 0)
    return ClusterSpec(retrieval_mode=args.mode, workers=workers, heap=args.heap)


def cmd_check(args: argparse.Namespace) -> None:
    inst = prepare()
    print(f"Trino {install.TRINO_VERSION} at {inst.server_dir}, CLI {inst.cli_jar.name}, JDK {inst.java_version}")


def cmd_fetch(args: argparse.Namespace) -> None:
    print(install.server_tarball())
    print(install.cli_jar())


def cmd_prune(args: argparse.Namespace) -> None:
    print(install.unpack(install.server_tarball(), install.cache_dir()))


def cmd_configure(args: argparse.Namespace) -> None:
    inst = prepare()
    etc = args.workdir / "coordinator" / "etc"
    write_node(etc, _spec(args), node_id="coordinator", coordinator=True, port=8080, discovery_port=8080,
               s3_endpoint="http://127.0.0.1:9000", data_dir=args.workdir / "coordinator" / "data",
               plugin_dir=inst.server_dir / "plugin")
    print(etc)


def cmd_start(args: argparse.Namespace) -> None:
    if (args.workdir / "state.json").exists():
        raise Missing(f"a cluster is already recorded in {args.workdir}/state.json (run stop first)")
    cluster = Cluster(prepare(), _spec(args), args.workdir, storage_delay_ms=args.storage_delay_ms).start()
    print(f"Trino {wire.scalar(cluster.url, 'SELECT node_version FROM system.runtime.nodes LIMIT 1')} "
          f"at {cluster.url} (started in {cluster.startup_seconds:.1f} s; S3 proxy 127.0.0.1:{cluster.proxy_port})")


def cmd_status(args: argparse.Namespace) -> None:
    state_file = args.workdir / "state.json"
    if not state_file.exists():
        print("not running")
        return
    state = json.loads(state_file.read_text())
    print(json.dumps(state, indent=1))
    try:
        print(wire.run(state["url"], "SELECT 1").last.get("stats", {}).get("state"))
    except OSError as exc:
        print(f"coordinator not answering: {exc}")


def cmd_stop(args: argparse.Namespace) -> None:
    state_file = args.workdir / "state.json"
    if not state_file.exists():
        print("not running")
        return
    pids = json.loads(state_file.read_text())["pids"]
    for name, pid in reversed(list(pids.items())):
        stop_pid(int(pid))
        print(f"stopped {name} (pid {pid})")
    state_file.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("check", "fetch", "prune", "configure", "start", "status", "stop"))
    ap.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    ap.add_argument("--mode", choices=RETRIEVAL_MODES, default="storage")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--heap", default="2G")
    ap.add_argument("--storage-delay-ms", type=float, default=0.0)
    args = ap.parse_args(argv)
    try:
        globals()[f"cmd_{args.command}"](args)
    except Missing as exc:
        print(f"real Trino unavailable: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
