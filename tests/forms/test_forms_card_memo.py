"""The internal 備考 never reaches a supporter (#11 item 11): the card prints its own column."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import world_rows, write_workbook
from forms_helpers import SETTINGS, TODAY, world_dicts
from openpyxl import load_workbook

from hikisup_xl.engine.files import FileEngine
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.select import Selection

SENTINEL = "内部メモ・当事者C0001の家族が拒否的"
CARD_TEXT = "研修講師としても活動"
# Every form handed to (or filled in by) a supporter, with a selection that prints 002.
HANDED_OVER = (
    ("登録証", ("002",)),
    ("更新案内", ("002",)),
    ("研修案内", ("F1", "002")),
    ("登録申込書", ("002",)),
    ("同意書", ("002",)),
)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    w = world_dicts()
    for r in w["register"]:
        r["memo"] = SENTINEL
    w["register"][1]["card_memo"] = CARD_TEXT
    return write_workbook(tmp_path / "管理.xlsx", world_rows(w), SETTINGS)


def everything_in(path: Path) -> str:
    """The text and attributes of every XML part, entities resolved: a comment or name counts."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            for element in ElementTree.fromstring(z.read(name)).iter():
                out += [element.text or "", element.tail or "", *element.attrib.values()]
    return "".join(out)


@pytest.mark.parametrize(("kind", "ids"), HANDED_OVER)
def test_internal_memo_is_printed_on_nothing_handed_to_a_supporter(
    book: Path, kind: str, ids: tuple[str, ...]
) -> None:
    out = book.with_name(f"{kind}.xlsx")
    forms(FileEngine(book), TODAY, kind, Selection(ids), out, False)
    assert SENTINEL not in everything_in(out)


def test_the_card_prints_its_own_memo_in_the_memo_box(book: Path) -> None:
    out = book.with_name("card.xlsx")
    forms(FileEngine(book), TODAY, "登録証", Selection(("002", "001")), out, False)
    wb = load_workbook(out)
    two, one = wb.worksheets

    def after_label(ws: object) -> list[object]:
        cells = [c for row in ws.iter_rows() for c in row]  # type: ignore[attr-defined]
        at = next(i for i, c in enumerate(cells) if c.value == "備考")
        return [c.value for c in cells[at + 1 :] if c.value][:1]

    assert after_label(two) == [CARD_TEXT]
    assert all(v != CARD_TEXT for row in one.iter_rows(values_only=True) for v in row)


def test_the_register_has_the_card_column_beside_the_internal_one() -> None:
    from hikisup_xl.core.schema import REGISTER

    headers = REGISTER.headers
    assert headers.index("登録証に印字する備考") == headers.index("備考") + 1
