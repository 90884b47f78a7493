"""The patch engine: a hikisup workbook file read from its XML and saved by rewriting only the
parts an action changed.

Reading streams each sheet's XML (engine/cellread.py) and keeps only the cells in its tables'
columns, so a stray value far away (XFD1048576) costs nothing; values are typed the way
openpyxl would hand them to the rules: dates as datetimes, whole numbers as ints, blank cells
as None, the number format in styles.xml deciding what is a date, as in Excel. Two
differences from the openpyxl engine, both deliberate: a formula cell reads as the value Excel
last computed (openpyxl hands over the formula text), and replace_rows removes the old rows'
cells in the table's columns without moving up what lies below the table (openpyxl deletes
whole sheet rows). A table's Total Row is never a data row: new rows go above it.

Writing edits the XML of the touched worksheets in place (lxml), parsing only the rows a change
touches (engine/sheetxml.py keeps the others as the bytes read): cells are set or created in
row and column order, strings are inline (`t="inlineStr"`, so sharedStrings.xml is never
rewritten), dates are serials, and a new cell takes the format of the same column in the
table's first data row (the template pre-formats that row). Hyperlinks, table ranges and the
sheet dimension follow. Saving builds a new zip beside the file in which every other part —
drawings, images, shapes, x14 extensions, custom parts — is copied byte for byte,
then swaps it in atomically and keeps the previous file as NAME.bak.xlsx, as the openpyxl
engine does. Nothing is lost, so unlike that engine this one refuses no file for what a save
would drop.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import HikisupError
from ..core.grid import FIRST_COLUMN, HEADER_ROW, ORIGIN, col_index, col_letter
from ..core.identity import require_hikisup
from ..core.schema import SNAPSHOT_HEADERS, SNAPSHOT_SHEET, Column, Kind, TableSpec
from ..core.table import RawTable
from . import graft, safety, zipcopy
from .calread import CalamineBook, DenseSheet, dense_enough
from .cellread import CellReader, Rows, from_serial, shared_strings
from .ooxml import (
    CONTENT_TYPES,
    MAX_COL,
    Package,
    PackageError,
    RelsDoc,
    TableInfo,
    parse_xml,
    q,
    read_workbook,
    rels_part,
    to_bytes,
)
from .outputs import OUTPUT_BEFORE, refuse_sheet_without_table
from .phonetic import column_readings, shared_readings
from .protocol import Engine, Link
from .sheetxml import CellValue, SheetEditor, cell_xml, formula_xml, inline_cell_tail
from .styles import DATETIME, FORMATS, TIME, WAREKI_DATE
from .xlstyles import StyleBook, classify

DATE_KINDS = (Kind.DATE, Kind.TIME, Kind.DATETIME)
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_LEAP_BUG_END = dt.date(1900, 3, 1)  # Excel counts a 29 February 1900 that never was
_FIRST_DAY = dt.date(1900, 1, 1)
# Characters XML 1.0 cannot hold (a pasted control character would make the part unreadable).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Excel reads _xHHHH_ in a string as the character HHHH; a literal one is written _x005F_xHHHH_.
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_SAFE_INT = 2**53
_UNSET = object()
MAX_TEXT = 32_767  # characters in one cell: Excel repairs (truncates) a file with more
NEW_SHEET_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<dimension ref="' + ORIGIN.encode() + b'"/>'
    b'<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    b'<sheetFormatPr defaultRowHeight="15"/><sheetData/>'
    b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    b"</worksheet>"
)


# -- values ------------------------------------------------------------------------------------
def to_serial(value: dt.date | dt.time | dt.timedelta, date1904: bool) -> float:
    """Excel's serial number for a date, time, datetime or duration."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86_400
    if isinstance(value, dt.time):
        return _seconds(value) / 86_400
    if isinstance(value, dt.datetime):
        day, fraction = value.date(), _seconds(value.time()) / 86_400
    else:
        day, fraction = value, 0.0
    if date1904:
        days = (day - _EPOCH_1904.date()).days
    else:
        days = (day - _EPOCH_1900.date()).days
        if _FIRST_DAY <= day < _LEAP_BUG_END:
            days -= 1
    return days + fraction


