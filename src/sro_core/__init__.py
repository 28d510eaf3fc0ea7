"""sro_core: the library under School Resource Officer program software.

A pure-Python domain model of an SRO program (officers, schools, incidents, partnerships) with
hooks that make storage, notification and export backends pluggable packages.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
