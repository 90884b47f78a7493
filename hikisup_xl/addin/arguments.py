"""Argument providers: what a ribbon button's action needs from the live workbook beyond the
button's fixed parameters (registry `Button.params`), e.g. the IDs of the selected rows, where
to write the output, and that Excel should make the PDF.

A provider is named by `Button.arguments` and called by `hikisup_xl.excel.dispatch` after the
live engine has accepted the workbook and before the action runs; it may refuse with a
HikisupError (a Japanese message, nothing written). Its Excel reads are few and do not grow
with the rows: the selection's address (all its rows in one string) and the name of its
sheet; the ID column comes from the table the live engine reads for the action anyway (the
engine keeps what it read, so the action does not read it again).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..core import schema
from ..core.errors import HikisupError
from ..core.schema import TableSpec
from ..core.table import RawTable
from ..engine.live import LiveEngine, XlBook
from ..forms.action import (
    NOT_SAVED_LOCALLY,  # the forms action's own words
    default_output,
)
from ..forms.kinds import find_kind
from ..forms.select import NOTHING_WRITTEN, Selection

EXCEL_ROWS = 1_048_576  # a whole-column selection ("$A:$C") is every row
SHOWN_IDS = 10


class XlSheetName(Protocol):
    @property
    def name(self) -> str: ...


class XlSelection(Protocol):
    """The part of xlwings' Range a selection is read through."""

    @property
    def address(self) -> str: ...
    @property
    def sheet(self) -> XlSheetName: ...


class XlCaller(XlBook, Protocol):
    """The workbook that called (xlwings.Book): the live engine's part plus its file and the
    clerk's selection (None when a chart or shape is selected)."""

    @property
    def fullname(self) -> str: ...
    @property
    def selection(self) -> XlSelection | None: ...


@dataclass
class Arguments:
    """Keyword arguments for the action, and lines to show after the action's own."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


Provider = Callable[[XlCaller, LiveEngine, Mapping[str, str]], Arguments]


# ------------------------------------------------------------------------------ the rows
Span = tuple[int, int]  # first and last sheet row of one area of a selection


def selected_rows(address: str) -> list[Span]:
    """The rows of each area of an A1 address: "$B$3:$D$5,$A$8" -> [(3, 5), (8, 8)];
    whole rows "$3:$5" -> [(3, 5)]; whole columns "$A:$C" -> every row."""
    spans: list[Span] = []
    for area in address.split(","):
        ends = [_row(part) for part in area.split("!")[-1].strip().split(":")]
        if len(ends) > 2:
            raise ValueError(address)
        rows = [r for r in ends if r is not None]
        if not rows:  # "$A:$C"
            spans.append((1, EXCEL_ROWS))
        else:
            spans.append((min(rows), max(rows)))
    return spans


_PART = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")


def _row(part: str) -> int | None:
    m = _PART.match(part.strip())
    if m is None or not (m.group(1) or m.group(2)):
        raise ValueError(part)
    return int(m.group(2)) if m.group(2) else None


def rows_in(raw: RawTable, spans: Sequence[Span]) -> list[int]:
    """Indexes of the table's data rows that lie in the spans, top to bottom."""
    return [i for i, r in enumerate(raw.row_numbers) if any(a <= r <= b for a, b in spans)]


def ids_of(raw: RawTable, key: str, indexes: Sequence[int]) -> tuple[list[str], list[int]]:
    """The IDs in column `key` of those rows (each once, in row order), and the sheet rows
    whose ID cell is blank."""
    pos = raw.position(key)
    ids: list[str] = []
    blank: list[int] = []
    for i in indexes:
        row = raw.rows[i]
        value = row[pos] if pos is not None and pos < len(row) else None
        text = "" if value is None else str(value).strip()
        if not text:
            blank.append(raw.row_numbers[i])
        elif text not in ids:
            ids.append(text)
    return ids, blank


@dataclass(frozen=True)
class Source:
    """Where the IDs of a filled form live, and what the form prints without a selection."""

    spec: TableSpec
    key: str  # the ID column
    everyone: str | None  # who without a selection; None: the clerk must select rows

    @property
    def header(self) -> str:
        return self.spec.col(self.key).header


