"""A fake of the xlwings objects the live engine uses, holding a 2-D list per sheet.

It behaves like Excel where the engine's correctness depends on it:

- numbers come back as float, dates as datetime, empty cells as None;
- a string that looks like a number becomes a number unless the cell is text-formatted ("@");
- a string starting with "=" is a formula, except in a text-formatted cell, where it stays text;
  HYPERLINK formulas read back as their display text;
- `.formula` gives formulas as written and constants as text;
- a table's Total Row (`show_totals`) stays at its bottom: ListRows.Add inserts a row above it,
  shifting what lies below in the table's columns, and fills the calculated columns;
- a filtered table (rows hidden by its AutoFilter, or by hand): see the notes below.

Every property or method that is a round trip to Excel in real xlwings counts one call, so the
tests can assert that an action's number of round trips does not grow with the rows.

`app.macro(name)` runs the add-in's batch functions (macros/hikisup.bas: HikisupTables,
HikisupRead, HikisupWrite), implemented here in Python on the same cells with the same
argument and result layout as the VBA, each one call (Application.Run); `app.addin = False`
is Excel without them (an older add-in), where Run fails as Excel's "cannot run the macro".
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook

NUMBER = re.compile(r"-?\d+(\.\d+)?")
HYPERLINK = re.compile(r'^=HYPERLINK\("((?:[^"]|"")*)","((?:[^"]|"")*)"\)$')


OLE_EPOCH = dt.datetime(1899, 12, 30)
QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]')


# A filtered table, as Excel treats it where the live engine's writes depend on it:
# - Range.Value of one rectangular range reads and writes every cell in it, hidden rows
#   included: hiding a row hides it from view, not from the object model. Only what works on
#   the visible cells alone (Range.SpecialCells(xlCellTypeVisible), the UI's Fill Down and
#   Paste into a filtered selection) skips hidden rows, and the live engine uses none of it.
#   (ONLYOFFICE/DocumentServer#582: their maintainers confirm that hidden cells in a filtered
#   range get written "MS Office works same"; AutoIt's Excel Filter page: reading only the
#   visible rows takes SpecialCells(xlCellTypeVisible) and its Areas. NetOffice#2 reports odd
#   results writing over hidden rows; we found no account of it from Excel itself, so the
#   fake writes every cell, as Excel's documented object model does.)
# - A filter is applied when the clerk (or AutoFilter.ApplyFilter / Data → Reapply) applies
#   it, not when cells change: a value written into a visible row leaves it visible, one
#   written into a hidden row leaves it hidden, and a row the filter would now hide stays
#   shown (ag-grid's set filter docs: "Cell editing does not re-execute filtering ... This
#   default behaviour mimics how Excel works"; DevExpress AutoFilterBase.ReApply: "reapply a
#   filter after the data in the filtered range has been changed").
# - ListRows.Add with no Position adds a row at the bottom of the table (learn.microsoft.com
#   /office/vba/api/excel.listrows.add: "If Position is not specified, a new bottom row is
#   added"); it inserts cells in the table's columns, so the sheet rows' hidden flags stay
#   where they are: the new row takes the Total Row's sheet row (shown) and the Total Row
#   moves down. The fake takes it that a filter does not stop ListRows.Add (we found nothing
#   saying it does; Excel refuses only to shift cells of another table or a locked sheet).
# - Table.Resize keeps the hidden rows and the filter's criteria (Resize changes the range,
#   the AutoFilter range follows it; nothing is re-filtered).


def is_date_format(fmt: str) -> bool:
    return bool(re.search(r"[ydhsg]", QUOTED.sub("", fmt).lower()))


class Calls:
    """Round trips to 'Excel', by kind."""

    def __init__(self) -> None:
        self.by_kind: Counter[str] = Counter()
        self.writes = 0

    def hit(self, kind: str) -> None:
        self.by_kind[kind] += 1
        if kind in (
            "range.value=",
            "range.number_format=",
            "table.resize",
            "sheets.add",
            "macro.HikisupWrite",
        ):
            self.writes += 1

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


class SheetData:
    def __init__(self, name: str, rows: list[list[object]] | None = None) -> None:
        self.name = name
        self.cells: list[list[object]] = rows or []
        self.formulas: dict[tuple[int, int], str] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.tables: dict[str, list[int]] = {}  # name -> [top, left, bottom, right]
        self.totals: dict[str, int] = {}  # name -> rows of its Total Row (bottom of the range)
        self.calculated: dict[str, dict[int, str]] = {}  # name -> sheet column -> formula
        self.state = "visible"
        # Sheet rows hidden (by a table's filter or by hand), and the tables whose AutoFilter
        # has criteria: kept as they are by every write (see the filtered-table notes above).
        self.hidden: set[int] = set()
        self.filtered: set[str] = set()
        self.pivots: list[str] = []  # pivot table names, in sheet order
        # For each RefreshTable call: the pivot's name and its source tables' rows at the time.
        self.refreshed: list[tuple[str, int]] = []

    def get(self, row: int, col: int) -> object:
        """What Range.Value gives: a date or time format turns a number into a datetime."""
        value = self.raw(row, col)
        if isinstance(value, float) and is_date_format(self.formats.get((row, col), "")):
            return OLE_EPOCH + dt.timedelta(days=value)
        return value

    def raw(self, row: int, col: int) -> object:
        if row <= len(self.cells) and col <= len(self.cells[row - 1]):
            return self.cells[row - 1][col - 1]
        return None

    def put(self, row: int, col: int, value: object) -> None:
        while len(self.cells) < row:
            self.cells.append([])
        line = self.cells[row - 1]
        while len(line) < col:
            line.append(None)
        line[col - 1] = value

    def write(self, row: int, col: int, value: object) -> None:
        """What Excel makes of a value assigned through Range.Value."""
        self.formulas.pop((row, col), None)
        text_cell = self.formats.get((row, col)) == "@"
        if value is None or value == "":
            value = None
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int | float):
            value = float(value)
        elif isinstance(value, dt.datetime):
            pass
        elif isinstance(value, dt.time):  # Excel holds a time of day as a day fraction
            value = (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        elif isinstance(value, dt.date):
            value = dt.datetime(value.year, value.month, value.day)
        elif isinstance(value, str):
            if value.startswith("=") and not text_cell:
                self.formulas[(row, col)] = value
                m = HYPERLINK.match(value)
                value = m.group(2).replace('""', '"') if m else None
            elif NUMBER.fullmatch(value) and not text_cell:
                value = float(value)
        else:
            raise TypeError(f"Excel cannot hold {type(value).__name__}")
        self.put(row, col, value)

    def shift_down(self, row: int, left: int, right: int) -> None:
        """Excel's insertion of cells: columns left..right from `row` down move one row down
        (values, formulas, formats), leaving `row` empty. Rows' hidden flags belong to the
        sheet rows and do not move."""
        last = len(self.cells)
        for r in range(last, row - 1, -1):
            for c in range(left, right + 1):
                self.put(r + 1, c, self.raw(r, c))
                for store in (self.formulas, self.formats):
                    if (r, c) in store:
                        store[(r + 1, c)] = store.pop((r, c))  # type: ignore[index]
        for c in range(left, right + 1):
            self.put(row, c, None)

    def add_table_row(self, name: str) -> None:
        """ListRows.Add(): a row at the end of the table's data, above its Total Row, which
        moves down; the new row takes the calculated columns' formulas."""
        top, left, bottom, right = self.tables[name]
        row = bottom - self.totals.get(name, 0) + 1
        self.shift_down(row, left, right)
        for c in range(left, right + 1):  # the new row is formatted as the row above it
            if (row - 1, c) in self.formats and row - 1 > top:
                self.formats[(row, c)] = self.formats[(row - 1, c)]
        for c, formula in self.calculated.get(name, {}).items():
            self.formulas[(row, c)] = formula
        self.tables[name] = [top, left, bottom + 1, right]

    def formula(self, row: int, col: int) -> str:
        """What Range.Formula gives for one cell: the formula, else the constant as text."""
        if (row, col) in self.formulas:
            return self.formulas[(row, col)]
        v = self.raw(row, col)
        return "" if v is None else str(v)

    def used(self) -> tuple[int, int]:
        rows = max(
            (i + 1 for i, r in enumerate(self.cells) if any(v is not None for v in r)), default=1
        )
        cols = max((len(r) for r in self.cells), default=1)
        return rows, max(cols, 1)


