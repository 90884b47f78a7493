"""整える (#13): only what is beyond doubt is rewritten, every change in 変更履歴, the doubtful
left for check; フリガナ filled from the reading the IME kept (phonetic runs, as Excel writes
them), and check warns where the two disagree."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from conftest import TODAY, invoke, row, table_rows, write_workbook
from lxml import etree  # type: ignore[import-untyped]

from hikisup_xl.core import schema
from hikisup_xl.core.tidy import tidy_value
from hikisup_xl.engine.choose import open_workbook
from hikisup_xl.engine.phonetic import reading_of, shared_readings
from hikisup_xl.jobs.ledger import check

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real-files"
REG = schema.REGISTER


# ------------------------------------------------------------------ the pure rewriting
@pytest.mark.parametrize(
    ("key", "typed", "tidied"),
    [
        ("birth", "R7.4.1", dt.date(2025, 4, 1)),
        ("birth", "令和7年4月1日", dt.date(2025, 4, 1)),
        ("birth", "昭和45年1月2日", dt.date(1970, 1, 2)),
        ("birth", " 2025/4/1 ", dt.date(2025, 4, 1)),
        ("birth", "Ｒ７．４．１", dt.date(2025, 4, 1)),
        ("phone", "０９０ー１２３４ー５６７８", "090-1234-5678"),
        ("phone", "055－223―1234", "055-223-1234"),
        ("phone", "055‐223‐1234 ", "055-223-1234"),
        ("phone", "０９０　１２３４　５６７８", "090-1234-5678"),  # spaces for hyphens
        ("postal", "〒４００ー００３１", "400-0031"),
        ("postal", "４０００００３", "4000003"),
        ("reg_no", "００１", "001"),
        ("cert_no", "Ｃ－００２", "C-002"),
        ("kana", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("kana", "やまだ　　たろう ", "やまだ　たろう"),
        ("name", "ﾔﾏﾀﾞ 太郎", "ヤマダ 太郎"),
        ("name", " 山田　太郎　", "山田　太郎"),
        ("state", "登録中 ", "登録中"),
        ("email", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        ("address", "甲府市丸の内1-1　", "甲府市丸の内1-1"),
    ],
)
def test_what_a_clerk_types_is_tidied(key: str, typed: str, tidied: object) -> None:
    found = tidy_value(REG.col(key), typed)
    assert found is not None and found[0] == tidied


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("birth", "平成31年5月1日"),  # 令和元年: which one was meant is the clerk's call
        ("birth", "S50.2.30"),  # no such day
        ("birth", "5月1日"),  # which year?
        ("birth", 45000),  # a number is not text typed as a date
        ("phone", "090-1234"),  # too short to be a number
        ("phone", "090 1234 567"),  # one digit short: not a number
        ("phone", "055-223-1234 内線12"),
        ("postal", "４００ー００３"),  # six digits
        ("kana", "山田"),  # not kana at all
        ("kana", "サトー"),  # ー is a long vowel here, never a hyphen
        ("name", "山田　太郎"),  # already tidy
        ("memo", "一行目\n二行目"),  # line breaks inside free text stay
        ("state", "登録ちゅう"),  # not one of the choices
        ("email", "taro@@example.jp"),
    ],
)
def test_what_is_in_doubt_or_already_tidy_is_left(key: str, typed: object) -> None:
    assert tidy_value(REG.col(key), typed) is None


# ------------------------------------------------------------------ phonetic runs
SI = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<si><t>山田 太郎</t>"
    '<rPh sb="0" eb="2"><t>ヤマダ</t></rPh><rPh sb="3" eb="5"><t>タロウ</t></rPh>'
    '<phoneticPr fontId="1"/></si>'
    "<si><t>佐藤花子</t></si>"
    '<si><r><t>鈴木</t></r><r><t>一郎</t></r><rPh sb="0" eb="2"><t>スズキ</t></rPh>'
    '<phoneticPr fontId="1" type="Hiragana"/></si>'
    "</sst>"
)


def test_a_reading_is_read_as_phonetic_shows_it() -> None:
    # Each run replaces what it covers; the rest shows as it is; no run: no reading.
    assert shared_readings(SI.encode()) == {0: "ヤマダ タロウ", 2: "スズキ一郎"}


def test_the_real_excel_file_with_furigana_is_read() -> None:
    path = REAL / "sheetjs__phonetic_text.xlsx"
    if not path.exists():
        pytest.skip("the corpus of real files is not on this machine")
    with zipfile.ZipFile(path) as zf:
        readings = shared_readings(zf.read("xl/sharedStrings.xml"))
    assert readings == {0: "カンジ", 1: "カンジwithColor"}


def test_a_string_without_runs_has_no_reading() -> None:
    si = etree.fromstring(
        '<si xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><t>山田</t></si>'
    )
    assert reading_of(si) is None


def with_readings(path: Path, readings: Mapping[str, str]) -> Path:
    """The workbook with the given texts moved into the shared strings with a phonetic run
    over the whole text, as Japanese Excel writes what was typed through the IME:
    `<si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="0"/></si>`."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    sst_part = "xl/sharedStrings.xml"
    sst = (
        etree.fromstring(parts[sst_part])
        if sst_part in parts
        else etree.Element(q("sst"), nsmap={None: MAIN})
    )
    index: dict[str, int] = {}
    for base, reading in readings.items():
        si = etree.SubElement(sst, q("si"))
        t = etree.SubElement(si, q("t"))
        t.text = base
        if base != base.strip():  # as Excel writes a string with spaces at an end
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        rph = etree.SubElement(si, q("rPh"), sb="0", eb=str(len(base)))
        etree.SubElement(rph, q("t")).text = reading
        etree.SubElement(si, q("phoneticPr"), fontId="0")
        index[base] = len(sst) - 1
    moved = set()
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        root = etree.fromstring(parts[name])
        for c in root.iter(q("c")):
            inline = c.find(q("is"))
            if c.get("t") != "inlineStr" or inline is None:
                continue
            text = "".join(inline.itertext())
            if text in index:
                c.remove(inline)
                c.set("t", "s")
                etree.SubElement(c, q("v")).text = str(index[text])
                moved.add(text)
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    assert moved == set(readings), set(readings) - moved
    if sst_part not in parts:
        types = (
            parts["[Content_Types].xml"]
            .decode()
            .replace(
                "</Types>",
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        )
        parts["[Content_Types].xml"] = types.encode()
        rels = (
            parts["xl/_rels/workbook.xml.rels"]
            .decode()
            .replace(
                "</Relationships>",
                '<Relationship Id="rIdPhonetic" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                "</Relationships>",
            )
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    sst.set("count", str(len(sst)))
    sst.set("uniqueCount", str(len(sst)))
    parts[sst_part] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


# ------------------------------------------------------------------ the job on a real file
def _messy(tmp_path: Path) -> Path:
    register = [
        row(REG, reg_no="００１", name="山田　太郎 ", kana=None, birth="昭和45年1月2日",
            address="甲府市", phone="０５５ー２２３ー１２３４", postal="〒４００ー００３１"),
        row(REG, reg_no="002", name="佐藤　花子", kana="ｻﾄｳ ﾊﾅｺ", birth="平成31年5月1日",
            address="甲府市", mobile="０９０ー１２３４"),
        row(REG, reg_no="003", name="鈴木　一郎", kana="やまだ　じろう", birth=dt.date(1980, 1, 1),
            address="甲府市"),
        row(REG, reg_no="004", name="高橋　一", kana="たかはし　はじめ", birth=dt.date(1981, 1, 1),
            address="甲府市"),
    ]  # fmt: skip
    trainees = [
        row(schema.TRAINEES, training_id="Ｔ２０２５－１", name="田中　三郎", kana=None,
            birth="R1.5.1", completed="令和7年3月1日"),
    ]  # fmt: skip
    trainings = [row(schema.TRAININGS, training_id="T2025-1", kind="養成研修", date="R7.2.1")]
    path = write_workbook(
        tmp_path / "管理.xlsx",
        {"register": register, "trainees": trainees, "trainings": trainings},
    )
    return with_readings(
        path,
        {
            "山田　太郎 ": "ヤマダ　タロウ",
            "鈴木　一郎": "スズキ　イチロウ",
            "高橋　一": "ﾀｶﾊｼ ﾊｼﾞﾒ",  # the same reading, in another script, width and spacing
            "田中　三郎": "タナカ　サブロウ",
        },
    )


@pytest.fixture(params=["patch", "openpyxl"])
def engine_name(request: pytest.FixtureRequest) -> Iterator[str]:
    old = os.environ.get("HIKISUP_ENGINE")
    os.environ["HIKISUP_ENGINE"] = request.param
    yield request.param
    if old is None:
        os.environ.pop("HIKISUP_ENGINE", None)
    else:
        os.environ["HIKISUP_ENGINE"] = old


def test_dry_run_lists_every_change_and_writes_nothing(tmp_path: Path) -> None:
    path = _messy(tmp_path)
    before = path.read_bytes()
    out = invoke("tidy", path, "--dry-run", "--today", TODAY.isoformat())
    assert out.exit_code == 0, out.output
    assert "確認のみ" in out.output
    assert "登録名簿 2行目「電話」：「０５５ー２２３ー１２３４」→「055-223-1234」" in out.output
    assert "登録名簿 2行目「ふりがな」：「」→「やまだ　たろう」" in out.output
    assert path.read_bytes() == before


def test_tidy_rewrites_what_is_sure_and_records_each_change(
    tmp_path: Path, engine_name: str
) -> None:
    path = _messy(tmp_path)
    out = invoke("tidy", path, "--today", TODAY.isoformat())
    assert out.exit_code == 0, out.output
    reg = table_rows(path, REG)
    yamada, sato, suzuki, _takahashi = reg
    assert yamada["reg_no"] == "001"
    assert yamada["name"] == "山田　太郎"
    assert yamada["birth"] == dt.datetime(1970, 1, 2)
    assert yamada["phone"] == "055-223-1234"
    assert yamada["postal"] == "400-0031"
    # The column is mostly hiragana: the reading goes in as hiragana.
    assert yamada["kana"] == "やまだ　たろう"
    assert sato["kana"] == "サトウ ハナコ"
    # In doubt: left as typed, for check to report.
    assert sato["birth"] == "平成31年5月1日"
    assert sato["mobile"] == "０９０ー１２３４"  # full-width, but too short to be a number
    # Both present: never overwritten, even where they disagree.
    assert suzuki["kana"] == "やまだ　じろう"
    trainee = table_rows(path, schema.TRAINEES)[0]
    assert trainee["training_id"] == "T2025-1"
    assert trainee["completed"] == dt.datetime(2025, 3, 1)
    assert trainee["kana"] == "タナカ　サブロウ"  # an empty column: katakana, as the IME kept it

    history = table_rows(path, schema.CHANGES)
    by_place = {h["reason"]: h for h in history}
    phone = by_place["整える：全角の数字・記号を半角に（登録名簿 2行目「電話」）"]
    assert (phone["reg_no"], phone["item"]) == ("001", "電話")
    assert (phone["before"], phone["after"]) == ("０５５ー２２３ー１２３４", "055-223-1234")
    trained = by_place["整える：文字の日付を日付に（受講者 2行目「修了日」）"]
    assert trained["reg_no"] is None and trained["item"] == "受講者・修了日"
    assert (trained["before"], trained["after"]) == ("令和7年3月1日", "2025-03-01")
    # One row per change, none twice (the session's own register tracking is told).
    assert len(history) == len(by_place)
    assert not [h for h in history if h["reason"] == "整える"]
    log = table_rows(path, schema.LOG)[-1]
    assert log["action"] == "整える" and "変更履歴" in str(log["count"])

    again = invoke("tidy", path, "--today", TODAY.isoformat())
    assert "整えるものはありませんでした" in again.output
    assert len(table_rows(path, schema.CHANGES)) == len(history)


def test_check_reports_what_tidy_left_and_where_readings_disagree(tmp_path: Path) -> None:
    path = _messy(tmp_path)
    invoke("tidy", path, "--today", TODAY.isoformat())
    engine = open_workbook(path)
    result = check(engine, TODAY)
    del engine  # its lock goes with it
    found = {(i.sheet, i.row, i.column, i.code) for i in result.issues}
    assert ("登録名簿", 3, "生年月日", "format.date") in found
    assert ("登録名簿", 3, "携帯電話", "format.phone") in found
    assert ("登録名簿", 4, "ふりがな", "reading.mismatch") in found
    # Tidied cells no longer draw a notation warning; agreeing readings draw nothing.
    assert not [f for f in found if f[3].startswith("notation.")]
    assert not [f for f in found if f[3] == "reading.mismatch" and f[1] != 4]


def test_a_reading_fills_a_hiragana_column_in_hiragana(tmp_path: Path) -> None:
    register = [
        row(REG, reg_no="001", name="山田　太郎", kana=None, birth=dt.date(1970, 1, 2), address="甲府市"),
        row(REG, reg_no="002", name="佐藤　花子", kana="さとう　はなこ", birth=dt.date(1980, 1, 2), address="甲府市"),
    ]  # fmt: skip
    path = write_workbook(tmp_path / "b.xlsx", {"register": register})
    with_readings(path, {"山田　太郎": "ﾔﾏﾀﾞ　ﾀﾛｳ"})  # a half-width reading, as some IMEs keep
    invoke("tidy", path, "--today", TODAY.isoformat())
    assert table_rows(path, REG)[0]["kana"] == "やまだ　たろう"


def test_a_reading_of_letters_fills_nothing(tmp_path: Path) -> None:
    register = [
        row(
            REG,
            reg_no="001",
            name="John Smith",
            kana=None,
            birth=dt.date(1970, 1, 2),
            address="甲府市",
        )
    ]
    path = write_workbook(tmp_path / "c.xlsx", {"register": register})
    with_readings(path, {"John Smith": "John Smith"})
    out = invoke("tidy", path, "--dry-run", "--today", TODAY.isoformat())
    assert "ふりがな" not in out.output


def test_the_engines_agree_on_readings(tmp_path: Path) -> None:
    path = _messy(tmp_path)
    seen = []
    for name in ("patch", "openpyxl"):
        os.environ["HIKISUP_ENGINE"] = name
        try:
            engine = open_workbook(path)
            raw = engine.read_table(REG)
            seen.append(engine.read_readings(raw, "name"))
            del engine
        finally:
            os.environ.pop("HIKISUP_ENGINE", None)
    assert seen[0] == seen[1] == {0: "ヤマダ　タロウ", 2: "スズキ　イチロウ", 3: "ﾀｶﾊｼ ﾊｼﾞﾒ"}
