"""`hikisup upgrade`: placeholder until the upgrade job lands (issue #9 item 6).

The job is declared (registry.JOBS) and on the ribbon; this module is replaced by the real one.
"""

from __future__ import annotations

import datetime as dt

from .core.errors import HikisupError
from .engine.protocol import Engine
from .jobs.result import Result


def upgrade(engine: Engine, today: dt.date) -> Result:
    """Bring a workbook made by an older template up to the current one (not yet)."""
    raise HikisupError("ブックの更新はまだ使えません。")
