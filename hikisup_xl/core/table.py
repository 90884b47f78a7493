"""Table contents as plain data, and their typed parse with one issue per bad cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from . import text
from .issues import ERROR, WARNING, Issue
from .schema import Column, Kind, TableSpec
from .wareki import WarekiError, parse_date, parse_time

Cell = object


@dataclass(slots=True)
class RawTable:
    """What an engine read: the header row and the data rows of one Excel table."""

    spec: TableSpec
    headers: list[str]
    rows: list[tuple[Cell, ...]]
    row_numbers: list[int]  # sheet row of each data row
    col_letters: list[str]  # sheet column letter of each header
    header_row: int = 1

    def position(self, key: str) -> int | None:
        header = self.spec.col(key).header
        try:
            return self.headers.index(header)
        except ValueError:
            return None

    def column(self, key: str) -> list[Cell]:
        pos = self.position(key)
        if pos is None:
            return [None] * len(self.rows)
        rows = self.rows
        if not rows or min(map(len, rows)) > pos:  # every row is this wide (engines' rows are)
            return list(map(itemgetter(pos), rows))
        return [r[pos] if pos < len(r) else None for r in rows]

    def cell_address(self, key: str, index: int) -> str:
        pos = self.position(key)
        return f"{self.col_letters[pos]}{self.row_numbers[index]}" if pos is not None else ""


class Columns(dict[str, list[object]]):
    """A table's typed columns by key, each typed on first use: a job pays only for the columns
    it reads (check reads them all, number a handful)."""

    __slots__ = ("_table",)

    def __init__(self, table: ParsedTable) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, key: str) -> list[object]:
        return self._table.parse_column(key)


class ParsedTable:
    """Typed values per column (None where blank or invalid), plus where each row lives."""

    __slots__ = ("_issues", "raw", "values")

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.values = Columns(self)
        self._issues: dict[str, list[Issue]] = {}

    @property
    def spec(self) -> TableSpec:
        return self.raw.spec

    def __len__(self) -> int:
        return len(self.raw.rows)

    def __getitem__(self, key: str) -> list[object]:
        return self.values[key]

    def dates(self, key: str) -> list[dt.date | None]:
        return self.values[key]  # type: ignore[return-value]

    def texts(self, key: str) -> list[str | None]:
        return self.values[key]  # type: ignore[return-value]

    def value_at(self, key: str, index: int) -> object:
        """One cell typed as its column types it, without typing the column: for a job that
        shows a few rows of a costly column (phone numbers go through phonenumbers)."""
        if key in self.values:
            return self.values[key][index]
        col = self.spec.col(key)
        pos = self.raw.position(key)
        row = self.raw.rows[index]
        cell = row[pos] if pos is not None and pos < len(row) else None
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        try:
            return PARSERS[col.kind](col, cell)[0]
        except Exception:  # as _parse_column: a parser bug reads as no value
            return None

    def parse_column(self, key: str) -> list[object]:
        """Type one column's cells (once); its bad cells become issues."""
        col = self.spec.col(key)
        issues: list[Issue] = []
        self.values[key] = out = _parse_column(self, col, issues)
        self._issues[key] = issues
        return out

    def parse_issues(self) -> list[Issue]:
        """Every bad cell of the table, column by column (types the columns not yet typed)."""
        found: list[Issue] = []
        for col in self.spec.columns:
            self.values[col.key]
            found += self._issues.get(col.key, [])
        return found

    def issue(
        self,
        index: int,
        key: str,
        code: str,
        message: str,
        severity: str = ERROR,
    ) -> Issue:
        """An issue at row `index` of this table, column `key` ('' for the whole row)."""
        header = self.spec.col(key).header if key else ""
        value = ""
        if key:
            pos = self.raw.position(key)
            row = self.raw.rows[index]
            if pos is not None and pos < len(row) and row[pos] is not None:
                value = _display(row[pos])
        cell = self.raw.cell_address(key or self.spec.columns[0].key, index)
        return Issue(
            self.spec.sheet,
            self.raw.row_numbers[index],
            header,
            code,
            message,
            severity,  # type: ignore[arg-type]
            value,
            cell,
        )


