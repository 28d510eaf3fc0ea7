"""Run the ``sro`` command as ``python -m sro_core``."""

from __future__ import annotations

from sro_core.cli import main

if __name__ == "__main__":
    main()
