"""The live engine: the hikisup workbook open in Excel, through xlwings.

Round trips to Excel are what make xlwings slow, so their number per action does not depend on
the number of rows:

- a table is read with one range read (its header, its rows and a window below it, where a
  clerk may have typed rows that Excel did not take into the table);
- with the add-in loaded, every table is located by one call, the tables a job needs are read
  by one more, and every write of the job is one (livebatch.py: VBA functions of the add-in);
  the rest of this list is the path without them (an older add-in), one call per object;
- writes are buffered and applied by `save()` under suspended screen updating, calculation and
  events: per changed column one read of the segment's formulas (so formulas in rows the action
  does not change survive), one write of the segment and, for a text column, one number-format
  set (so Excel keeps "001" as text); per appended or replaced table one
  write, one number-format set per run of columns with the same format, one table resize;
  hyperlinks are HYPERLINK formulas inside that same write;
- the hidden snapshot sheet is one read and one write.

`save()` does not save the file. Excel owns the open workbook; the clerk sees the result and
saves it (Ctrl+S) or closes without saving to undo the action. Saving behind their back would
also remove that way back, and AutoSave (OneDrive/SharePoint) saves anyway where it is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..core.errors import HikisupError
from ..core.grid import (
    FIRST_COLUMN,
    FIRST_DATA_ROW,
    HEADER_ROW,
    ORIGIN,
    absolute_span,
    col_letter,
    parse_span,
    span,
)
from ..core.identity import require_hikisup
from ..core.schema import (
    ALL_TABLES,
    MARKER_PROPERTY,
    OUTPUT_TABLES,
    SNAPSHOT_HEADERS,
    SNAPSHOT_SHEET,
    Kind,
    TableSpec,
)
from ..core.table import RawTable
from . import livebatch, safety
from .outputs import OUTPUT_BEFORE, refuse_sheet_without_table
from .protocol import Link
from .styles import number_format

# Rows just below a table are read too; a run of more blank rows than this ends the table.
TRAILING_SCAN = safety.TRAILING_SCAN
# Every table a live engine can be asked about: the template's and the output sheets' a job
# adds when first needed (engine/outputs.py).
_KNOWN: tuple[TableSpec, ...] = (*ALL_TABLES, *OUTPUT_TABLES)
# How many rows below a table one read takes; a longer run of typed rows costs another read.
WINDOW = 200
TEXT_FORMAT = "@"
GENERAL = "General"  # a HYPERLINK formula in a text-formatted cell would show as text
XL_SHEET_VERY_HIDDEN = 2
SUSPENDED = {"screen_updating": False, "calculation": "manual", "enable_events": False}
TEXT_KINDS = (Kind.TEXT, Kind.ID, Kind.POSTAL, Kind.PHONE)


# The part of xlwings this engine uses (xlwings.Book satisfies it; so does the tests' fake).
class XlRange(Protocol):
    @property
    def address(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @value.setter
    def value(self, data: Any) -> None: ...
    @property
    def formula(self) -> Any: ...
    @property
    def number_format(self) -> str: ...
    @number_format.setter
    def number_format(self, value: str) -> None: ...
    def options(self, convert: Any = None, **options: Any) -> XlRange: ...
    @property
    def api(self) -> Any: ...  # the Range (COM on Windows)


class XlTable(Protocol):
    @property
    def range(self) -> XlRange: ...
    @property
    def show_totals(self) -> bool: ...  # Table Design → Total Row
    @property
    def api(self) -> Any: ...  # the ListObject (COM on Windows)
    def resize(self, range: Any) -> None: ...  # xlwings' parameter name


class XlTables(Protocol):
    def __getitem__(self, key: int | str) -> XlTable: ...


class XlSheet(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def tables(self) -> XlTables: ...
    @property
    def used_range(self) -> XlRange: ...
    @property
    def visible(self) -> bool: ...
    @visible.setter
    def visible(self, value: bool) -> None: ...
    @property
    def api(self) -> Any: ...
    def range(self, cell1: Any, cell2: Any = None) -> XlRange: ...
    def activate(self) -> None: ...


class XlSheets(Protocol):
    def __getitem__(self, key: int | str) -> XlSheet: ...
    def __len__(self) -> int: ...
    @property
    def active(self) -> XlSheet: ...
    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> XlSheet: ...


class XlApp(Protocol):
    @property
    def api(self) -> Any: ...  # the Application (COM on Windows)
    def properties(self, **kwargs: Any) -> AbstractContextManager[Any]: ...
    def macro(self, name: str) -> Callable[..., Any]: ...  # Application.Run of a VBA function
    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str | None: ...


class XlBook(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def sheets(self) -> XlSheets: ...
    @property
    def app(self) -> XlApp: ...
    @property
    def api(self) -> Any: ...


# ------------------------------------------------------------------------------ helpers
def parse_address(address: str) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), 1-based, of an A1 address such as "$A$1:$Y$20"."""
    try:
        left, top, right, bottom = parse_span(address)
    except ValueError:
        raise HikisupError(
            f"表の範囲「{address}」を読み取れません。表（テーブル）の範囲を確認してください。"
        ) from None
    return top, left, bottom, right