def _seconds(t: dt.time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1_000_000


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < _SAFE_INT else repr(value)


def clean_text(text: str) -> str:
    """The text without characters XML 1.0 cannot hold."""
    return _ILLEGAL_XML.sub("", text)


def encode(value: object, date1904: bool) -> tuple[CellValue, object]:
    """(what the cell XML holds, what reading the cell back gives) for one written value."""
    if isinstance(value, Link):
        value = value.text
    if value is None:
        return ("", ""), None
    if isinstance(value, bool):
        return ("b", "1" if value else "0"), value
    if isinstance(value, int) and abs(value) < 1e300:
        return ("n", str(value)), value
    if isinstance(value, float) and math.isfinite(value):
        return ("n", _number(value)), value
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        if isinstance(value, dt.datetime | dt.time) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return ("n", _number(to_serial(value, date1904))), value
    text = clean_text(value if isinstance(value, str) else str(value))[:MAX_TEXT]
    if not text:
        return ("", ""), None
    return ("s", _OOXML_ESCAPE.sub(r"_x005F_\1", text)), text


def _date_format(value: object, column: Column | None) -> str | None:
    """The number format a written date needs when its cell shows no date."""
    if isinstance(value, dt.datetime):
        default = DATETIME
    elif isinstance(value, dt.date):
        default = WAREKI_DATE
    elif isinstance(value, dt.time):
        default = TIME
    else:
        return None
    if column is not None and column.kind in DATE_KINDS:
        return FORMATS[column.kind]
    return default


def _header(value: object) -> str:
    return "" if value is None else str(value).strip()


def _blank(value: object) -> bool:
    return value is None or value == ""


# A sheet's XML this large (bytes, uncompressed) is read in a second thread by prefetch():
# 活動報告 at 100,000 rows is ~130 MB (1.3 s of calamine). Below this a parse is too short to
# hide the others' reads behind, and two sheets in flight cost memory (a 16 MB 登録名簿 read
# beside 受講者 saved no time and cost 55 MB at prefecture scale).
PARALLEL_FROM = 32 << 20


def _dense_or_none(
    pkg: Package, part: str, sheet: str, calamine: CalamineBook, lo: int, hi: int
) -> DenseSheet | Exception | None:
    """A sheet read by calamine where that is safe; None where it is not (the XML reader
    reads it then); the exception a damaged part raised, for the caller to word."""
    try:
        # The part's bytes are let go before calamine allocates (the report sheet's are
        # ~130 MB at prefecture scale); the XML reader reads them again if it must.
        if not dense_enough(pkg.read(part)):
            return None
    except Exception as exc:  # zipfile raises many types for damage
        return exc
    return calamine.dense(sheet, lo, hi)


class _Background:
    """One call run in a daemon thread; result() waits for it. What the call raises comes
    back as its result, to be raised (or worded) in the thread that asked."""

    def __init__(self, call: Callable[[], DenseSheet | Exception | None]) -> None:
        self._call = call
        self._answer: DenseSheet | Exception | None = None
        self._thread = threading.Thread(target=self._run, name="hikisup-read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._answer = self._call()
        except BaseException as exc:  # handed to the asking thread
            self._answer = exc if isinstance(exc, Exception) else RuntimeError(repr(exc))

    def result(self) -> DenseSheet | Exception | None:
        self._thread.join()
        return self._answer


def _dense_table(
    dense: DenseSheet, table: TableInfo, min_col: int, max_col: int
) -> tuple[list[tuple[object, ...]], list[int]]:
    """A table's data rows (and their sheet rows) straight from calamine's row tuples: what
    read_table makes of the sparse grid, without building it. A row is data unless every cell
    is blank; below a table without a Total Row, rows typed just under it belong to it (fewer
    than TRAILING_SCAN blank rows apart), as in _last_filled."""
    width = max_col - min_col + 1
    lines = dense.rows
    if (min_col, max_col) != (dense.lo, dense.hi):  # another table shares the sheet
        cut = slice(min_col - dense.lo, max_col - dense.lo + 1)
        lines = [line[cut] for line in lines]
    first = table.bounds[1]  # the header row; data starts below it
    last = min(table.data_end, len(lines))
    if not table.totals:
        gap = 0
        for row in range(table.data_end + 1, len(lines) + 1):
            if lines[row - 1].count(None) == width:
                gap += 1
                if gap > safety.TRAILING_SCAN:
                    break
            else:
                gap, last = 0, row
    rows: list[tuple[object, ...]] = []
    numbers: list[int] = []
    for row in range(first + 1, last + 1):
        values = lines[row - 1]
        if values.count(None) != width:
            rows.append(values)
            numbers.append(row)
    return rows, numbers


# -- the engine --------------------------------------------------------------------------------
class PatchEngine:
    """A workbook file opened for one action; `save()` replaces it atomically."""

    def __init__(self, path: Path, *, output: Path | None = None, upgrading: bool = False) -> None:
        self.path = path
        self.output = output or path
        # Refuses what is not a readable .xlsx (encrypted, old format, zip bomb...). What an
        # openpyxl save would drop is no reason to refuse here: this engine copies it all.
        safety.inspect_file(path, losses=False)
        try:
            data = path.read_bytes()
            self._stamp: safety.Stamp | None = safety.file_stamp(path)
            self._pkg = Package(data)
            self._wb = read_workbook(self._pkg)
            styles = self._wb.styles_part
            self._styles = StyleBook(self._pkg.xml(styles) if styles else None)
            self._hidden_dates = self._styles.hidden_dates()
            self._calamine = CalamineBook(data)
            strings = self._wb.strings_part
            self._reader = CellReader(
                shared_strings(self._pkg.read(strings) if strings else None),
                self._styles,
                self._wb.date1904,
            )
        except HikisupError:
            raise
        except Exception as exc:  # lxml and zipfile raise many types for damage
            raise _unreadable(path, exc) from None
        if any(i.flag_bits & 1 for i in self._pkg.infos):
            raise HikisupError(
                f"「{path.name}」の中身が暗号化されています。Excelで開いて保存し直してください。"
            )
        require_hikisup(self._wb.marker, path.name, set(self._wb.tables), upgrading=upgrading)
        # Whole parts written or dropped by a structural edit (engine/upgrading.py).
        self._extra_parts: dict[str, bytes] = {}
        self._extra_removed: set[str] = set()
        self._grids: dict[str, Rows] = {}
        # Sheets read by calamine and not written yet, and sheets calamine must not read.
        self._dense: dict[str, DenseSheet] = {}
        self._xml_only: set[str] = set()
        self._background: dict[str, _Background] = {}  # sheets being read in another thread
        self._editors: dict[str, SheetEditor] = {}
        self._new_parts: set[str] = set()
        self._templates: dict[tuple[str, int], int | None] = {}
        self._styles_for: dict[tuple[int | None, str | None, str | None, bool], int | None] = {}
        self._readings: dict[int, str] | None = None  # shared strings' readings, once read

    @property
    def name(self) -> str:
        return self.path.name

    # -- sheets ----------------------------------------------------------------------------
    def _columns(self, sheet: str) -> tuple[int, int]:
        """The columns worth reading on a sheet: its tables' (the snapshot sheet's own)."""
        spans = [t.bounds for t in self._wb.tables.values() if t.sheet == sheet]
        if not spans:
            return 1, len(SNAPSHOT_HEADERS)
        return min(b[0] for b in spans), max(b[2] for b in spans)

    def _grid(self, sheet: str) -> Rows:
        """The sheet's values in its tables' columns (sparse), with this action's writes."""
        grid = self._grids.get(sheet)
        if grid is None:
            dense = self._dense.pop(sheet, None) or self._read_dense(sheet)
            if dense is not None:
                grid = dense.sparse()
                if self._hidden_dates:
                    self._convert_hidden_dates(sheet, grid)
            else:  # a far cell, or a value calamine cannot take
                part = self._wb.sheets[sheet].part
                lo, hi = self._columns(sheet)
                try:
                    grid = self._reader.read(self._pkg.read(part), lo, hi)
                except HikisupError:
                    raise
                except Exception as exc:  # lxml and zipfile raise many types for damage
                    raise _unreadable(self.path, exc) from None
            self._grids[sheet] = grid
        return grid

    def _read_dense(self, sheet: str) -> DenseSheet | None:
        """calamine's read of the sheet, where it is safe (engine/calread.py); None otherwise."""
        if sheet in self._xml_only:
            return None
        pending = self._background.pop(sheet, None)
        if pending is not None:
            dense = pending.result()
        else:
            lo, hi = self._columns(sheet)
            part = self._wb.sheets[sheet].part
            dense = _dense_or_none(self._pkg, part, sheet, self._calamine, lo, hi)
        if isinstance(dense, Exception):
            raise dense if isinstance(dense, HikisupError) else _unreadable(self.path, dense)
        if dense is None:
            self._xml_only.add(sheet)
        return dense

    def prefetch(self, specs: Sequence[TableSpec], *, snapshot: bool = False) -> None:
        """Read the sheets of these tables now, the largest in a second thread: calamine's
        parse lets go of the interpreter, so on two cores it overlaps this thread's reading
        of the others (a 100,000-row 活動報告 is most of a prefecture-scale read)."""
        if self._hidden_dates:
            return
        tables = [self._wb.tables.get(s.table) for s in specs]
        sheets = dict.fromkeys(t.sheet for t in tables if t is not None)
        todo = [
            s
            for s in sheets
            if s in self._wb.sheets and s not in self._grids and s not in self._dense
        ]
        sizes = {s: self._pkg.size(self._wb.sheets[s].part) for s in todo}
        largest = max(todo, key=sizes.__getitem__, default=None)
        if largest is None or sizes[largest] < PARALLEL_FROM or len(todo) < 2:
            return
        lo, hi = self._columns(largest)
        part = self._wb.sheets[largest].part
        twin = self._calamine.twin()
        self._background[largest] = _Background(
            lambda: _dense_or_none(self._pkg, part, largest, twin, lo, hi)
        )
        try:
            for sheet in todo:
                if sheet != largest:
                    self._read_only(sheet)
        except BaseException:
            self.settle_reads()
            raise

    def settle_reads(self) -> None:
        """Wait for a read still running in the other thread. Called before an error leaves
        the reading: while calamine runs, stderr is redirected (its panics must not show), and
        the clerk's message would go there too."""
        for pending in self._background.values():
            pending.result()

    def _read_only(self, sheet: str) -> DenseSheet | None:
        """The sheet as calamine's row tuples, while nothing has made it an editable grid (a
        write, or a date format calamine does not know): tables are read from these directly."""
        if sheet in self._grids or self._hidden_dates:
            return None
        dense = self._dense.get(sheet)
        if dense is None:
            dense = self._read_dense(sheet)
            if dense is not None:
                self._dense[sheet] = dense
        return dense

    def _convert_hidden_dates(self, sheet: str, grid: Rows) -> None:
        """Serials in formats calamine does not take for dates (`ggge"年"`, `aaa`...)."""
        for row, col, style in self._editor(sheet).styles():
            kind = self._hidden_dates.get(style)
            line = grid.get(row) if kind is not None else None
            value = line.get(col) if line else None
            if line and type(value) in (int, float):  # a serial (whole ones read as int)
                line[col] = from_serial(float(value), kind, self._wb.date1904)  # type: ignore[arg-type]

    def _set_grid(self, sheet: str, row: int, col: int, value: object) -> None:
        line = self._grid(sheet).setdefault(row, {})
        if value is None:
            line.pop(col, None)
        else:
            line[col] = value

    def _editor(self, sheet: str) -> SheetEditor:
        editor = self._editors.get(sheet)
        if editor is None:
            part = self._wb.sheets[sheet].part
            try:
                editor = SheetEditor.from_bytes(self._pkg.read(part), part)
            except PackageError as exc:
                raise _unreadable(self.path, exc) from None
            self._editors[sheet] = editor
        return editor

    def _table(self, spec: TableSpec) -> TableInfo:
        table = self._wb.tables.get(spec.table)
        if table is None or table.sheet not in self._wb.sheets:
            raise HikisupError(
                f"「{self.name}」に必要なシートの表がありません：{spec.sheet}。"
                "シート名や表（テーブル）を削除・改名していないか確認してください。"
            )
        return table

    # -- reading ---------------------------------------------------------------------------
    @staticmethod
    def _cells(grid: Rows, row: int, min_col: int, max_col: int) -> list[object]:
        line = grid.get(row)
        if not line:
            return [None] * (max_col - min_col + 1)
        return list(map(line.get, range(min_col, max_col + 1)))

    def _headers(self, spec: TableSpec, table: TableInfo) -> list[str]:
        min_col, min_row, max_col, _ = table.bounds
        dense = self._read_only(table.sheet)
        if dense is not None:
            cells: Sequence[object] = dense.cells(min_row, min_col, max_col)
        else:
            cells = self._cells(self._grid(table.sheet), min_row, min_col, max_col)
        headers = [_header(v) for v in cells]
        missing = [c.header for c in spec.columns if c.header not in headers]
        if missing:
            raise HikisupError(
                f"シート「{spec.sheet}」の表に列「{'」「'.join(missing)}」がありません。"
                "列名を元に戻すか、テンプレートから列をコピーしてください。"
            )
        return headers

    def read_table(self, spec: TableSpec) -> RawTable:
        table = self._table(spec)
        min_col, min_row, max_col, _ = table.bounds
        headers = self._headers(spec, table)
        # What a calculated column shows is no reason for a row to be data (a blank row shows
        # 「様」 for =[@氏名]&"様"): only what a clerk typed counts.
        own = {c.header for c in spec.columns}
        calculated = {i for i in table.calculated() if headers[i] not in own}
        width = max_col - min_col + 1
        letters = [col_letter(c) for c in range(min_col, max_col + 1)]
        dense = self._read_only(table.sheet)
        if dense is not None and not calculated:
            rows, numbers = _dense_table(dense, table, min_col, max_col)
            return RawTable(spec, headers, rows, numbers, letters, min_row)
        grid = self._grid(table.sheet)
        last = table.data_end
        if not table.totals:  # below a Total Row nothing belongs to the table
            last = self._last_filled(grid, last, min_col, max_col)
        rows = []
        numbers = []
        typed = [i for i in range(width) if i not in calculated]
        columns = range(min_col, max_col + 1)
        for row in sorted(r for r in grid if min_row < r <= last):
            line = grid[row]
            if not line:
                continue
            values = tuple(map(line.get, columns))
            if len(typed) == width:  # the usual table: a row is data unless every cell is blank
                if values.count(None) + values.count("") == width:
                    continue
            elif not any(not _blank(values[i]) for i in typed):
                continue
            rows.append(values)
            numbers.append(row)
        return RawTable(spec, headers, rows, numbers, letters, min_row)

    @staticmethod
    def _last_filled(grid: Rows, max_row: int, min_col: int, max_col: int) -> int:
        """The last row just below the table that holds something (typed outside the table):
        rows follow one another with fewer than TRAILING_SCAN blank rows between them."""
        last = max_row
        for row in sorted(r for r in grid if r > max_row):
            if row - last - 1 > safety.TRAILING_SCAN:
                break
            line = grid[row]
            if any(not _blank(line.get(c)) for c in range(min_col, max_col + 1)):
                last = row
        return last

    def read_readings(
        self, raw: RawTable, key: str, rows: Collection[int] | None = None
    ) -> dict[int, str]:
        pos = raw.position(key)
        if pos is None or not raw.rows:
            return {}
        index = {row: i for i, row in enumerate(raw.row_numbers) if rows is None or i in rows}
        try:
            if self._readings is None:  # check reads two tables' readings: parse them once
                part = self._wb.strings_part
                self._readings = shared_readings(self._pkg.read(part) if part else None)
            found = column_readings(
                self._pkg,
                self._wb,
                raw.spec.sheet,
                col_index(raw.col_letters[pos]),
                set(index),
                self._readings,
            )
        except Exception as exc:  # lxml and zipfile raise many types for damage
            raise _unreadable(self.path, exc) from None
        return {index[row]: reading for row, reading in found.items()}

    def ensure_table(self, spec: TableSpec) -> None:
        table = self._wb.tables.get(spec.table)
        if table is not None and table.sheet in self._wb.sheets:
            return
        refuse_sheet_without_table(spec, spec.sheet in self._wb.sheets)
        from ..template import sheet_package

        changes = graft.Changes(self._extra_parts, self._extra_removed)
        grafter = graft.Grafter(self._pkg, self._wb, self._styles, changes)
        before = next((s for s in OUTPUT_BEFORE if s in self._wb.sheets), None)
        part, root = grafter.graft(graft.read_source(sheet_package(spec)), spec.sheet, before)
        self._editors[spec.sheet] = SheetEditor(root, part)
        self._new_parts.add(part)
        self._grids[spec.sheet] = {HEADER_ROW: dict(enumerate(spec.headers, FIRST_COLUMN))}

    # -- writing ---------------------------------------------------------------------------
    def write_cells(self, raw: RawTable, key: str, values: Mapping[int, object]) -> None:
        table = self._table(raw.spec)
        pos = raw.position(key)
        if pos is None:  # read_table refused a table missing a declared column
            raise HikisupError(
                f"シート「{raw.spec.sheet}」に列「{raw.spec.col(key).header}」がありません。"
            )
        column = table.bounds[0] + pos
        for index, value in values.items():
            self._put(table, raw.row_numbers[index], column, value, raw.spec.col(key), fresh=False)
        if raw.row_numbers:
            self._grow(table, max(raw.row_numbers))

    def replace_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        table = self._table(spec)
        min_col, min_row, max_col, _ = table.bounds
        data_end = table.data_end
        positions = self._positions(spec, table)
        editor = self._editor(table.sheet)
        for col in range(min_col, max_col + 1):
            self._template(table, col)  # taken before the rows go
        editor.remove_links(min_row + 1, max(data_end, min_row + 1), min_col, max_col)
        editor.delete_block(min_row + 2, data_end, min_col, max_col)
        for col in range(min_col, max_col + 1):
            editor.clear(min_row + 1, col)
        grid = self._grid(table.sheet)
        for row in [r for r in grid if min_row < r <= data_end]:
            line = grid[row]
            for col in range(min_col, max_col + 1):
                line.pop(col, None)
        new_end = min_row + max(1, len(rows))
        self._move_totals(table, new_end)
        self._write_rows(spec, table, positions, min_row + 1, rows)
        table.set_bounds(min_col, min_row, max_col, new_end + table.totals)

    def append_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        raw = self.read_table(spec)
        table = self._table(spec)
        start = (raw.row_numbers[-1] + 1) if raw.row_numbers else table.bounds[1] + 1
        last = start + len(rows) - 1
        if table.totals and last > table.data_end:
            self._move_totals(table, last)  # Excel's ListRows.Add: the Total Row moves down
        self._write_rows(spec, table, self._positions(spec, table), start, rows)
        self._grow(table, last)

    def _move_totals(self, table: TableInfo, new_end: int) -> None:
        """Put the Total Row right below data row `new_end`, as Excel does when table rows are
        added or removed: growing shifts down what lies below it in the table's columns."""
        if not table.totals or new_end == table.data_end:
            return
        min_col, _, max_col, max_row = table.bounds
        first = table.data_end + 1
        shift = new_end - table.data_end
        editor = self._editor(table.sheet)
        grid = self._grid(table.sheet)
        if shift > 0:
            below = sorted((r for r in set(editor.rows()) | set(grid) if r >= first), reverse=True)
        else:
            below = list(range(first, max_row + 1))
        for row in below:
            editor.move_cells(row, row + shift, min_col, max_col)
            source = grid.get(row, {})
            moved = {c: source.pop(c) for c in list(source) if min_col <= c <= max_col}
            target = grid.setdefault(row + shift, {})
            for col in range(min_col, max_col + 1):
                target.pop(col, None)
            target.update(moved)
        editor.grow_ranges(
            first + shift, table.totals, table.bounds[1] + 1, table.data_end, new_end
        )
        table.set_bounds(min_col, table.bounds[1], max_col, new_end + table.totals)

    def _positions(self, spec: TableSpec, table: TableInfo) -> list[int]:
        """The sheet column of each spec column, wherever the clerk moved it."""
        headers = self._headers(spec, table)
        return [table.bounds[0] + headers.index(c.header) for c in spec.columns]

    def _write_rows(
        self,
        spec: TableSpec,
        table: TableInfo,
        positions: list[int],
        start: int,
        rows: Sequence[Sequence[object]],
    ) -> None:
        calculated = {
            table.bounds[0] + pos: formula
            for pos, formula in table.calculated().items()
            if table.bounds[0] + pos not in positions
        }
        editor = self._editor(table.sheet)
        # Rows below every existing one (a fresh table has only its pre-formatted first row)
        # are built as bytes; the others are edited cell by cell.
        end = start + len(rows) - 1
        edited = 0
        while edited < len(rows) and not editor.can_add_rows(start + edited, end):
            edited += 1
        for r, row in enumerate(rows[:edited]):
            for column, col, value in zip(spec.columns, positions, row, strict=False):
                self._put(table, start + r, col, value, column, fresh=True)
            for col, formula in calculated.items():  # Excel fills them down each new row
                if editor.has_formula(start + r, col):
                    continue
                style = editor.style_of(start + r, col)
                editor.set_formula(
                    start + r,
                    col,
                    formula,
                    style if style is not None else self._template(table, col),
                )
        if edited < len(rows):  # after the edited rows: a new row's style may come from them
            self._add_rows(spec, table, positions, calculated, start + edited, rows[edited:])

    def _add_rows(
        self,
        spec: TableSpec,
        table: TableInfo,
        positions: list[int],
        calculated: dict[int, str],
        start: int,
        rows: Sequence[Sequence[object]],
    ) -> None:
        """_write_rows for rows below every existing one: each cell as _put(fresh=True) and
        set_formula would write it, built as bytes (SheetEditor.add_rows)."""
        editor = self._editor(table.sheet)
        if (
            not calculated
            and editor.takes_raw_rows()
            and not any(isinstance(v, Link) for row in rows for v in row)
        ):  # plain values only (a generated table): the writer that encodes each value once
            editor.remove_links_at(range(start, start + len(rows)), set(positions))
            fresh = self._fresh_rows(spec, table, positions)
            for r, row in enumerate(rows):
                fresh(start + r, row)
            return
        grid = self._grid(table.sheet)
        date1904 = self._wb.date1904
        for col in positions:  # a stale link on a cell being written goes, as in _put
            editor.remove_links(start, start + len(rows) - 1, col, col)
        formulas = sorted(calculated.items())
        built: dict[int, list[bytes]] = {}
        links: list[tuple[int, int, str, str]] = []
        for r, row in enumerate(rows):
            number = start + r
            line = grid.setdefault(number, {})
            cells: list[tuple[int, bytes]] = []
            for column, col, value in zip(spec.columns, positions, row, strict=False):
                cell, readback = encode(value, date1904)
                if readback is None:
                    line.pop(col, None)
                else:
                    line[col] = readback
                link = value if isinstance(value, Link) else None
                style = self._style_for(
                    self._template(table, col),
                    FORMATS.get(column.kind),
                    _date_format(value, column),
                    link is not None,
                )
                cells.append((col, cell_xml(number, col, cell, style)))
                if link is not None:
                    links.append((number, col, link.location, cell[1]))
            for col, formula in formulas:
                cells.append((col, formula_xml(number, col, formula, self._template(table, col))))
            cells.sort(key=lambda c: c[0])
            built[number] = [xml for _, xml in cells]
        editor.add_rows(built)
        for number, col, location, display in links:
            editor.set_link(number, col, location, display)

    def _fresh_rows(
        self, spec: TableSpec, table: TableInfo, positions: list[int]
    ) -> Callable[[int, Sequence[object]], None]:
        """What writes one new row that has no element yet, as bytes: the cells _put would
        make (the same values, styles and read-back), without an lxml element each."""
        editor = self._editor(table.sheet)
        grid = self._grid(table.sheet)
        date1904 = self._wb.date1904
        order = sorted(range(len(positions)), key=positions.__getitem__)  # cells in column order
        letters = [col_letter(col) for col in positions]
        styles: dict[tuple[int, type], int | None] = {}

        def style(k: int, value: object) -> int | None:
            found = styles.get((k, type(value)), _UNSET)
            if found is _UNSET:
                column = spec.columns[k]
                found = self._style_for(
                    self._template(table, positions[k]),
                    FORMATS.get(column.kind),
                    _date_format(value, column),
                    False,
                )
                styles[(k, type(value))] = found
            return found  # type: ignore[return-value]

        # (column, type, value) -> the cell's XML after its reference, and its read-back: the
        # same few values (年度, 年月, 種別, IDs, dates) fill most cells of a generated table.
        tails: dict[tuple[int, type, object], tuple[str, object]] = {}

        def tail(k: int, value: object) -> tuple[str, object]:
            key = (k, type(value), value)
            try:
                found = tails.get(key)
            except TypeError:  # an unhashable value: made each time
                cell, readback = encode(value, date1904)
                return inline_cell_tail(cell, style(k, value)), readback
            if found is None:
                cell, readback = encode(value, date1904)
                found = tails[key] = (inline_cell_tail(cell, style(k, value)), readback)
            return found

        def write(number: int, row: Sequence[object]) -> None:
            cells: list[str] = []
            line = grid.setdefault(number, {})
            for k in order:
                if k >= len(row) or k >= len(spec.columns):
                    continue  # as zip() in _write_rows: a short row writes fewer cells
                xml, readback = tail(k, row[k])
                if readback is None:
                    line.pop(positions[k], None)
                else:
                    line[positions[k]] = readback
                cells.append(f'<c r="{letters[k]}{number}"{xml}')
            if cells:
                editor.add_raw_row(number, cells)

        return write

    def _grow(self, table: TableInfo, last_row: int) -> None:
        min_col, min_row, max_col, _ = table.bounds
        if last_row > table.data_end:
            table.set_bounds(min_col, min_row, max_col, last_row + table.totals)

    def _template(self, table: TableInfo, col: int) -> int | None:
        """The style a new cell of this column takes: the first data row's (pre-formatted)."""
        key = (table.part, col)
        if key not in self._templates:
            editor = self._editor(table.sheet)
            style = editor.style_of(table.bounds[1] + 1, col)
            if style is None:
                style = editor.column_style(col)
            if style is not None and self._styles.is_link(style):
                style = self._styles.plain(style)
            self._templates[key] = style
        return self._templates[key]

    def _put(
        self,
        table: TableInfo,
        row: int,
        col: int,
        value: object,
        column: Column | None,
        *,
        fresh: bool,
    ) -> None:
        """Write one cell. `fresh`: a row the engine lays out (append/replace), whose cells
        take the column's number format as engine/files.py gives them."""
        editor = self._editor(table.sheet)
        cell, readback = encode(value, self._wb.date1904)
        self._set_grid(table.sheet, row, col, readback)
        existing = editor.style_of(row, col)
        link = value if isinstance(value, Link) else None
        if existing is None and not cell[0] and not fresh:
            editor.remove_links(row, row, col, col)
            return  # nothing to clear
        style = existing if existing is not None else self._template(table, col)
        code = FORMATS.get(column.kind) if fresh and column is not None else None
        style = self._style_for(style, code, _date_format(value, column), link is not None)
        editor.set_value(row, col, cell, style)
        if link is not None:
            editor.set_link(row, col, link.location, cell[1])
        else:
            editor.remove_links(row, row, col, col)

    def _style_for(
        self, style: int | None, code: str | None, date_code: str | None, link: bool
    ) -> int | None:
        """The style a written cell takes: its own or its column's, with the number format the
        value needs and the link look. Cached: thousands of cells share a handful of answers."""
        key = (style, code, date_code, link)
        found = self._styles_for.get(key, _UNSET)
        if found is not _UNSET:
            return found  # type: ignore[return-value]
        styles = self._styles
        shown = classify(code) if code else styles.kind(style)
        if date_code is not None and shown is None:
            code = date_code
        out = style
        if code is not None:
            out = styles.with_format(out, code)
        if link:
            out = styles.link(out)
        elif out is not None and styles.is_link(out):
            out = styles.plain(out)
        self._styles_for[key] = out
        return out

    def refresh_pivots(self, sheet: str) -> None:
        """The caches refresh themselves when the file is opened (refreshOnLoad); what a file
        can say now is how many records their source tables hold, as Excel's recordCount."""
        for info in self._pkg.infos:
            name = info.filename
            if not name.lower().startswith("xl/pivotcache/pivotcachedefinition"):
                continue
            root = self._pkg.xml(name)
            source = root.find(f"{q('cacheSource')}/{q('worksheetSource')}")
            table = self._wb.tables.get(source.get("name", "")) if source is not None else None
            if table is None or root.get("recordCount") is None:
                continue
            count = str(table.data_end - table.bounds[1])
            if root.get("recordCount") != count:
                root.set("recordCount", count)
                self._extra_parts[name] = to_bytes(root)

    # -- the snapshot sheet ----------------------------------------------------------------
    def read_snapshot(self) -> list[tuple[object, ...]]:
        if SNAPSHOT_SHEET not in self._wb.sheets:
            return []
        grid = self._grid(SNAPSHOT_SHEET)
        width = max((max(line) for line in grid.values() if line), default=0)
        out: list[tuple[object, ...]] = []
        for row in sorted(r for r in grid if r > 1):
            values = tuple(self._cells(grid, row, 1, width))
            if values and values[0]:
                out.append(values)
        return out

    def write_snapshot(self, rows: Sequence[Sequence[object]]) -> None:
        lines: list[Sequence[object]] = list(rows)
        if SNAPSHOT_SHEET in self._wb.sheets:
            self._update_snapshot(lines)
            return
        # a workbook made before the template carried the sheet
        part = self._wb.add_sheet(self._pkg, SNAPSHOT_SHEET, "veryHidden")
        self._new_parts.add(part)
        editor = SheetEditor(parse_xml(NEW_SHEET_XML, part), part)
        self._editors[SNAPSHOT_SHEET] = editor
        self._grids[SNAPSHOT_SHEET] = {}
        lines.insert(0, SNAPSHOT_HEADERS)
        for r, line in enumerate(lines, start=1):
            for c, value in enumerate(line, start=1):
                cell, readback = encode(value, self._wb.date1904)
                self._set_grid(SNAPSHOT_SHEET, r, c, readback)
                if cell[0]:
                    editor.set_value(r, c, cell, None)

    def _update_snapshot(self, lines: list[Sequence[object]]) -> None:
        """Rewrite only the snapshot rows that changed (most do not between two jobs); the
        header row stays as the clerk left it."""
        grid = self._grid(SNAPSHOT_SHEET)
        editor = self._editor(SNAPSHOT_SHEET)
        date1904 = self._wb.date1904
        new_rows: dict[int, list[bytes]] = {}  # rows the sheet does not have yet, as bytes
        for r, line in enumerate(lines, start=2):
            encoded = [encode(value, date1904) for value in line]
            wanted = {c: back for c, (_, back) in enumerate(encoded, start=1) if back is not None}
            if grid.get(r, {}) == wanted:
                continue
            grid[r] = wanted
            if editor.can_add_rows(r, r):
                cells = [cell_xml(r, c, v, None) for c, (v, _) in enumerate(encoded, 1) if v[0]]
                if cells:  # as set_value would: no row without a cell
                    new_rows[r] = cells
                continue
            editor.delete_cells(r, 1, MAX_COL)
            for c, (cell, _) in enumerate(encoded, start=1):
                if cell[0]:
                    editor.set_value(r, c, cell, None)
        if new_rows:
            editor.add_rows(new_rows)
        end = len(lines) + 2
        if any(r >= end for r in editor.rows()):
            editor.delete_rows_from(end)
        for row in [r for r in grid if r >= end]:
            del grid[row]

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        pkg, wb = self._pkg, self._wb
        replaced: dict[str, bytes] = {}
        added: dict[str, bytes] = {}
        removed: set[str] = set(self._extra_removed)
        data_changed = False
        for editor in self._editors.values():
            if not editor.dirty:
                continue
            data_changed = True
            xml = editor.finish()
            (added if editor.part in self._new_parts else replaced)[editor.part] = xml
            if editor.removed_rel_ids:
                rels = RelsDoc.load(pkg, editor.part)
                if rels.remove(editor.removed_rel_ids):
                    replaced[pkg.find(rels_part(editor.part)) or rels_part(editor.part)] = to_bytes(
                        rels.root
                    )
            if editor.formulas_removed:
                chain = wb.drop_calc_chain(pkg)
                if chain is not None:
                    removed.add(chain)
        for table in {id(t): t for t in wb.tables.values()}.values():
            if table.changed:
                replaced[table.part] = to_bytes(table.root)
        if self._styles.changed and wb.styles_part is not None:
            replaced[wb.styles_part] = self._styles.to_bytes()
        if data_changed:
            wb.request_full_calculation()
        if wb.changed:
            replaced[wb.part] = to_bytes(wb.root)
        if wb.rels is not None:
            replaced[pkg.find(rels_part(wb.part)) or rels_part(wb.part)] = to_bytes(wb.rels.root)
        if wb.content_types is not None:
            replaced[pkg.find(CONTENT_TYPES) or CONTENT_TYPES] = to_bytes(wb.content_types.root)
        for name, data in self._extra_parts.items():
            if name not in replaced and name not in added:  # an engine edit came later
                replaced[name] = data
        for name in [n for n in replaced if pkg.find(n) is None]:
            added[name] = replaced.pop(name)  # a part the package does not hold yet
        expected = self._stamp if self.output == self.path else None
        save_package(
            pkg, replaced, added, removed, self.output, keep_backup=True, expected=expected
        )


if TYPE_CHECKING:

    def _keeps_the_contract(engine: PatchEngine) -> Engine:
        return engine  # mypy checks PatchEngine against the Engine protocol here


def _unreadable(path: Path, exc: BaseException) -> HikisupError:
    return HikisupError(
        f"「{path.name}」を読み込めません（{type(exc).__name__}）。"
        "ファイルが壊れていないかExcelで開いて確認してください。"
    )


def save_package(
    pkg: Package,
    replaced: Mapping[str, bytes],
    added: Mapping[str, bytes],
    removed: set[str],
    path: Path,
    *,
    keep_backup: bool,
    expected: safety.Stamp | None = None,
) -> None:
    """Write the new package beside `path`, check it, then swap it in (engine/files.save_atomic's
    steps: the lock-file refusal before and after, NAME.bak.xlsx, never a half-written file).

    `expected`: the size and time `path` had when it was read; if it changed meanwhile the save
    is refused rather than overwriting someone else's work.
    """

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            zipcopy.write_zip(fh, pkg.zip, pkg.data, replaced, added, removed)

    try:
        safety.save_beside(
            path,
            write,
            keep_backup=keep_backup,
            expected=expected,
            check=lambda tmp: zipcopy.problem(tmp, pkg.zip, pkg.data, pkg.verified),
        )
    except zipcopy.ZipLimitError as exc:
        raise HikisupError(
            f"「{path.name}」は大きすぎるか特殊な形式のため保存できません（{exc}）。"
            "元のファイルは変更していません。"
        ) from None
