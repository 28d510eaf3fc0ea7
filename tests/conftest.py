"""Shared test configuration: the Hypothesis profiles.

``ci`` (300 examples, derandomized, no deadline) is loaded when ``CI`` is set to anything
non-empty, ``dev`` (30 examples) otherwise; ``HYPOTHESIS_PROFILE`` names another one to load
(``mutation``: no shrinking, to see quickly whether a mutated rule is caught).
"""

from __future__ import annotations

import os

from hypothesis import Phase, settings

settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "mutation", max_examples=60, deadline=None, phases=(Phase.generate,), print_blob=False
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