OLE_ZERO = dt.date(1899, 12, 30)  # day 0 of Excel's dates through COM: a time of day alone


def from_excel(value: object) -> object:
    """What Excel hands back, as the file engine would give it: whole numbers as int, a time
    of day as a time."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.date() == OLE_ZERO:
        return value.time()
    if isinstance(value, str) and value == "":
        return None
    return value


def hyperlink_formula(link: Link) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    return f"=HYPERLINK({quoted('#' + link.location)},{quoted(link.text)})"


def to_excel(value: object) -> object:
    """A value as xlwings writes it in one range write."""
    if isinstance(value, Link):
        return hyperlink_formula(value)
    if isinstance(value, dt.time):  # xlwings converts dates, not times: Excel's day fraction
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return value


def _rows2d(data: Any) -> list[list[Any]]:
    if not isinstance(data, list | tuple):
        return [[data]]
    if data and not isinstance(data[0], list | tuple):
        return [[v] for v in data]  # xlwings flattens a one-column read
    return [list(r) for r in data]


def _blank(values: Sequence[object]) -> bool:
    return all(v is None or v == "" for v in values)


def _last_row(grid: Sequence[Sequence[object]], top: int, bottom: int) -> tuple[int, bool]:
    """The last row with something in it, counting rows below the table until more than
    TRAILING_SCAN blank rows in a row; and whether such a run was seen (else read on)."""
    last, run = top, 0
    for row_no, row in enumerate(grid[1:], start=top + 1):
        if not _blank(row):
            last, run = row_no, 0
        elif row_no > bottom:
            run += 1
            if run > TRAILING_SCAN:
                return last, True
    return last, False


def _runs(formats: Sequence[str | None]) -> Iterator[tuple[int, int, str]]:
    """(first, last, format) for each run of equal, non-None formats (0-based positions)."""
    start = 0
    for i in range(1, len(formats) + 1):
        if i == len(formats) or formats[i] != formats[start]:
            fmt = formats[start]
            if fmt is not None:
                yield start, i - 1, fmt
            start = i


# ------------------------------------------------------------------------------- engine
@dataclass
class _Table:
    """One table as read: where it is and every row from its header to the end of the read."""

    spec: TableSpec
    top: int
    left: int
    bottom: int  # the table's last row in Excel
    right: int
    grid: list[list[object]]  # rows top.. (header first), table columns only
    last: int  # last sheet row with something in it (>= top)
    totals: int = 0  # rows of the Total Row at the bottom (never data)
    calculated: dict[int, str] = field(default_factory=dict)  # a clerk's: position -> formula

    @property
    def sheet(self) -> str:
        return self.spec.sheet

    def typed(self, values: Sequence[object]) -> list[object]:
        """What a clerk typed in a row: what calculated columns show does not count."""
        return [v for i, v in enumerate(values) if i not in self.calculated]

    @property
    def data_end(self) -> int:
        return self.bottom - self.totals

    def value(self, row: int, col: int) -> object:
        r = row - self.top
        return self.grid[r][col] if r < len(self.grid) else None


@dataclass
class _Pending:
    cells: dict[int, dict[int, object]] = field(default_factory=dict)  # column -> row -> value
    replace: list[Sequence[object]] | None = None
    append: list[Sequence[object]] = field(default_factory=list)


@dataclass
class _Fetched:
    """A table's first read, taken in a batch before the table is loaded."""

    values: list[list[object]]
    first_formulas: list[object] | None  # the first data row's formulas (None: no data row)


class _Writer(Protocol):
    """Where save() sends its writes: one batched HikisupWrite (livebatch.Program) or one
    xlwings call per write (_Direct)."""

    def number_format(
        self, sheet: str, top: int, left: int, bottom: int, right: int, fmt: str
    ) -> None: ...
    def write(
        self,
        sheet: str,
        top: int,
        left: int,
        block: Sequence[Sequence[object]],
        keep: Sequence[Sequence[bool]] | None = None,
    ) -> None: ...
    def add_rows(self, sheet: str, table: str, n: int) -> None: ...
    def resize(
        self, sheet: str, table: str, top: int, left: int, bottom: int, right: int
    ) -> None: ...
    def refresh_pivots(self, sheet: str) -> None: ...


