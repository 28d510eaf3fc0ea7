"""Shared test configuration: the Hypothesis profiles.

``ci`` (300 examples, derandomized, no deadline) is loaded when ``CI`` is set to anything
non-empty, ``dev`` (30 examples) otherwise; ``HYPOTHESIS_PROFILE`` names another one to load.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
