"""元年 on the sheets (#11 item 12): the decision, rendered.

Excel 2019+ writes `[$-ja-JP-x-gannen]` for 「1年を元年と表記する」; LibreOffice does not read
that locale and prints the serial number instead, so the sheets keep `[$-411]` (令和1年) and
the forms print 元年 as text. If LibreOffice ever renders the gannen format as a date, this
test says so: then the date columns can switch.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from forms_helpers import need_pdf_tools, pdf_pages
from openpyxl import Workbook

from hikisup_xl.engine.styles import WAREKI_DATE

GANNEN = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'
DAYS = (dt.date(2019, 5, 1), dt.date(1989, 1, 8), dt.date(2025, 4, 1))


def _render(tmp_path: Path, fmt: str, name: str) -> str:
    soffice = need_pdf_tools()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.column_dimensions["A"].width = 30
    for row, day in enumerate(DAYS, start=1):
        ws.cell(row=row, column=1, value=day).number_format = fmt
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    return "".join(pdf_pages(tmp_path / f"{name}.pdf", "-raw"))


def test_the_sheets_format_shows_the_era_in_libreoffice_and_gannen_does_not(
    tmp_path: Path,
) -> None:
    ours = _render(tmp_path, WAREKI_DATE, "ours")
    assert "令和1年5月1日" in ours and "平成1年1月8日" in ours and "令和7年4月1日" in ours
    gannen = _render(tmp_path, GANNEN, "gannen")
    assert "元年" not in gannen, "LibreOffice now reads the gannen format: use it (#11 item 12)"
    assert "43586" in gannen  # the serial of 2019-05-01, printed raw: unusable
