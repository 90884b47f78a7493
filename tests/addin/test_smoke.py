"""The Windows smoke test's module: importable anywhere, presses every button, refuses to run
without Excel. (Its real run is manual, on Windows: see README.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from hikisup_xl import registry, smoke


def test_it_presses_every_ribbon_button() -> None:
    assert smoke.plan() == [b.id for b in registry.BUTTONS]


@pytest.mark.skipif(sys.platform.startswith("win"), reason="runs Excel on Windows")
def test_it_says_it_needs_excel_for_windows() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hikisup_xl.smoke", "--no-prompt"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "no Excel here" in proc.stderr
