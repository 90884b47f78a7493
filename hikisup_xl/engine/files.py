"""The file engine: a hikisup workbook on disk, read and written with openpyxl."""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from ..core.errors import HikisupError
from ..core.grid import col_index
from ..core.identity import require_hikisup
from ..core.schema import MARKER_PROPERTY, SNAPSHOT_HEADERS, SNAPSHOT_SHEET, TableSpec
from ..core.table import RawTable
from . import pivotparts, safety
from .protocol import Link
from .sheetxml import grow_ranges
from .styles import apply_cell_style


class FileEngine:
    """A workbook file opened for one action; `save()` replaces it atomically."""

    def __init__(self, path: Path, *, output: Path | None = None, upgrading: bool = False) -> None:
        self.path = path
        self.output = output or path
        check = safety.inspect_file(path)
        if check.would_lose and self.output == path:
            raise HikisupError(
                f"「{path.name}」には、このツールが保存すると失われるもの（{'、'.join(check.would_lose)}）"
                "が含まれているため、上書きしません。"
                "結果を別のファイルに保存するには --output 別名.xlsx を指定してください"
                "（元のファイルはそのまま残ります）。"
            )
        self.would_lose = check.would_lose
        self._stamp = safety.file_stamp(path)  # the save refuses if someone changed it meanwhile
        try:
            with warnings.catch_warnings():
                # openpyxl warns (in English) about parts it drops; inspect_file has already
                # told the clerk about those in Japanese.
                warnings.simplefilter("ignore")
                self.wb: Workbook = load_workbook(path, rich_text=False)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise HikisupError(
                f"「{path.name}」を読み込めません（{type(exc).__name__}）。"
                "ファイルが壊れていないかExcelで開いて確認してください。"
            ) from None
        self._tables: dict[str, tuple[Worksheet, Table]] = {}
        for ws in self.wb.worksheets:
            for table in ws.tables.values():
                self._tables[table.name] = (ws, table)
        require_hikisup(workbook_marker(self.wb), path.name, set(self._tables), upgrading=upgrading)

    @property
    def name(self) -> str:
        return self.path.name

    # -- reading ---------------------------------------------------------------------------
    def _locate(self, spec: TableSpec) -> tuple[Worksheet, Table, tuple[int, int, int, int]]:
        ws, table = self._tables[spec.table]
        return ws, table, _bounds(table.ref)

    def read_table(self, spec: TableSpec) -> RawTable:
        ws, _table, (min_col, min_row, max_col, max_row) = self._locate(spec)
        header_cells = next(
            ws.iter_rows(min_row=min_row, max_row=min_row, min_col=min_col, max_col=max_col)
        )
        headers = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
        missing = [c.header for c in spec.columns if c.header not in headers]
        if missing:
            raise HikisupError(
                f"シート「{spec.sheet}」の表に列「{'」「'.join(missing)}」がありません。"
                "列名を元に戻すか、テンプレートから列をコピーしてください。"
            )
        last = max_row - _totals(_table)
        if last == max_row:  # below a Total Row nothing belongs to the table
            last = max(max_row, _last_filled_row(ws, max_row, min_col, max_col))
        rows: list[tuple[object, ...]] = []
        numbers: list[int] = []
        # A calculated column a clerk added shows something in every row: only what a clerk
        # typed makes a row data.
        own = {c.header for c in spec.columns}
        calculated = {i for i in _calculated(_table) if headers[i] not in own}
        typed = [i for i in range(max_col - min_col + 1) if i not in calculated]
        for offset, values in enumerate(
            ws.iter_rows(
                min_row=min_row + 1,
                max_row=last,
                min_col=min_col,
                max_col=max_col,
                values_only=True,
            )
        ):
            if any(values[i] is not None and values[i] != "" for i in typed):
                rows.append(tuple(values))
                numbers.append(min_row + 1 + offset)
        letters = [get_column_letter(c) for c in range(min_col, max_col + 1)]
        return RawTable(spec, headers, rows, numbers, letters, min_row)

    def read_readings(
        self, raw: RawTable, key: str, rows: Collection[int] | None = None
    ) -> dict[int, str]:
        # openpyxl drops the phonetic runs: read them from the file as it was opened.
        from .ooxml import Package, read_workbook
        from .phonetic import column_readings

        pos = raw.position(key)
        if pos is None or not raw.rows:
            return {}
        index = {row: i for i, row in enumerate(raw.row_numbers) if rows is None or i in rows}
        try:
            pkg = Package(self.path.read_bytes())
            found = column_readings(
                pkg, read_workbook(pkg), raw.spec.sheet, col_index(raw.col_letters[pos]), set(index)
            )
        except Exception as exc:  # lxml and zipfile raise many types for damage
            raise HikisupError(
                f"「{self.path.name}」のふりがな（読み）を読み取れません（{type(exc).__name__}）。"
            ) from None
        return {index[row]: reading for row, reading in found.items()}

    def ensure_table(self, spec: TableSpec) -> None:
        if spec.table in self._tables:
            return
        from ..template import add_table_sheet
        from .outputs import OUTPUT_BEFORE, refuse_sheet_without_table

        refuse_sheet_without_table(spec, spec.sheet in self.wb.sheetnames)
        before = next((s for s in OUTPUT_BEFORE if s in self.wb.sheetnames), None)
        index = self.wb.sheetnames.index(before) if before else len(self.wb.sheetnames)
        ws = add_table_sheet(self.wb, spec, index)
        for table in ws.tables.values():
            self._tables[table.name] = (ws, table)

    # -- writing ---------------------------------------------------------------------------
    def write_cells(self, raw: RawTable, key: str, values: Mapping[int, object]) -> None:
        ws, table, (min_col, min_row, max_col, _max_row) = self._locate(raw.spec)
        pos = raw.position(key)
        if pos is None:  # read_table refused a table missing a declared column
            raise HikisupError(
                f"シート「{raw.spec.sheet}」に列「{raw.spec.col(key).header}」がありません。"
            )
        column = min_col + pos
        for index, value in values.items():
            cell = ws.cell(row=raw.row_numbers[index], column=column)
            _set_value(cell, value)
        if raw.row_numbers:
            _grow_table(table, min_col, min_row, max_col, max(raw.row_numbers))

    def replace_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        ws, table, (min_col, min_row, max_col, max_row) = self._locate(spec)
        totals = _totals(table)
        # Clear the old rows in the table's columns only, as the patch engine does: deleting
        # sheet rows would pull up whatever stands below (the 集計 sheet's next table).
        for r in range(min_row + 1, max(max_row - totals, min_row + 1) + 1):
            for c in range(min_col, max_col + 1):
                _set_value(ws.cell(row=r, column=c), None)
        last = min_row + max(1, len(rows))
        if totals:
            _move_totals(ws, table, last)
        self._write_rows(spec, ws, min_row + 1, rows)
        table.ref = _ref(min_col, min_row, max_col, last + totals)
        _fix_autofilter(table)

    def append_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        if not rows:
            return
        raw = self.read_table(spec)
        ws, table, (min_col, min_row, max_col, max_row) = self._locate(spec)
        start = (raw.row_numbers[-1] + 1) if raw.row_numbers else min_row + 1
        last = start + len(rows) - 1
        if _totals(table) and last > max_row - _totals(table):
            _move_totals(ws, table, last)  # Excel's ListRows.Add: the Total Row moves down
        self._write_rows(spec, ws, start, rows)
        _grow_table(table, min_col, min_row, max_col, last)

    def _write_rows(
        self,
        spec: TableSpec,
        ws: Worksheet,
        start: int,
        rows: Sequence[Sequence[object]],
    ) -> None:
        """Write rows in spec column order into the table's columns, wherever they now stand."""
        _, _, (min_col, header_row, max_col, _) = self._locate(spec)
        headers = [
            str(v).strip() if v is not None else ""
            for v in next(
                ws.iter_rows(
                    min_row=header_row,
                    max_row=header_row,
                    min_col=min_col,
                    max_col=max_col,
                    values_only=True,
                )
            )
        ]
        positions = [min_col + headers.index(c.header) for c in spec.columns]
        _, table, _ = self._locate(spec)
        calculated = {
            min_col + i: "=" + formula
            for i, formula in _calculated(table).items()
            if min_col + i not in positions
        }
        for r, row in enumerate(rows):
            for col, pos, value in zip(spec.columns, positions, row, strict=False):
                cell = ws.cell(row=start + r, column=pos)
                _set_value(cell, value)
                apply_cell_style(cell, col)
            for pos, formula in calculated.items():  # Excel fills them down each new row
                cell = ws.cell(row=start + r, column=pos)
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    cell.value = formula

    def prefetch(self, specs: Sequence[TableSpec], *, snapshot: bool = False) -> None:
        """Nothing to start: openpyxl has read the whole file when it opened it."""

    def settle_reads(self) -> None:
        """No read runs in the background."""

    def refresh_pivots(self, sheet: str) -> None:
        """Nothing to do: the template's pivot caches are refreshed when the file is opened."""

    def read_snapshot(self) -> list[tuple[object, ...]]:
        if SNAPSHOT_SHEET not in self.wb.sheetnames:
            return []
        ws = self.wb[SNAPSHOT_SHEET]
        return [tuple(r) for r in ws.iter_rows(min_row=2, values_only=True) if r and r[0]]

    def write_snapshot(self, rows: Sequence[Sequence[object]]) -> None:
        if SNAPSHOT_SHEET in self.wb.sheetnames:
            ws = self.wb[SNAPSHOT_SHEET]
            if ws.max_row > 1:
                ws.delete_rows(2, ws.max_row - 1)
        else:  # a workbook made before the template carried the sheet
            ws = self.wb.create_sheet(SNAPSHOT_SHEET)
            ws.sheet_state = "veryHidden"
            ws.append(list(SNAPSHOT_HEADERS))
        for row in rows:
            ws.append(list(row))

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        expected = self._stamp if self.output == self.path else None
        save_atomic(self.wb, self.output, keep_backup=True, expected=expected)


