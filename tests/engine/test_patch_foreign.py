"""A workbook last saved by another program (LibreOffice): shared strings, its own styles,
table parts and relationship layout. The actions end as through the openpyxl engine."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.jobs import ledger as actions

from .util import TODAY, build, calamine_values, members, openpyxl_values

LOG = "操作履歴"


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workbook opened and saved as .xlsx by LibreOffice (one run for the module)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required on CI but is not on PATH")
        pytest.skip("LibreOffice (soffice) is not installed; install it to run this check")
    folder = tmp_path_factory.mktemp("foreign")
    source = build(folder / "demo.xlsx", generate(TODAY), settings=DEMO_SETTINGS)
    out = folder / "out"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    path = out / "demo.xlsx"
    assert "xl/sharedStrings.xml" in members(path)  # really another producer's layout
    return path


@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
def test_actions_on_a_libreoffice_workbook(
    verb: str, saved_by_libreoffice: Path, tmp_path: Path
) -> None:
    by_file = Path(shutil.copyfile(saved_by_libreoffice, tmp_path / "file.xlsx"))
    by_patch = Path(shutil.copyfile(saved_by_libreoffice, tmp_path / "patch.xlsx"))
    shared = members(by_patch)["xl/sharedStrings.xml"]
    for _ in range(2):
        a = actions.ACTIONS[verb](FileEngine(by_file), TODAY)
        b = actions.ACTIONS[verb](PatchEngine(by_patch), TODAY)
        assert (b.lines, b.counts, b.issues) == (a.lines, a.counts, a.issues)
    expected = openpyxl_values(by_file, skip=(LOG,))
    assert openpyxl_values(by_patch, skip=(LOG,)) == expected
    assert calamine_values(by_patch, skip=(LOG,)) == expected
    assert members(by_patch)["xl/sharedStrings.xml"] == shared
