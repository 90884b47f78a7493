"""The engines `hikisup upgrade` opens a workbook with: the usual engine plus the structural
edits an upgrade makes (a sheet of the template added or an old generated one taken out, columns
added at a table's right end with their validation, the template version mark).

The patch engine copies whole parts from the current template (engine/graft.py) and keeps
every other part byte for byte; the openpyxl fallback lays the parts out with the template
builder itself.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from ..core.grid import FIRST_DATA_ROW, col_letter
from ..core.schema import (
    MARKER_PROPERTY,
    SHEETS,
    SNAPSHOT_SHEET,
    STATS_SHEET,
    Column,
    TableSpec,
)
from . import graft
from .calread import DenseSheet, dense_rows
from .files import FileEngine, workbook_marker
from .ooxml import (
    CUSTOM_NS,
    DOC_REL_NS,
    ROOT_RELS,
    RelsDoc,
    local,
    parse_xml,
    q,
    to_bytes,
)
from .patch import PatchEngine, encode
from .protocol import Engine
from .sheetxml import SheetEditor
from .styles import FORMATS

LAST_ROW = 1_048_576
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_CUSTOM = DOC_REL_NS + "/custom-properties"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


class Upgradable(Engine, Protocol):
    @property
    def marker(self) -> str | None:
        """The template version the workbook says it follows (hikisup_schema), or None."""
        ...

    def sheet_names(self) -> list[str]: ...

    def table_headers(self, spec: TableSpec) -> list[str] | None:
        """The table's header cells as they stand, or None when the workbook lacks it."""
        ...

    def remove_sheet(self, sheet: str) -> None: ...

    def add_template_sheet(self, sheet: str) -> None:
        """The current template's sheet, in its place among the sheets already there."""
        ...

    def add_columns(self, spec: TableSpec, columns: Sequence[Column]) -> None:
        """Columns added at the table's right end (after any column staff added)."""
        ...

    def set_marker(self, version: int) -> None: ...


def open_for_upgrade(path: Path, *, output: Path | None = None) -> Upgradable:
    """The workbook opened for upgrading, under its lock like any job's."""
    from .choose import fallback_engine, locked

    if fallback_engine():
        return locked(path, output, lambda p, o: FileUpgrade(p, output=o))
    return locked(path, output, lambda p, o: PatchUpgrade(p, output=o))


def _before(sheet: str, present: Sequence[str]) -> str | None:
    """The sheet (already in the workbook) that `sheet` goes in front of, template order."""
    order = [*SHEETS, SNAPSHOT_SHEET]  # the hidden snapshot sheet stays the last
    later = order[order.index(sheet) + 1 :] if sheet in order else []
    return next((s for s in later if s in present), None)


@lru_cache(maxsize=1)
def template_bytes() -> bytes:
    """The current template, built in memory (as `hikisup template build` writes it)."""
    from ..template import build_workbook

    out = io.BytesIO()
    build_workbook().save(out)
    return out.getvalue()