def workbook_marker(wb: Workbook) -> str | None:
    """The hikisup_schema document property, or None."""
    for prop in wb.custom_doc_props.props:  # type: ignore[attr-defined]  # not in the stubs
        if prop.name == MARKER_PROPERTY:
            return str(prop.value)
    return None


def _last_filled_row(ws: Worksheet, max_row: int, min_col: int, max_col: int) -> int:
    """The last row just below the table that holds something (typed outside the table)."""
    last = max_row
    if ws.max_row <= max_row:
        return last
    blank_run = 0
    for offset, values in enumerate(
        ws.iter_rows(
            min_row=max_row + 1,
            max_row=min(ws.max_row, max_row + 100_000),
            min_col=min_col,
            max_col=max_col,
            values_only=True,
        )
    ):
        if any(v is not None and v != "" for v in values):
            last = max_row + 1 + offset
            blank_run = 0
        else:
            blank_run += 1
            if blank_run > safety.TRAILING_SCAN:
                break
    return last


def _bounds(ref: str) -> tuple[int, int, int, int]:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if min_col is None or min_row is None or max_col is None or max_row is None:
        raise HikisupError(
            f"表の範囲「{ref}」を読み取れません。表（テーブル）の範囲を確認してください。"
        )
    return min_col, min_row, max_col, max_row


