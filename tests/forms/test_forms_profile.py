"""The real LibreOffice on its cached profile: no upgrade self-tests, same PDF on a warm copy."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from forms_helpers import SETTINGS, TODAY, need_pdf_tools

from hikisup_xl.forms import certificate
from hikisup_xl.forms.pdf import LibreOfficeConverter, warm_profile
from hikisup_xl.forms.records import Context, Graduate
from hikisup_xl.forms.render import render


def test_libreoffice_skips_its_upgrade_self_tests_and_reuses_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    soffice = need_pdf_tools()
    monkeypatch.setenv("HIKISUP_CACHE", str(tmp_path / "cache"))
    sheet = certificate.sheet(
        Graduate("007", "山田　太郎", dt.date(2025, 7, 10), None), Context(SETTINGS, TODAY, False)
    )
    xlsx = tmp_path / "修了証書.xlsx"
    render([sheet]).save(xlsx)
    texts = []
    for run in ("cold", "warm"):
        pdf = tmp_path / f"{run}.pdf"
        LibreOfficeConverter(soffice).convert([(xlsx, pdf)])
        texts.append(
            subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
    warm = warm_profile(soffice) / "user"
    assert (warm / "registrymodifications.xcu").is_file()
    # LibreOffice writes this log when it runs its graphics self-tests, which it must not.
    assert not (warm / "GraphicsRenderTests.log").exists()
    assert "太郎" in texts[0] and "修了番号" in texts[0]
    assert texts[0] == texts[1]
