"""hikisup consolidate: per-municipality and total figures; a bad file never stops the rest."""

from __future__ import annotations

import io
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import sheet_values
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from stats_helpers import TODAY, consolidate, decrypt, municipality, report, run, spread, town

from hikisup_xl.cli import main

report_cmd = main.commands["report"]

SIZES = {"甲市": 40, "乙町": 25, "丙村": 10}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("municipal")
    box = tmp_path_factory.mktemp("inbox")
    for body, n in SIZES.items():
        book = municipality(work / f"{body}.xlsx", body, n)
        args = ("--password", "pw") if body == "丙村" else ()
        assert report(book, "--out", box / f"{body}_R7.xlsx", *args).exit_code == 0
    # an older report of 甲市 (superseded), and a report of another year
    old = run(
        report_cmd,
        work / "甲市.xlsx",
        "--fy",
        "2025",
        "--today",
        "2026-04-20",
        "--out",
        box / "甲市_古い.xlsx",
    )
    assert old.exit_code == 0
    assert (
        run(
            report_cmd,
            work / "乙町.xlsx",
            "--fy",
            "2024",
            "--today",
            TODAY.isoformat(),
            "--out",
            box / "乙町_R6.xlsx",
        ).exit_code
        == 0
    )
    # a roster, a broken file and a note
    export_roster_cmd = main.commands["export-roster"]

    assert run(export_roster_cmd, work / "甲市.xlsx", box / "甲市_名簿.xlsx").exit_code == 0
    (box / "壊れた.xlsx").write_bytes(b"PK\x03\x04 broken")
    (box / "メモ.txt").write_text("送付状", encoding="utf-8")
    return box


def _upward_values(path: Path) -> dict[tuple[object, ...], object]:
    data = path.read_bytes()
    if data[:2] != b"PK":
        data = decrypt(data, "pw")
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name("集計データ").to_python()[1:]
    return {(r[1], r[2], r[3], r[4]): (None if r[7] else r[5]) for r in rows}


