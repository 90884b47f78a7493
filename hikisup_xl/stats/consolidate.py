"""The prefecture's side: sum the 年度 reports of many municipalities into one workbook.

Every .xlsx in the folder is read as an untrusted exchange file. 年度集計 files (written by
`hikisup report --out`) are validated and summed; a roster (サポーター名簿) is listed but not
summed (a roster is who is registered now, not a 年度's figures, and a supporter listed by
two offices would count twice: rosters are merged with `import-roster`); anything else is
listed with the reason it was left out. One bad file never stops the others.

A suppressed cell is unknown, never 0: a total with a suppressed contribution is shown as
「秘匿を含む」 with the sum of the visible values beside it, and charts leave it out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import HikisupError
from ..core.schema import ACTIVITY_KINDS, STATS, Column, Kind, TableSpec
from ..core.wareki import WarekiError, fiscal_year_label, fiscal_year_range, parse_date
from ..exchange.safe_read import read_exchange
from ..files.fileformat import (
    KIND_CONSOLIDATED,
    KIND_ROSTER,
    KIND_STATS,
    M_BODY,
    M_CREATED,
    M_FY,
    M_ROWS,
    ROSTER_SHEET,
    canonical,
)
from .compute import (
    HOURS,
    KINDS,
    MONTHS,
    SUMMARY,
    UNKNOWN_KIND,
    Key,
    fy_months,
)
from .suppress import SUPPRESSED_TEXT

INCOMPLETE = "秘匿を含む"  # a total some municipality's suppressed figure belongs to

SHEET = "集約"
DATA_SHEET = "集約データ"
RECEIVED_SHEET = "受領ファイル"
DATA_TABLE = "tConsolidated"
RECEIVED_TABLE = "tReceived"
OK, LEFT_OUT, ERROR = "集約済み", "対象外", "エラー"
SECTIONS = (SUMMARY, KINDS, MONTHS)

# The consolidation workbook's two fixed tables (rows are built by column key: DATA.row(...)).
DATA = TableSpec(
    "consolidated", DATA_SHEET, DATA_TABLE, (Column("body", "実施主体", width=14), *STATS.columns)
)
RECEIVED = TableSpec(
    "received",
    RECEIVED_SHEET,
    RECEIVED_TABLE,
    (
        Column("file", "ファイル", width=30),
        Column("kind", "種別", width=12),
        Column("body", "実施主体", width=14),
        Column("fy", "年度", width=12),
        Column("created", "作成日", Kind.DATE, width=16),
        Column("status", "状態", width=10),
        Column("reason", "理由", width=70),
    ),
)


@dataclass(slots=True)
class Received:
    file: str
    kind: str = ""
    body: str = ""
    fy: int | None = None
    created: dt.date | None = None
    status: str = ERROR
    reason: str = ""
    values: dict[Key, tuple[float | int | None, str, str]] = field(default_factory=dict)
    rows: list[tuple[object, ...]] = field(default_factory=list)  # its 集計データ rows

    def row(self) -> tuple[object, ...]:
        return RECEIVED.row(
            file=self.file,
            kind=self.kind,
            body=self.body,
            fy=fiscal_year_label(self.fy) if self.fy else "",
            created=self.created,
            status=self.status,
            reason=self.reason,
        )


def _number(value: object) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError
    return int(value) if float(value).is_integer() else float(value)


def _validate_stats(r: Received, manifest_fy: str, rows: list[list[object]]) -> None:
    headers = [canonical(v) for v in rows[0]] if rows else []
    while headers and headers[-1] == "":
        headers.pop()
    if headers != list(STATS.headers):
        raise HikisupError(f"「{STATS.sheet}」の列が違います（{'、'.join(headers)}）。")
    try:
        r.fy = int(manifest_fy)
        fiscal_year_range(r.fy)
    except (ValueError, WarekiError):
        raise HikisupError(f"提供情報の年度「{manifest_fy}」が読み取れません。") from None
    label = fiscal_year_label(r.fy)
    for n, raw in enumerate(rows[1:], start=2):
        if not any(canonical(v) for v in raw):
            continue
        cells = [*raw, *([None] * len(headers))][: len(headers)]
        fy, section, item, month, kind, value, unit, hidden = (canonical(v) for v in cells)
        if fy != label:
            raise HikisupError(f"{n}行目の年度「{fy}」が提供情報（{label}）と違います。")
        if section not in SECTIONS or not item:
            raise HikisupError(f"{n}行目の区分・項目が読み取れません。")
        try:
            number = _number(cells[5])
        except ValueError:
            raise HikisupError(f"{n}行目の値「{value}」が数ではありません。") from None
        if number is None and not hidden:
            raise HikisupError(f"{n}行目の値が空欄なのに秘匿の印がありません。")
        if number is not None and number < 0:
            raise HikisupError(f"{n}行目の値が負の数です。")
        key = (section, item, month, kind)
        if key in r.values:
            raise HikisupError(f"{n}行目が重複しています（{item}）。")
        r.values[key] = (number, unit, hidden)


def receive(path: Path, password: str | None) -> Received:
    """One file of the folder, checked; never raises for a bad file."""
    r = Received(path.name)
    if path.suffix.lower() != ".xlsx":
        r.status, r.reason = LEFT_OUT, "Excelブック（.xlsx）ではありません"
        return r
    try:
        ex = read_exchange(
            path,
            password,
            {
                KIND_STATS: (STATS.sheet,),
                KIND_ROSTER: (ROSTER_SHEET,),
                KIND_CONSOLIDATED: (DATA_SHEET,),
            },
        )
        r.kind, r.body = ex.kind, ex.text(M_BODY)
        try:
            r.created = parse_date(ex.manifest.get(M_CREATED))
        except WarekiError:
            raise HikisupError("提供情報の作成日が読み取れません。") from None
        if ex.kind == KIND_ROSTER:
            r.status = LEFT_OUT
            r.reason = (
                f"サポーター名簿です（{ex.text(M_ROWS)}人）。集計には含めません。"
                "名簿は hikisup import-roster で取り込んでください"
            )
            return r
        if ex.kind == KIND_CONSOLIDATED:
            r.status, r.reason = (
                LEFT_OUT,
                "都道府県の集約ファイルです（市町村の年度集計ではありません）",
            )
            return r
        if not r.body:
            raise HikisupError("提供情報に実施主体がありません。")
        _validate_stats(r, ex.text(M_FY), ex.sheets[STATS.sheet])
        r.status = OK
    except HikisupError as exc:
        r.status, r.reason = ERROR, str(exc).removeprefix(f"「{path.name}」は読み込めません：")
        r.values.clear()
    return r


@dataclass(slots=True)
class Consolidation:
    fy: int
    label: str
    bodies: list[str]
    received: list[Received]
    months: list[str]
    kinds: list[str]
    # key -> (unit, {body: value or None when suppressed})
    table: dict[Key, tuple[str, dict[str, float | int | None]]]

    def total(self, key: Key) -> tuple[float | int, int]:
        """Sum of the known values, and how many municipalities suppressed this figure."""
        unit, values = self.table.get(key, ("", {}))
        known = [v for v in values.values() if v is not None]
        total: float | int = sum(known)
        if unit == HOURS:
            total = round(float(total), 2)
        return total, sum(1 for v in values.values() if v is None)

    def complete(self, key: Key) -> float | int | None:
        """The total when every municipality sent the figure; None when one suppressed it."""
        total, hidden = self.total(key)
        return None if hidden else total

    def shown_total(self, key: Key) -> float | int | str:
        """What a table prints: the total, or 「秘匿を含む（判明分 N）」 (never the partial alone)."""
        total, hidden = self.total(key)
        return f"{INCOMPLETE}（判明分 {_plain(total)}）" if hidden else total

    def of(self, key: Key, body: str) -> float | int | str | None:
        _, values = self.table.get(key, ("", {}))
        if body not in values:
            return None
        v = values[body]
        return SUPPRESSED_TEXT if v is None else v


def _plain(n: float | int) -> str:
    """12,345 / 12.5: a number as a table prints it."""
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,}"


FIGURE_KEY = ["section", "item", "month", "kind"]


def cross_tab(used: Sequence[Received]) -> dict[Key, tuple[str, dict[str, float | int | None]]]:
    """Each figure across the municipalities: one long frame (a row per municipality and
    figure) grouped by figure. Values stay Python objects: None is a suppressed cell, and an
    int stays an int in the totals."""
    frame = pd.DataFrame(
        [
            (r.body, *key, value, unit)
            for r in sorted(used, key=lambda r: r.body)
            for key, (value, unit, _hidden) in r.values.items()
        ],
        columns=["body", *FIGURE_KEY, "value", "unit"],
        dtype=object,
    )
    table: dict[Key, tuple[str, dict[str, float | int | None]]] = {}
    for key, group in frame.groupby(FIGURE_KEY, sort=False, dropna=False):
        section, item, month, kind = (str(k) for k in key)
        values = dict(zip(group["body"], group["value"], strict=True))
        table[(section, item, month, kind)] = (str(group["unit"].iloc[0]), values)
    return table


def consolidate(
    directory: Path, password: str | None, fy: int | None, skip: Sequence[Path] = ()
) -> Consolidation:
    if not directory.is_dir():
        raise HikisupError(f"フォルダー「{directory}」が見つかりません。")
    skipped = {p.resolve() for p in skip}
    files = sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$")) and p.resolve() not in skipped
    )
    received = [receive(p, password) for p in files]
    good = [r for r in received if r.status == OK]
    if fy is None and good:
        counts = Counter(r.fy for r in good)
        fy = max(counts, key=lambda y: (counts[y], y or 0))
    for r in good:
        if r.fy != fy:
            r.status = LEFT_OUT
            r.reason = f"年度が違います（{fiscal_year_label(r.fy or 0)}）。--fy で年度を選べます"
    latest: dict[str, Received] = {}
    for r in received:
        if r.status != OK:
            continue
        other = latest.get(r.body)
        if other is None or (r.created or dt.date.min, r.file) > (
            other.created or dt.date.min,
            other.file,
        ):
            latest[r.body] = r
    for r in received:
        if r.status == OK and latest[r.body] is not r:
            r.status = LEFT_OUT
            r.reason = f"同じ実施主体の新しいファイル（{latest[r.body].file}）を使いました"
    used = [r for r in received if r.status == OK]
    if not used or fy is None:
        lines = (
            "\n".join(f"  {r.file}：{r.status}（{r.reason}）" for r in received)
            or "  （ファイルがありません）"
        )
        raise HikisupError(f"集約できるファイルがありません。\n{lines}")
    bodies = sorted(r.body for r in used)
    table = cross_tab(used)
    kinds_seen = {key[3] for key in table if key[0] == KINDS}
    kinds = [k for k in ACTIVITY_KINDS] + sorted(kinds_seen - set(ACTIVITY_KINDS))
    if UNKNOWN_KIND not in kinds_seen and UNKNOWN_KIND in kinds:
        kinds.remove(UNKNOWN_KIND)
    return Consolidation(fy, fiscal_year_label(fy), bodies, received, fy_months(fy), kinds, table)


def summary_lines(c: Consolidation, out: Path) -> list[str]:
    lines = [f"{c.label}の集約を書き出しました：{out}（{len(c.bodies)}実施主体）"]
    total, hidden = c.total((SUMMARY, "活動延べ回数", "", ""))
    if hidden:
        lines.append(
            f"  活動延べ回数の合計 {INCOMPLETE}（判明分 {total}回、{hidden}実施主体が秘匿）"
        )
    else:
        lines.append(f"  活動延べ回数の合計 {total}回")
    for r in c.received:
        if r.status != OK:
            lines.append(f"  [{r.status}] {r.file}：{r.reason}")
    return lines


def has_errors(c: Consolidation) -> bool:
    return any(r.status == ERROR for r in c.received)
