"""Typography a clerk would not be embarrassed by (#11 item 10).

- 禁則: no line starts with 、。）」』】 (or the rest of NO_LINE_START) and none ends with （「『【;
  checked on the line breaks we set and on what LibreOffice prints (pdftotext).
- Body text is 10.5 pt or more as printed: the font size times the print scale (fit to page),
  on the layout model and measured in the PDF.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import World, world_rows, write_workbook
from forms_helpers import SETTINGS, TODAY, need_pdf_tools, world_dicts
from openpyxl import load_workbook

from hikisup_xl.core.book import Book
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.kinds import KINDS
from hikisup_xl.forms.layout import (
    NO_LINE_END,
    NO_LINE_START,
    Sheet,
    break_lines,
    line_capacity,
    text_units,
)
from hikisup_xl.forms.records import Context
from hikisup_xl.forms.select import Selection
from hikisup_xl.session import Session

D = dt.date
MIN_PT = 10.5
LONG = (
    "本人は、外出に不安があるため、自宅近くの公園（約300m）まで一緒に歩き、"
    "「また来週」と約束した。家族（母）からは、「最近は表情が明るい」との話があった。"
    "次回は、図書館（市立中央図書館）へ行く予定。【要確認】交通費、連絡方法、"
    "『ひきこもり支援ガイド』の配布。"
)


# --------------------------------------------------------------------------- the line breaker


@pytest.mark.parametrize("width", [20.0, 31.0, 40.0, 47.5, 90.0, 150.0])
@pytest.mark.parametrize("size", [10.5, 11.0, 12.0])
def test_breaks_keep_kinsoku_fit_the_cell_and_lose_nothing(width: float, size: float) -> None:
    lines = break_lines(LONG, width, size)
    assert "".join(lines) == LONG
    cap = line_capacity(width, size)
    for i, line in enumerate(lines):
        assert text_units(line) <= cap, line
        if i:
            assert line[0] not in NO_LINE_START, lines
        if i < len(lines) - 1:
            assert line[-1] not in NO_LINE_END, lines


def test_a_full_line_pushes_its_last_character_down_with_the_comma() -> None:
    cap = int(line_capacity(40.0, 10.5))
    text = "あ" * cap + "、い"
    assert break_lines(text, 40.0, 10.5) == ["あ" * (cap - 1), "あ、い"]


def test_numbers_and_phone_numbers_are_not_split() -> None:
    cap = int(line_capacity(40.0, 10.5))
    text = "あ" * (cap - 3) + "090-1234-5678"
    lines = break_lines(text, 40.0, 10.5)
    assert lines[-1] == "090-1234-5678"


def test_paragraphs_stay_paragraphs() -> None:
    assert break_lines("記録\n（対象者の様子）", 90.0, 10.5) == ["記録", "（対象者の様子）"]


# --------------------------------------------------------------------------- every form


def stress_world() -> World:
    """The forms world with long texts everywhere a clerk can type them, and 14 supporters."""
    w = world_dicts()
    first = w["register"][0]
    first.update(
        address="甲府市丸の内一丁目十八番一号　甲府市役所本庁舎北別館三階（ひきこもり相談窓口内）",
        motive=LONG,
        skills="社会福祉士、精神保健福祉士、公認心理師（取得予定）、普通自動車免許",
        card_memo="活動の範囲：訪問・外出同行（夜間を除く）。研修講師としても活動できます。",
        memo=LONG,
    )
    for n in range(5, 17):
        w["register"].append(
            {
                **first,
                "reg_no": f"{n:03d}",
                "name": f"長い名前の人　{n}番",
                "period_end": D(2027, 12, 31),
            }
        )
    w["reports"][0].update(record=LONG * 2, content=LONG, next=LONG, plan=LONG, memo=LONG)
    return w


def _sheets(book: Book, ctx: Context) -> list[tuple[str, Sheet]]:
    out = []
    for kind in KINDS:
        sels = [Selection(blank=True)] if kind.key != "case-consent" else [Selection()]
        if kind.key == "report":
            sels.append(Selection(("R000001",)))
        elif kind.key == "invitation":
            sels.append(Selection(("F1",)))
        elif kind.key == "case-consent":
            sels.append(Selection(("C0001",)))
        elif kind.key in ("registration", "consent", "renewal"):
            sels.append(Selection(("001",)))
        else:
            sels.append(Selection())
        for sel in sels:
            out += [(kind.key, s) for s in kind.build(book, sel, ctx).sheets]
    return out


def fit_scale(sheet: Sheet) -> float:
    """Excel's fit-to-one-page-wide scale (as tall as needed): whole percent, at most 100 %."""
    page_w = 210.0 - sheet.setup.left - sheet.setup.right
    return min(100, int(page_w / sheet.width_mm * 100)) / 100