# -- the patch engine ------------------------------------------------------------------------
class PatchUpgrade(PatchEngine):
    def __init__(self, path: Path, *, output: Path | None = None) -> None:
        super().__init__(path, output=output, upgrading=True)
        self._changes = graft.Changes(self._extra_parts, self._extra_removed)
        self._source: graft.Source | None = None
        self._grafter: graft.Grafter | None = None
        self._template_book: Any = None

    def _template_source(self) -> graft.Source:
        if self._source is None:
            from python_calamine import CalamineWorkbook

            data = template_bytes()
            self._source = graft.read_source(data)
            self._template_book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return self._source

    @property
    def marker(self) -> str | None:
        return self._wb.marker

    def sheet_names(self) -> list[str]:
        sheets = self._wb.root.find(q("sheets"))
        return [el.get("name", "") for el in sheets if local(el.tag) == "sheet"]

    def table_headers(self, spec: TableSpec) -> list[str] | None:
        table = self._wb.tables.get(spec.table)
        if table is None or table.sheet not in self._wb.sheets:
            return None
        min_col, min_row, max_col, _ = table.bounds
        cells = self._cells(self._grid(table.sheet), min_row, min_col, max_col)
        return ["" if v is None else str(v).strip() for v in cells]

    def remove_sheet(self, sheet: str) -> None:
        graft.remove_sheet(self._pkg, self._wb, sheet, self._changes)
        self._editors.pop(sheet, None)
        self._grids.pop(sheet, None)
        self._dense.pop(sheet, None)

    def add_template_sheet(self, sheet: str) -> None:
        src = self._template_source()
        if self._grafter is None:
            self._grafter = graft.Grafter(self._pkg, self._wb, self._styles, self._changes)
        part, root = self._grafter.graft(src, sheet, _before(sheet, self.sheet_names()))
        self._editors[sheet] = SheetEditor(root, part)
        self._new_parts.add(part)
        grid = self._template_book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        width = len(grid[0]) if grid else 0
        self._grids[sheet] = DenseSheet(1, width, dense_rows(grid, 1, width)).sparse()

    def add_columns(self, spec: TableSpec, columns: Sequence[Column]) -> None:
        table = self._table(spec)
        min_col, min_row, max_col, max_row = table.bounds
        editor = self._editor(table.sheet)
        header_style = editor.style_of(min_row, max_col)
        data_style = editor.style_of(min_row + 1, max_col)
        holder = table.root.find(q("tableColumns"))
        ids = [int(el.get("id", "0")) for el in holder if el.get("id", "").isdigit()]
        template = self._template_validations(spec)
        for i, col in enumerate(columns, start=1):
            number = max_col + i
            cell, readback = encode(col.header, self._wb.date1904)
            editor.set_value(min_row, number, cell, header_style)
            self._set_grid(table.sheet, min_row, number, readback)
            code = FORMATS.get(col.kind)  # the first data row carries the column's format
            style = self._styles.with_format(data_style, code) if code else data_style
            editor.set_value(min_row + 1, number, ("", ""), style)
            etree.SubElement(
                holder, q("tableColumn"), id=str(max(ids, default=0) + i), name=col.header
            )
            rule = template.get(col.key)
            if rule is not None:
                _add_validation(editor, rule, number, min_row + 1)
        holder.set("count", str(len([el for el in holder if local(el.tag) == "tableColumn"])))
        table.set_bounds(min_col, min_row, max_col + len(columns), max_row)

    def _template_validations(self, spec: TableSpec) -> dict[str, Any]:
        """The template's data validation of each column of `spec` (by key)."""
        src = self._template_source()
        root = src.pkg.xml(src.wb.sheets[spec.sheet].part)
        out: dict[str, Any] = {}
        letters = {col_letter(spec.column_number(c.key)): c.key for c in spec.columns}
        for dv in root.iter(q("dataValidation")):
            first = dv.get("sqref", "").split(" ")[0].split(":")[0]
            letter = first.rstrip("0123456789")
            if letter in letters:
                out[letters[letter]] = dv
        return out

    def set_marker(self, version: int) -> None:
        pkg = self._pkg
        root_rels = pkg.rels("")
        part = next((r.target for r in root_rels if r.type == REL_CUSTOM and not r.external), None)
        if part is not None and pkg.find(part) is not None:
            root = pkg.xml(part)
        else:
            part = "docProps/custom.xml"
            root = etree.Element(q("Properties", CUSTOM_NS), nsmap={None: CUSTOM_NS, "vt": VT_NS})
            rels = RelsDoc.load(pkg, "")
            rels.add(REL_CUSTOM, part)
            self._extra_parts[ROOT_RELS] = to_bytes(rels.root)
            self._wb.types(pkg).add_override(part, CT_CUSTOM)
        prop = next(
            (p for p in root.iter(q("property", CUSTOM_NS)) if p.get("name") == MARKER_PROPERTY),
            None,
        )
        if prop is None:
            pids = [int(p.get("pid", "1")) for p in root if p.get("pid", "").isdigit()]
            prop = etree.SubElement(
                root,
                q("property", CUSTOM_NS),
                fmtid=PROPERTY_FMTID,
                pid=str(max(pids, default=1) + 1),
                name=MARKER_PROPERTY,
            )
        for child in list(prop):
            prop.remove(child)
        etree.SubElement(prop, q("lpwstr", VT_NS)).text = str(version)
        self._extra_parts[part] = to_bytes(root)
        self._wb.marker = str(version)
        self._drop_stray_pivot_ids()
        if self._wb.content_types is None:  # so that save() writes the types it may change
            self._wb.types(pkg)

    def _drop_stray_pivot_ids(self) -> None:
        """Older templates saved their pivot tables through openpyxl, which puts an `r:id` on
        pivotTableDefinition that the schema does not allow (pivotparts.py now leaves it out):
        take it off the pivots the workbook keeps, as Excel's own save would."""
        stray = q("id", DOC_REL_NS)
        for info in self._pkg.infos:
            name = info.filename
            if name in self._extra_parts or not name.lower().startswith("xl/pivottables/"):
                continue
            if not name.lower().endswith(".xml"):
                continue
            data = self._pkg.read(name)
            if b"pivotTableDefinition" not in data[:500]:
                continue
            root = parse_xml(data, name)
            if local(root.tag) == "pivotTableDefinition" and stray in root.attrib:
                del root.attrib[stray]
                self._extra_parts[name] = to_bytes(root)


