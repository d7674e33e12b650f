"""`trino-tui sandbox` / `python -m trino_tui.sandbox`: run the sandbox until SIGINT/SIGTERM.

`add_arguments(parser)` declares one flag per SandboxConfig knob; `run(args)` builds the config,
starts the sandbox, prints the URL and knobs (never secrets), serves until a signal arrives, stops
cleanly and returns 0 (1 with a one-line message on a start-up error).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from typing import Any

from .auth_chain import add_auth_arguments, auth_from_args
from .config import KNOWN_ENCODINGS, RETRIEVAL_MODES, SandboxConfig, parse_data_size


def _segment_latency(text: str) -> tuple[int, float]:
    try:
        index, seconds = text.split("=", 1)
        return int(index), float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected INDEX=SECONDS, got {text!r}") from None


def _size(text: str) -> int:
    try:
        return parse_data_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the sandbox flags on *parser* (defaults come from SandboxConfig)."""
    d = SandboxConfig()
    a = parser.add_argument
    a("--host", default=d.host, help="bind address (default 127.0.0.1)")
    a("--port", type=int, default=8080, help="coordinator port (0 = ephemeral; default 8080)")
    a("--workers", type=int, default=d.workers, help="emulated workers / worker listeners")
    a("--retrieval-mode", choices=RETRIEVAL_MODES, default=d.retrieval_mode)
    a("--encodings", default=",".join(d.encodings), help=f"enabled spooling encodings ({', '.join(KNOWN_ENCODINGS)})")
    a("--no-spooling", action="store_true", help="disable the spooling protocol (direct protocol only)")
    a("--no-inlining", action="store_true", help="never inline segments")
    a("--inlining-max-rows", type=int, default=d.inlining_max_rows)
    a("--inlining-max-size", type=_size, default=d.inlining_max_size, help="e.g. 128kB")
    a("--initial-segment-size", type=_size, default=d.initial_segment_size, help="e.g. 1MB")
    a("--max-segment-size", type=_size, default=d.max_segment_size, help="e.g. 4MB")
    a("--compression-threshold", type=_size, default=d.compression_threshold)
    a("--segment-ttl", type=float, default=d.segment_ttl, help="seconds")
    a("--max-segments-per-response", type=int, default=d.max_segments_per_response)
    a("--storage-latency", type=float, default=d.storage_latency, help="seconds per segment request")
    a("--storage-bandwidth", type=_size, default=None, help="bytes/s per connection, e.g. 10MB")
    a("--segment-latency", type=_segment_latency, action="append", default=[], metavar="INDEX=SECONDS",
      help="extra latency for one segment index (repeatable)")
    a("--worker-pace", type=float, default=d.worker_pace, help="seconds per segment produced")
    a("--poll-wait", type=float, default=d.poll_wait, help="long-poll maximum in seconds")
    a("--fault-segment-503", type=float, default=0.0, help="fraction of segment GETs answering 503")
    a("--fault-poll-503", type=float, default=0.0, help="fraction of statement polls answering 503")
    a("--fault-expire-after", type=float, default=None, help="segments expire N seconds after creation")
    a("--fault-truncate", type=float, default=0.0, help="fraction of segment bodies truncated")
    a("--fault-corrupt", type=float, default=0.0, help="fraction of segment bodies corrupted")
    a("--seed", type=int, default=0, help="seed for fault decisions")
    a("--cache-results", action="store_true", help="reuse encoded payloads for repeated identical queries")
    a("--data-dir", default=None, help="TPC-H data directory (default: user cache dir)")
    a("--schemas", default=",".join(d.schemas), help="tpch schemas to generate, e.g. tiny,sf1")
    a("--synthetic-catalog", default=None, metavar="schemas=N,tables=M[,columns=C][,rows=R][,latency=S]",
      help="add a big generated catalog named 'synthetic' (metadata computed lazily)")
    a("--query-memory-limit", type=_size, default=d.query_memory_limit,
      help="memory one query may use (DuckDB memory_limit), e.g. 2GB")
    a("--tls-cert", default=None, help="PEM certificate: serve the coordinator and workers over https")
    a("--tls-key", default=None, help="PEM private key for --tls-cert")
    a("--tls-client-ca", default=None, help="PEM CA: request and verify client certificates (mutual TLS)")
    add_auth_arguments(parser)


def config_from_args(args: argparse.Namespace, extra: dict[str, Any] | None = None) -> SandboxConfig:
    """Build a validated SandboxConfig from parsed flags (+ *extra* knobs; ValueError on bad values)."""
    knobs: dict[str, Any] = dict(
        host=args.host, port=args.port, workers=args.workers, retrieval_mode=args.retrieval_mode,
        encodings=tuple(e.strip() for e in args.encodings.split(",") if e.strip()),
        spooling_enabled=not args.no_spooling, inlining_enabled=not args.no_inlining,
        inlining_max_rows=args.inlining_max_rows, inlining_max_size=args.inlining_max_size,
        initial_segment_size=args.initial_segment_size, max_segment_size=args.max_segment_size,
        compression_threshold=args.compression_threshold, segment_ttl=args.segment_ttl,
        max_segments_per_response=args.max_segments_per_response, storage_latency=args.storage_latency,
        storage_bandwidth=args.storage_bandwidth, segment_latency=dict(args.segment_latency),
        worker_pace=args.worker_pace, poll_wait=args.poll_wait, fault_segment_503=args.fault_segment_503,
        fault_poll_503=args.fault_poll_503, fault_expire_after=args.fault_expire_after,
        fault_truncate=args.fault_truncate, fault_corrupt=args.fault_corrupt, seed=args.seed,
        cache_results=args.cache_results, data_dir=args.data_dir,
        schemas=tuple(s.strip() for s in args.schemas.split(",") if s.strip()),
        query_memory_limit=args.query_memory_limit, tls_cert=args.tls_cert,
        synthetic_catalog=args.synthetic_catalog, tls_key=args.tls_key, tls_client_ca=args.tls_client_ca,
    )
    return SandboxConfig(**{**knobs, **(extra or {})}).validate()


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; print the URL and knobs; 0 on a clean stop."""
    from .runtime import Sandbox

    auth_material = contextlib.ExitStack()  # generated TLS files live until the sandbox stops
    try:
        auth_knobs, auth_notes = auth_from_args(args, auth_material)
        config = config_from_args(args, auth_knobs)
    except ValueError as exc:
        auth_material.close()
        print(f"trino-tui sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    sandbox = Sandbox(config, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        try:
            sandbox.start()
        except Exception as exc:  # port in use, data generation failure, ...
            print(f"trino-tui sandbox: could not start: {exc}", file=sys.stderr)
            sandbox.stop()
            return 1
        print(f"Sandbox coordinator: {sandbox.url}", flush=True)
        print(f"Storage: {sandbox.storage_url}  Workers: {', '.join(sandbox.worker_urls)}", flush=True)
        knobs = ", ".join(f"{k}={v}" for k, v in config.describe().items() if k not in ("host", "port"))
        print(f"Knobs: {knobs}", flush=True)
        for note in auth_notes:
            print(note, flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        stop.wait()
        print("Stopping sandbox...", file=sys.stderr, flush=True)
        sandbox.stop()
        return 0
    finally:
        auth_material.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trino_tui.sandbox",
                                     description="Run the embedded Trino-compatible sandbox server.")
    add_arguments(parser)
    return run(parser.parse_args(argv))