class FakeRange:
    def __init__(self, sheet: FakeSheet, top: int, left: int, bottom: int, right: int) -> None:
        self._sheet = sheet
        self.top, self.left, self.bottom, self.right = top, left, bottom, right
        self._ndim: int | None = None

    @property
    def _data(self) -> SheetData:
        return self._sheet.data

    def _hit(self, kind: str) -> None:
        self._sheet.calls.hit(kind)

    @property
    def api(self) -> FakeRange:  # the COM Range: the fake is its own
        return self

    @property
    def address(self) -> str:
        self._hit("range.address")
        first = f"${get_column_letter(self.left)}${self.top}"
        if (self.top, self.left) == (self.bottom, self.right):
            return first
        return f"{first}:${get_column_letter(self.right)}${self.bottom}"

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        out = FakeRange(self._sheet, self.top, self.left, self.bottom, self.right)
        out._ndim = options.get("ndim")
        return out

    def _grid(self, getter: Any) -> Any:
        grid = [
            [getter(r, c) for c in range(self.left, self.right + 1)]
            for r in range(self.top, self.bottom + 1)
        ]
        if self._ndim == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if len(grid[0]) == 1:
            return [r[0] for r in grid]
        return grid

    @property
    def value(self) -> Any:
        self._hit("range.value")
        return self._grid(self._data.get)

    @value.setter
    def value(self, data: Any) -> None:
        self._hit("range.value=")
        app = self._sheet.book._app
        app.states_seen.append(
            {k: getattr(app, k) for k in ("screen_updating", "calculation", "enable_events")}
        )
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                self._data.write(self.top + r, self.left + c, v)

    @property
    def formula(self) -> Any:
        self._hit("range.formula")

        grid = [
            tuple(self._data.formula(r, c) for c in range(self.left, self.right + 1))
            for r in range(self.top, self.bottom + 1)
        ]
        return grid[0][0] if len(grid) == 1 and len(grid[0]) == 1 else tuple(grid)

    @property
    def number_format(self) -> str:
        self._hit("range.number_format")
        return self._data.formats.get((self.top, self.left), "General")

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._hit("range.number_format=")
        for r in range(self.top, self.bottom + 1):
            for c in range(self.left, self.right + 1):
                if value == "General":
                    self._data.formats.pop((r, c), None)
                else:
                    self._data.formats[(r, c)] = value


