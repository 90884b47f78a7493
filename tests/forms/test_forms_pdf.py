"""Every form, blank and filled, through LibreOffice to PDF, read back with pdftotext.

All workbooks go through ONE soffice process (the session fixture). Without LibreOffice or
poppler these tests skip with a message; with CI=true they fail instead (CI installs both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from forms_helpers import (
    BLANKS,
    LABELS,
    TODAY,
    fonts,
    make_book,
    need_pdf_tools,
    page_count,
    page_size,
    pdf_pages,
    squeeze,
)
from openpyxl import load_workbook

from hikisup_xl.engine.files import FileEngine
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.commands import forms_cmd
from hikisup_xl.forms.kinds import KINDS
from hikisup_xl.forms.pdf import LibreOfficeConverter
from hikisup_xl.forms.select import Selection

FILLED_IDS: dict[str, tuple[str, ...]] = {
    "flyer": ("T9",),
    "application": ("T9",),
    "certificate": ("001", "002"),
    "registration": ("001",),
    "consent": ("001",),
    "card": ("001",),
    "roster": (),
    "case-consent": ("C0001",),
    "report": ("R000001",),
    "renewal": ("002",),
    "invitation": ("F1", "001"),
}
# Values from the workbook and 設定 that each filled form must show (page by page).
FILLED: dict[str, list[tuple[str, ...]]] = {
    "flyer": [
        (
            "令和9年度",
            "第5回ひきこもりサポーター養成研修",
            "令和9年7月10日（土）",
            "13時30分～16時30分（受付：13時～）",
            "甲府市福祉センター",
            "・ひきこもり本人や家族等に対する支援に関心のある方",
            "・民生・児童委員",
            "13時30分～14時30分",
            "講義「ひきこもりの理解と支援」",
            "14時40分～16時30分",
            "演習「サポーターとしての関わり方」（グループワーク）",
            "6月25日（金）までに",
            "甲府市福祉保健部障害福祉課",
            "電話055-237-1161（内線1234）",
            "FAX055-237-0000",
        ),
        # the back: the 参加申込書 of the same training
        (
            "参加申込書",
            "第5回ひきこもりサポーター養成研修",
            "令和9年7月10日（土）",
            "申込〆切日：令和9年6月25日（金）",
        ),
    ],
    "application": [
        (
            "第5回ひきこもりサポーター養成研修",
            "令和9年7月10日（土）",
            "甲府市福祉センター",
            "申込〆切日：令和9年6月25日（金）",
            "甲府市福祉保健部障害福祉課",
            "FAX055-237-0000",
        )
    ],
    "certificate": [
        ("令和7年度", "001", "山田太郎", "令和7年7月10日", "甲府市長山田一郎"),
        (
            "令和元年度",
            "002",
            "令和元子",
            "令和元年5月1日",
            "あなたは、令和元年度ひきこもりサポーター養成研修を受講し修了したことを証します",
        ),
    ],
    "registration": [
        (
            "甲府市長山田一郎様",
            "令和7年7月20日",
            "やまだたろう",
            "山田太郎",
            "昭和55年5月1日",
            "〒400-0031",
            "架空市中央一丁目1-1",
            "055-223-1234",
            "090-1234-5678",
            "taro@example.jp",
            "家族の経験から地域の役に立ちたい",
            "社会福祉士",
        )
    ],
    "consent": [("甲府市認定のひきこもりサポーター", "令和7年7月20日", "登録番号：001")],
    "card": [
        (
            "001",
            "令和7年8月10日から",
            "令和9年8月9日まで",
            "やまだたろう",
            "山田太郎",
            "（昭和55年5月1日生）",
            "〒400-0031",
            "電話番号055-223-1234／090-1234-5678",
            "研修講師も可",
            "令和7年8月10日",
            "甲府市長山田一郎",
        )
    ],
    "roster": [
        (
            "001",
            "002",
            "山田太郎（男）",
            "鈴木花子（女）",
            "（昭和55年5月1日）",
            "令和9年1月9日まで",
            "甲府市福祉保健部障害福祉課",
            "1／1",
        )
    ],
    "case-consent": [
        (
            "ケースID：C0001",
            "甲府市ひきこもりサポーターによる支援への同意について",
            "甲府市長山田一郎殿",
            "甲府市認定",
            "担当者：見本花子",
            "055-237-1161",
            "055-237-0000",
        )
    ],
    "report": [
        (
            "報告日：令和8年11月20日（金）",
            "山田太郎",
            "C0001",
            "令和8年11月15日（日）",
            "10時00分～11時00分",
            "ご自宅",
            "外出同行",
            "散歩に同行",
            "落ち着いた様子で会話ができた",
            "来週同じ時間に訪問",
            "担当者と次回の内容を確認",
            "様子を見る",
        )
    ],
    "renewal": [
        (
            "令和8年11月26日",
            "甲府市北町二丁目2-2",
            "鈴木花子様",
            "令和9年1月9日で満了します",
            "002",
            "令和7年1月10日から令和9年1月9日まで",
            "甲府市長山田一郎",
        )
    ],
    "invitation": [
        (
            "山田太郎様",
            "サポーター継続研修のご案内",
            "令和8年12月15日（火）14時00分～16時00分",
            "甲府市役所会議室",
            "事例検討",
            "令和8年12月1日（火）",
        )
    ],
}


@dataclass
class Printed:
    xlsx: Path
    pdf: Path
    raw: list[str]
    layout: list[str]

    def missing(self, page: int, words: tuple[str, ...]) -> list[str]:
        """Words not on `page`, in reading order (-raw) or along the printed lines (-layout)."""
        raw, layout = squeeze(self.raw[page]), squeeze(self.layout[page])
        return [w for w in words if squeeze(w) not in raw and squeeze(w) not in layout]


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Printed]:
    soffice = need_pdf_tools()
    directory = tmp_path_factory.mktemp("forms_pdf")
    book = make_book(directory)
    jobs = []
    for kind in KINDS:
        for variant, selection in (
            ("blank", Selection(blank=True)),
            ("filled", Selection(FILLED_IDS[kind.key])),
        ):
            xlsx = directory / f"{kind.key}_{variant}.xlsx"
            forms(FileEngine(book), TODAY, kind.key, selection, xlsx, False, record=False)
            jobs.append((xlsx, xlsx.with_suffix(".pdf")))
    LibreOfficeConverter(soffice).convert(jobs)  # one soffice process for all of them
    out = {}
    for xlsx, pdf in jobs:
        kind, variant = xlsx.stem.rsplit("_", 1)
        out[kind, variant] = Printed(xlsx, pdf, pdf_pages(pdf, "-raw"), pdf_pages(pdf, "-layout"))
    return out


CASES = [(k.key, v) for k in KINDS for v in ("blank", "filled")]


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_one_a4_page_per_sheet(
    printed: dict[tuple[str, str], Printed], kind: str, variant: str
) -> None:
    p = printed[kind, variant]
    sheets = load_workbook(p.xlsx).sheetnames
    assert page_count(p.pdf) == len(sheets) == len(p.raw)


# Forms printed on both sides: each page's kind (the flyer's back is the 参加申込書).
SIDES = {"flyer": ("flyer", "application")}


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_every_seed_label_is_printed(
    printed: dict[tuple[str, str], Printed], kind: str, variant: str
) -> None:
    p = printed[kind, variant]
    for page in range(len(p.raw)):
        side = SIDES.get(kind, (kind,) * len(p.raw))[page]
        assert p.missing(page, LABELS[side]) == [], f"{kind} {variant} page {page + 1}"
        if variant == "blank":
            assert p.missing(page, BLANKS[side]) == [], f"{kind} blank page {page + 1}"


@pytest.mark.parametrize("kind", [k.key for k in KINDS])
def test_every_filled_value_is_printed(printed: dict[tuple[str, str], Printed], kind: str) -> None:
    p = printed[kind, "filled"]
    assert len(p.raw) == len(FILLED[kind])
    for page, words in enumerate(FILLED[kind]):
        assert p.missing(page, words) == [], f"{kind} page {page + 1}"


def test_no_heisei_for_dates_after_the_era_changed(printed: dict[tuple[str, str], Printed]) -> None:
    for (kind, variant), p in printed.items():
        assert not any("平成" in page for page in p.raw), f"{kind} {variant}"


def test_the_roster_leaves_out_the_withdrawn(printed: dict[tuple[str, str], Printed]) -> None:
    text = squeeze("".join(printed["roster", "filled"].raw))
    assert "佐藤次郎" not in text and "高橋美希" not in text


def test_windows_font_names_are_drawn_with_ipaex_fonts(
    printed: dict[tuple[str, str], Printed],
) -> None:
    used = fonts(printed["certificate", "filled"].pdf)
    assert "IPAexMincho" in used
    assert not re.search(r"DejaVu|Liberation", used), used


def test_pages_are_a4_portrait(printed: dict[tuple[str, str], Printed]) -> None:
    for p in printed.values():
        width, height = page_size(p.pdf)
        assert (round(width), round(height)) == (595, 842), p.pdf.name  # 210 × 297 mm


def test_the_command_writes_one_pdf_for_all_certificates(tmp_path: Path) -> None:
    need_pdf_tools()
    book = make_book(tmp_path)
    result = CliRunner().invoke(
        forms_cmd, ["修了証書", str(book), "--pdf", "--seal-box", "--today", "2026-11-26"]
    )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "管理_修了証書.pdf"
    assert f"PDF（LibreOfficeで作成）：{pdf}" in result.stdout
    assert page_count(pdf) == 2
    pages = pdf_pages(pdf, "-raw")
    assert "山田" in pages[0] and "令和" in pages[1] and "元子" in pages[1]
