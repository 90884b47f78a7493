"""Shared fixtures and helpers: inline rows → Book (fast rule tests) or a real .xlsx file."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from hikisup_xl.cli import main
from hikisup_xl.core import schema
from hikisup_xl.core.book import Book, load_book
from hikisup_xl.core.schema import TableSpec
from hikisup_xl.core.settings import Settings
from hikisup_xl.core.table import RawTable
from hikisup_xl.engine.files import save_atomic
from hikisup_xl.template import build_workbook

# Hypothesis imports libcst to print a failing example, and libcst touches the deprecated
# mypy_extensions.TypedDict: under -W error that turns every hypothesis failure into a pytest
# INTERNALERROR that hides the example. Import it once here, quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import libcst.metadata  # noqa: F401

TODAY = dt.date(2026, 11, 26)

Rows = Sequence[Sequence[object]]


@pytest.fixture(autouse=True, scope="session")
def _hikisup_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """LibreOffice's warm profile is cached for the session, never in the real user cache."""
    cache = tmp_path_factory.mktemp("hikisup_cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HIKISUP_CACHE", str(cache))
        yield cache


@pytest.fixture(autouse=True)
def _hikisup_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test logs into its own directory, never into the real home."""
    home = tmp_path_factory.mktemp("hikisup_home")
    monkeypatch.setenv("HIKISUP_HOME", str(home))
    return home


@pytest.fixture
def collect_garbage() -> Iterator[None]:
    """Collect after the test, so a file left open is blamed on this test, not a later one."""
    yield
    gc.collect()


def row(spec: TableSpec, **values: object) -> tuple[object, ...]:
    """One data row in `spec` column order, from column keys; unknown keys are a test bug."""
    unknown = set(values) - {c.key for c in spec.columns}
    if unknown:
        raise KeyError(f"{spec.key} has no column {sorted(unknown)}")
    return tuple(values.get(c.key) for c in spec.columns)


def raw_table(spec: TableSpec, rows: Rows = ()) -> RawTable:
    """What an engine would read from a table at A1 with the given data rows."""
    return RawTable(
        spec,
        list(spec.headers),
        [tuple(r) for r in rows],
        row_numbers=list(range(2, 2 + len(rows))),
        col_letters=[get_column_letter(i) for i in range(1, len(spec.columns) + 1)],
    )


def make_book(today: dt.date = TODAY, settings: Settings | None = None, **tables: Rows) -> Book:
    """A Book typed from inline rows (by table key); every other table is empty."""
    unknown = set(tables) - set(schema.BY_KEY)
    if unknown:
        raise KeyError(f"no table {sorted(unknown)}")

    def read(spec: TableSpec) -> RawTable:
        return raw_table(spec, tables.get(spec.key, ()))

    return load_book(read, settings or Settings(), today)


def write_workbook(
    path: Path,
    rows: Mapping[str, Rows] | None = None,
    settings: Settings | None = None,
) -> Path:
    """A real hikisup .xlsx at `path`, built by the template builder from inline rows."""
    wb = build_workbook(settings or Settings(), rows or {})
    save_atomic(wb, path, keep_backup=False)
    return path


World = dict[str, list[dict[str, object]]]


def base_world() -> World:
    """A small, fully consistent scheme on TODAY: every rule passes (see test_rules_register).

    Tests change one value to trigger one rule and keep the rest as the control.
    """
    return {
        "trainings": [
            {"training_id": "T1", "kind": "養成研修", "date": dt.date(2025, 7, 10)},
        ],
        "program": [
            {"training_id": "T1", "start": dt.time(13, 30), "content": "講義"},
        ],
        "trainees": [
            {
                "training_id": "T1",
                "name": "山田　太郎",
                "kana": "やまだ　たろう",
                "birth": dt.date(1980, 5, 1),
                "attendance": "出席",
                "completed": dt.date(2025, 7, 10),
                "cert_no": "001",
            },
        ],
        "register": [
            {
                "reg_no": "001",
                "kana": "やまだ　たろう",
                "name": "山田　太郎",
                "birth": dt.date(1980, 5, 1),
                "address": "架空市中央一丁目1-1",
                "mobile": "090-1234-5678",
                "cert_no": "001",
                "approved": dt.date(2025, 8, 1),
                "consent": dt.date(2025, 7, 20),
                "issued": dt.date(2025, 8, 10),
                "period_start": dt.date(2025, 8, 10),
                "period_end": dt.date(2027, 8, 9),
                "state": "登録中",
            },
        ],
        "cases": [
            {"case_id": "C0001", "consenter": "本人", "consent": dt.date(2026, 1, 10)},
        ],
        "dispatches": [
            {
                "dispatch_id": "D00001",
                "requested": dt.date(2026, 1, 15),
                "case_id": "C0001",
                "requester": "本人",
                "reg_no": "001",
                "decided": dt.date(2026, 1, 20),
                "state": "派遣中",
            },
        ],
        "reports": [
            {
                "report_id": "R000001",
                "dispatch_id": "D00001",
                "reported": dt.date(2026, 11, 20),
                "reg_no": "001",
                "case_id": "C0001",
                "date": dt.date(2026, 11, 15),
                "start": dt.time(10, 0),
                "end": dt.time(11, 0),
                "kind": "訪問",
                "policy": "継続",
            },
        ],
        "followup": [
            {"training_id": "T1", "reg_no": "001", "attendance": "出席"},
        ],
        "accidents": [
            {
                "accident_id": "A001",
                "date": dt.date(2026, 2, 1),
                "dispatch_id": "D00001",
                "what": "同行中に転倒",
                "response": "家族へ連絡",
                "reported": dt.date(2026, 2, 2),
            },
        ],
        # ボランティア活動保険 for both 年度 of the dispatch (decided 2026/1/20, R7) and the
        # activity (2026/11/15, R8); 年度 typed as a clerk does, in 和暦 and as a number.
        "insurance": [
            {"reg_no": "001", "fy": "令和7年度", "joined": dt.date(2025, 8, 10)},
            {"reg_no": "001", "fy": 2026, "joined": dt.date(2026, 4, 1)},
        ],
        "periods": [
            {
                "reg_no": "001",
                "kind": "新規",
                "issued": dt.date(2025, 8, 10),
                "period_start": dt.date(2025, 8, 10),
                "period_end": dt.date(2027, 8, 9),
                "recorded": dt.date(2025, 8, 10),
            },
        ],
        "changes": [
            {
                "date": dt.date(2026, 3, 1),
                "reg_no": "001",
                "item": "住所",
                "before": "架空市北町",
                "after": "架空市中央一丁目1-1",
                "reason": "転居",
                "source": "手入力",
            },
        ],
    }


def world(extra: World | None = None, **changes: Mapping[str, object]) -> World:
    """base_world() with `changes` applied to the first row of each named table.

    `extra` appends whole rows (column key → value) to tables.
    """
    w = base_world()
    for table, values in changes.items():
        w[table][0].update(values)
    for table, rows in (extra or {}).items():
        w.setdefault(table, []).extend(dict(r) for r in rows)
    return w


def world_rows(world: World) -> dict[str, list[tuple[object, ...]]]:
    return {key: [row(schema.BY_KEY[key], **r) for r in rows] for key, rows in world.items()}


def book_of(world: World, today: dt.date = TODAY, settings: Settings | None = None) -> Book:
    return make_book(today, settings, **world_rows(world))


def codes(issues: object) -> list[str]:
    return [i.code for i in issues]  # type: ignore[attr-defined]


def invoke(*args: object) -> Result:
    """Run the `hikisup` CLI in-process; stdout and stderr are kept apart."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def sheet_values(path: Path, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[object, ...]]]:
    """Every cell value of every sheet (hidden ones too), except the sheets in `skip`."""
    wb = load_workbook(path)
    try:
        return {
            ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets
            if ws.title not in skip
        }
    finally:
        wb.close()


def table_rows(path: Path, spec: TableSpec) -> list[dict[str, object]]:
    """Data rows of one table (blank rows dropped) as column key → value, wherever the table
    stands on its sheet (the 集計 sheet holds several)."""
    from openpyxl.utils import range_boundaries

    wb = load_workbook(path)
    try:
        ws = wb[spec.sheet]
        min_col, min_row, max_col, max_row = range_boundaries(ws.tables[spec.table].ref)
        values = [
            tuple(r)
            for r in ws.iter_rows(
                min_row=min_row,
                max_row=ws.max_row,
                min_col=min_col,
                max_col=max_col,
                values_only=True,
            )
        ]
    finally:
        wb.close()
    if spec.sheet == schema.STATS_SHEET:  # tables one above the other: stop at the table's end
        values = values[: max_row - min_row + 1]
    headers = list(values[0])
    out = []
    for r in values[1:]:
        if any(v is not None for v in r):
            out.append({c.key: r[headers.index(c.header)] for c in spec.columns})
    return out