class _ListObjects:
    """Worksheet.ListObjects: Add(xlSrcRange, range, , xlYes) makes a table of the range."""

    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet

    def Add(self, kind: int, source: FakeRange, link: object, headers: int) -> _NewListObject:  # noqa: N802
        assert (kind, headers) == (1, 1), "a table of a range, with its header row"
        self._sheet.calls.hit("sheet.api.ListObjects.Add")
        return _NewListObject(self._sheet, source)


class _NewListObject:
    """A table just added: it takes its name when Excel's Name is set."""

    def __init__(self, sheet: FakeSheet, source: FakeRange) -> None:
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_source", source)

    def __setattr__(self, name: str, value: object) -> None:
        assert name == "Name"
        src = self._source
        self._sheet.data.tables[str(value)] = [src.top, src.left, src.bottom, src.right]


class FakeTable:
    def __init__(self, sheet: FakeSheet, name: str) -> None:
        self._sheet = sheet
        self.name = name

    @property
    def range(self) -> FakeRange:
        self._sheet.calls.hit("table.range")
        top, left, bottom, right = self._sheet.data.tables[self.name]
        return FakeRange(self._sheet, top, left, bottom, right)

    @property
    def show_totals(self) -> bool:
        self._sheet.calls.hit("table.show_totals")
        return self._sheet.data.totals.get(self.name, 0) > 0

    @property
    def api(self) -> _ListObject:
        return _ListObject(self)

    def resize(self, range: FakeRange) -> None:  # xlwings' parameter name
        self._sheet.calls.hit("table.resize")
        self._sheet.data.tables[self.name] = [range.top, range.left, range.bottom, range.right]


class _ListRows:
    def __init__(self, table: FakeTable) -> None:
        self._table = table

    def Add(self) -> None:  # noqa: N802  # COM's name
        self._table._sheet.calls.hit("table.api.ListRows.Add")
        self._table._sheet.data.add_table_row(self._table.name)


class _ListObject:
    """The COM ListObject behind a table, for what Excel does that xlwings does not wrap."""

    def __init__(self, table: FakeTable) -> None:
        self.ListRows = _ListRows(table)


class FakeTables:
    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet

    def __getitem__(self, key: int | str) -> FakeTable:
        self._sheet.calls.hit("tables[]")
        if key not in self._sheet.data.tables:
            raise KeyError(key)
        return FakeTable(self._sheet, str(key))


class _Pivot:
    def __init__(self, sheet: FakeSheet, name: str) -> None:
        self._sheet, self.name = sheet, name

    def RefreshTable(self) -> bool:  # noqa: N802  # COM's name
        self._sheet.calls.hit("pivot.RefreshTable")
        self._sheet.data.refreshed.append((self.name, self._sheet.calls.writes))
        return True