def test_forms_fit_the_width_but_never_shrink_for_height(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "管理.xlsx", world_rows(stress_world()), SETTINGS)
    out = tmp_path / "r.xlsx"
    forms(FileEngine(path), TODAY, "活動報告書", Selection(("R000001",)), out, False)
    ws = load_workbook(out).active
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)


def test_every_text_on_every_form_prints_at_10_5_pt_or_more(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "管理.xlsx", world_rows(stress_world()), SETTINGS)
    s = Session(FileEngine(path), TODAY)
    sheets = _sheets(s.book, Context(s.settings, TODAY))
    assert {k for k, _ in sheets} == {k.key for k in KINDS}
    small = [
        (kind, sheet.name, b.text[:12], b.style.size, fit_scale(sheet))
        for kind, sheet in sheets
        for b in sheet.blocks
        if b.text and b.style.size * fit_scale(sheet) < MIN_PT
    ]
    assert small == []
    rosters = [s for k, s in sheets if k == "roster" and not s.name.endswith("空欄")]
    assert len(rosters) >= 2  # 15 long entries: paginated, not shrunk


# --------------------------------------------------------------------------- printed


WIDE_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.+?)</word>'
)


def _wide(word: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in "WF" for ch in word)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    need_pdf_tools()
    d = tmp_path_factory.mktemp("typography")
    book = write_workbook(d / "管理.xlsx", world_rows(stress_world()), SETTINGS)
    out: dict[str, Path] = {}
    for kind, sel in (
        ("当事者同意書", Selection()),
        ("同意書", Selection(("001",))),
        ("活動報告書", Selection(("R000001",))),
        ("登録名簿", Selection()),
        ("登録申込書", Selection(("001",))),
        ("登録証", Selection(("001",))),
    ):
        target = d / f"{kind}.xlsx"
        forms(FileEngine(book), TODAY, kind, sel, target, True)
        out[kind] = target.with_suffix(".pdf")
    return out


def test_no_printed_line_breaks_kinsoku(printed: dict[str, Path]) -> None:
    bad = []
    for kind, pdf in printed.items():
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-raw", str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        for line in text.splitlines():
            line = line.strip()
            if line and (line[0] in NO_LINE_START or line[-1] in NO_LINE_END):
                bad.append((kind, line))
    assert bad == []


def test_printed_body_text_measures_10_5_pt_or_more(printed: dict[str, Path]) -> None:
    """Every run of full-width characters: its width / its length is the printed size."""
    small = []
    for kind, pdf in printed.items():
        boxes = subprocess.run(
            ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout
        for x0, x1, word in WIDE_WORD.findall(boxes):
            if len(word) >= 2 and _wide(word):
                size = (float(x1) - float(x0)) / len(word)
                if size < MIN_PT - 0.1:
                    small.append((kind, word, round(size, 2)))
    assert small == []


# --------------------------------------------------------------------------- brackets


def test_no_bracket_touches_the_box_around_a_chosen_option(tmp_path: Path) -> None:
    """A bracket's ink sits on its inner side: the cell next to it must not be a boxed one."""
    w = stress_world()
    w["reports"][0].update(kind="その他", kind_other="電話", policy="その他", policy_other="様子")
    path = write_workbook(tmp_path / "管理.xlsx", world_rows(w), SETTINGS)
    s = Session(FileEngine(path), TODAY)
    touching = []
    boxed_seen = 0
    for kind, sheet in _sheets(s.book, Context(s.settings, TODAY)):
        framed = {
            (b.row, c)
            for b in sheet.blocks
            if not b.frame.empty
            for c in range(b.col, b.last_col + 1)
        }
        boxed_seen += len(framed)
        for b in sheet.blocks:
            inner = {"（": b.last_col + 1, "）": b.col - 1}.get(b.text)
            if inner is not None and (b.row, inner) in framed:
                touching.append((kind, sheet.name, b.text, b.row))
    assert boxed_seen > 0
    assert touching == []