def test_consolidation_sums_the_municipalities(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "集約.xlsx"
    result = consolidate(inbox, out, "--password", "pw", "--body-name", "架空県")
    assert result.exit_code == 1, result.output  # one broken file
    assert "令和7年度の集約を書き出しました" in result.stdout and "（3実施主体）" in result.stdout
    assert "[エラー] 壊れた.xlsx" in result.stdout

    received = {r[0]: r for r in sheet_values(out)["受領ファイル"][1:]}
    assert received["甲市_R7.xlsx"][5] == "集約済み"
    assert (
        received["甲市_古い.xlsx"][5] == "対象外"
        and "甲市_R7.xlsx" in received["甲市_古い.xlsx"][6]
    )
    assert (
        received["乙町_R6.xlsx"][5] == "対象外" and "年度が違います" in received["乙町_R6.xlsx"][6]
    )
    assert (
        received["甲市_名簿.xlsx"][5] == "対象外"
        and "import-roster" in received["甲市_名簿.xlsx"][6]
    )
    assert received["壊れた.xlsx"][5] == "エラー"
    assert received["メモ.txt"][5] == "対象外"
    assert received["丙村_R7.xlsx"][5] == "集約済み"  # encrypted, opened with --password

    # totals equal the sum of what each municipality sent, read here independently
    per_body = {body: _upward_values(inbox / f"{body}_R7.xlsx") for body in SIZES}
    expected: dict[tuple[object, ...], float] = defaultdict(float)
    hidden: dict[tuple[object, ...], int] = defaultdict(int)
    for values in per_body.values():
        for key, value in values.items():
            if value is None or value == "":
                hidden[key] += 1
            else:
                expected[key] += float(value)  # type: ignore[arg-type]
    overview = {r[0]: r for r in sheet_values(out)["集約"] if r and r[0]}
    bodies = sorted(SIZES)
    header = next(r for r in sheet_values(out)["集約"] if r and r[0] == "項目")
    assert list(header[4 : 4 + len(bodies)]) == bodies
    for item in ("活動延べ回数", "派遣依頼件数", "活動時間", "3月31日時点の登録者数"):
        row = overview[item]
        key = ("概要", item, "", "")
        if hidden[key]:  # never a partial sum passed off as the total
            assert row[2] == f"秘匿を含む（判明分 {expected[key]:g}）", item
        else:
            assert float(row[2]) == pytest.approx(expected[key]), item
        assert row[3] == hidden[key], item
        for body, cell in zip(bodies, row[4 : 4 + len(bodies)], strict=True):
            sent = per_body[body][key]
            assert cell == ("秘匿" if sent in (None, "") else sent), (item, body)
    # 丙村's 10 activities are too sparse to publish even its total (see the LP attack test)
    assert overview["活動延べ回数"][2] == f"秘匿を含む（判明分 {SIZES['甲市'] + SIZES['乙町']}）"

    data = sheet_values(out)["集約データ"]
    assert data[0][:3] == ("実施主体", "年度", "区分")
    assert {r[0] for r in data[1:]} == set(SIZES)
    ws = load_workbook(out)["集約"]
    assert len(ws._charts) == 3  # type: ignore[attr-defined]
    (pivot,) = ws._pivots  # type: ignore[attr-defined]
    assert pivot.cache.cacheSource.worksheetSource.name == "tConsolidated"
    assert pivot.cache.refreshOnLoad


def test_an_encrypted_file_without_password_is_listed_not_fatal(
    inbox: Path, tmp_path: Path
) -> None:
    out = tmp_path / "集約.xlsx"
    result = consolidate(inbox, out)
    assert result.exit_code == 1
    received = {r[0]: r for r in sheet_values(out)["受領ファイル"][1:]}
    assert received["丙村_R7.xlsx"][5] == "エラー" and "パスワード" in received["丙村_R7.xlsx"][6]
    assert "（2実施主体）" in result.stdout


def test_choosing_another_year(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "R6.xlsx"
    result = consolidate(inbox, out, "--fy", "令和6年度", "--password", "pw")
    assert "令和6年度の集約" in result.stdout and "（1実施主体）" in result.stdout


def test_nothing_to_consolidate_writes_nothing(tmp_path: Path) -> None:
    box = tmp_path / "empty"
    box.mkdir()
    (box / "壊れた.xlsx").write_bytes(b"nope")
    out = tmp_path / "out.xlsx"
    result = consolidate(box, out)
    assert result.exit_code == 2
    assert "集約できるファイルがありません" in result.stderr and "壊れた.xlsx" in result.stderr
    assert not out.exists()


def test_a_clean_folder_exits_zero(inbox: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    for body in ("甲市", "乙町"):
        shutil.copy(inbox / f"{body}_R7.xlsx", clean)
    result = consolidate(clean, tmp_path / "ok.xlsx")
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- #11 item 15


@pytest.fixture(scope="module")
def all_hide_mensetsu(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three towns that each held 面接 too few times to publish it (as the issue saw)."""
    work = tmp_path_factory.mktemp("towns")
    box = tmp_path_factory.mktemp("hidden")
    for n, body in enumerate(("東町", "西町", "南村"), start=1):
        acts: list[tuple[object, str]] = []
        for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3):
            acts += spread(month, {"訪問": 5, "外出同行": 4})
        acts += spread(6, {"面接": 1 + n % 2})
        book = town(work / f"{body}.xlsx", acts, body=body)  # type: ignore[arg-type]
        assert report(book, "--out", box / f"{body}.xlsx").exit_code == 0
    out = work / "集約.xlsx"
    assert consolidate(box, out).exit_code == 0
    return out


def test_a_suppressed_contribution_is_never_added_as_zero(all_hide_mensetsu: Path) -> None:
    values = sheet_values(all_hide_mensetsu)["集約"]
    kinds = next(i for i, r in enumerate(values) if r and r[0] == "活動種別")
    by_kind = {r[0]: r for r in values[kinds + 1 : kinds + 8] if r and r[0]}
    mensetsu = by_kind["面接"]
    assert mensetsu[1] == "秘匿を含む（判明分 0）"  # every town kept it back: not 0
    assert mensetsu[5] == 3  # 秘匿した実施主体数
    assert by_kind["訪問"][1] == 180  # everyone sent it: a plain number
    assert by_kind["訪問"][2] == "秘匿を含む（判明分 0）"  # one 派遣 each: kept back
    overview = {r[0]: r for r in values if r and r[0]}
    assert overview["活動延べ回数"][2] == 3 * 108 + 1 + 2 + 2  # every town sent its total
    assert overview["活動したサポーター実人数"][2] == "秘匿を含む（判明分 0）"
    # no table cell of a count anywhere prints a bare 0 for a figure someone suppressed
    months = next(i for i, r in enumerate(values) if r and r[0] == "月")
    june = next(r for r in values[months:] if r and r[0] and "6月" in str(r[0]))
    header = values[months]
    assert june[header.index("面接")] == "秘匿を含む（判明分 0）"


def test_charts_leave_out_totals_with_a_suppressed_part(all_hide_mensetsu: Path) -> None:
    wb = load_workbook(all_hide_mensetsu)
    chart_data = wb["グラフ用"]
    cells = {r[0]: r[1:] for r in chart_data.iter_rows(values_only=True) if r[0]}
    assert cells["面接"][0] is None  # a gap, not a 0 bar
    assert cells["訪問"][0] == 180
    charts = wb["集約"]._charts  # type: ignore[attr-defined]
    assert len(charts) == 3
    for chart in charts:
        assert chart.display_blanks == "gap"
        for series in chart.series:
            assert series.val.numRef.f.startswith("'グラフ用'!"), series.val.numRef.f
