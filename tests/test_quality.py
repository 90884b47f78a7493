"""The quality gates run as tests, so `python -m pytest` is the one command CI and people run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "gate",
    [
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
        ("mypy",),  # strict on the package: see [tool.mypy] in pyproject.toml
    ],
    ids=" ".join,
)
def test_gate_passes(gate: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *gate], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
