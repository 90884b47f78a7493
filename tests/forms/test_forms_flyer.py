"""資料2 both sides as one PDF (#13): the flyer's front from a 研修 row, its 研修内容 and 設定,
then the 参加申込書; and the refusals a clerk meets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import write_workbook
from forms_helpers import SETTINGS, TODAY, need_pdf_tools, page_count, pdf_pages, squeeze, world
from openpyxl import load_workbook

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.forms import flyer
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.kinds import find_kind
from hikisup_xl.forms.pdf import LibreOfficeConverter
from hikisup_xl.forms.records import Context, Training
from hikisup_xl.forms.select import Selection

D = dt.date


def _book(tmp_path: Path, **rows: list[tuple[object, ...]]) -> Path:
    data = world()
    data.update(rows)
    return write_workbook(tmp_path / "管理.xlsx", data, SETTINGS)


def _training(**values: object) -> tuple[object, ...]:
    base: dict[str, object] = {"training_id": "T20", "kind": "養成研修", "date": D(2027, 1, 16)}
    base.update(values)
    return schema.TRAININGS.row(**base)


def _run(book: Path, *ids: str, blank: bool = False) -> tuple[Path, list[str]]:
    out = book.with_name("チラシ.xlsx")
    result = forms(FileEngine(book), TODAY, "flyer", Selection(ids, blank=blank), out, False)
    return out, result.lines


def test_the_names_a_clerk_types_find_the_flyer_and_shiryo2_stays_the_application() -> None:
    for word in ("研修チラシ", "チラシ", "flyer", "ＦＬＹＥＲ", "chirashi"):
        assert find_kind(word).key == "flyer"
    assert find_kind("資料2").key == "application"  # as before the flyer existed


def test_front_then_back_for_each_training_in_one_file(tmp_path: Path) -> None:
    book = _book(tmp_path)
    out, lines = _run(book, "T9")
    assert load_workbook(out).sheetnames == ["研修チラシ_T9", "参加申込書_T9"]
    assert lines[0].startswith("研修チラシを2枚作成しました")
    assert not any("注意" in line for line in lines)  # T9 has its timetable


def test_without_ids_the_next_training_courses_are_made(tmp_path: Path) -> None:
    """By default: every 養成研修 still to come (T1 is over, F1 is a 継続研修)."""
    book = _book(tmp_path)
    out, _ = _run(book)
    assert load_workbook(out).sheetnames == ["研修チラシ_T9", "参加申込書_T9"]


def test_a_blank_flyer_is_both_sides_blank(tmp_path: Path) -> None:
    out, lines = _run(_book(tmp_path), blank=True)
    assert load_workbook(out).sheetnames == ["研修チラシ_空欄", "参加申込書_空欄"]
    assert lines[0].startswith("研修チラシを2枚作成しました")


@pytest.mark.parametrize(
    ("ids", "words"),
    [
        (("T99",), "T99"),  # no such 研修 row: named
        (("F1",), "継続研修"),  # a follow-up session has its own invitation
        (("T1",), "基準日より前に終わっています"),  # held already
    ],
)
def test_refusals_name_the_row_and_write_nothing(
    tmp_path: Path, ids: tuple[str, ...], words: str
) -> None:
    book = _book(tmp_path)
    before = book.read_bytes()
    with pytest.raises(HikisupError, match=words) as caught:
        _run(book, *ids)
    assert "何も作成していません" in str(caught.value)
    assert not book.with_name("チラシ.xlsx").exists()
    assert book.read_bytes() == before


def test_no_training_to_come_is_refused_plainly(tmp_path: Path) -> None:
    data = world()
    data["trainings"] = [r for r in data["trainings"] if r[0] != "T9"]
    book = write_workbook(tmp_path / "管理.xlsx", data, SETTINGS)
    with pytest.raises(HikisupError, match="これから開く養成研修が研修シートにありません"):
        _run(book)


def test_a_kind_left_blank_is_not_taken_for_a_training_course(tmp_path: Path) -> None:
    book = _book(tmp_path, trainings=[_training(kind=None)])
    with pytest.raises(HikisupError, match="種別が空欄"):
        _run(book, "T20")


def test_an_empty_timetable_prints_the_training_content_or_empty_rows_and_says_so(
    tmp_path: Path,
) -> None:
    book = _book(
        tmp_path,
        trainings=[_training(), _training(training_id="T21", content="ひきこもりの概要と支援")],
        program=[],
    )
    out, lines = _run(book, "T20", "T21")
    notes = [line for line in lines if line.startswith("注意")]
    assert notes == [
        "注意：研修内容シートに研修T20の行がないため、チラシの「内容」は空欄の枠にしました。",
        "注意：研修内容シートに研修T21の行がないため、チラシの「内容」は研修シートの内容を1行で印字しました。",
    ]
    ws = load_workbook(out)["研修チラシ_T21"]
    assert "ひきこもりの概要と支援" in [c.value for row in ws.iter_rows() for c in row]


def test_the_timetable_prints_in_time_order_and_only_its_own_rows() -> None:
    from conftest import book_of
    from forms_helpers import world_dicts

    from hikisup_xl.forms.select import program

    book = book_of(world_dicts(), TODAY, SETTINGS)
    assert [i.content for i in program(book, "T9")] == [
        "講義「ひきこもりの理解と支援」",
        "演習「サポーターとしての関わり方」（グループワーク）",
    ]


# -- the words themselves -------------------------------------------------------------------
CTX = Context(SETTINGS, TODAY)


def _front(**values: object) -> str:
    base: dict[str, object] = dict(
        training_id="T1",
        kind="養成研修",
        title=None,
        date=D(2026, 1, 1),
        start=None,
        end=None,
        venue=None,
        content=None,
        deadline=None,
    )
    base.update(values)
    return squeeze("".join(flyer.sheet(Training(**base), (), CTX).texts()))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "shown"),
    [  # calendar facts, not the code's arithmetic
        (D(2026, 1, 1), "令和8年1月1日（木）"),
        (D(2019, 5, 1), "令和元年5月1日（水）"),
        (D(2027, 7, 10), "令和9年7月10日（土）"),
        (D(2024, 2, 29), "令和6年2月29日（木）"),
    ],
)
def test_the_date_carries_its_weekday(day: dt.date, shown: str) -> None:
    assert shown in _front(date=day)


def test_the_fiscal_year_of_a_january_course_is_the_year_before() -> None:
    assert _front(date=D(2027, 1, 16)).startswith("令和8年度")
    assert _front(date=D(2019, 5, 1)).startswith("令和元年度")


def test_times_and_reception_in_the_seeds_words() -> None:
    text = _front(start=dt.time(9, 30), end=dt.time(12, 0), reception=dt.time(9, 15))
    assert "9時30分～12時00分（受付：9時15分～）" in text
    assert "（受付：13時～）" in _front(reception=dt.time(13, 0))


def test_audience_typed_on_two_lines_replaces_the_seeds_examples() -> None:
    text = _front(audience="民生委員・児童委員\n地域包括支援センター職員")
    assert "・民生委員・児童委員・地域包括支援センター職員" in text
    assert "支援に関心のある方" not in text


def test_the_extension_is_left_out_when_the_setting_is_blank() -> None:
    bare = Context(dataclasses.replace(SETTINGS, extension=""), TODAY)
    t = Training("T1", "養成研修", None, D(2026, 1, 1), None, None, None, None, None)
    text = squeeze("".join(flyer.sheet(t, (), bare).texts()))
    assert "電話055-237-1161FAX" in text and "内線" not in text


def test_an_extension_typed_as_a_number_reads_as_text() -> None:
    from hikisup_xl.core.settings import settings_from_rows

    assert settings_from_rows([("内線", 1234.0)]).extension == "1234"


# -- printed by LibreOffice -----------------------------------------------------------------
def test_both_sides_print_as_one_pdf_with_no_line_starting_with_a_closing_mark(
    tmp_path: Path,
) -> None:
    soffice = need_pdf_tools()
    long_venue = "甲府市総合市民会館　3階　芸術ホール（駐車場に限りがありますので、公共交通機関でお越しください。）"
    book = _book(
        tmp_path,
        trainings=[
            _training(
                title="令和8年度ひきこもりサポーター養成研修（基礎編）",
                start=dt.time(13, 30),
                end=dt.time(16, 30),
                reception=dt.time(13, 0),
                venue=long_venue,
                deadline=D(2027, 1, 6),
            )
        ],
        program=[
            schema.PROGRAM.row(
                training_id="T20",
                start=dt.time(13, 30),
                end=dt.time(15, 0),
                content="講義「ひきこもりの理解」、「家族の思い」、「支援機関の役割」について、"
                "当事者・家族の声を交えてお話しします（講師：精神保健福祉士）。",
            )
        ],
    )
    out, _ = _run(book, "T20")
    pdf = out.with_suffix(".pdf")
    LibreOfficeConverter(soffice).convert([(out, pdf)])
    assert page_count(pdf) == 2
    front, back = pdf_pages(pdf, "-layout")
    for words in (
        "令和8年度",
        "令和9年1月16日（土）",
        "13時30分～16時30分（受付：13時～）",
        "（※研修修了者には修了証を発行いたします。）",
        "＊参加希望の方は、1月6日（水）までにFAXまたは郵送（裏面申込書）でお申し込みください。",
        "電話055-237-1161（内線1234）",
    ):
        assert squeeze(words) in squeeze(front), words
    assert "参加申込書" in back and "申込〆切日：令和9年1月6日（水）" in squeeze(back)
    for page in (front, back):
        starts = [ln.strip()[0] for ln in page.splitlines() if ln.strip()]
        assert not [c for c in starts if c in "、。，．）」』)"], starts
