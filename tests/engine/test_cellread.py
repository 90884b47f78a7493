"""The XML reader (engine/cellread.py) that takes over from calamine for a far cell or a value
calamine cannot take must read every table exactly as the calamine path does, on workbooks
written by openpyxl and stored the way Excel stores them (shared strings, furigana runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine import patch
from hikisup_xl.engine.calread import dense_enough
from hikisup_xl.engine.cellread import shared_strings

from .util import build, excel_like


def _tables(path: Path) -> dict[str, object]:
    engine = patch.PatchEngine(path)
    out: dict[str, object] = {}
    for spec in schema.TABLES:
        try:
            raw = engine.read_table(spec)
        except HikisupError:
            continue
        out[spec.table] = (raw.headers, raw.rows, raw.row_numbers)
    return out


@pytest.mark.parametrize("store", ["openpyxl", "excel"])
def test_both_readers_give_the_same_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    path = build(tmp_path / "d.xlsx", generate(TODAY), settings=DEMO_SETTINGS)
    if store == "excel":
        excel_like(path)
    fast = _tables(path)
    monkeypatch.setattr(patch, "dense_enough", lambda data: False)
    slow = _tables(path)
    assert set(fast) == set(slow) and len(fast) > 10
    for table, value in fast.items():
        assert slow[table] == value, table


def test_phonetic_runs_are_not_part_of_the_text() -> None:
    sst = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<si><t>\xe5\xb1\xb1\xe7\x94\xb0</t><rPh sb="0" eb="2"><t>\xe3\x83\xa4\xe3\x83\x9e\xe3\x83\x80</t></rPh>'
        b'<phoneticPr fontId="1"/></si>'
        b"<si><r><t>\xe5\xb1\xb1</t></r><r><rPr><b/></rPr><t>\xe7\x94\xb0</t></r>"
        b'<rPh sb="0" eb="1"><t>\xe3\x83\xa4\xe3\x83\x9e</t></rPh></si>'
        b"</sst>"
    )
    assert shared_strings(sst) == ["山田", "山田"]


def test_a_far_cell_is_not_dense_enough_but_a_register_is(tmp_path: Path) -> None:
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    assert dense_enough(b"<sheetData>" + row * 10 + b"</sheetData>")
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    assert not dense_enough(b"<sheetData>" + row + far + b"</sheetData>")
    down = b'<row r="1048576"><c r="AB1048576"><v>1</v></c></row>'
    assert not dense_enough(b"<sheetData>" + row + down + b"</sheetData>")
    path = excel_like(build(tmp_path / "b.xlsx", world_rows(base_world())))
    assert patch.PatchEngine(path).read_table(schema.REGISTER).rows
