"""Write an exchange file with openpyxl: macro-free, reproducible, optionally encrypted.

The same rows and date give the same bytes (fixed timestamps inside the zip and in the
document properties). With a password the file is encrypted with the standard Office
encryption (ECMA-376 agile, AES-256) that Excel asks the password for when opening; the
encrypted bytes carry a random salt, so only the file inside is reproducible.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..core.errors import HikisupError
from ..core.grid import FIRST_COLUMN, FIRST_DATA_ROW, span
from ..core.schema import Column
from ..engine import pivotparts, safety
from ..engine.styles import apply_cell_style
from . import bulkrows
from .fileformat import (
    EXCHANGE_PROPERTY,
    FORMAT_VERSION,
    MANIFEST_HEADERS,
    MANIFEST_SHEET,
    MANIFEST_TABLE,
)

NORMAL_FONT = "游ゴシック"
HEADER_FONT = Font(name=NORMAL_FONT, size=11, bold=True)
TITLE_FONT = Font(name=NORMAL_FONT, size=14, bold=True)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")


def new_workbook(kind: str, title: str, created: dt.date) -> Workbook:
    """An empty exchange workbook whose properties say what it is and when it was made."""
    wb = Workbook()
    # Column widths follow the Normal font: set it for Excel and LibreOffice alike.
    wb._fonts[0] = Font(name=NORMAL_FONT, size=11)  # type: ignore[attr-defined]
    wb.remove(wb.active)  # type: ignore[arg-type]
    wb.custom_doc_props.append(  # type: ignore[attr-defined]  # not in the stubs
        StringProperty(name=EXCHANGE_PROPERTY, value=f"{kind}/{FORMAT_VERSION}")
    )
    stamp = dt.datetime.combine(created, dt.time(0))
    wb.properties.creator = "hikisup_xl"
    wb.properties.lastModifiedBy = "hikisup_xl"
    wb.properties.title = title
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb


def add_table(
    ws: Worksheet,
    name: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    *,
    top: int = 1,
    left: int = 1,
    style: str = "TableStyleMedium2",
) -> str:
    """Write a header and rows as an Excel table at (top, left); returns its range."""
    for j, col in enumerate(columns):
        head = ws.cell(row=top, column=left + j, value=col.header)
        head.font = HEADER_FONT
        head.alignment = Alignment(vertical="center", wrap_text=True)
        letter = get_column_letter(left + j)
        current = ws.column_dimensions[letter].width
        if not current or current < col.width:
            ws.column_dimensions[letter].width = col.width
    for i, values in enumerate(rows, start=1):
        for j, (col, value) in enumerate(zip(columns, values, strict=True)):
            cell: Any = ws.cell(row=top + i, column=left + j)
            cell.value = value
            apply_cell_style(cell, col)
    last_row = top + max(1, len(rows))
    ref = span(left, top, left + len(columns) - 1, last_row)
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    ws.add_table(table)
    return ref


def add_manifest(wb: Workbook, items: Sequence[tuple[str, object]]) -> Worksheet:
    ws: Worksheet = wb.create_sheet(MANIFEST_SHEET)
    columns = (
        Column("item", MANIFEST_HEADERS[0], width=24),
        Column("value", MANIFEST_HEADERS[1], width=70),
    )
    add_table(ws, MANIFEST_TABLE, columns, [(k, v) for k, v in items])
    value = FIRST_COLUMN + 1
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW, min_col=value, max_col=value):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy/m/d"
    return ws


def print_landscape(ws: Worksheet) -> None:
    """One page wide when printed (or converted to PDF), as many pages down as needed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _write_normalized(
    data: bytes,
    created: dt.date,
    out: IO[bytes],
    streamed: Mapping[str, bulkrows.StreamedTable] = {},
) -> None:
    """The same zip with fixed timestamps, so the same workbook gives the same bytes; the
    parts of `streamed` tables get their rows here, written straight into the zip entry."""
    stamp = created.strftime("%Y-%m-%dT00:00:00Z").encode()
    zip_time = (max(created.year, 1980), created.month, created.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "docProps/core.xml":
                part = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", part)
                part = _CREATED.sub(rb"\g<1>" + stamp + rb"\g<2>", part)
            new = zipfile.ZipInfo(info.filename, date_time=zip_time)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            table = streamed.get(info.filename)
            if table is None:
                dst.writestr(new, part)
                continue
            with dst.open(new, "w", force_zip64=True) as entry:
                bulkrows.write_part(part, table, entry)


def encrypt(data: bytes, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def refuse_existing(out: Path) -> None:
    safety.refuse_existing_output(out)


def _verify(zf: zipfile.ZipFile) -> None:
    if zf.testzip() is not None or any(n.startswith("xl/vbaProject") for n in zf.namelist()):
        raise HikisupError("出力ファイルの検証に失敗しました。ファイルは作っていません。")


def _encrypted_problem(path: Path) -> str | None:
    """An encrypted exchange file is an OLE container (its zip was checked before)."""
    with path.open("rb") as fh:
        return None if fh.read(len(safety.OLE_MAGIC)) == safety.OLE_MAGIC else "暗号化"


def save_exchange(
    wb: Workbook,
    out: Path,
    created: dt.date,
    password: str | None,
    streamed: Sequence[bulkrows.StreamedTable] = (),
) -> None:
    """Write `wb` to `out` (a new file, never replacing one) through the one atomic save
    (safety.save_beside): reproducible bytes, checked, encrypted on request.

    The rows of `streamed` tables (files/bulkrows.py) go straight into the temporary file as
    its zip entry is written, so a large table is never held in memory whole."""
    refuse_existing(out)
    buffer = io.BytesIO()
    pivotparts.adopt(wb)
    wb.save(buffer)
    parts = {table.part(): table for table in streamed}

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            _write_normalized(buffer.getvalue(), created, fh, parts)
        buffer.close()  # the zip is in the file now: a large one is not held twice
        with zipfile.ZipFile(tmp) as zf:
            _verify(zf)  # the package itself, before encryption hides it
        if password:
            tmp.write_bytes(encrypt(tmp.read_bytes(), password))

    safety.save_beside(
        out,
        write,
        keep_backup=False,
        replace=False,
        check=_encrypted_problem if password else None,
    )