class _Pivots:
    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet

    @property
    def Count(self) -> int:  # noqa: N802  # COM's name
        self._sheet.calls.hit("pivots.Count")
        return len(self._sheet.data.pivots)

    def Item(self, index: int) -> _Pivot:  # noqa: N802  # COM's name (1-based)
        self._sheet.calls.hit("pivots.Item")
        return _Pivot(self._sheet, self._sheet.data.pivots[index - 1])


class _SheetApi:
    def __init__(self, sheet: FakeSheet) -> None:
        object.__setattr__(self, "_sheet", sheet)

    @property
    def ListObjects(self) -> _ListObjects:  # noqa: N802  # COM's name
        return _ListObjects(self._sheet)

    def PivotTables(self) -> _Pivots:  # noqa: N802  # COM's name
        self._sheet.calls.hit("sheet.api.PivotTables")
        return _Pivots(self._sheet)

    def __setattr__(self, name: str, value: object) -> None:
        if name != "Visible":
            raise AttributeError(name)
        self._sheet.calls.hit("sheet.api.Visible=")
        self._sheet.data.state = {-1: "visible", 0: "hidden", 2: "veryHidden"}[int(value)]  # type: ignore[call-overload]


class FakeSheet:
    def __init__(self, book: FakeBook, data: SheetData) -> None:
        self.book = book
        self.data = data
        self.calls = book.calls

    @property
    def name(self) -> str:
        self.calls.hit("sheet.name")
        return self.data.name

    @property
    def tables(self) -> FakeTables:
        self.calls.hit("sheet.tables")
        return FakeTables(self)

    @property
    def used_range(self) -> FakeRange:
        self.calls.hit("sheet.used_range")
        rows, cols = self.data.used()
        return FakeRange(self, 1, 1, rows, cols)

    @property
    def visible(self) -> bool:
        self.calls.hit("sheet.visible")
        return self.data.state == "visible"

    @visible.setter
    def visible(self, value: bool) -> None:
        self.calls.hit("sheet.visible=")
        self.data.state = "visible" if value else "hidden"

    @property
    def api(self) -> Any:
        return _SheetApi(self)

    def range(self, cell1: Any, cell2: Any = None) -> FakeRange:
        self.calls.hit("sheet.range")
        if isinstance(cell1, str):
            min_col, min_row, max_col, max_row = range_boundaries(cell1)
            return FakeRange(self, min_row or 1, min_col or 1, max_row or 1, max_col or 1)
        top, left = cell1
        bottom, right = cell2 if cell2 is not None else cell1
        return FakeRange(self, top, left, bottom, right)

    def activate(self) -> None:
        self.calls.hit("sheet.activate")
        self.book.active = self.data.name


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self._book = book

    def __getitem__(self, key: int | str) -> FakeSheet:
        self._book.calls.hit("sheets[]")
        data = self._book.data
        if isinstance(key, int):
            return FakeSheet(self._book, list(data.values())[key])
        if key not in data:
            raise KeyError(key)
        return FakeSheet(self._book, data[key])

    def __len__(self) -> int:
        self._book.calls.hit("sheets.count")
        return len(self._book.data)

    @property
    def active(self) -> FakeSheet:
        self._book.calls.hit("sheets.active")
        return FakeSheet(self._book, self._book.data[self._book.active])

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FakeSheet:
        self._book.calls.hit("sheets.add")
        name = name or f"Sheet{len(self._book.data) + 1}"
        if name in self._book.data:
            raise ValueError(f"sheet {name} exists")
        self._book.data[name] = SheetData(name)
        self._book.active = name
        return FakeSheet(self._book, self._book.data[name])


class FakeSelection:
    """What xlwings' Book.selection gives: a Range on the active sheet, possibly of several
    areas ("$A$3:$C$4,$A$6"), read through its address and its sheet."""

    def __init__(self, book: FakeBook, sheet: str, address: str) -> None:
        self._book = book
        self._sheet = sheet
        self._address = address

    @property
    def address(self) -> str:
        self._book.calls.hit("range.address")
        return self._address

    @property
    def sheet(self) -> FakeSheet:
        self._book.calls.hit("range.sheet")
        return FakeSheet(self._book, self._book.data[self._sheet])


class ExportedBook:
    """A form workbook Excel opened to print it to PDF (the stub exporter): `to_pdf` writes a
    small stand-in PDF naming the workbook's sheets, so a test can see what was printed."""

    def __init__(self, app: FakeApp, path: str, read_only: bool | None) -> None:
        self._app = app
        self.path = path
        self.read_only = read_only
        self.closed = False

    def to_pdf(self, path: str) -> None:
        from openpyxl import load_workbook

        wb = load_workbook(self.path, read_only=True)
        try:
            names = wb.sheetnames
        finally:
            wb.close()
        Path(path).write_bytes(b"%PDF-1.4 stub\n" + "\n".join(names).encode("utf-8"))
        self._app.exported.append((self.path, path))

    def close(self) -> None:
        self.closed = True


