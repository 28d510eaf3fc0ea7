"""The NIBRS plugin's tests import their helpers (nibrs_support, nibrs_cases) by name.

Under ``--import-mode=importlib`` (the repository's setting) pytest puts no test folder on
``sys.path``, so this folder is put there for them. Every Hypothesis test here sets its own
example count: schema validation is slow, and the suite stays well under a minute.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