def _totals(table: Table) -> int:
    """Rows of the table's Total Row (Table Design → Total Row)."""
    return int(table.totalsRowCount or 0)


def _calculated(table: Table) -> dict[int, str]:
    """Calculated columns (a formula Excel fills down each row): position -> formula."""
    return {
        i: str(column.calculatedColumnFormula.attr_text)
        for i, column in enumerate(table.tableColumns)
        if column.calculatedColumnFormula is not None
        and column.calculatedColumnFormula.attr_text
        and not column.calculatedColumnFormula.array
    }


def _ref(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"


def _grow_table(table: Table, min_col: int, min_row: int, max_col: int, last_row: int) -> None:
    _, _, _, current = _bounds(table.ref)
    if last_row > current - _totals(table):
        table.ref = _ref(min_col, min_row, max_col, last_row + _totals(table))
        _fix_autofilter(table)


def _move_totals(ws: Worksheet, table: Table, new_end: int) -> None:
    """Put the Total Row right below data row `new_end`; growing shifts down what lies below
    it in the table's columns, as Excel does. Formulas keep their text (structured
    references need nothing); A1 ranges over the data rows grow with them."""
    min_col, min_row, max_col, max_row = _bounds(table.ref)
    totals = _totals(table)
    data_end = max_row - totals
    shift = new_end - data_end
    if shift == 0:
        return
    bottom = max(ws.max_row, max_row) if shift > 0 else max_row
    ws.move_range(_ref(min_col, data_end + 1, max_col, bottom), rows=shift)
    for row in ws.iter_rows(
        min_row=new_end + 1, max_row=new_end + totals, min_col=min_col, max_col=max_col
    ):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.value = grow_ranges(cell.value, min_row + 1, data_end, new_end)
    table.ref = _ref(min_col, min_row, max_col, new_end + totals)
    _fix_autofilter(table)


def _fix_autofilter(table: Table) -> None:
    if table.autoFilter is not None:  # the filter buttons cover the data, not the Total Row
        min_col, min_row, max_col, max_row = _bounds(table.ref)
        table.autoFilter.ref = _ref(min_col, min_row, max_col, max_row - _totals(table))


def _set_value(cell: Any, value: object) -> None:
    if isinstance(value, Link):
        cell.value = value.text
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=value.location)
        cell.style = "Hyperlink"
        return
    if cell.hyperlink is not None:
        cell.hyperlink = None
    cell.value = value


def save_atomic(
    wb: Workbook,
    path: Path,
    *,
    keep_backup: bool,
    expected: safety.Stamp | None = None,
    replace: bool = True,
) -> None:
    """Save atomically beside `path` (see safety.save_beside), keeping NAME.bak.xlsx;
    `replace=False`: a new file, never put over an existing one."""
    pivotparts.adopt(wb)
    safety.save_beside(path, wb.save, keep_backup=keep_backup, expected=expected, replace=replace)
