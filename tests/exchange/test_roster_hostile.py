"""A malformed, foreign, encrypted-without-password or hostile roster is refused; nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from roster_helpers import CITY, PREFECTURE, export, import_, rewrite, supporter, workbook

from hikisup_xl.engine.safety import backup_path
from hikisup_xl.files import safe_read

SHEET = "xl/worksheets/sheet1.xml"  # the roster sheet of an export


@pytest.fixture(scope="module")
def good_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    register = [
        supporter("P001", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1)),
        supporter("P002", "佐藤　花子", "さとう　はなこ", dt.date(1975, 1, 2)),
    ]
    pref = workbook(d / "pref.xlsx", register, PREFECTURE)
    out = d / "roster.xlsx"
    assert export(pref, out).exit_code == 0
    return out


def _with_dtd(data: bytes) -> bytes:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
    return bomb + body.replace(b"<t>P001</t>", b"<t>&lol3;</t>", 1)


def _far_cell(data: bytes) -> bytes:
    return data.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )


def _many_rows(data: bytes) -> bytes:
    """More rows than any roster has, varied enough not to trip the compression-ratio check."""
    rows = "".join(
        f'<row r="{i}"><c r="A{i}"><v>{i * 7919 % 100_003}</v></c></row>'
        for i in range(10, safe_read.MAX_ROWS + 12)
    )
    return data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")


def _xml_text(text: str) -> bytes:
    """Text as openpyxl writes it into sheet XML (non-ASCII as character references)."""
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode()


def _tamper(data: bytes) -> bytes:
    assert b"090-1234-5678" in data
    return data.replace(b"090-1234-5678", b"090-9999-9999", 1)


Edit = dict[str, bytes | Callable[[bytes], bytes] | None]
CASES: dict[str, tuple[Edit, str]] = {
    "xml_bomb": ({SHEET: _with_dtd}, "文書型宣言"),
    "huge_sheet": ({SHEET: _far_cell}, "シートが大きすぎます"),
    "too_many_rows": ({SHEET: _many_rows}, "シートが大きすぎます"),
    "zip_bomb": ({"xl/media/padding.xml": b"<a/>" * 1_500_000}, "異常に大きく展開"),
    "macro": ({"xl/vbaProject.bin": b"\x00" * 64}, "マクロ"),
    "tampered": ({SHEET: _tamper}, "チェックサムが一致しません"),
    "no_manifest": ({"xl/worksheets/sheet2.xml": None}, "読み込めません"),
    "no_workbook": ({"xl/workbook.xml": None}, "workbook.xml"),
}


@pytest.fixture
def city(tmp_path: Path) -> Path:
    return workbook(tmp_path / "city.xlsx", [], CITY)


def _refused(city: Path, roster: Path, reason: str, *args: str) -> None:
    before = city.read_bytes()
    result = import_(city, roster, *args)
    assert result.exit_code == 2, result.output
    assert reason in result.stderr, result.stderr
    assert city.read_bytes() == before
    assert not backup_path(city).exists()


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_hostile_package_is_refused(
    case: str, good_roster: Path, city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_read, "MAX_ROWS", 2_000)  # the same check, a smaller file to build
    edits, reason = CASES[case]
    bad = rewrite(good_roster, tmp_path / f"{case}.xlsx", edits)
    _refused(city, bad, reason)


def test_the_untouched_roster_is_accepted(good_roster: Path, city: Path, tmp_path: Path) -> None:
    same = rewrite(good_roster, tmp_path / "same.xlsx", {})
    result = import_(city, same)
    assert result.exit_code == 0, result.output


def test_foreign_workbook_is_refused(city: Path, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["登録番号", "氏名"])  # type: ignore[union-attr]
    wb.active.append(["001", "山田　太郎"])  # type: ignore[union-attr]
    wb.save(tmp_path / "foreign.xlsx")
    _refused(city, tmp_path / "foreign.xlsx", "交換ファイルではありません")


def test_a_hikisup_workbook_is_not_a_roster(city: Path, tmp_path: Path) -> None:
    other = workbook(tmp_path / "other.xlsx", [], PREFECTURE)
    _refused(city, other, "交換ファイルではありません")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("garbage.xlsx", b"this is not a workbook", "壊れているか"),
        ("roster.xls", b"\xd0\xcf\x11\xe0", ".xlsx ファイルではありません"),
        ("empty.xlsx", b"", "壊れているか"),
    ],
)
def test_malformed_file_is_refused(
    city: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _refused(city, path, reason)


def test_truncated_file_is_refused(good_roster: Path, city: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good_roster.read_bytes()[:2000])
    _refused(city, cut, "読み込めません")


def test_missing_file_and_folder_are_refused(city: Path, tmp_path: Path) -> None:
    _refused(city, tmp_path / "nowhere.xlsx", "見つかりません")
    _refused(city, tmp_path, "フォルダー")


def test_a_roster_of_another_kind_is_refused(city: Path, tmp_path: Path) -> None:
    from hikisup_xl.files.fileformat import KIND_STATS

    def relabel(data: bytes) -> bytes:
        assert _xml_text("サポーター名簿") in data
        return data.replace(_xml_text("サポーター名簿"), _xml_text(KIND_STATS))

    # the manifest is the second sheet; its 種別 says 年度集計
    bad = rewrite(
        export_roster(tmp_path), tmp_path / "kind.xlsx", {"xl/worksheets/sheet2.xml": relabel}
    )
    _refused(city, bad, "種別が「年度集計」")


def export_roster(tmp_path: Path) -> Path:
    pref = workbook(
        tmp_path / "p.xlsx",
        [supporter("P1", "山田　太郎", "やまだ　たろう", dt.date(1980, 5, 1))],
        PREFECTURE,
    )
    out = tmp_path / "r.xlsx"
    assert export(pref, out).exit_code == 0
    return out
