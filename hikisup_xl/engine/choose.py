"""Which file engine opens a workbook for an action.

The patch engine (calamine read, only the changed XML parts rewritten) is the default: it is
several times faster than openpyxl and keeps everything it does not touch byte for byte.
HIKISUP_ENGINE=openpyxl switches back to the openpyxl engine, as a fallback should a real
Excel ever object to a patched file.
"""

from __future__ import annotations

import os
from pathlib import Path

from .protocol import Engine


def open_workbook(path: Path, *, output: Path | None = None) -> Engine:
    if fallback_engine():
        from .files import FileEngine

        return FileEngine(path, output=output)
    from .patch import PatchEngine

    return PatchEngine(path, output=output)


def fallback_engine() -> bool:
    """HIKISUP_ENGINE=openpyxl: the openpyxl engine instead of the patch engine."""
    return os.environ.get("HIKISUP_ENGINE", "").strip().lower() == "openpyxl"
