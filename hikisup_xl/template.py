"""Build the template workbook from the schema, reproducibly (same input, same bytes)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule, Rule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .core import schema
from .core.grid import (
    BELOW_HEADER,
    FIRST_COLUMN,
    FIRST_DATA_ROW,
    HEADER_ROW,
    address,
    col_letter,
    span,
)
from .core.schema import Column, Kind, TableSpec
from .core.settings import SETTING_ITEMS, Settings, settings_to_rows
from .engine.files import save_atomic
from .engine.styles import apply_cell_style
from .files import statsheet
from .files.statsheet import add_supporter_pivot

TEMPLATE_PATH = Path("workbook") / "hikisup_template.xlsx"
NORMAL_FONT = "游ゴシック"
FIXED_TIME = dt.datetime(2025, 4, 1, 9, 0, 0)
ZIP_TIME = (2025, 4, 1, 9, 0, 0)
LAST_ROW = 1_048_576
MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
SENSITIVE_PROMPT = "要配慮個人情報です。このシートの内容は外部に出さず、他のシートではケースIDだけを使ってください。"

RED = PatternFill("solid", fgColor="FFC7CE")
ORANGE = PatternFill("solid", fgColor="FFEB9C")
GREY_FONT = Font(color="808080")


def build_workbook(
    settings: Settings | None = None,
    rows: Mapping[str, Sequence[Sequence[object]]] | None = None,
) -> Workbook:
    """A new hikisup workbook; `rows` fills tables (by table key) in spec column order."""
    settings = settings or Settings()
    rows = rows or {}
    wb = Workbook()
    _set_normal_font(wb)
    wb.remove(wb.active)  # type: ignore[arg-type]
    for spec in schema.TABLES:
        add_table_sheet(wb, spec, len(wb.sheetnames), settings, rows.get(spec.key, ()))
    # The 集計 sheet: tables that report fills, with the charts and pivot tables over them.
    add_summary_sheet(wb, wb.sheetnames.index(schema.STATS.sheet))
    # Present from the start so that engines only ever rewrite it, never add a sheet.
    snapshot = wb.create_sheet(schema.SNAPSHOT_SHEET)
    snapshot.sheet_state = "veryHidden"
    snapshot.append(list(schema.SNAPSHOT_HEADERS))
    wb.custom_doc_props.append(  # type: ignore[attr-defined]  # not in the stubs
        StringProperty(name=schema.MARKER_PROPERTY, value=str(schema.SCHEMA_VERSION))
    )
    wb.properties.creator = "hikisup_xl"
    wb.properties.title = "ひきこもりサポーター管理ブック"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.active = 0
    return wb


def add_summary_sheet(wb: Workbook, index: int) -> Worksheet:
    """The 集計 sheet as the template has it: stats/ lays it out, files/ draws it."""
    from .stats.sheet import summary_drawing

    return statsheet.add_summary_sheet(wb, index, summary_drawing())


def add_table_sheet(
    wb: Workbook,
    spec: TableSpec,
    index: int,
    settings: Settings | None = None,
    data: Sequence[Sequence[object]] = (),
) -> Worksheet:
    """One table's sheet as the template has it (the 設定 sheet with every setting's row)."""
    ws: Worksheet = wb.create_sheet(spec.sheet, index)
    if spec is schema.SETTINGS:
        data = settings_to_rows(settings or Settings())
    _write_table(ws, spec, data)
    if spec is schema.SETTINGS:
        _settings_validation(ws)
    if spec is schema.SUPPORTER_YEARS:
        add_supporter_pivot(wb, ws)
    return ws


def sheet_package(spec: TableSpec) -> bytes:
    """A package holding only `spec`'s sheet as the template would lay it out: what the patch
    engine grafts into a workbook for an output sheet the template does not hold."""
    wb = Workbook()
    _set_normal_font(wb)
    wb.remove(wb.active)  # type: ignore[arg-type]
    add_table_sheet(wb, spec, 0)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _set_normal_font(wb: Workbook) -> None:
    # Column widths follow the Normal font, so set it explicitly for Excel and LibreOffice.
    wb._fonts[0] = Font(name=NORMAL_FONT, size=11)  # type: ignore[attr-defined]


def _write_table(ws: Worksheet, spec: TableSpec, data: Sequence[Sequence[object]]) -> None:
    ws.append(list(spec.headers))
    for cell in ws[HEADER_ROW]:
        cell.font = Font(name=NORMAL_FONT, size=11, bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for values in data:
        ws.append(list(values))
    last = HEADER_ROW + max(1, len(data))  # an Excel table needs one data row, even if empty
    for i, col in enumerate(spec.columns, start=FIRST_COLUMN):
        ws.column_dimensions[col_letter(i)].width = col.width
        for row in range(FIRST_DATA_ROW, last + 1):
            apply_cell_style(ws.cell(row=row, column=i), col)
        column_validation(ws, spec, col, i)
    ref = span(FIRST_COLUMN, HEADER_ROW, len(spec.columns), last)
    table = Table(displayName=spec.table, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = BELOW_HEADER
    ws.row_dimensions[HEADER_ROW].height = 30
    if spec.tab_color:
        ws.sheet_properties.tabColor = spec.tab_color
    _conditional_formats(ws, spec)


def column_validation(
    ws: Worksheet, spec: TableSpec, col: Column, number: int, *, first_row: int = FIRST_DATA_ROW
) -> None:
    """The column's input rule (list, date, or the help shown when a cell is selected)."""
    sqref = span(number, first_row, number, LAST_ROW)
    prompt = col.help
    if spec.sensitive and col is spec.columns[0]:
        prompt = SENSITIVE_PROMPT
    dv: DataValidation | None = None
    if col.kind is Kind.CHOICE:
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(col.choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="入力できない値です",
            error="一覧から選んでください：" + "・".join(col.choices),
        )
    elif col.kind is Kind.DATE and not spec.generated:
        # A warning, not a stop: a clerk may paste text dates, which `check` then reports.
        dv = DataValidation(
            type="date",
            operator="between",
            formula1="1",
            formula2="73050",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="日付ではありません",
            error="日付を入力してください（例：2025/4/1、R7.4.1）",
        )
    elif prompt:
        dv = DataValidation(allow_blank=True)
    if dv is None:
        return
    if prompt:
        dv.showInputMessage = True
        dv.promptTitle = col.header[:32]
        dv.prompt = prompt[:255]
    dv.add(sqref)
    ws.add_data_validation(dv)