class LiveEngine:
    """The workbook open in Excel. Reads go to Excel at once; writes wait for `save()`.

    With the add-in's batch functions (livebatch.py) a job costs a fixed handful of calls: one
    listing of every table, one read of the tables it needs (Session.prefetch), one read of the
    tables it writes and has not read, one write of everything. Without them (an older add-in,
    a workbook driven without it) each table, range and write is its own call, as before.
    """

    def __init__(self, book: XlBook, *, upgrading: bool = False, batch: bool = True) -> None:
        """Refuses a workbook that is not ours, and one an older template made (unless
        `upgrading`: the ribbon's ブックの更新 looks at such a workbook before upgrading it).
        `batch=False` takes the per-object path even where the add-in could batch (the smoke
        test compares both)."""
        self.book = book
        self.app = book.app  # the Excel instance (the forms action prints PDFs through it)
        self._name = book.name
        self._book_sheets: XlSheets | None = None  # book.sheets, fetched when first needed
        self._sheets: dict[str, XlSheet] = {}
        self._tables: dict[str, XlTable] = {}
        self._listing = self._list() if batch else None
        self._batch = self._listing is not None  # reads and writes through the add-in's VBA
        self._fetched: dict[str, _Fetched] = {}
        self._fetched_snapshot: list[list[object]] | None = None
        if self._listing is not None:
            self.marker = self._listing.marker
        else:  # one call per sheet and table: the path before the batch functions
            for spec in _KNOWN:  # output sheets a job added earlier too
                try:
                    self._table(spec)
                except Exception:  # xlwings raises the COM error (Windows) or KeyError (Mac)
                    continue
            self.marker = _marker(book)  # the template version it says it follows
        require_hikisup(self.marker, self._name, self.table_names, upgrading=upgrading)
        self._read: dict[str, _Table] = {}
        self._pending: dict[str, _Pending] = {}
        self._snapshot_rows: int | None = None  # rows the snapshot sheet had when read
        self._snapshot: list[Sequence[object]] | None = None
        self.touched = False  # True once save() has started writing into the workbook
        self._refresh: list[str] = []  # sheets whose pivot tables follow this action's writes
        self._outputs: list[TableSpec] = []  # output sheets this action adds (ensure_table)
        # Tables that save() grows or shrinks: (spec, top, left, bottom, right), for the listing.
        self._moves: list[tuple[TableSpec, int, int, int, int]] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def batched(self) -> bool:
        """Whether reads and writes go through the add-in's batch functions."""
        return self._batch

    @property
    def table_names(self) -> set[str]:
        """The declared tables the workbook holds."""
        if self._listing is None:
            return set(self._tables)
        found = self._listing.tables
        return {s.table for s in _KNOWN if s.table in found and found[s.table].sheet == s.sheet}

    # -- Excel's objects (the per-object path, and what has no batch form) -----------------
    def _list(self) -> livebatch.Listing | None:
        """Every table in one HikisupTables call; None when the add-in cannot answer (not
        loaded, an older add-in without the function, an answer of another layout)."""
        try:
            run = self.app.macro(livebatch.qualified(livebatch.TABLES))
            listing = livebatch.parse_listing(run(self._name, MARKER_PROPERTY))
        except Exception:  # xlwings raises the COM error "cannot run the macro" (or a Mac's)
            return None
        return listing if listing.name == self._name else None

    @property
    def _all_sheets(self) -> XlSheets:
        if self._book_sheets is None:
            self._book_sheets = self.book.sheets
        return self._book_sheets

    def _sheet(self, name: str) -> XlSheet:
        if name not in self._sheets:
            self._sheets[name] = self._all_sheets[name]
        return self._sheets[name]

    def _table(self, spec: TableSpec) -> XlTable:
        if spec.table not in self._tables:
            self._tables[spec.table] = self._sheet(spec.sheet).tables[spec.table]
        return self._tables[spec.table]

    def _table_named(self, name: str) -> XlTable:
        return self._table(next(s for s in _KNOWN if s.table == name))

    def _has_sheet(self, name: str) -> bool:
        if self._listing is not None:
            return name in self._listing.sheets
        try:
            self._sheet(name)
        except Exception:  # xlwings raises the COM error (Windows) or KeyError (Mac)
            return False
        return True

    def _where(self, spec: TableSpec) -> tuple[int, int, int, int, int]:
        """(top, left, bottom, right, rows of the Total Row) of a table in Excel now."""
        if self._listing is not None:
            located = self._listing.tables[spec.table]
            top, left, bottom, right = parse_address(located.address)
            return top, left, bottom, right, int(bottom > top + 1 and located.totals)
        table = self._table(spec)
        top, left, bottom, right = parse_address(table.range.address)
        return top, left, bottom, right, int(bottom > top + 1 and _shows_totals(table))

    def _moved(self, spec: TableSpec, top: int, left: int, bottom: int, right: int) -> None:
        """Keep the listing right after a write grew or shrank a table."""
        if self._listing is not None and spec.table in self._listing.tables:
            old = self._listing.tables[spec.table]
            address = absolute_span(left, top, right, bottom)
            self._listing.tables[spec.table] = livebatch.Located(
                old.sheet, old.name, address, old.totals
            )

    def _range_values(self, sheet: str, top: int, left: int, bottom: int, right: int) -> Any:
        return self._sheet(sheet).range((top, left), (bottom, right)).options(ndim=2).value

    # -- reading ---------------------------------------------------------------------------
    def settle_reads(self) -> None:
        """Nothing runs in the background: every read is a call that has returned."""

    def prefetch(self, specs: Sequence[TableSpec], *, snapshot: bool = False) -> None:
        """Read these tables (and the snapshot sheet) in one HikisupRead call, for the reads
        that follow; nothing without the batch functions (each table is then read when
        asked for)."""
        if not self._batch or self._listing is None:
            return
        listed = self.table_names
        todo = [
            s
            for s in dict.fromkeys(specs)
            if s.key not in self._read
            and s.key not in self._fetched
            and s.table in listed
            and s not in self._outputs
        ]
        requests: list[livebatch.Request] = []
        plan: list[tuple[TableSpec, bool]] = []
        for spec in todo:
            top, left, bottom, right, totals = self._where(spec)
            end = bottom - totals if totals else bottom + WINDOW
            requests.append(livebatch.Request(spec.sheet, top, left, end, right))
            has_data = bottom - totals > top
            if has_data:  # calculated columns: the first data row's formulas
                requests.append(livebatch.Request(spec.sheet, top + 1, left, top + 1, right, "F"))
            plan.append((spec, has_data))
        snap = (
            snapshot
            and self._snapshot_rows is None
            and self._fetched_snapshot is None
            and SNAPSHOT_SHEET in self._listing.sheets
        )
        if snap:
            requests.append(livebatch.Request(SNAPSHOT_SHEET, kind="U"))
        if not requests:
            return
        try:
            run = self.app.macro(livebatch.qualified(livebatch.READ))
            result = run(self._name, [r.row() for r in requests])
            blocks = livebatch.parse_blocks(result, len(requests))
        except Exception:  # cannot pass arrays (a Mac's Excel?): one call per object, then
            self._batch = False
            return
        at = 0
        for spec, has_data in plan:
            values = blocks[at]
            formulas = blocks[at + 1][0] if has_data else None
            at += 2 if has_data else 1
            self._fetched[spec.key] = _Fetched(values, formulas)
        if snap:
            self._fetched_snapshot = blocks[at]

    def _load(self, spec: TableSpec) -> _Table:
        if spec.key in self._read:
            return self._read[spec.key]
        if self._batch and spec.key not in self._fetched:
            self.prefetch([spec])
        fetched = self._fetched.pop(spec.key, None)
        top, left, bottom, right, totals = self._where(spec)
        grid: list[list[object]] = []
        if totals:  # below a Total Row nothing belongs to the table: read the data only
            block = (
                fetched.values
                if fetched
                else self._range_values(spec.sheet, top, left, bottom - totals, right)
            )
            grid = [[from_excel(v) for v in row] for row in _rows2d(block)]
            last = max(
                (r for r, row in enumerate(grid[1:], start=top + 1) if not _blank(row)),
                default=top,
            )
        end = bottom + WINDOW
        start = top
        while not totals:
            if fetched is not None and start == top:
                block = fetched.values
            else:
                block = self._range_values(spec.sheet, start, left, end, right)
            grid += [[from_excel(v) for v in row] for row in _rows2d(block)]
            last, ended = _last_row(grid, top, bottom)
            if ended:
                break
            start, end = end + 1, end + WINDOW  # a long run of rows typed below the table
        first = fetched.first_formulas if fetched is not None else None
        calculated = self._calculated(spec, top, left, right, bottom - totals, grid[0], first)
        if calculated:
            masked = [
                grid[0],
                *([None if i in calculated else v for i, v in enumerate(row)] for row in grid[1:]),
            ]
            last = max(
                (r for r, row in enumerate(masked[1:], start=top + 1) if not _blank(row)),
                default=top,
            )
            if not totals:
                last = max(last, _last_row(masked, top, bottom)[0])
        loaded = _Table(spec, top, left, bottom, right, grid, last, totals, calculated)
        self._read[spec.key] = loaded
        return loaded

    def _calculated(
        self,
        spec: TableSpec,
        top: int,
        left: int,
        right: int,
        data_end: int,
        header: Sequence[object],
        first: Sequence[object] | None,
    ) -> dict[int, str]:
        """A clerk's own columns that hold a formula in the first data row: calculated columns,
        which Excel fills down every row (read in the batch, else one read, only when such
        columns exist)."""
        own = {c.header for c in spec.columns}
        foreign = [i for i, h in enumerate(header) if (str(h).strip() if h else "") not in own]
        if not foreign or data_end <= top:
            return {}
        if first is None:
            first = _rows2d(
                self._sheet(spec.sheet).range((top + 1, left), (top + 1, right)).formula
            )[0]
        formulas = {i: first[i] for i in foreign if i < len(first)}
        return {i: f for i, f in formulas.items() if isinstance(f, str) and f.startswith("=")}

    def read_table(self, spec: TableSpec) -> RawTable:
        if spec in self._outputs:  # added at save(): nothing in it yet
            letters = [col_letter(c) for c in range(1, len(spec.columns) + 1)]
            return RawTable(spec, list(spec.headers), [], [], letters, 1)
        t = self._load(spec)
        headers = [str(v).strip() if v is not None else "" for v in t.grid[0]]
        missing = [c.header for c in spec.columns if c.header not in headers]
        if missing:
            raise HikisupError(
                f"シート「{spec.sheet}」の表に列「{'」「'.join(missing)}」がありません。"
                "列名を元に戻すか、テンプレートから列をコピーしてください。"
            )
        rows: list[tuple[object, ...]] = []
        numbers: list[int] = []
        for offset, values in enumerate(t.grid[1 : t.last - t.top + 1], start=t.top + 1):
            if not _blank(t.typed(values)):
                rows.append(tuple(values))
                numbers.append(offset)
        letters = [col_letter(c) for c in range(t.left, t.right + 1)]
        return RawTable(spec, headers, rows, numbers, letters, t.top)

    def read_readings(
        self, raw: RawTable, key: str, rows: Collection[int] | None = None
    ) -> dict[int, str]:
        """Excel's own PHONETIC of each text cell asked for: one call per cell (about a
        millisecond each over COM). A whole column (rows=None, check's comparison) is not
        read: its cost would grow with the register; 整える asks only for the blank ふりがな."""
        pos = raw.position(key)
        if pos is None or rows is None:
            return {}
        sheet = self._sheet(raw.spec.sheet)
        out: dict[int, str] = {}
        function = self.app.api.WorksheetFunction
        for i, row in enumerate(raw.row_numbers):
            if i not in rows:
                continue
            value = raw.rows[i][pos] if pos < len(raw.rows[i]) else None
            if not isinstance(value, str) or not value.strip():
                continue
            cell = sheet.range(f"{raw.col_letters[pos]}{row}")
            reading = str(function.Phonetic(cell.api) or "")
            # PHONETIC shows the text itself where no reading was kept: no reading, then.
            if reading and reading != value:
                out[i] = reading
        return out

    def ensure_table(self, spec: TableSpec) -> None:
        """Added at save(), with the other writes; until then the table reads as empty."""
        if spec.table in self.table_names or spec in self._outputs:
            return
        if not self._has_sheet(spec.sheet):
            self._outputs.append(spec)
            return
        refuse_sheet_without_table(spec, True)

    def _add_output(self, spec: TableSpec) -> None:
        before = None
        for name in OUTPUT_BEFORE:
            try:
                before = self._all_sheets[name]
                break
            except Exception:
                continue
        if before is not None:
            sheet = self._all_sheets.add(spec.sheet, before=before)
        else:
            sheet = self._all_sheets.add(
                spec.sheet, after=self._all_sheets[len(self._all_sheets) - 1]
            )
        # The header row and one blank data row, as the template lays every table out.
        bounds = (FIRST_COLUMN, HEADER_ROW, len(spec.columns), FIRST_DATA_ROW)
        sheet.range(ORIGIN).value = [list(spec.headers)]
        # ListObjects.Add(xlSrcRange=1, source, , xlYes=1)
        listobject = sheet.api.ListObjects.Add(1, sheet.range(span(*bounds)).api, None, 1)
        listobject.Name = spec.table
        self._sheets[spec.sheet] = sheet
        self._tables[spec.table] = sheet.tables[spec.table]
        if self._listing is not None:
            self._listing.sheets.append(spec.sheet)
            self._listing.tables[spec.table] = livebatch.Located(
                spec.sheet, spec.table, absolute_span(*bounds), False
            )

    def read_snapshot(self) -> list[tuple[object, ...]]:
        if self._fetched_snapshot is None and self._batch:
            self.prefetch([], snapshot=True)
        if self._fetched_snapshot is not None:
            values = _rows2d(self._fetched_snapshot)
            self._fetched_snapshot = None
        elif not self._has_sheet(SNAPSHOT_SHEET):
            self._snapshot_rows = 0
            return []
        else:
            values = _rows2d(self._sheet(SNAPSHOT_SHEET).used_range.options(ndim=2).value)
        self._snapshot_rows = len(values)
        return [tuple(from_excel(v) for v in r) for r in values[1:] if r and r[0]]

    # -- buffered writes -----------------------------------------------------------------
    def _pending_for(self, spec: TableSpec) -> _Pending:
        return self._pending.setdefault(spec.key, _Pending())

    def write_cells(self, raw: RawTable, key: str, values: Mapping[int, object]) -> None:
        pos = raw.position(key)
        if pos is None:  # read_table refused a table missing a declared column
            raise HikisupError(
                f"シート「{raw.spec.sheet}」に列「{raw.spec.col(key).header}」がありません。"
            )
        column = self._pending_for(raw.spec).cells.setdefault(pos, {})
        for index, value in values.items():
            column[raw.row_numbers[index]] = value

    def replace_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        pending = self._pending_for(spec)
        pending.replace = list(rows)
        pending.append = []

    def append_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            self._pending_for(spec).append += list(rows)

    def write_snapshot(self, rows: Sequence[Sequence[object]]) -> None:
        self._snapshot = list(rows)

    def refresh_pivots(self, sheet: str) -> None:
        if sheet not in self._refresh:
            self._refresh.append(sheet)

    def discard(self) -> None:
        """Forget every buffered write (after an action failed)."""
        self._pending.clear()
        self._moves.clear()
        self._snapshot = None
        self._refresh = []
        self._outputs = []

    # -- applying ------------------------------------------------------------------------
    def save(self) -> None:
        """Apply the buffered writes in Excel, with screen updating, calculation and events
        suspended. The workbook is left for the clerk to save (see the module docstring).

        Batched: the tables written but not read are read in one call, every write is one
        HikisupWrite (which suspends and restores Excel's state itself); only adding a sheet
        (an output sheet, the snapshot sheet of an old workbook) takes calls of its own."""
        if not self._pending and self._snapshot is None:
            return
        written = [s for s in _KNOWN if s.key in self._pending and s not in self._outputs]
        self.prefetch(written, snapshot=self._snapshot is not None)
        adds_sheet = bool(self._outputs) or (
            self._snapshot is not None and not self._has_sheet(SNAPSHOT_SHEET)
        )
        program = livebatch.Program() if self._batch else None
        writer: _Writer = program if program is not None else _Direct(self)
        # Batched, nothing reaches the workbook until the one write (or a sheet is added):
        # a job that fails before it has changed nothing, and can say so.
        self.touched = self.touched or program is None or adds_sheet
        suspended = self.app.properties(**SUSPENDED) if program is None or adds_sheet else None
        with suspended if suspended is not None else nullcontext():
            for spec in self._outputs:
                self._add_output(spec)
            # every known table, an output table added by an earlier job (移行確認) too
            for spec in dict.fromkeys((*_KNOWN, *self._outputs)):
                pending = self._pending.get(spec.key)
                if pending is not None:
                    self._apply(spec, pending, writer)
            if self._snapshot is not None:
                self._apply_snapshot(self._snapshot, writer)
            for sheet in self._refresh:
                writer.refresh_pivots(sheet)
            if program is not None and program.count:
                self.touched = True
                self._run(program)
        for move in self._moves:
            self._moved(*move)
        self.discard()

    def _run(self, program: livebatch.Program) -> None:
        """Every write in one HikisupWrite call."""
        run = self.app.macro(livebatch.qualified(livebatch.WRITE))
        done = run(self._name, program.array())
        if int(done) != program.count:
            raise RuntimeError(f"HikisupWrite applied {done} of {program.count} writes")

    def _apply(self, spec: TableSpec, pending: _Pending, writer: _Writer) -> None:
        t = self._load(spec)
        bottom = t.bottom
        for column, cells in sorted(pending.cells.items()):
            if cells:
                self._write_column(t, spec, column, cells, writer)
                bottom = max(bottom, max(cells))
        if pending.replace is not None:
            rows = [*pending.replace, *pending.append]
            # One write that also blanks every old row; an empty table keeps one blank row.
            if t.totals:  # the Total Row stays below: the block must fit above it
                height = max(len(rows), t.data_end - t.top, 1)
                bottom = t.bottom + self._add_rows(t, t.top + height - t.data_end, writer)
            else:
                height = max(len(rows), t.last - t.top, t.bottom - t.top, 1)
                bottom = t.top + max(1, len(rows))
            self._write_rows(t, spec, t.top + 1, rows, height, writer)
        elif pending.append:
            start = t.last + 1  # after the last row with something in it
            if t.totals:
                end = start + len(pending.append) - 1
                bottom = t.bottom + self._add_rows(t, end - t.data_end, writer)
            self._write_rows(t, spec, start, pending.append, len(pending.append), writer)
            if not t.totals:
                bottom = max(bottom, start + len(pending.append) - 1)
        if bottom != t.bottom and not t.totals:
            writer.resize(t.sheet, spec.table, t.top, t.left, bottom, t.right)
        self._moves.append((spec, t.top, t.left, bottom, t.right))  # once the writes are in
        self._read.pop(spec.key, None)  # read again if anything looks at it again

    @staticmethod
    def _add_rows(t: _Table, n: int, writer: _Writer) -> int:
        """Add n rows at the end of a table with a Total Row, as Excel's ListRows.Add does:
        above the Total Row, which moves down with its formulas, calculated columns filled.
        Returns how many were added."""
        writer.add_rows(t.sheet, t.spec.table, max(0, n))
        return max(0, n)

    def _write_rows(
        self,
        t: _Table,
        spec: TableSpec,
        start: int,
        rows: Sequence[Sequence[object]],
        height: int,
        writer: _Writer,
    ) -> None:
        """Rows in spec column order into the table's columns (wherever they stand now), as
        one block of `height` rows; the schema's number formats first, one per run of
        columns, so that Excel keeps "001" as text and shows dates as dates. A clerk's own
        columns keep their formulas (calculated columns; a new row gets the column's)."""
        positions = self._positions(t)
        width = t.right - t.left + 1
        block: list[list[object]] = [[None] * width for _ in range(height)]
        for r, row in enumerate(rows):
            for pos, value in zip(positions, row, strict=False):
                if pos is not None:
                    block[r][pos] = to_excel(value)
        foreign = [p for p in range(width) if p not in positions]
        keep: list[list[bool]] | None = None
        if foreign and height:
            keep = [[p in foreign for p in range(width)] for _ in range(height)]
            for r in range(min(len(rows), height)):
                for p in foreign:
                    if p in t.calculated:
                        block[r][p] = t.calculated[p]  # where the cell holds no formula yet
        formats: list[str | None] = [None] * width
        for col, pos in zip(spec.columns, positions, strict=True):
            if pos is not None:
                formats[pos] = GENERAL if _has_links(rows, spec, col.key) else number_format(col)
        end = start + height - 1
        for first, last, fmt in _runs(formats):
            writer.number_format(t.sheet, start, t.left + first, end, t.left + last, fmt)
        writer.write(t.sheet, start, t.left, block, keep)

    def _positions(self, t: _Table) -> list[int | None]:
        """Where each schema column stands in the table now (clerks may reorder columns)."""
        headers = [str(v).strip() if v is not None else "" for v in t.grid[0]]
        return [headers.index(c.header) if c.header in headers else None for c in t.spec.columns]

    def _write_column(
        self, t: _Table, spec: TableSpec, pos: int, cells: dict[int, object], writer: _Writer
    ) -> None:
        """One block from the first to the last changed row; the rows between keep a clerk's
        formula, else their value as read."""
        first, last = min(cells), max(cells)
        block: list[list[object]] = []
        keep: list[list[bool]] = []
        for row in range(first, last + 1):
            changed = row in cells
            block.append([to_excel(cells[row]) if changed else t.value(row, pos)])
            keep.append([not changed])
        col = next(
            (c for c, p in zip(spec.columns, self._positions(t), strict=True) if p == pos), None
        )
        at = t.left + pos
        if col is not None and col.kind in TEXT_KINDS:  # so Excel keeps "001" as text, not 1
            writer.number_format(t.sheet, first, at, last, at, TEXT_FORMAT)
        writer.write(t.sheet, first, at, block, keep)

    def _apply_snapshot(self, rows: Sequence[Sequence[object]], writer: _Writer) -> None:
        exists = self._has_sheet(SNAPSHOT_SHEET)
        if self._snapshot_rows is None and exists:
            self.read_snapshot()
        old = self._snapshot_rows or 0
        if not exists:  # a workbook made before the template carried the sheet
            sheets = self._all_sheets
            active = sheets.active
            sheet = sheets.add(SNAPSHOT_SHEET, after=sheets[len(sheets) - 1])
            self._sheets[SNAPSHOT_SHEET] = sheet
            if self._listing is not None:
                self._listing.sheets.append(SNAPSHOT_SHEET)
            try:
                sheet.api.Visible = XL_SHEET_VERY_HIDDEN  # Windows: not even in Unhide...
            except Exception:
                sheet.visible = False  # elsewhere: hidden
            active.activate()
        block: list[list[object]] = [
            list(SNAPSHOT_HEADERS),
            *([to_excel(v) for v in r] for r in rows),
        ]
        block += [[None, None] for _ in range(old - len(block))]
        writer.number_format(SNAPSHOT_SHEET, 1, 1, len(block), 2, TEXT_FORMAT)
        writer.write(SNAPSHOT_SHEET, 1, 1, block)
        self._snapshot_rows = len(block)


