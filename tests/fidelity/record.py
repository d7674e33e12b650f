"""Record the fidelity corpus against a running real Trino into tests/fixtures/real_trino/fidelity.json.

  .venv/bin/python -m tests.fidelity.record --url http://127.0.0.1:PORT

(the URL of a cluster started by scripts/real_trino.py start). ``--only ID,ID`` re-records just
those entries (a prefix ending in ``*`` names several) into the existing fixture. Also used by
tests/real_trino to check the recording is still what the server answers.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tests.fidelity.corpus import CORPUS, Entry
from tests.fidelity.driver import run_entry
from tests.fidelity.shape import step_shape
from tests.real_trino.harness import wire

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "real_trino" / "fidelity.json"


def record_entry(url: str, entry: Entry) -> list[dict]:
    return [step_shape(ex, sess, rows, acks, entry.rows)
            for ex, sess, rows, acks in run_entry(url, entry)]


def _selected(entry: Entry, only: list[str] | None) -> bool:
    return only is None or any(entry.id == o or (o.endswith("*") and entry.id.startswith(o[:-1])) for o in only)


def record(url: str, only: list[str] | None = None, previous: dict | None = None) -> dict:
    """All corpus entries, or only the *only* ones merged into *previous* (the current fixture)."""
    version = wire.scalar(url, "SELECT node_version FROM system.runtime.nodes LIMIT 1")
    entries = dict((previous or {}).get("entries", {})) if only is not None else {}
    entries.update({e.id: record_entry(url, e) for e in CORPUS if _selected(e, only)})
    return {"trino_version": version, "entries": {k: entries[k] for k in sorted(entries)}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", type=Path, default=FIXTURE)
    ap.add_argument("--only", help="comma-separated entry ids (prefix* allowed) merged into --out")
    args = ap.parse_args()
    only = args.only.split(",") if args.only else None
    previous = json.loads(args.out.read_text()) if only is not None and args.out.exists() else None
    data = record(args.url, only, previous)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"recorded {len(data['entries'])} entries from Trino {data['trino_version']} into {args.out}")


if __name__ == "__main__":
    main()
