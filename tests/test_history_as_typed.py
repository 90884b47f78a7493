"""The history snapshot keeps phone numbers as typed, and finds exactly the changes it found
when it kept them typed through phonenumbers (#14: every job paid that typing in finish()).

Three things make the two equivalent, each tested here: the typed value follows from the kept
text (typed_text(cell_text(c)) is what the column's own typing gives); a typed value types to
itself (so a snapshot written before, holding typed values, compares the same); and a workbook
whose snapshot was written the old way gets no 変更履歴 row it would not have got before.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import phonenumbers
import pytest
from conftest import TODAY, base_world, invoke, table_rows, world_rows, write_workbook
from openpyxl import load_workbook

from hikisup_xl.core import schema, text
from hikisup_xl.core.history import AS_TYPED, cell_text, typed_text
from hikisup_xl.core.table import ParsedTable, RawTable, parse_table
from hikisup_xl.engine.files import save_atomic
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.session import Session

DAY = TODAY.isoformat()

# Cells a clerk types in 電話/携帯電話: canonical, full-width, brackets, spaces, no hyphens,
# free dial regrouped by phonenumbers, a lost leading 0, an extension, foreign, nonsense, blank.
CELLS: list[object] = [
    "055-223-1234",
    "０９０－１２３４－５６７８",
    "03(1234)5678",
    " 055 223 1234 ",
    "0552231234",
    "0120-12-3456",
    "09012345678",
    "+81 90 1234 5678",
    "055-223-1234 内線12",
    "+1 202 555 0100",
    "abc",
    "123",
    "",
    "   ",
    "\u3000",
    None,
    552231234,
    552231234.0,
    True,
    dt.datetime(2026, 1, 2),
    "０３ー１２３４ー５６７８",
    "0３-1234-5678",
]


def _register(cells: list[object]) -> ParsedTable:
    """A register whose 電話 column holds `cells`."""
    headers = [c.header for c in schema.REGISTER.columns]
    at = headers.index(schema.REGISTER.col("phone").header)
    rows = [tuple(c if k == at else None for k in range(len(headers))) for c in cells]
    raw = RawTable(schema.REGISTER, headers, rows, list(range(2, len(rows) + 2)), [""] * len(rows))
    return parse_table(raw)


def _typed_by_column(cells: list[object]) -> list[object]:
    """What the register's own typing (ParsedTable) gives each cell of the 電話 column."""
    return _register(cells)["phone"]


def test_one_cell_typed_alone_is_typed_as_its_column_types_it() -> None:
    # expiries types only the phone numbers it lists in 期限一覧 (ParsedTable.value_at)
    alone = _register(CELLS)
    one_by_one = [alone.value_at("phone", i) for i in range(len(CELLS))]
    assert "phone" not in alone.values  # the column itself was never typed
    assert one_by_one == _typed_by_column(CELLS)
    assert one_by_one[CELLS.index("0120-12-3456")] == "0120-123-456"


def test_only_the_phone_columns_are_kept_as_typed() -> None:
    assert {"phone", "mobile"} == AS_TYPED
    assert all(schema.REGISTER.col(k).kind is schema.Kind.PHONE for k in AS_TYPED)


def test_the_typed_value_follows_from_the_kept_text() -> None:
    for cell, typed in zip(CELLS, _typed_by_column(CELLS), strict=True):
        assert typed_text("phone", cell_text(cell)) == ("" if typed is None else typed), cell
    # and the cases that matter are really there: a regrouped, a refused and a numeric cell
    assert typed_text("phone", cell_text("0120-12-3456")) == "0120-123-456"
    assert typed_text("phone", cell_text("055-223-1234 内線12")) == ""
    assert cell_text(552231234) == "" and typed_text("phone", "552231234") != ""


def _valid_numbers() -> list[str]:
    """Typed phone numbers of every kind phonenumbers knows for Japan, plus random valid ones."""
    out = []
    for kind in range(12):
        example = phonenumbers.example_number_for_type("JP", kind)
        if example is not None:
            out.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL))
    rng = random.Random(14)
    for _ in range(4000):
        digits = "0" + "".join(rng.choice("0123456789") for _ in range(rng.choice((8, 9, 10))))
        typed = text.normalize_phone(digits)
        if typed is not None:
            out.append(typed)
    return out


