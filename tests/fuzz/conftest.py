"""Hypothesis settings for the fuzz suite: ~200 examples per property in CI, more on demand
(``FUZZ_EXAMPLES=5000 pytest -m fuzz tests/fuzz``). Deterministic (derandomized) unless
FUZZ_RANDOM=1, so a CI failure reproduces."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
settings.load_profile("fuzz")
