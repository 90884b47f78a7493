"""Named pause points in the save protocol, for the kill and race trials (tests/test_kill_race.py).

Inert unless HIKISUP_TEST_PAUSE names the point: then the job touches the file named by
HIKISUP_TEST_PAUSE_SIGNAL (so the trial knows where it stands) and sleeps
HIKISUP_TEST_PAUSE_SECONDS (default 30), long enough to be killed or stopped there.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POINTS = ("read", "write", "bak", "replace", "replaced", "publish")


def pause(point: str) -> None:
    if os.environ.get("HIKISUP_TEST_PAUSE") != point:
        return
    signal = os.environ.get("HIKISUP_TEST_PAUSE_SIGNAL")
    if signal:
        Path(signal).write_text(f"{os.getpid()} {point}", encoding="utf-8")
    time.sleep(float(os.environ.get("HIKISUP_TEST_PAUSE_SECONDS", "30")))