# Forms whose rows a selection chooses. 登録名簿 is always everyone: pressed from its own
# sheet (where the clerk usually is), the cursor's row must not shrink the roster to one.
SOURCES: dict[str, Source] = {
    "certificate": Source(schema.TRAINEES, "cert_no", "修了番号のある全員"),
    "card": Source(
        schema.REGISTER, "reg_no", "今日が登録期間内の全員（登録番号があり、辞退・取消でない人）"
    ),
    "renewal": Source(
        schema.REGISTER, "reg_no", "登録期間が期限警告日数以内に終わる人（期限一覧と同じ人）"
    ),
    "report": Source(schema.REPORTS, "report_id", None),
    "flyer": Source(schema.TRAININGS, "training_id", "これから開く養成研修"),
}


def _selection(book: XlCaller) -> tuple[str, list[Span]] | None:
    """The selection's sheet and rows, or None (nothing selected, or a chart or shape)."""
    try:
        selected = book.selection
        if selected is None:
            return None
        sheet, address = selected.sheet.name, selected.address
        return sheet, selected_rows(address)
    except Exception:  # COM error or an address we do not know: refuse rather than guess
        raise HikisupError(
            "選択しているセルを読み取れませんでした。印刷する行のセルを選び直してから、"
            "もう一度押してください。" + NOTHING_WRITTEN
        ) from None


def choose(
    kind: str, sheet: str | None, spans: Sequence[Span], read: Callable[[TableSpec], RawTable]
) -> tuple[Selection, list[str]]:
    """The selection for a filled form of `kind` from the selected sheet and rows, and the
    lines that tell the clerk which rows were used. `read` reads a table (only if needed)."""
    name = find_kind(kind).name
    source = SOURCES.get(kind)
    if source is None:
        return Selection(), []
    raw = read(source.spec) if sheet == source.spec.sheet else None
    indexes = rows_in(raw, spans) if raw is not None else []
    if raw is None or not indexes:
        if source.everyone is None:
            raise HikisupError(
                f"{name}は、「{source.spec.sheet}」シートで印刷する行を選んでから押してください"
                "（複数の行を選べます）。空欄の様式は「空欄の様式」から作れます。" + NOTHING_WRITTEN
            )
        return Selection(), [
            f"対象：{source.everyone}"
            f"（「{source.spec.sheet}」シートで行を選んでから押すと、その行の分だけ作ります）"
        ]
    ids, blank = ids_of(raw, source.key, indexes)
    where = f"「{source.spec.sheet}」シートの{_rows_text(blank)}"
    if not ids:
        raise HikisupError(
            f"選んだ行（{where}）には{source.header}がありません。"
            f"{source.header}のある行を選んでください。" + NOTHING_WRITTEN
        )
    shown = "、".join(ids[:SHOWN_IDS]) + ("…" if len(ids) > SHOWN_IDS else "")
    notes = [f"対象：「{source.spec.sheet}」シートで選んだ行（{source.header} {shown}）"]
    if blank:
        notes.append(f"  {where}は{source.header}が空欄のため作っていません。")
    return Selection(tuple(ids)), notes


def _rows_text(rows: Sequence[int]) -> str:
    shown = "・".join(str(r) for r in rows[:SHOWN_IDS]) + ("…" if len(rows) > SHOWN_IDS else "")
    return f"{shown}行目"


# -------------------------------------------------------------------------- the output
def workbook_path(book: XlCaller) -> Path:
    """The workbook's file on this PC; refused when it has none (never saved, or open from
    OneDrive/SharePoint as a URL that xlwings cannot map to a synced folder)."""
    try:
        full = str(book.fullname or "")
    except Exception:  # xlwings could not find the synced copy of a OneDrive/SharePoint URL
        full = ""
    path = Path(full) if full and "://" not in full else None
    if path is None or not path.is_absolute():
        raise HikisupError(NOT_SAVED_LOCALLY)
    return path


def blank_output(workbook: Path, kind: str) -> Path:
    """Beside the workbook: <stem>_<帳票名>_空欄.xlsx (a filled form's file stays as it is)."""
    filled = default_output(workbook, kind)
    return filled.with_name(f"{filled.stem}_空欄{filled.suffix}")


