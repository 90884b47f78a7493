"""One contract, two engines: the same tests on a workbook file (openpyxl) and on a workbook open
in Excel (the live engine, through a fake of the xlwings objects that also counts round trips).

Both engines start from the same openpyxl workbook (the template builder's), saved to a file
for the file engine and loaded into the fake for the live one; what they leave behind is read
back independently (openpyxl for the file, the fake's cells for the live engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import pytest
from addin.fakexl import FakeBook
from conftest import TODAY, World, base_world, world_rows
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook
from test_actions_file import expiry_world, numbering_world

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.core.schema import TableSpec
from hikisup_xl.core.settings import Settings, settings_to_rows
from hikisup_xl.engine.files import FileEngine, save_atomic
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.engine.protocol import Engine, Link
from hikisup_xl.jobs import ledger as actions
from hikisup_xl.template import build_workbook

Rows = dict[str, list[tuple[object, ...]]]
NAME = "サポーター.xlsx"


def norm(value: object) -> object:
    """One spelling for what both engines may hand back for the same cell."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        if value.date() == dt.date(1899, 12, 30):
            return value.time()
        if value.time() == dt.time(0):
            return value.date()
    if value == "":
        return None
    return value


class Harness(Protocol):
    def engine(self) -> Engine: ...
    def rows(self, spec: TableSpec) -> list[tuple[object, ...]]: ...
    def bounds(self, spec: TableSpec) -> tuple[int, int]: ...  # (first row, last row)
    def link(self, spec: TableSpec, index: int, key: str) -> tuple[object, str | None]: ...


def _rows(spec: TableSpec, grid: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    headers = [str(h) for h in grid[0]]
    at = [headers.index(h) for h in spec.headers]
    out = []
    for r in grid[1:]:
        values = tuple(norm(r[i]) if i < len(r) else None for i in at)
        if any(v is not None for v in values):
            out.append(values)
    return out


class FileHarness:
    def __init__(self, wb: Workbook, tmp: Path) -> None:
        self.path = tmp / NAME
        save_atomic(wb, self.path, keep_backup=False)
        self._loaded: tuple[int, Workbook] | None = None

    def engine(self) -> Engine:
        return FileEngine(self.path)

    def _table(self, spec: TableSpec) -> tuple[object, tuple[int, int, int, int]]:
        stamp = self.path.stat().st_mtime_ns
        if self._loaded is None or self._loaded[0] != stamp:
            self._loaded = (stamp, load_workbook(self.path))
        ws = self._loaded[1][spec.sheet]
        bounds = range_boundaries(ws.tables[spec.table].ref)
        return ws, bounds  # type: ignore[return-value]

    def rows(self, spec: TableSpec) -> list[tuple[object, ...]]:
        ws, (c1, r1, c2, r2) = self._table(spec)
        grid = [
            list(r)
            for r in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2, values_only=True)
        ]  # type: ignore[attr-defined]
        return _rows(spec, grid)

    def bounds(self, spec: TableSpec) -> tuple[int, int]:
        _, (_, r1, _, r2) = self._table(spec)
        return r1, r2

    def link(self, spec: TableSpec, index: int, key: str) -> tuple[object, str | None]:
        ws, (c1, r1, _, _) = self._table(spec)
        cell = ws.cell(row=r1 + 1 + index, column=c1 + spec.columns.index(spec.col(key)))  # type: ignore[attr-defined]
        return cell.value, cell.hyperlink.location if cell.hyperlink else None


class PatchHarness(FileHarness):
    def engine(self) -> Engine:
        from hikisup_xl.engine.patch import PatchEngine

        return PatchEngine(self.path)


