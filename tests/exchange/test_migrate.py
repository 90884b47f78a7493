"""移行 (#13): an office's own list, written as offices write them, shown on 移行確認 first and
added on the second run; hostile and foreign files refused in Japanese, nothing written."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import TODAY, invoke, row, table_rows, write_workbook
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.exchange.migrate_read import find_layout, read_list

REAL = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real-files"
REG = schema.REGISTER
DAY = TODAY.isoformat()


def _book(tmp_path: Path) -> Path:
    register = [
        row(REG, reg_no="001", name="山田　太郎", kana="やまだ　たろう", birth=dt.date(1970, 1, 2),
            address="甲府市"),
    ]  # fmt: skip
    return write_workbook(tmp_path / "管理.xlsx", {"register": register})


def _titled_list(path: Path) -> Path:
    """Merged title rows, a date line, a blank line, the header, people with a blank line
    between them, 和暦 in the birth column, notes under the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "名簿"
    ws["A1"] = "ひきこもりサポーター登録者名簿"
    ws.merge_cells("A1:H1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"] = "令和7年3月31日現在"
    ws.merge_cells("A2:H2")
    ws.append([])
    ws.append(["No.", "お名前", "フリガナ", "生年月日", "〒", "住所", "TEL", "修了日"])
    ws.append(
        [
            1,
            "山田　太郎",
            "ヤマダ　タロウ",
            "昭和45年1月2日",
            "４００ー００３１",
            "甲府市丸の内1-1",
            "055-223-1234",
            "R1.6.1",
        ]
    )
    ws.append(
        [2, "佐藤　花子", "ｻﾄｳ ﾊﾅｺ", "S55.5.6", "400-0032", "甲府市", "090ー1234ー5678", None]
    )
    ws.append([])
    ws.append(
        [3, "鈴木　一郎", "すずき　いちろう", "平成31年5月1日", "4000033", "甲府市", None, None]
    )
    ws.append([4, "山田　太郎", "やまだ　たろう", "S46.3.3", None, "笛吹市", None, None])
    ws.append([None, "中村　光"])  # a person with nothing but a name is still a person
    ws.append([])
    ws.append(["※令和6年度末で辞退した方は除いています"])
    ws.append(["作成：福祉課"])
    wb.save(path)
    return path


def test_a_titled_list_is_shown_and_the_register_is_not_touched(tmp_path: Path) -> None:
    book = _book(tmp_path)
    listing = _titled_list(tmp_path / "旧名簿.xlsx")
    register_before = table_rows(book, REG)
    out = invoke("migrate", book, listing, "--today", DAY)
    assert out.exit_code == 0, out.output
    assert "見出し 4行目" in out.output
    assert table_rows(book, REG) == register_before
    review = table_rows(book, schema.MIGRATION)
    file_row = review[0]
    assert (file_row["section"], file_row["src_row"], file_row["value"]) == (
        "ファイル",
        4,
        "旧名簿.xlsx",
    )
    mapping = {r["src_header"]: r["target"] for r in review if r["section"] == "列の対応"}
    assert mapping == {
        "No.": "（取り込まない）",
        "お名前": "氏名",
        "フリガナ": "ふりがな",
        "生年月日": "生年月日",
        "〒": "郵便番号",
        "住所": "住所",
        "TEL": "電話",
        "修了日": "（備考に追記）",
    }
    people = {r["src_row"]: r for r in review if r["section"] == "取り込む行"}
    assert sorted(people) == [5, 6, 8, 9, 10]  # the blank line skipped, notes not read
    assert people[5]["note"].startswith("登録済み") and people[5]["decision"] == "追加しない"
    assert people[6]["note"].startswith("新規") and people[6]["decision"] == "追加"
    assert "生年月日：昭和55年5月6日" in people[6]["value"]
    # Same name, another birth date: the clerk decides.
    assert people[9]["note"].startswith("重複の可能性") and people[9]["decision"] is None
    bad = [r for r in review if r["section"] == "読めないセル"]
    assert [(r["src_row"], r["src_col"], r["value"]) for r in bad] == [(8, "D", "平成31年5月1日")]
    assert "令和元年5月1日" in bad[0]["note"]
    (outside,) = [r for r in review if r["section"] == "表の外"]
    assert outside["src_row"] == 12
    log = table_rows(book, schema.LOG)[-1]
    assert log["action"] == "移行（確認）"


