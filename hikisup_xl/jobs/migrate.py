"""移行 in the declared shape: the office's list read (refused when hostile), then shown on
移行確認 (first run) or added to the register (--apply)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine.protocol import Engine
from ..exchange.migrate import apply as _apply
from ..exchange.migrate import preview
from ..exchange.migrate_read import read_list
from .result import Result


def migrate(engine: Engine, today: dt.date, source: Path, apply: bool = False) -> Result:
    found = read_list(source)
    return _apply(engine, today, found) if apply else preview(engine, today, found)