def _add_validation(editor: SheetEditor, rule: Any, column: int, first_row: int) -> None:
    holder = editor.root.find(editor._q("dataValidations"))
    if holder is None:
        holder = editor.root.makeelement(editor._q("dataValidations"), {})
        editor._insert(holder)
    dv = copy.deepcopy(rule)
    letter = col_letter(column)
    dv.set("sqref", f"{letter}{first_row}:{letter}{LAST_ROW}")
    holder.append(dv)
    holder.set("count", str(len([el for el in holder if local(el.tag) == "dataValidation"])))
    editor.dirty = True


# -- the openpyxl fallback -------------------------------------------------------------------
class FileUpgrade(FileEngine):
    def __init__(self, path: Path, *, output: Path | None = None) -> None:
        super().__init__(path, output=output, upgrading=True)

    @property
    def marker(self) -> str | None:
        return workbook_marker(self.wb)

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def table_headers(self, spec: TableSpec) -> list[str] | None:
        if spec.table not in self._tables:
            return None
        ws, _table, (min_col, min_row, max_col, _) = self._locate(spec)
        cells = next(
            ws.iter_rows(
                min_row=min_row, max_row=min_row, min_col=min_col, max_col=max_col, values_only=True
            )
        )
        return ["" if v is None else str(v).strip() for v in cells]

    def remove_sheet(self, sheet: str) -> None:
        self.wb.remove(self.wb[sheet])
        for name in [n for n, (ws, _t) in self._tables.items() if ws.title == sheet]:
            del self._tables[name]

    def add_template_sheet(self, sheet: str) -> None:
        from ..core.schema import BY_SHEET
        from ..template import add_summary_sheet, add_table_sheet

        before = _before(sheet, self.wb.sheetnames)
        index = self.wb.sheetnames.index(before) if before else len(self.wb.sheetnames)
        if sheet == STATS_SHEET:
            ws = add_summary_sheet(self.wb, index)
        else:
            ws = add_table_sheet(self.wb, BY_SHEET[sheet], index)
        for table in ws.tables.values():
            self._tables[table.name] = (ws, table)

    def add_columns(self, spec: TableSpec, columns: Sequence[Column]) -> None:
        from openpyxl.worksheet.table import TableColumn

        from ..engine.styles import apply_cell_style
        from ..template import column_validation

        ws, table, (min_col, min_row, max_col, max_row) = self._locate(spec)
        left: Any = ws.cell(row=min_row, column=max_col)
        if not table.tableColumns:
            table._initialise_columns()  # type: ignore[attr-defined]  # not in the stubs
        ids = [c.id for c in table.tableColumns]
        for i, col in enumerate(columns, start=1):
            number = max_col + i
            head: Any = ws.cell(row=min_row, column=number, value=col.header)
            head._style = copy.copy(left._style)
            ws.column_dimensions[col_letter(number)].width = col.width
            for row in range(FIRST_DATA_ROW + min_row - 1, max_row + 1):
                apply_cell_style(ws.cell(row=row, column=number), col)
            table.tableColumns.append(TableColumn(id=max(ids, default=0) + i, name=col.header))
            column_validation(ws, spec, col, number, first_row=min_row + 1)
        ref = f"{col_letter(min_col)}{min_row}:{col_letter(max_col + len(columns))}{max_row}"
        table.ref = ref
        if table.autoFilter is not None:
            table.autoFilter.ref = ref

    def set_marker(self, version: int) -> None:
        from openpyxl.packaging.custom import StringProperty

        props = self.wb.custom_doc_props  # type: ignore[attr-defined]  # not in the stubs
        for prop in list(props.props):
            if prop.name == MARKER_PROPERTY:
                props.props.remove(prop)
        props.append(StringProperty(name=MARKER_PROPERTY, value=str(version)))
