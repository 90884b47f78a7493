"""Which file engine opens a workbook for an action, under the workbook's lock.

The patch engine (calamine read, only the changed XML parts rewritten) is the default: it is
several times faster than openpyxl and keeps everything it does not touch byte for byte.
HIKISUP_ENGINE=openpyxl switches back to the openpyxl engine, as a fallback should a real
Excel ever object to a patched file.

The lock (engine/lock.py) on a workbook the engine will replace is taken before the read and
held until the replace (safety.save_beside lets it go), the engine is dropped, or the process
ends: a second job on the same workbook is refused instead of overwriting the first one's save.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import leftovers, lock
from .protocol import Engine
from .testhook import pause

if TYPE_CHECKING:
    from .files import FileEngine

E = TypeVar("E")


def _engine(path: Path, output: Path | None) -> Engine:
    if os.environ.get("HIKISUP_ENGINE", "").strip().lower() == "openpyxl":
        from .files import FileEngine

        return FileEngine(path, output=output)
    from .patch import PatchEngine

    return PatchEngine(path, output=output)


def open_workbook(path: Path, *, output: Path | None = None) -> Engine:
    return locked(path, output, _engine)


def open_file_engine(path: Path, *, output: Path | None = None) -> FileEngine:
    """The openpyxl engine, for actions that need its Workbook (under the same lock)."""
    from .files import FileEngine

    return locked(path, output, lambda p, o: FileEngine(p, output=o))


def locked(path: Path, output: Path | None, build: Callable[[Path, Path | None], E]) -> E:
    """`build(path, output)` with the workbook's lock held from before the read."""
    if (output is not None and output != path) or not path.is_file():
        # Another output is a new file, locked by the save itself; a missing or odd path
        # is refused by the engine in Japanese.
        return build(path, output)
    lock.acquire(path)
    try:
        leftovers.sweep(path.parent)
        pause("read")
        engine = build(path, output)
    except BaseException:
        lock.release(path)
        raise
    weakref.finalize(engine, lock.release, path)
    return engine
