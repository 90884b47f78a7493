"""Cell formats shared by the template builder and the writers (openpyxl side)."""

from __future__ import annotations

from typing import Any

from ..core.schema import Column, Kind

# [$-411] makes Excel and LibreOffice print the Japanese era: 令和7年4月1日.
WAREKI_DATE = '[$-411]ggge"年"m"月"d"日"'
TIME = "h:mm"
DATETIME = "yyyy/m/d h:mm"
TEXT = "@"

FORMATS: dict[Kind, str] = {
    Kind.DATE: WAREKI_DATE,
    Kind.TIME: TIME,
    Kind.DATETIME: DATETIME,
    Kind.POSTAL: TEXT,
    Kind.PHONE: TEXT,
    Kind.TEXT: TEXT,
    Kind.ID: TEXT,
}


def number_format(col: Column) -> str | None:
    return FORMATS.get(col.kind)


def apply_cell_style(cell: Any, col: Column) -> None:
    fmt = FORMATS.get(col.kind)
    if fmt is not None and cell.number_format != fmt:
        cell.number_format = fmt