class LiveHarness:
    batch = True  # through the add-in's batch functions (False: an older add-in)

    def __init__(self, wb: Workbook, tmp: Path) -> None:
        self.book = FakeBook.from_openpyxl(wb, NAME)
        self.book._app.addin = self.batch

    def engine(self) -> Engine:
        return LiveEngine(self.book)

    def rows(self, spec: TableSpec) -> list[tuple[object, ...]]:
        data = self.book.data[spec.sheet]
        top, left, _, right = data.tables[spec.table]
        header = [data.get(top, c) for c in range(left, right + 1)]
        return _rows(spec, [header, *self.book.table_rows(spec.sheet, spec.table)])

    def bounds(self, spec: TableSpec) -> tuple[int, int]:
        top, _, bottom, _ = self.book.data[spec.sheet].tables[spec.table]
        return top, bottom

    def link(self, spec: TableSpec, index: int, key: str) -> tuple[object, str | None]:
        data = self.book.data[spec.sheet]
        top, left, _, _ = data.tables[spec.table]
        at = (top + 1 + index, left + spec.columns.index(spec.col(key)))
        formula = data.formulas.get(at)
        location = formula.split('"')[1].removeprefix("#") if formula else None
        return data.get(*at), location


class PerObjectHarness(LiveHarness):
    batch = False


Make = Callable[..., Harness]