def _conditional_formats(ws: Worksheet, spec: TableSpec) -> None:
    def first(key: str) -> str:
        """The column's first data cell, column fixed: each row's rule looks at its own row."""
        return f"${address(FIRST_DATA_ROW, spec.column_number(key))}"

    whole = span(FIRST_COLUMN, FIRST_DATA_ROW, len(spec.columns), LAST_ROW)
    if spec is schema.REGISTER:
        state = first("state")
        ws.conditional_formatting.add(whole, _when([f'{state}="期限切れ"'], fill=RED))
        ws.conditional_formatting.add(whole, _when([f'{state}="期限間近"'], fill=ORANGE))
        ws.conditional_formatting.add(
            whole, _when([f'OR({state}="辞退",{state}="取消")'], font=GREY_FONT)
        )
    elif spec is schema.ISSUES:
        sev = first("severity")
        ws.conditional_formatting.add(whole, _when([f'{sev}="エラー"'], fill=RED))
        ws.conditional_formatting.add(whole, _when([f'{sev}="警告"'], fill=ORANGE))
    elif spec is schema.EXPIRING:
        days = first("days_left")
        ws.conditional_formatting.add(whole, _when([f"AND(ISNUMBER({days}),{days}<0)"], fill=RED))
    elif spec is schema.DISPATCHES:
        state = first("state")
        ws.conditional_formatting.add(whole, _when([f'{state}="中断"'], fill=ORANGE))


def _when(formula: list[str], **style: object) -> Rule:
    rule: Rule = FormulaRule(formula=formula, **style)  # type: ignore[no-untyped-call]
    return rule


def _settings_validation(ws: Worksheet) -> None:
    value_column = schema.SETTINGS.column_number("value")
    for row, item in enumerate(SETTING_ITEMS, start=FIRST_DATA_ROW):
        if item.choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(item.choices) + '"',
                allow_blank=False,
                showErrorMessage=True,
                errorTitle="入力できない値です",
                error="一覧から選んでください：" + "・".join(item.choices),
            )
            dv.add(address(row, value_column))
            ws.add_data_validation(dv)


def normalize_zip(path: Path) -> None:
    """Rewrite the zip with fixed timestamps so that two builds give the same bytes."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    # openpyxl stamps the save time into core.xml whatever the properties say.
    parts = [
        (
            name,
            MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            if name == "docProps/core.xml"
            else data,
        )
        for name, data in parts
    ]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(path)


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = build_workbook()
    save_atomic(wb, path, keep_backup=False)
    normalize_zip(path)
    return path