class FakeBooks:
    def __init__(self, app: FakeApp) -> None:
        self._app = app

    def open(self, fullname: str, read_only: bool | None = None) -> ExportedBook | FakeBook:
        """read_only: a form workbook opened to print it; else the clerk's workbook opened
        again (after ブックの更新), as Excel reads it from the file now."""
        self._app.calls.hit("books.open")
        if not read_only:
            import warnings

            from openpyxl import load_workbook

            if self._app.fail_reopen is not None:
                raise self._app.fail_reopen
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns (in English) about x14 parts
                wb = load_workbook(fullname)
            book = FakeBook.from_openpyxl(wb, Path(fullname).name)
            book.path, book._app = fullname, self._app
            self._app.workbooks[book._name] = book
            self._app.reopened.append(book)
            return book
        if self._app.fail_export is not None:
            raise self._app.fail_export
        exported = ExportedBook(self._app, fullname, read_only)
        self._app.opened.append(exported)
        return exported


class FakeApp:
    def __init__(self, calls: Calls) -> None:
        self.calls = calls
        self.screen_updating = True
        self.calculation = "automatic"
        self.enable_events = True
        self.alerts: list[tuple[str, str | None, str | None]] = []
        self.states_seen: list[dict[str, object]] = []  # app state whenever a value is written
        self.opened: list[ExportedBook] = []  # workbooks opened to print them
        self.exported: list[tuple[str, str]] = []  # (workbook, PDF) printed by to_pdf
        self.fail_export: Exception | None = None  # raised by books.open when set
        # The reading kept with a cell's text (what PHONETIC shows): (sheet, "C2") -> reading.
        self.readings: dict[tuple[str, str], str] = {}
        self.reopened: list[FakeBook] = []  # workbooks opened again (books.open, not read-only)
        self.fail_reopen: Exception | None = None  # raised by books.open(workbook) when set

        # Excel's dialogs (app.api): the answers the "clerk" gives, in order (False = cancel),
        # and every dialog shown as (method, keyword arguments).
        self.answers: list[object] = []
        self.dialogs: list[tuple[str, dict[str, object]]] = []
        self.status_bars: list[object] = []  # every value given to Application.StatusBar
        self._api = _AppApi(self)
        self.addin = True  # the add-in's batch functions can be run (False: an older add-in)
        self.workbooks: dict[str, FakeBook] = {}  # open workbooks by name (Workbooks(name))

    def macro(self, name: str) -> _Macro:
        """xlwings' App.macro: calling it is one Application.Run."""
        return _Macro(self, name)

    @property
    def books(self) -> FakeBooks:
        return FakeBooks(self)

    @property
    def api(self) -> _AppApi:
        return self._api

    def answer(self, method: str, **kwargs: object) -> object:
        self.calls.hit(f"app.{method}")
        self.dialogs.append((method, kwargs))
        if not self.answers:
            raise AssertionError(f"the test gave no answer for {method} {kwargs}")
        return self.answers.pop(0)

    @contextmanager
    def properties(self, **kwargs: Any) -> Iterator[FakeApp]:
        self.calls.hit("app.properties")
        before = {k: getattr(self, k) for k in kwargs}
        for k, v in kwargs.items():
            setattr(self, k, v)
        try:
            yield self
        finally:
            for k, v in before.items():
                setattr(self, k, v)

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str | None:
        self.alerts.append((prompt, title, mode))
        if buttons == "ok":
            self.calls.hit("app.alert")  # a message box is a round trip too
        if buttons != "ok":  # a question: the clerk's answer ("yes", "no", "cancel")
            return str(self.answer("alert", prompt=prompt, buttons=buttons))
        return "ok"


class _FolderPicker:
    """Application.FileDialog(msoFileDialogFolderPicker)."""

    def __init__(self, app: FakeApp) -> None:
        self._app = app
        self.Title = ""
        self.InitialFileName = ""
        self._chosen = ""

    def Show(self) -> int:  # noqa: N802  # COM's name
        answer = self._app.answer("FileDialog", Title=self.Title)
        if answer is False:
            return 0
        self._chosen = str(answer)
        return -1

    def SelectedItems(self, index: int) -> str:  # noqa: N802
        assert index == 1 and self._chosen
        return self._chosen