def test_a_typed_value_types_to_itself() -> None:
    # A snapshot written before this change holds typed values; kept as text they must type
    # back to themselves, or the next job would see a change nobody made.
    numbers = _valid_numbers()
    assert len(numbers) > 500
    prefixes = {n.split("-")[0] for n in numbers}
    assert {"090", "080", "070", "050", "0120", "03"} <= prefixes
    for typed in numbers:
        assert typed_text("phone", typed) == typed
        assert typed_text("mobile", typed) == typed


def _phone_world() -> dict[str, list[tuple[object, ...]]]:
    w = base_world()
    first = w["register"][0]
    first["phone"] = "0552231234"  # typed without hyphens
    first["mobile"] = "０９０－１２３４－５６７８"  # full width
    for k, (phone, mobile) in enumerate(
        [
            ("03(1234)5678", "0120-12-3456"),
            ("055-223-1234 内線12", 552231234),  # refused, and a lost leading 0
            (" 055 223 1234 ", "abc"),
        ],
        start=2,
    ):
        w["register"].append(
            {
                **first,
                "reg_no": f"00{k}",
                "name": f"架空　{k}郎",
                "cert_no": None,
                "phone": phone,
                "mobile": mobile,
            }
        )
    return world_rows(w)


def _snapshot(path: Path) -> dict[str, dict[str, str]]:
    ws = load_workbook(path)[schema.SNAPSHOT_SHEET]
    return {str(r[0]): json.loads(r[1]) for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}


def _write_old_snapshot(path: Path) -> None:
    """The snapshot as the code before this change wrote it: every tracked field typed."""
    engine = PatchEngine(path)
    session = Session(engine, TODAY)
    reg = session.book["register"]
    old = {}
    for i in range(len(reg)):
        fields = {}
        for key in schema.TRACKED_FIELDS:
            value = reg[key][i]
            if isinstance(value, dt.date):
                value = value.isoformat()
            fields[key] = "" if value is None else str(value)
        old[str(reg["reg_no"][i])] = fields
    rows = [(no, json.dumps(f, ensure_ascii=False, sort_keys=True)) for no, f in old.items()]
    engine.write_snapshot(rows)
    engine.save()


def _fill(path: Path, row: int, header: str, value: object) -> None:
    wb = load_workbook(path)
    ws = wb["登録名簿"]
    col = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=col, value=value)
    save_atomic(wb, path, keep_backup=False)


def _auto_changes(path: Path) -> list[tuple[object, ...]]:
    return [
        (c["reg_no"], c["item"], c["before"], c["after"])
        for c in table_rows(path, schema.CHANGES)
        if c["source"] == "自動検出"
    ]


@pytest.mark.parametrize("verb", ["number", "expiries", "check"])
def test_an_old_snapshot_gives_no_spurious_change(tmp_path: Path, verb: str) -> None:
    path = write_workbook(tmp_path / "p.xlsx", _phone_world())
    assert invoke("number", path, "--today", DAY).exit_code == 0
    _write_old_snapshot(path)
    old = _snapshot(path)
    assert old["001"]["phone"] == "055-223-1234" and old["001"]["mobile"] == "090-1234-5678"
    assert old["003"]["phone"] == "" and old["003"]["mobile"] == ""
    before = _auto_changes(path)

    assert invoke(verb, path, "--today", DAY).exit_code in (0, 1)
    assert _auto_changes(path) == before  # nothing typed differently, nothing recorded
    kept = _snapshot(path)
    assert kept["001"]["phone"] == "0552231234"  # now kept as typed
    assert kept["003"]["mobile"] == ""  # a number: nothing to keep
    assert invoke(verb, path, "--today", DAY).exit_code in (0, 1)
    assert _auto_changes(path) == before


def test_a_real_change_is_recorded_typed_and_a_reformatting_is_not(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "p.xlsx", _phone_world())
    assert invoke("number", path, "--today", DAY).exit_code == 0
    before = _auto_changes(path)
    _fill(path, 2, "電話", "055-223-1234")  # was 0552231234: the same number
    _fill(path, 2, "携帯電話", "090 9999 8888")  # a new number, typed with spaces
    _fill(path, 3, "電話", "not a number")  # was 03(1234)5678: now refused
    _fill(path, 4, "電話", "abc")  # refused before, refused now
    assert invoke("number", path, "--today", DAY).exit_code == 0
    assert _auto_changes(path)[len(before) :] == [
        ("001", "携帯電話", "090-1234-5678", "090-9999-8888"),
        ("002", "電話", "03-1234-5678", None),  # "" is written as a blank cell
    ]
    assert invoke("number", path, "--today", DAY).exit_code == 0
    assert len(_auto_changes(path)) == len(before) + 2  # recorded once