class _Direct:
    """The per-object path: each write is its own xlwings call, as it is made."""

    def __init__(self, engine: LiveEngine) -> None:
        self._engine = engine
        self._last: tuple[tuple[str, int, int, int, int], XlRange] | None = None

    def _range(self, sheet: str, top: int, left: int, bottom: int, right: int) -> XlRange:
        """The range, made once for a number format and the write that follows it."""
        key = (sheet, top, left, bottom, right)
        if self._last is None or self._last[0] != key:
            self._last = (key, self._engine._sheet(sheet).range((top, left), (bottom, right)))
        return self._last[1]

    def number_format(
        self, sheet: str, top: int, left: int, bottom: int, right: int, fmt: str
    ) -> None:
        self._range(sheet, top, left, bottom, right).number_format = fmt

    def write(
        self,
        sheet: str,
        top: int,
        left: int,
        block: Sequence[Sequence[object]],
        keep: Sequence[Sequence[bool]] | None = None,
    ) -> None:
        width = max((len(r) for r in block), default=0)
        if not block or not width:
            return
        target = self._range(sheet, top, left, top + len(block) - 1, left + width - 1)
        out = [list(r) for r in block]
        if keep is not None:  # a cell that holds a formula keeps it where `keep` says so
            formulas = _rows2d(target.formula)
            for r, line in enumerate(formulas[: len(out)]):
                for c, formula in enumerate(line[:width]):
                    kept = keep[r][c] and isinstance(formula, str) and formula.startswith("=")
                    if kept:
                        out[r][c] = formula
        target.value = out

    def add_rows(self, sheet: str, table: str, n: int) -> None:
        self._last = None  # inserted rows move a COM Range with its cells
        if n > 0:
            rows = self._engine._table_named(table).api.ListRows
            for _ in range(n):
                rows.Add()

    def resize(self, sheet: str, table: str, top: int, left: int, bottom: int, right: int) -> None:
        self._last = None
        self._engine._table_named(table).resize(self._range(sheet, top, left, bottom, right))

    def refresh_pivots(self, sheet: str) -> None:
        """PivotTable.RefreshTable for each pivot table on the sheet: one call per pivot
        table, whatever the number of rows."""
        pivots = self._engine._sheet(sheet).api.PivotTables()
        for i in range(1, int(pivots.Count) + 1):
            pivots.Item(i).RefreshTable()


def _shows_totals(table: XlTable) -> bool:
    try:
        return bool(table.show_totals)
    except Exception:  # an xlwings without the property: no Total Row to mind
        return False


def _has_links(rows: Sequence[Sequence[object]], spec: TableSpec, key: str) -> bool:
    i = [c.key for c in spec.columns].index(key)
    return any(i < len(r) and isinstance(r[i], Link) for r in rows)


def _marker(book: XlBook) -> str | None:
    """The workbook's hikisup_schema document property (Windows COM), else None."""
    try:
        return str(book.api.CustomDocumentProperties(MARKER_PROPERTY).Value)
    except Exception:  # no such property, or no COM (Mac, tests)
        return None