class _AppApi:
    """The part of Excel's Application object (xlwings `app.api`) the ribbon jobs use."""

    def __init__(self, app: FakeApp) -> None:
        object.__setattr__(self, "_app", app)

    @property
    def StatusBar(self) -> object:  # noqa: N802
        return self._app.status_bars[-1] if self._app.status_bars else False

    @StatusBar.setter
    def StatusBar(self, value: object) -> None:  # noqa: N802
        self._app.calls.hit("app.StatusBar=")
        self._app.status_bars.append(value)

    @property
    def WorksheetFunction(self) -> _WorksheetFunction:  # noqa: N802
        return _WorksheetFunction(self._app)

    def GetOpenFilename(self, **kwargs: object) -> object:  # noqa: N802
        return self._app.answer("GetOpenFilename", **kwargs)

    def GetSaveAsFilename(self, **kwargs: object) -> object:  # noqa: N802
        return self._app.answer("GetSaveAsFilename", **kwargs)

    def InputBox(self, **kwargs: object) -> object:  # noqa: N802
        return self._app.answer("InputBox", **kwargs)

    def FileDialog(self, kind: int) -> _FolderPicker:  # noqa: N802
        assert kind == 4, "only the folder picker (msoFileDialogFolderPicker)"
        return _FolderPicker(self._app)


class _WorksheetFunction:
    """Application.WorksheetFunction: PHONETIC shows the reading kept with a cell's text
    (FakeApp.readings, by sheet and A1 address), or the text itself when there is none."""

    def __init__(self, app: FakeApp) -> None:
        self._app = app

    def Phonetic(self, cell: FakeRange) -> object:  # noqa: N802
        self._app.calls.hit("app.WorksheetFunction.Phonetic")
        sheet = cell._sheet.data
        address = cell.address.replace("$", "")
        return self._app.readings.get((sheet.name, address), sheet.get(cell.top, cell.left))


class _Property:
    def __init__(self, value: object) -> None:
        self.Value = value


class _BookApi:
    def __init__(self, book: FakeBook) -> None:
        self._book = book

    def CustomDocumentProperties(self, name: str) -> _Property:  # noqa: N802  # COM's name
        if name not in self._book.properties:
            raise KeyError(name)
        return _Property(self._book.properties[name])


def _at(cells: list[list[object]], row: int, col: int) -> object:
    if row <= len(cells) and col <= len(cells[row - 1]):
        return cells[row - 1][col - 1]
    return None


