"""Record the fidelity corpus against a running real Trino into tests/fixtures/real_trino/fidelity.json.

  .venv/bin/python -m tests.fidelity.record --url http://127.0.0.1:PORT

(the URL of a cluster started by scripts/real_trino.py start). Also used by tests/real_trino to
check the recording is still what the server answers.
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


def record(url: str) -> dict:
    version = wire.scalar(url, "SELECT node_version FROM system.runtime.nodes LIMIT 1")
    return {"trino_version": version, "entries": {e.id: record_entry(url, e) for e in CORPUS}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", type=Path, default=FIXTURE)
    args = ap.parse_args()
    data = record(args.url)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"recorded {len(data['entries'])} entries from Trino {data['trino_version']} into {args.out}")


if __name__ == "__main__":
    main()
