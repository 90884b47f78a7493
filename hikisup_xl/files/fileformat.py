"""What every exchange file holds: a manifest sheet, data sheets, and a checksum of the rows.

An exchange file is an .xlsx written by hikisup for another office (a roster, a 年度 report, a
prefecture's consolidation). Its 提供情報 sheet says what it is, who made it and when; the
checksum lets the receiver see that the rows are the ones the sender wrote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

FORMAT_NAME = "hikisup_xl 交換ファイル"
FORMAT_VERSION = "1"
# Custom document property marking an exchange file (a hikisup workbook has `hikisup_schema`).
EXCHANGE_PROPERTY = "hikisup_exchange"

KIND_ROSTER = "サポーター名簿"
KIND_STATS = "年度集計"
KIND_CONSOLIDATED = "年度集約"

MANIFEST_SHEET = "提供情報"
MANIFEST_TABLE = "tManifest"
MANIFEST_HEADERS = ("項目", "値")
ROSTER_SHEET = "サポーター名簿"
ROSTER_TABLE = "tRoster"

# Manifest labels.
M_FORMAT = "形式"
M_VERSION = "形式の版"
M_KIND = "種別"
M_BODY = "実施主体"
M_BODY_KIND = "実施主体の種別"
M_DEPARTMENT = "担当部署"
M_CREATED = "作成日"
M_SOURCE = "元のファイル"
M_ROWS = "行数"
M_COLUMNS = "列"
M_CHECKSUM = "チェックサム（SHA-256）"
M_FY = "年度"
M_FY_LABEL = "年度の表示"
M_PERIOD = "集計期間"
M_AS_OF = "基準日"
M_SUPPRESS = "秘匿基準"
M_SUPPRESSED = "秘匿したセル数"
# The one mark of every suppressed figure of a 年度 file, in its tables and its data.
SUPPRESSED_TEXT = "秘匿"


def canonical(value: object) -> str:
    """One cell as text, the same whether openpyxl wrote it or calamine read it back."""
    if type(value) is str:  # most cells: no isinstance chain (paid per cell of every file)
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    if isinstance(value, int):
        return str(value)
    return str(value)


def trim_rows(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Canonical rows without trailing blank cells or trailing blank rows."""
    out = []
    for row in rows:
        cells = [canonical(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def checksum(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """SHA-256 over the header and data rows, independent of how the cells were stored."""
    digest = hashlib.sha256()
    for cells in trim_rows([headers, *rows]):
        digest.update(json.dumps(cells, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