class FakeBook:
    def __init__(self, name: str, sheets: list[SheetData], properties: dict[str, object]) -> None:
        self._name = name
        self.calls = Calls()
        self.data: dict[str, SheetData] = {s.name: s for s in sheets}
        self.properties = properties
        self.active = sheets[0].name if sheets else ""
        self._app = FakeApp(self.calls)
        self._app.workbooks[name] = self
        # What FullName gives (a path, a OneDrive URL, or just the name of a book never saved);
        # None: the fake has no fullname at all, as the forms tests expect of it.
        self.path: str | None = None
        self.selected = "$A$1"  # the selection on the active sheet; None: a chart or shape
        # Book.save / Book.close: what was done, in order ("save", "close").
        self.events: list[str] = []
        self.closed = False
        # The cells as last read from or saved to the file (save writes what differs).
        self._saved: dict[str, list[list[object]]] = {}

    @property
    def name(self) -> str:
        self.calls.hit("book.name")
        return self._name

    @property
    def fullname(self) -> str:
        self.calls.hit("book.fullname")
        if self.path is None:
            raise AttributeError("fullname")
        return self.path

    @property
    def selection(self) -> FakeSelection | None:
        self.calls.hit("book.selection")
        if self.selected is None:
            return None
        return FakeSelection(self, self.active, self.selected)

    @property
    def sheets(self) -> FakeSheets:
        self.calls.hit("book.sheets")
        if self.closed:
            raise RuntimeError("the workbook is closed")  # xlwings: a COM error
        return FakeSheets(self)

    def save(self) -> None:
        """Book.save(): the file gets what the clerk typed since it was read (values only:
        enough for the fake; real Excel writes everything)."""
        self.calls.hit("book.save")
        assert not self.closed and self.path is not None, "save needs an open, saved workbook"
        self.events.append("save")
        edits = [
            (name, r, c)
            for name, data in self.data.items()
            for r, row in enumerate(data.cells, start=1)
            for c, _ in enumerate(row, start=1)
            if _at(self._saved.get(name, []), r, c) != data.raw(r, c)
        ]
        if edits:
            import warnings

            from openpyxl import load_workbook

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns (in English) about x14 parts
                wb = load_workbook(self.path)
            for name, r, c in edits:
                wb[name].cell(row=r, column=c, value=self.data[name].get(r, c))  # type: ignore[union-attr]
            wb.save(self.path)
        self._saved = {n: [row[:] for row in d.cells] for n, d in self.data.items()}

    def close(self) -> None:
        """Book.close(): closes without saving."""
        self.calls.hit("book.close")
        self.events.append("close")
        self.closed = True

    @property
    def app(self) -> FakeApp:
        self.calls.hit("book.app")
        return self._app

    @property
    def api(self) -> _BookApi:
        return _BookApi(self)

    # -- test helpers (not part of the xlwings surface) ----------------------------------
    @classmethod
    def from_openpyxl(cls, wb: Workbook, name: str) -> FakeBook:
        """The fake holding what `wb` holds: values as Excel would give them back, number
        formats, tables (their Total Rows, calculated columns and filters), hidden rows,
        sheet states and the hikisup marker property."""
        sheets = []
        for ws in wb.worksheets:
            data = SheetData(ws.title)
            for r, row in enumerate(ws.iter_rows(), start=1):
                for c, cell in enumerate(row, start=1):
                    if cell.number_format and cell.number_format != "General":
                        data.formats[(r, c)] = cell.number_format
                    if cell.value is not None:
                        data.write(r, c, cell.value)
            for table in ws.tables.values():
                min_col, min_row, max_col, max_row = range_boundaries(table.ref)
                data.tables[table.name] = [min_row, min_col, max_row, max_col]  # type: ignore[list-item]
                data.totals[table.name] = int(table.totalsRowCount or 0)
                data.calculated[table.name] = {
                    min_col + i: "=" + str(column.calculatedColumnFormula.attr_text)  # type: ignore[operator]
                    for i, column in enumerate(table.tableColumns)
                    if column.calculatedColumnFormula is not None
                }
            data.hidden = {int(r) for r, dim in ws.row_dimensions.items() if dim.hidden}
            data.filtered = {
                t.name
                for t in ws.tables.values()
                if t.autoFilter is not None and t.autoFilter.filterColumn
            }
            data.state = ws.sheet_state
            data.pivots = [p.name for p in ws._pivots]  # type: ignore[attr-defined]
            sheets.append(data)
        properties = {p.name: p.value for p in wb.custom_doc_props.props}  # type: ignore[attr-defined]
        book = cls(name, sheets, properties)
        book._saved = {s.name: [row[:] for row in s.cells] for s in sheets}
        return book

    def select(self, sheet: str, address: str | None) -> None:
        """The clerk activates `sheet` and selects `address` (None: a shape, not cells)."""
        self.active = sheet
        self.selected = address

    def clone(self) -> FakeBook:
        """A copy with its own cells and a fresh call count."""
        sheets = []
        for d in self.data.values():
            copy = SheetData(d.name, [row[:] for row in d.cells])
            copy.formulas, copy.formats = dict(d.formulas), dict(d.formats)
            copy.tables = {k: v[:] for k, v in d.tables.items()}
            copy.totals = dict(d.totals)
            copy.calculated = {k: dict(v) for k, v in d.calculated.items()}
            copy.state = d.state
            copy.hidden, copy.filtered = set(d.hidden), set(d.filtered)
            copy.pivots = d.pivots[:]
            sheets.append(copy)
        copy_book = FakeBook(self._name, sheets, dict(self.properties))
        copy_book.active, copy_book.path, copy_book.selected = self.active, self.path, self.selected
        copy_book._app.addin = self._app.addin
        copy_book._saved = {n: [row[:] for row in rows] for n, rows in self._saved.items()}
        return copy_book

    def table_rows(self, sheet: str, table: str) -> list[list[object]]:
        """Every data row of a table (blank ones too), straight from the cells: no calls."""
        data = self.data[sheet]
        top, left, bottom, right = data.tables[table]
        return [
            [data.get(r, c) for c in range(left, right + 1)] for r in range(top + 1, bottom + 1)
        ]


# --------------------------------------------------- the add-in's batch functions (VBA)
ADDIN = "'hikisup.xlam'!"  # Application.Run's name of a function in the add-in


class _Macro:
    def __init__(self, app: FakeApp, name: str) -> None:
        self._app, self._name = app, name

    def __call__(self, *args: Any) -> Any:
        function = self._name.removeprefix(ADDIN)
        self._app.calls.hit(f"macro.{function}")
        run = BATCH_FUNCTIONS.get(function) if self._name.startswith(ADDIN) else None
        if not self._app.addin or run is None:
            raise RuntimeError(f"Cannot run the macro '{self._name}'.")  # COM error 0x800A03EC
        return run(self._app.workbooks[args[0]], *args[1:])