def test_the_second_run_adds_with_the_clerks_mapping_and_decisions(tmp_path: Path) -> None:
    book = _book(tmp_path)
    listing = _titled_list(tmp_path / "旧名簿.xlsx")
    invoke("migrate", book, listing, "--today", DAY)
    # The clerk: TEL is not to be taken; row 9 is another person of the same name.
    wb = load_workbook(book)
    ws = wb["移行確認"]
    for line in ws.iter_rows(min_row=2):
        if line[0].value == "列の対応" and line[3].value == "TEL":
            line[4].value = "（取り込まない）"
        if line[0].value == "取り込む行" and line[1].value == 9:
            line[8].value = "追加"
    wb.save(book)
    out = invoke("migrate", book, listing, "--apply", "--today", DAY)
    assert out.exit_code == 0, out.output
    reg = table_rows(book, REG)
    assert [r["name"] for r in reg] == [
        "山田　太郎",
        "佐藤　花子",
        "鈴木　一郎",
        "山田　太郎",
        "中村　光",
    ]
    sato = reg[1]
    assert sato["kana"] == "サトウ ハナコ"
    assert sato["birth"] == dt.datetime(1980, 5, 6)
    assert sato["postal"] == "400-0032"
    assert sato["phone"] is None  # the clerk said not to take TEL
    assert reg[2]["birth"] == "平成31年5月1日"  # kept as typed, for check to report
    assert reg[2]["reg_no"] is None  # numbered here, by `number`
    assert reg[0]["memo"] is None  # the known person is not touched
    history = [h for h in table_rows(book, schema.CHANGES) if h["item"] == "行の追加"]
    assert [h["reason"] for h in history] == [
        "移行：旧名簿.xlsx 6行目",
        "移行：旧名簿.xlsx 8行目",
        "移行：旧名簿.xlsx 9行目",
        "移行：旧名簿.xlsx 10行目",
    ]
    results = {
        r["src_row"]: r["result"]
        for r in table_rows(book, schema.MIGRATION)
        if r["section"] == "取り込む行"
    }
    assert results[5] == "追加しませんでした"
    assert results[6].startswith("追加済み")

    again = invoke("migrate", book, listing, "--apply", "--today", DAY)
    assert "0人を追加しました" in again.output
    assert len(table_rows(book, REG)) == 5


def test_apply_without_a_review_or_for_another_file_is_refused(tmp_path: Path) -> None:
    book = _book(tmp_path)
    listing = _titled_list(tmp_path / "旧名簿.xlsx")
    before = book.read_bytes()
    out = invoke("migrate", book, listing, "--apply", "--today", DAY)
    assert out.exit_code != 0 and "--apply を付けずに実行" in out.output
    assert book.read_bytes() == before
    invoke("migrate", book, listing, "--today", DAY)
    other = tmp_path / "別の名簿.csv"
    other.write_text("氏名,生年月日\n田中　次郎,S50.1.1\n", encoding="utf-8")
    out = invoke("migrate", book, other, "--apply", "--today", DAY)
    assert "別のファイル" in out.output
    assert len(table_rows(book, REG)) == 1


def test_a_cp932_csv_with_other_headers(tmp_path: Path) -> None:
    book = _book(tmp_path)
    listing = tmp_path / "サポーター一覧.csv"
    text = (
        "サポーター一覧,,,,,,\r\n"
        ",,,,,,\r\n"
        "名前,ふりがな,誕生日,郵便番号,所在地,電話番号,携帯,登録日\r\n"
        "髙橋　美咲,たかはし　みさき,1985/7/8,400-0041,甲府市,055-222-3333,080-1111-2222,2024/4/1\r\n"
        "渡邉　健,わたなべ　けん,1990年1月2日,,甲斐市,,090-3333-4444,R6.10.1\r\n"
    )
    listing.write_bytes(text.encode("cp932"))  # 髙 and 邉: CP932's own characters
    out = invoke("migrate", book, listing, "--today", DAY)
    assert out.exit_code == 0, out.output
    invoke("migrate", book, listing, "--apply", "--today", DAY)
    takahashi, watanabe = table_rows(book, REG)[1:]
    assert takahashi["name"] == "髙橋　美咲" and takahashi["birth"] == dt.datetime(1985, 7, 8)
    assert takahashi["mobile"] == "080-1111-2222" and takahashi["phone"] == "055-222-3333"
    assert takahashi["approved"] == dt.datetime(2024, 4, 1)
    assert watanabe["approved"] == dt.datetime(2024, 10, 1)
    assert watanabe["address"] == "甲斐市"


