"""Roster exchange jobs in the declared shape (export needs no adapter)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine.protocol import Engine
from ..exchange.importer import import_roster as _import_roster
from ..exchange.importer import read_roster
from .result import Result


def import_roster(
    engine: Engine, today: dt.date, roster: Path, password: str | None = None
) -> Result:
    """Read the roster file (refusing a hostile or foreign one), then take it in."""
    return _import_roster(engine, today, read_roster(roster, password or None))