def _address(top: int, left: int, bottom: int, right: int) -> str:
    return f"${get_column_letter(left)}${top}:${get_column_letter(right)}${bottom}"


def hikisup_tables(book: FakeBook, marker: str) -> tuple[tuple[object, ...], ...]:
    """HikisupTables: row 0 the layout tag, version, name, full name and marker property; a
    row per worksheet and one per table (5 columns, unused cells Empty)."""
    prop = book.properties.get(marker)
    out: list[tuple[object, ...]] = [
        (
            "hikisup-tables",
            1,
            book._name,
            book.path or book._name,
            None if prop is None else str(prop),
        )
    ]
    for data in book.data.values():
        out.append(("sheet", data.name, data.state == "visible", None, None))
        for name, bounds in data.tables.items():
            out.append(("table", data.name, name, _address(*bounds), data.totals.get(name, 0) > 0))
    return tuple(out)


def hikisup_read(book: FakeBook, requests: list[list[object]]) -> tuple[tuple[object, ...], ...]:
    """HikisupRead: per request a ("#", rows, columns) row, then the rows (values, or
    formulas for "F", or the used range's values for "U"), padded to the widest range."""
    blocks: list[list[list[object]]] = []
    for sheet, top, left, bottom, right, kind in requests:
        data = book.data[str(sheet)]
        if kind == "U":
            top, left = 1, 1
            bottom, right = data.used()
        cell = data.formula if kind == "F" else data.get
        blocks.append(
            [
                [cell(r, c) for c in range(int(left), int(right) + 1)]  # type: ignore[call-overload]
                for r in range(int(top), int(bottom) + 1)  # type: ignore[call-overload]
            ]
        )
    width = max([3, *(len(b[0]) for b in blocks)])
    out: list[tuple[object, ...]] = []
    for block in blocks:
        out.append(("#", len(block), len(block[0]), *([None] * (width - 3))))
        out += [(*row, *([None] * (width - len(row)))) for row in block]
    return tuple(out)


def hikisup_write(book: FakeBook, ops: list[list[object]]) -> int:
    """HikisupWrite: run the ops with screen updating, calculation and events off (restored
    afterwards, also after an error); returns how many ops ran."""
    app = book._app
    state = ("screen_updating", "calculation", "enable_events")
    before = {k: getattr(app, k) for k in state}
    app.screen_updating, app.calculation, app.enable_events = False, "manual", False
    done = 0
    try:
        i = 0
        while i < len(ops):
            code, sheet, *args = ops[i]
            data = book.data[str(sheet)]
            a = [int(v) if isinstance(v, int) else v for v in args]
            if code == "F":
                top, left, bottom, right, fmt = a[:5]
                for r in range(top, bottom + 1):  # type: ignore[arg-type, operator]
                    for c in range(left, right + 1):  # type: ignore[arg-type, operator]
                        if fmt == "General":
                            data.formats.pop((r, c), None)
                        else:
                            data.formats[(r, c)] = str(fmt)
                i += 1
            elif code == "W":
                top, left, rows, cols, masked = (int(v) for v in a[:5])  # type: ignore[call-overload]
                values = [list(ops[i + 1 + r][:cols]) for r in range(rows)]
                if masked == 1:
                    keep = [ops[i + 1 + rows + r][:cols] for r in range(rows)]
                    for r in range(rows):
                        for c in range(cols):
                            formula = data.formula(top + r, left + c)
                            if keep[r][c] == 1 and formula.startswith("="):
                                values[r][c] = formula
                app.states_seen.append({k: getattr(app, k) for k in state})
                for r, line in enumerate(values):
                    for c, v in enumerate(line):
                        if isinstance(v, dt.datetime):  # a VT_DATE holds no time zone
                            v = v.replace(tzinfo=None)
                        data.write(top + r, left + c, v)
                i += 1 + rows * (2 if masked == 1 else 1)
            elif code == "A":
                for _ in range(int(a[1])):  # type: ignore[call-overload]
                    data.add_table_row(str(a[0]))
                i += 1
            elif code == "R":
                data.tables[str(a[0])] = [int(v) for v in a[1:5]]  # type: ignore[call-overload]
                i += 1
            elif code == "P":
                for name in data.pivots:
                    data.refreshed.append((name, book.calls.writes))
                i += 1
            else:
                raise RuntimeError(f"unknown op {code}")
            done += 1
    finally:
        for k, v in before.items():
            setattr(app, k, v)
    return done


BATCH_FUNCTIONS: dict[str, Any] = {
    "HikisupTables": hikisup_tables,
    "HikisupRead": hikisup_read,
    "HikisupWrite": hikisup_write,
}
