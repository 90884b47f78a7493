"""Strings typed through the Japanese IME, as Excel stores them, are read by the validator as
Excel reads them (#12).

Japanese Excel keeps the keys typed with a string: `<si><t>山田　太郎</t><rPh sb="0" eb="2">
<t>ヤマダ</t></rPh>…<phoneticPr fontId="1"/></si>`. The cell's value is the <t> (and the <t>
of its rich-text runs), never the reading in <rPh>: a table header typed through the IME must
match its column name, and a header that really differs must still be found.
"""

from __future__ import annotations

import re

import pytest
from conftest import base_world, world_rows
from engine.util import build, ime_typed, members

from . import crossparts
from .package import Package
from .schemas import require_schemas
from .validator import validate_package

NAMES = {"山田　太郎": "やまだ　たろう"}
Parts = dict[str, bytes]


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Parts:
    require_schemas()
    path = build(tmp_path_factory.mktemp("ime") / "名簿.xlsx", world_rows(base_world()))
    return members(ime_typed(path, NAMES))


def _strings(parts: Parts) -> str:
    return parts["xl/sharedStrings.xml"].decode()


def _with_strings(parts: Parts, xml: str) -> list[str]:
    return validate_package(Package.from_parts({**parts, "xl/sharedStrings.xml": xml.encode()}))


def test_a_workbook_typed_through_the_ime_has_no_findings(typed: Parts) -> None:
    sst = _strings(typed)
    # The headers and the names really carry readings (the case the validator misread).
    assert '<si><t>登録番号</t><rPh sb="0" eb="4">' in sst
    assert '<rPh sb="0" eb="2"><t>ヤマダ</t></rPh><rPh sb="3" eb="5"><t>タロウ</t></rPh>' in sst
    assert validate_package(Package.from_parts(typed)) == []


def test_the_reading_is_not_the_value(typed: Parts) -> None:
    pkg = Package.from_parts(typed)
    strings = crossparts.shared_strings(pkg)
    assert "登録番号" in strings
    assert "山田　太郎" in strings
    assert not any("ヨミ" in s or "ヤマダ" in s for s in strings)


def test_a_header_that_differs_is_still_found_under_its_reading(typed: Parts) -> None:
    sst = _strings(typed).replace("<si><t>登録番号</t>", "<si><t>登録番号X</t>", 1)
    assert any(
        "column 1 is '登録番号', header cell holds '登録番号X'" in f
        for f in _with_strings(typed, sst)
    )


def test_another_reading_of_the_same_header_is_no_finding(typed: Parts) -> None:
    sst = _strings(typed).replace(
        '<si><t>登録番号</t><rPh sb="0" eb="4"><t>ヨミ</t></rPh>',
        '<si><t>登録番号</t><rPh sb="0" eb="2"><t>トウロク</t></rPh>'
        '<rPh sb="2" eb="4"><t>バンゴウ</t></rPh>',
        1,
    )
    assert sst != _strings(typed)
    assert _with_strings(typed, sst) == []


def test_a_rich_text_header_is_read_from_its_runs(typed: Parts) -> None:
    sst = _strings(typed).replace(
        "<si><t>登録番号</t>",
        "<si><r><rPr><b/></rPr><t>登録</t></r><r><t>番号</t></r>",
        1,
    )
    assert _with_strings(typed, sst) == []


def _inline_header(parts: Parts, text: str) -> list[str]:
    """The register's first header cell as an inline string with a reading (how a program
    other than Excel may store it; Excel itself always uses the shared strings)."""
    pkg = Package.from_parts(parts)
    register = next(t for t in crossparts.tables(pkg) if t.xml.get("name") == "tRegister")
    sheet = parts[register.sheet.part].decode()
    cell = re.search(r'<c r="A1"[^>]*t="s"[^>]*><v>\d+</v></c>', sheet)
    assert cell is not None
    inline = (
        f'<c r="A1" t="inlineStr"><is><t>{text}</t><rPh sb="0" eb="2"><t>トウロク</t></rPh>'
        '<phoneticPr fontId="1"/></is></c>'
    )
    edited = sheet.replace(cell.group(0), inline).encode()
    return validate_package(Package.from_parts({**parts, register.sheet.part: edited}))


def test_an_inline_string_with_a_reading_is_read_as_excel_reads_it(typed: Parts) -> None:
    assert _inline_header(typed, "登録番号") == []
    assert any("header cell holds '登録'" in f for f in _inline_header(typed, "登録"))


SCHEMA_BREAKS = {
    "a phonetic type Excel does not have": (
        '<phoneticPr fontId="1" type="Hiragana"/>',
        '<phoneticPr fontId="1" type="romaji"/>',
        "romaji",
    ),
    "a run without its end": ('<rPh sb="0" eb="2"><t>ヤマダ', '<rPh sb="0"><t>ヤマダ', "'eb'"),
    "the properties before the runs": (
        '<t>タロウ</t></rPh><phoneticPr fontId="1" type="Hiragana"/>',
        '<t>タロウ</t></rPh><phoneticPr fontId="1" type="Hiragana"/><rPh sb="0" eb="1"><t>ヤ</t></rPh>',
        "rPh",
    ),
}


@pytest.mark.parametrize("name", SCHEMA_BREAKS)
def test_the_phonetic_parts_are_checked_against_the_schema(typed: Parts, name: str) -> None:
    old, new, word = SCHEMA_BREAKS[name]
    sst = _strings(typed)
    assert old in sst
    findings = _with_strings(typed, sst.replace(old, new, 1))
    assert any(f.startswith("xl/sharedStrings.xml:") and word in f for f in findings), findings