def test_a_utf8_csv_with_a_bom_and_split_names(tmp_path: Path) -> None:
    book = _book(tmp_path)
    listing = tmp_path / "名簿.csv"
    listing.write_text(
        "姓,名,セイ,メイ,生年月日,住所1,住所2\n"
        "伊藤,真一,いとう,しんいち,S60.1.1,甲府市,丸の内1-1\n",
        encoding="utf-8-sig",
    )
    invoke("migrate", book, listing, "--today", DAY)
    invoke("migrate", book, listing, "--apply", "--today", DAY)
    ito = table_rows(book, REG)[1]
    assert (ito["name"], ito["kana"]) == ("伊藤　真一", "いとう　しんいち")
    assert ito["address"] == "甲府市 丸の内1-1"
    assert ito["birth"] == dt.datetime(1985, 1, 1)


def test_excel_dates_serials_and_era_formats(tmp_path: Path) -> None:
    book = _book(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["氏名", "生年月日", "登録日", "修了日"])
    ws.append(["小林　誠", dt.datetime(1975, 6, 7), 45383, "令和6年4月1日"])
    ws["B2"].number_format = '[$-411]ggge"年"m"月"d"日"'  # a 和暦 display: a serial to calamine
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    invoke("migrate", book, path, "--today", DAY)
    invoke("migrate", book, path, "--apply", "--today", DAY)
    kobayashi = table_rows(book, REG)[1]
    assert kobayashi["birth"] == dt.datetime(1975, 6, 7)
    assert kobayashi["approved"] == dt.datetime(2024, 4, 1)  # serial 45383
    assert kobayashi["memo"] == "修了日：令和6年4月1日"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_list_saved_by_libreoffice(tmp_path: Path) -> None:
    source = _titled_list(tmp_path / "src.xlsx")
    ods = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "ods", "--outdir", str(ods), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "x"),
         str(ods / "src.ods")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    listing = read_list(tmp_path / "x" / "src.xlsx")
    layout = find_layout(listing.rows)
    assert layout is not None and layout.header_row == 4
    assert layout.data_rows == [5, 6, 8, 9, 10] and layout.notes_from == 12


def test_no_header_row_is_refused_and_nothing_written(tmp_path: Path) -> None:
    book = _book(tmp_path)
    listing = tmp_path / "数字.csv"
    listing.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    before = book.read_bytes()
    out = invoke("migrate", book, listing, "--today", DAY)
    assert out.exit_code != 0 and "見出しの行が見つかりません" in out.output
    assert book.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls 形式"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "パスワード"),
        ("binary.csv", b"PK\x03\x04\x00\x00\x00\x00binary", "CSV"),
        ("latin.csv", "氏名,生年月日\n".encode("utf-16"), "CSV"),
        ("notes.txt", "氏名\n".encode(), ".xlsx か .csv"),
        ("empty.xlsx", b"", "Excelブック"),
    ],
)
def test_a_foreign_or_hostile_file_is_refused_in_japanese(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    book = _book(tmp_path)
    listing = tmp_path / name
    listing.write_bytes(data)
    before = book.read_bytes()
    out = invoke("migrate", book, listing, "--today", DAY)
    assert out.exit_code != 0 and reason in out.output, out.output
    assert book.read_bytes() == before


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    import zipfile

    listing = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(listing, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (120 * 1024 * 1024))
    with pytest.raises(HikisupError, match="異常に大きく"):
        read_list(listing)


def _corpus() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(
        p for p in REAL.iterdir() if p.suffix.lower() in (".xlsx", ".csv", ".xls", ".xlsm")
    )


@pytest.mark.skipif(not _corpus(), reason="the corpus of real files is not on this machine")
def test_every_real_file_is_read_or_refused_in_japanese() -> None:
    read = refused = 0
    for path in _corpus():
        try:
            listing = read_list(path)
        except HikisupError as exc:
            assert path.name in str(exc) or "見つかりません" in str(exc), (path, exc)
            assert any("\u3040" <= ch <= "\u30ff" for ch in str(exc)), (path, exc)
            refused += 1
            continue
        find_layout(listing.rows)  # never raises: a list without a header is just None
        read += 1
    assert read > 50 and refused > 20  # Excel-, LibreOffice- and library-made; broken ones
