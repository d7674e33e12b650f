"""The recorded fidelity fixture (tests/fixtures/real_trino/fidelity.json) is still what this real
Trino answers: the corpus is replayed live and diffed with the same rules the sandbox is held to."""

from __future__ import annotations

import json

import pytest

from tests.fidelity.corpus import CORPUS
from tests.fidelity.diff import diff_entry
from tests.fidelity.record import FIXTURE, record_entry

pytestmark = [pytest.mark.real_trino, pytest.mark.cluster("storage")]
RECORDED = json.loads(FIXTURE.read_text())["entries"]


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e.id)
def test_recording_is_current(trino, entry):
    diffs = diff_entry(RECORDED[entry.id], record_entry(trino.url, entry), entry.rows)
    assert not diffs, "\n".join(diffs)