def _display(value: object) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_text(value: object) -> str | None:
    """A cell as the text parsers read: stripped, None when blank; 3.0 reads as 3."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return _display(value)
    out = str(value).strip()
    return out or None


DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)

Parser = Callable[[Column, object], tuple[object, str | None, str | None]]
# A parser returns (value, error message, warning message) for one non-blank cell.


def _parse_date(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    if type(raw) is dt.datetime:
        value = raw.date()
    else:
        try:
            value = parse_date(raw)
        except WarekiError as exc:
            return None, str(exc), None
    if not DATE_MIN <= value <= DATE_MAX:
        # Excel shows ##### for these; the rules' date arithmetic needs a sane range too.
        return None, f"日付が範囲外です（{value.year}年）。正しい日付を入力してください", None
    # A date typed as text that parses (和暦 or 西暦) is accepted input, not a mistake (#11).
    return value, None, None


def _parse_time(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    try:
        return parse_time(raw), None, None
    except WarekiError as exc:
        return None, str(exc), None


def _parse_int(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = text.nfkc(str(raw)).strip()
    if isinstance(raw, int | float) and float(raw).is_integer():
        return int(raw), None, None
    if s.lstrip("-").isdigit():
        return int(s), None, None
    return None, "整数を入力してください", None


def _parse_choice(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = text.clean_spaces(text.nfkc(str(raw)))
    if s in col.choices:
        return s, None, None
    return None, f"一覧から選んでください（{'・'.join(col.choices)}）", None


def _width_warning(raw: str) -> str | None:
    if text.has_fullwidth_ascii(raw):
        return "全角の英数字が含まれています。半角で入力してください"
    if text.has_halfwidth_kana(raw):
        return "半角カナが含まれています。全角で入力してください"
    return None


def _parse_postal(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = as_text(raw) or ""
    value = text.normalize_postal(s)
    if value is None:
        return None, "郵便番号は7桁で入力してください（例：400-0031）", None
    return value, None, _width_warning(s)


def _parse_phone(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = as_text(raw) or ""
    if isinstance(raw, int | float):
        # A number typed without a leading 0 lost it in Excel.
        return None, "電話番号の先頭の0が消えています。文字列として入力してください", None
    value = text.normalize_phone(s)
    if value is None:
        return None, "正しい電話番号ではありません（例：055-223-1234、090-1234-5678）", None
    return value, None, _width_warning(s)


def _parse_email(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = as_text(raw) or ""
    if text.has_fullwidth_ascii(s) and text.is_valid_email(text.nfkc(s)):
        return text.nfkc(s), None, "全角の英数字が含まれています。半角で入力してください"
    if not text.is_valid_email(s):
        return None, "メールアドレスの形式が正しくありません（例：name@example.jp）", None
    return s, None, None


def _parse_kana(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = as_text(raw) or ""
    if not text.is_kana(s):
        return None, "ふりがなはひらがな（またはカタカナ）で入力してください", None
    return text.clean_spaces(text.nfkc(s)), None, _width_warning(s)


def _parse_text(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = as_text(raw)
    warning = _width_warning(s) if s and col.key in ("name", "kana") else None
    return s, None, warning


def _parse_id(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    s = as_text(raw)
    return (text.nfkc(s).strip() or None) if s else None, None, None


def _parse_datetime(col: Column, raw: object) -> tuple[object, str | None, str | None]:
    return raw, None, None


PARSERS: dict[Kind, Parser] = {
    Kind.TEXT: _parse_text,
    Kind.DATE: _parse_date,
    Kind.TIME: _parse_time,
    Kind.INT: _parse_int,
    Kind.CHOICE: _parse_choice,
    Kind.POSTAL: _parse_postal,
    Kind.PHONE: _parse_phone,
    Kind.EMAIL: _parse_email,
    Kind.KANA: _parse_kana,
    Kind.DATETIME: _parse_datetime,
    Kind.ID: _parse_id,
}


def parse_table(raw: RawTable) -> ParsedTable:
    """The table with its columns typed on first use (ParsedTable.parse_issues for the bad
    cells)."""
    return ParsedTable(raw)


_UNREADABLE = (None, "この値は読み取れません。入力し直してください", None)


def _parse_column(parsed: ParsedTable, col: Column, issues: list[Issue]) -> list[object]:
    """Type every cell of one declared column; append an issue for each bad one.

    A parser's answer depends on the cell's value alone, and a column repeats its values (dates,
    choices, the IDs of reports): each distinct value is parsed once, the column is typed by
    looking its cells up (a C loop), and only the rows holding a bad value are visited for their
    issues (the typed values are shared objects, too)."""
    cells = parsed.raw.column(col.key)
    kinds = set(map(type, cells))
    if {int, float} <= kinds or (bool in kinds and kinds & {int, float}):
        return _parse_cells(parsed, col, cells, issues)  # equal values of unlike types
    parser = PARSERS[col.kind]
    answers: dict[object, tuple[object, str | None, str | None]] = {}
    for cell in set(cells):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            answers[cell] = (None, _REQUIRED if col.required else None, None)
            continue
        try:
            answers[cell] = parser(col, cell)
        except Exception:  # a parser bug must not stop the other rows being checked
            answers[cell] = _UNREADABLE
    typed = {cell: answer[0] for cell, answer in answers.items()}
    out = list(map(typed.__getitem__, cells))
    bad = {cell for cell, (_, error, warning) in answers.items() if error or warning}
    for i in [i for i, cell in enumerate(cells) if cell in bad] if bad else ():
        _, error, warning = answers[cells[i]]
        issues.append(_cell_issue(parsed, col, i, error, warning))
    return out


_REQUIRED = "\0required"  # the answer of a blank cell in a required column


def _cell_issue(
    parsed: ParsedTable, col: Column, i: int, error: str | None, warning: str | None
) -> Issue:
    if error == _REQUIRED:
        return parsed.issue(i, col.key, "required", f"「{col.header}」を入力してください")
    if error:
        return parsed.issue(i, col.key, f"format.{col.kind}", error)
    return parsed.issue(i, col.key, f"notation.{col.kind}", warning or "", WARNING)


def _parse_cells(
    parsed: ParsedTable, col: Column, cells: list[object], issues: list[Issue]
) -> list[object]:
    """_parse_column one cell at a time, for a column where equal values differ in type
    (True, 1 and 1.0 are one dict key): each (type, value) parsed once."""
    parser = PARSERS[col.kind]
    out: list[object] = [None] * len(cells)
    seen: dict[tuple[type, object], tuple[object, str | None, str | None]] = {}
    for i, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            if col.required:
                issues.append(_cell_issue(parsed, col, i, _REQUIRED, None))
            continue
        key = (type(cell), cell)  # engines hand over scalars: hashable
        answer = seen.get(key)
        if answer is None:
            try:
                answer = parser(col, cell)
            except Exception:  # a parser bug must not stop the other rows being checked
                answer = _UNREADABLE
            seen[key] = answer
        value, error, warning = answer
        out[i] = value
        if error or warning:
            issues.append(_cell_issue(parsed, col, i, error, warning))
    return out