# ------------------------------------------------------------------------- providers
def filled_form(book: XlCaller, engine: LiveEngine, params: Mapping[str, str]) -> Arguments:
    """A 帳票 button: the selected rows' IDs (or the form's default rows), beside the
    workbook, with a PDF made by Excel."""
    kind = params["kind"]
    out = default_output(workbook_path(book), kind)
    selected = _selection(book) if kind in SOURCES else None
    sheet, spans = selected if selected is not None else (None, [])
    selection, notes = choose(kind, sheet, spans, engine.read_table)
    return Arguments({"selection": selection, "out": out, "pdf": True}, notes)


def blank_form(book: XlCaller, engine: LiveEngine, params: Mapping[str, str]) -> Arguments:
    """An item of 空欄の様式: the blank form beside the workbook, with a PDF made by Excel."""
    out = blank_output(workbook_path(book), params["kind"])
    return Arguments({"selection": Selection(blank=True), "out": out, "pdf": True})


def tidy_confirm(book: XlCaller, engine: LiveEngine, params: Mapping[str, str]) -> Arguments:
    """整える: how many cells it would change, by reason, and a yes/no before it does (the
    ribbon's --dry-run). The tables read here are the ones the job reads again (kept)."""
    from collections import Counter

    from ..jobs.tidy import plan
    from ..registry import TITLE
    from .dialogs import DialogCancelledError

    changes = plan(engine.read_table, engine.read_readings)
    if changes:
        reasons = Counter(c.reason for c in changes)
        detail = "\n".join(f"・{reason}：{n}件" for reason, n in reasons.most_common())
        question = (
            f"{len(changes)}か所を整えます。\n{detail}\n\n"
            "変更前の値はすべて「変更履歴」に残ります。実行しますか？"
        )
        if book.app.alert(question, title=TITLE, buttons="yes_no") != "yes":
            raise DialogCancelledError
    return Arguments({"dry_run": False})


ASK_DISPATCH = (
    f"「{schema.DISPATCHES.sheet}」シートで、候補を探す派遣（状態が「調整中」）の行を"
    "1つ選んでから押してください。"
)


def dispatch_of(
    sheet: str | None, spans: Sequence[Span], read: Callable[[TableSpec], RawTable]
) -> str:
    """The 派遣ID of the one dispatch row selected on the 派遣 sheet (refused otherwise).
    `read` reads the table (only if the selection is on its sheet)."""
    spec = schema.DISPATCHES
    if sheet != spec.sheet:
        raise HikisupError(ASK_DISPATCH)
    raw = read(spec)
    ids, blank = ids_of(raw, "dispatch_id", rows_in(raw, spans))
    if not ids:
        rows = f"（{_rows_text(blank)}には派遣IDがありません）" if blank else ""
        raise HikisupError(ASK_DISPATCH + rows)
    if len(ids) > 1:
        shown = "、".join(ids[:SHOWN_IDS]) + ("…" if len(ids) > SHOWN_IDS else "")
        raise HikisupError(
            f"派遣候補は1件ずつ作ります。選んだ行には派遣ID {shown} があります。" + ASK_DISPATCH
        )
    return ids[0]


def dispatch_row(book: XlCaller, engine: LiveEngine, params: Mapping[str, str]) -> Arguments:
    """派遣候補: the 派遣ID of the one dispatch row the clerk selected on the 派遣 sheet."""
    try:
        selected = book.selection
        where = (selected.sheet.name, selected_rows(selected.address)) if selected else None
    except Exception:  # COM error or an address we do not know: refuse rather than guess
        raise HikisupError("選択しているセルを読み取れませんでした。" + ASK_DISPATCH) from None
    sheet, spans = where if where is not None else (None, [])
    return Arguments({"dispatch_id": dispatch_of(sheet, spans, engine.read_table)})


PROVIDERS: dict[str, Provider] = {
    "form": filled_form,
    "blank_form": blank_form,
    "tidy_confirm": tidy_confirm,
    "dispatch": dispatch_row,
}