@pytest.fixture(params=["file", "patch", "live", "live-per-object"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Make:
    cls = {
        "file": FileHarness,
        "patch": PatchHarness,
        "live": LiveHarness,
        "live-per-object": PerObjectHarness,
    }[request.param]

    def make(
        rows: Rows | None = None,
        settings: Settings | None = None,
        edit: Callable[[Workbook], None] | None = None,
    ) -> Harness:
        wb = build_workbook(settings or Settings(), rows or {})
        if edit is not None:
            edit(wb)
        return cls(wb, tmp_path)

    return make


def _cell(wb: Workbook, spec: TableSpec, row: int, key: str, value: object) -> None:
    wb[spec.sheet].cell(row=row, column=spec.columns.index(spec.col(key)) + 1, value=value)


def _n(rows: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    return [tuple(norm(v) for v in r) for r in rows]


# ------------------------------------------------------------------------------- reading
def test_read_table_gives_every_row_with_its_cell_positions(make: Make) -> None:
    rows = world_rows(base_world())
    engine = make(rows).engine()
    for spec in schema.TABLES:
        raw = engine.read_table(spec)
        expected = rows.get(spec.key, [])
        if spec is schema.SETTINGS:
            expected = [tuple(r) for r in settings_to_rows(Settings())]
        assert raw.headers == list(spec.headers), spec.key
        assert _n(raw.rows) == _n(expected), spec.key
        assert raw.row_numbers == list(range(2, 2 + len(expected))), spec.key
        assert raw.col_letters[:3] == ["A", "B", "C"]
        assert raw.header_row == 1


def test_read_table_takes_rows_typed_below_the_table_and_skips_blank_ones(make: Make) -> None:
    spec = schema.REGISTER

    def edit(wb: Workbook) -> None:
        _cell(wb, spec, 5, "name", "下に入力")  # the table ends at row 2; rows 3-4 are blank
        _cell(wb, spec, 5 + 60, "name", "離れすぎ")  # more than 50 blank rows further down

    raw = make(world_rows(base_world()), edit=edit).engine().read_table(spec)
    assert raw.row_numbers == [2, 5]
    assert raw.rows[1][spec.columns.index(spec.col("name"))] == "下に入力"


def test_read_table_refuses_a_table_missing_a_column(make: Make) -> None:
    def edit(wb: Workbook) -> None:
        wb["登録名簿"].cell(row=1, column=3, value="名前")

    engine = make(world_rows(base_world()), edit=edit).engine()
    with pytest.raises(HikisupError, match="列「氏名」がありません"):
        engine.read_table(schema.REGISTER)


def test_a_workbook_that_is_not_ours_is_refused(make: Make) -> None:
    def edit(wb: Workbook) -> None:
        for ws in wb.worksheets:
            for name in list(ws.tables):
                del ws.tables[name]
        wb.custom_doc_props.props.clear()  # type: ignore[attr-defined]

    with pytest.raises(HikisupError, match="hikisup のブックではありません"):
        make(edit=edit).engine()


# ------------------------------------------------------------------------------- writing
def test_write_cells_changes_only_the_given_cells(make: Make) -> None:
    w = base_world()
    w["register"].append({**w["register"][0], "reg_no": "002", "name": "佐藤　花子"})
    h = make(world_rows(w))
    engine = h.engine()
    raw = engine.read_table(schema.REGISTER)
    engine.write_cells(raw, "reg_no", {1: "007"})
    engine.write_cells(raw, "period_end", {0: dt.date(2030, 1, 31)})
    engine.save()
    reg = h.rows(schema.REGISTER)
    cols = list(schema.REGISTER.headers)
    no, end, name = cols.index("登録番号"), cols.index("登録期間終了"), cols.index("氏名")
    assert [(r[no], r[end], r[name]) for r in reg] == [
        ("001", dt.date(2030, 1, 31), "山田　太郎"),
        ("007", dt.date(2027, 8, 9), "佐藤　花子"),  # "007" stays text
    ]


def test_write_cells_into_a_row_typed_below_grows_the_table(make: Make) -> None:
    spec = schema.REGISTER

    def edit(wb: Workbook) -> None:
        _cell(wb, spec, 4, "name", "下に入力")
        _cell(wb, spec, 4, "reg_no", None)

    h = make(world_rows(base_world()), edit=edit)
    engine = h.engine()
    raw = engine.read_table(spec)
    engine.write_cells(raw, "reg_no", {1: "002"})
    engine.save()
    assert h.bounds(spec) == (1, 4)
    assert [r[0] for r in h.rows(spec)] == ["001", "002"]


def test_replace_rows_writes_links_and_clears_what_was_there(make: Make) -> None:
    h = make(world_rows(base_world()))
    spec = schema.ISSUES
    first = [
        (
            "エラー",
            "登録名簿",
            2,
            "郵便番号",
            "400-003",
            "誤り",
            "format.postal",
            Link("登録名簿!F2", "'登録名簿'!F2"),
        ),
        ("警告", "研修", 3, "名称", "", "注意", "notation", None),
        ("エラー", "受講者", 4, "氏名", "", "必須", "required", None),
    ]
    engine = h.engine()
    engine.replace_rows(spec, first)
    engine.save()
    assert len(h.rows(spec)) == 3
    assert h.link(spec, 0, "link") == ("登録名簿!F2", "'登録名簿'!F2")
    assert h.bounds(spec) == (1, 4)

    engine = h.engine()
    engine.replace_rows(spec, first[1:2])
    engine.save()
    assert h.rows(spec) == _n(first[1:2])
    assert h.bounds(spec) == (1, 2)

    engine = h.engine()
    engine.replace_rows(spec, [])
    engine.save()
    assert h.rows(spec) == []
    assert h.bounds(spec) == (1, 2)  # an empty table keeps one blank row


def test_append_rows_goes_after_the_last_row_and_grows_the_table(make: Make) -> None:
    h = make(world_rows(base_world()))
    spec = schema.CHANGES
    new = [
        (dt.date(2026, 11, 1), "001", "電話", "", "055-000-0000", "", "記録者", "手入力"),
        (dt.date(2026, 11, 2), "001", "住所", "A", "B", "", "記録者", "自動検出"),
    ]
    engine = h.engine()
    engine.append_rows(spec, new[:1])
    engine.append_rows(spec, new[1:])
    engine.save()
    rows = h.rows(spec)
    assert rows[1:] == _n(new)
    assert h.bounds(spec) == (1, 4)


def test_append_rows_to_an_empty_table_fills_its_blank_row(make: Make) -> None:
    h = make()
    spec = schema.LOG
    row = (dt.datetime(2026, 11, 26, 9, 30), "職員", "採番", "0件", "完了", NAME)
    engine = h.engine()
    engine.append_rows(spec, [row])
    engine.save()
    assert h.rows(spec) == _n([row])
    assert h.bounds(spec) == (1, 2)


def test_snapshot_round_trip(make: Make) -> None:
    h = make()
    assert h.engine().read_snapshot() == []
    rows = [("001", '{"name": "山田"}'), ("002", '{"name": "佐藤"}')]
    engine = h.engine()
    engine.write_snapshot(rows)
    engine.save()
    assert h.engine().read_snapshot() == rows
    engine = h.engine()
    engine.write_snapshot(rows[:1])
    engine.save()
    assert h.engine().read_snapshot() == rows[:1]


# ------------------------------------------------------------------- whole actions, both
def _all_tables(h: Harness) -> dict[str, list[tuple[object, ...]]]:
    out = {spec.key: h.rows(spec) for spec in schema.TABLES}
    out["log"] = [r[1:] for r in out["log"]]  # 日時 is the time the action ran
    return out


def mistakes_world() -> World:
    w = base_world()
    w["register"][0].update(postal="400-003", kana="山田", mobile="０９０－１２３４－５６７８")
    w["reports"][0].update(start="10時半ごろ")
    return w


WORLDS = {
    "check": lambda: world_rows(mistakes_world()),
    "number": lambda: world_rows(numbering_world()),
    "expiries": lambda: world_rows(expiry_world()),
}


@pytest.mark.parametrize(
    "live_harness", [LiveHarness, PerObjectHarness], ids=["batch", "per-object"]
)
@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
def test_an_action_leaves_the_same_cells_through_either_engine(
    verb: str, live_harness: type[LiveHarness], tmp_path: Path
) -> None:
    rows = WORLDS[verb]()
    wb = build_workbook(Settings(), rows)
    file, live = FileHarness(wb, tmp_path), live_harness(wb, tmp_path)
    for _ in range(2):  # the second run sees the snapshot the first one left
        on_file = actions.ACTIONS[verb](file.engine(), TODAY)
        on_live = actions.ACTIONS[verb](live.engine(), TODAY)
        assert on_live.lines == on_file.lines
        assert on_live.counts == on_file.counts
        assert on_live.issues == on_file.issues
        assert _all_tables(live) == _all_tables(file)
        for i in range(len(file.rows(schema.ISSUES))):
            assert live.link(schema.ISSUES, i, "link") == file.link(schema.ISSUES, i, "link")
        assert live.engine().read_snapshot() == file.engine().read_snapshot()


# ------------------------------------------------------------------- round trips (live)
def _grow_register(book: FakeBook, n: int) -> FakeBook:
    """`book` with its register grown to n rows: the last row repeated, cells and formats."""
    book = book.clone()
    data = book.data[schema.REGISTER.sheet]
    top, left, bottom, right = data.tables[schema.REGISTER.table]
    last = data.cells[bottom - 1]
    formats = {c: f for (r, c), f in data.formats.items() if r == bottom}
    for row in range(bottom + 1, top + n + 1):
        data.put(row, right, None)
        data.cells[row - 1][:] = last
        data.formats.update({(row, c): f for c, f in formats.items()})
    data.tables[schema.REGISTER.table] = [top, left, top + n, right]
    return book


@pytest.fixture(scope="module")
def books() -> dict[int, FakeBook]:
    rows = world_rows(mistakes_world())
    rows["register"] += world_rows(numbering_world())["register"]
    small = FakeBook.from_openpyxl(build_workbook(Settings(), rows), NAME)
    return {n: _grow_register(small, n) for n in (10, 10_000)}


@pytest.mark.parametrize("addin", [True, False], ids=["batch", "per-object"])
@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
def test_round_trips_to_excel_do_not_grow_with_the_rows(
    verb: str, addin: bool, books: dict[int, FakeBook]
) -> None:
    """Reads, writes and everything else the engine asks of Excel: the same count for 10 and
    for 10,000 register rows, on a first and a second run of the action; with the add-in's
    batch functions and without them (an older add-in)."""
    counts = {}
    for n, original in books.items():
        book = original.clone()
        book._app.addin = addin
        result = actions.ACTIONS[verb](LiveEngine(book), TODAY)
        first = dict(book.calls.by_kind)
        book.calls.by_kind.clear()
        actions.ACTIONS[verb](LiveEngine(book), TODAY)
        counts[n] = (first, dict(book.calls.by_kind))
        if verb == "check":
            assert len(result.issues) > n  # the rows were all there, all read
    assert counts[10] == counts[10_000]
    assert sum(counts[10][0].values()) <= (6 if addin else 199)


# ------------------------------------------------------------------ 年度集計 (report)
REPORT_DAY = dt.date(2026, 3, 31)


def _report_workbook() -> Workbook:
    from hikisup_xl.demo import DEMO_SETTINGS, generate

    return build_workbook(DEMO_SETTINGS, generate(REPORT_DAY))


def _every_table(h: Harness) -> dict[str, list[tuple[object, ...]]]:
    out = {spec.key: h.rows(spec) for spec in schema.ALL_TABLES}
    out["log"] = [r[1:] for r in out["log"]]  # 日時 is the time the action ran
    return out


@pytest.mark.parametrize("kind", ["file", "patch"])
def test_report_leaves_the_same_tables_in_a_file_and_in_live_excel(
    kind: str, tmp_path: Path
) -> None:
    from hikisup_xl.stats.report import report

    wb = _report_workbook()
    file = (FileHarness if kind == "file" else PatchHarness)(wb, tmp_path)
    live = LiveHarness(wb, tmp_path)
    before = _every_table(live)
    for _ in range(2):  # the second run replaces what the first one wrote
        on_file = report(file.engine(), REPORT_DAY, 2025)
        on_live = report(live.engine(), REPORT_DAY, 2025)
        assert on_live.lines == on_file.lines
        assert _every_table(live) == _every_table(file)
    written = _every_table(live)
    for spec in schema.SUMMARY_TABLES:  # really written, and sized as the template laid out
        assert written[spec.key] != before[spec.key]
        assert len(written[spec.key]) == len(before[spec.key])
    # live Excel: both pivot tables of the 集計 sheet refreshed after the writes, on each run
    refreshed = live.book.data[schema.STATS_SHEET].refreshed
    assert [name for name, _ in refreshed] == ["活動回数ピボット", "登録状態ピボット"] * 2
    # サポーター別 (#13): the same rows on both engines, really written, its pivot refreshed
    assert written[schema.SUPPORTER_YEARS.key] and not before[schema.SUPPORTER_YEARS.key]
    refreshed = live.book.data[schema.SUPPORTER_YEARS.sheet].refreshed
    assert [name for name, _ in refreshed] == ["サポーター別ピボット"] * 2


def _grow_reports(book: FakeBook, n: int) -> FakeBook:
    """`book` with n activity reports in the 年度: its first report repeated."""
    book = book.clone()
    data = book.data[schema.REPORTS.sheet]
    top, left, bottom, right = data.tables[schema.REPORTS.table]
    first = data.cells[top][:]  # the first data row (cells are 0-based rows)
    formats = {c: f for (r, c), f in data.formats.items() if r == top + 1}
    for row in range(top + 1, top + n + 1):
        data.put(row, right, None)
        data.cells[row - 1][:] = first
        data.formats.update({(row, c): f for c, f in formats.items()})
    for row in range(top + n + 1, bottom + 1):  # fewer than the demo had: blank the rest
        data.cells[row - 1][:] = [None] * len(data.cells[row - 1])
    data.tables[schema.REPORTS.table] = [top, left, top + n, right]
    return book


@pytest.mark.parametrize("addin", [True, False], ids=["batch", "per-object"])
def test_report_round_trips_to_excel_do_not_grow_with_the_rows(addin: bool) -> None:
    from hikisup_xl.stats.report import report

    base = FakeBook.from_openpyxl(_report_workbook(), NAME)
    counts = {}
    for n in (10, 10_000):
        book = _grow_reports(base, n)
        book._app.addin = addin
        result = report(LiveEngine(book), REPORT_DAY, 2025)
        assert f"活動延べ回数 {n}回" in "\n".join(result.lines)  # every row was read
        counts[n] = dict(book.calls.by_kind)
        refreshed = [
            name for sheet in book.data.values() for name, _ in sheet.refreshed
        ]  # 集計's two and サポーター別's one
        assert sorted(refreshed) == ["サポーター別ピボット", "活動回数ピボット", "登録状態ピボット"]
    assert counts[10] == counts[10_000]
    if addin:  # listing, the tables read, the tables written, every write with the refreshes
        assert counts[10] == {
            "book.app": 1,
            "book.name": 1,
            "macro.HikisupTables": 1,
            "macro.HikisupRead": 2,
            "macro.HikisupWrite": 1,
        }
    else:  # a fixed budget per table written: 集計's tables, 活動集計用 and サポーター別 (#13)
        assert counts[10]["pivot.RefreshTable"] == 3
        assert sum(counts[10].values()) < 280
