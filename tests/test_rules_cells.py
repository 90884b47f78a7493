"""Per-kind cell parsing: each bad cell becomes one issue that says where it is."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import base_world, book_of

from hikisup_xl.core import schema
from hikisup_xl.core.issues import ERROR, WARNING, Issue

# (table, column key, typed value, code, severity, value the column parses to)
BAD_CELLS = [
    ("register", "address", None, "required", ERROR, None),
    ("register", "address", "   ", "required", ERROR, None),
    ("register", "birth", "平成31年5月1日", "format.date", ERROR, None),
    ("register", "birth", "2025/2/30", "format.date", ERROR, None),
    ("reports", "end", "25:00", "format.time", ERROR, None),
    ("reports", "start", "朝", "format.time", ERROR, None),
    ("register", "sex", "おとこ", "format.choice", ERROR, None),
    ("reports", "kind", "電話", "format.choice", ERROR, None),
    ("register", "postal", "400-003", "format.postal", ERROR, None),
    ("register", "postal", "４００－００３１", "notation.postal", WARNING, "400-0031"),
    ("register", "phone", "12345", "format.phone", ERROR, None),
    ("register", "phone", 552231234, "format.phone", ERROR, None),
    (
        "register",
        "mobile",
        "０９０－１２３４－５６７８",
        "notation.phone",
        WARNING,
        "090-1234-5678",
    ),
    ("register", "email", "taro@@example", "format.email", ERROR, None),
    ("register", "email", "taro＠example.jp", "notation.email", WARNING, "taro@example.jp"),
    ("register", "kana", "山田", "format.kana", ERROR, None),
    ("register", "kana", "ﾔﾏﾀﾞ ﾀﾛｳ", "notation.kana", WARNING, "ヤマダ タロウ"),
    ("register", "name", "ﾔﾏﾀﾞ　ﾀﾛｳ", "notation.text", WARNING, "ﾔﾏﾀﾞ　ﾀﾛｳ"),
]


def _parse_one(table: str, key: str, value: object) -> tuple[list[Issue], object]:
    world = base_world()
    world[table][0][key] = value
    book = book_of(world)
    return book.parse_issues, book[table][key][0]


@pytest.mark.parametrize(
    ("table", "key", "value", "code", "severity", "parsed"),
    BAD_CELLS,
    ids=[f"{t}.{k}={v!r}" for t, k, v, *_ in BAD_CELLS],
)
def test_bad_cell_gives_one_located_issue(
    table: str, key: str, value: object, code: str, severity: str, parsed: object
) -> None:
    issues, got = _parse_one(table, key, value)
    spec = schema.BY_KEY[table]
    assert len(issues) == 1, issues
    issue = issues[0]
    assert issue.code == code
    assert issue.severity == severity
    assert issue.sheet == spec.sheet
    assert issue.row == 2
    assert issue.column == spec.col(key).header
    letter = chr(ord("A") + spec.columns.index(spec.col(key)))
    assert issue.cell == f"{letter}2"
    assert issue.message  # Japanese text for the clerk
    assert got == parsed


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [("S55.3.1", dt.date(1980, 3, 1)), ("令和元年5月1日", dt.date(2019, 5, 1))],
)
def test_a_text_date_that_parses_is_accepted_silently(typed: str, parsed: dt.date) -> None:
    """The README invites 和暦 typed as text: it is not a mistake (#11)."""
    issues, got = _parse_one("register", "birth", typed)
    assert (issues, got) == ([], parsed)


def test_impossible_era_date_is_an_error_suggesting_reiwa() -> None:
    issues, _ = _parse_one("register", "birth", "平成31年5月1日")
    assert issues[0].severity == ERROR
    assert "令和元年5月1日" in issues[0].message


def test_leading_zero_lost_phone_is_explained() -> None:
    issues, _ = _parse_one("register", "phone", 552231234)
    assert "先頭の0" in issues[0].message
    assert issues[0].value == "552231234"


@pytest.mark.parametrize(
    ("table", "key", "value", "parsed"),
    [
        ("register", "birth", dt.datetime(1980, 5, 1), dt.date(1980, 5, 1)),
        ("register", "birth", 29342, dt.date(1980, 5, 1)),  # Excel serial number
        ("register", "birth", 29342.0, dt.date(1980, 5, 1)),
        ("reports", "start", "9:30", dt.time(9, 30)),
        ("reports", "start", 0.4375, dt.time(10, 30)),  # Excel time fraction
        ("reports", "start", "午後1時", dt.time(13, 0)),
        ("register", "postal", "〒400-0031", "400-0031"),
        ("register", "postal", "4000031", "400-0031"),
        ("register", "phone", "0552231234", "055-223-1234"),
        ("register", "phone", "055-223-1234", "055-223-1234"),
        ("register", "email", "taro.yamada@example.jp", "taro.yamada@example.jp"),
        ("register", "kana", "ヤマダ　タロウ", "ヤマダ タロウ"),  # NFKC folds the 全角 space
        ("register", "sex", "女", "女"),
    ],
)
def test_good_cell_parses_without_issue(
    table: str, key: str, value: object, parsed: object
) -> None:
    issues, got = _parse_one(table, key, value)
    assert issues == []
    assert got == parsed


def test_issue_rows_follow_the_sheet_rows() -> None:
    world = base_world()
    second = dict(world["register"][0], reg_no="002", postal="12")
    world["register"].append(second)
    issues = book_of(world).parse_issues
    assert [(i.code, i.row, i.cell) for i in issues] == [("format.postal", 3, "F3")]


def test_optional_blank_cells_are_not_issues() -> None:
    world = base_world()
    for key in ("sex", "postal", "phone", "email", "memo"):
        world["register"][0][key] = None
    assert book_of(world).parse_issues == []
