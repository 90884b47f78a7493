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
import hashlib
import json
import marshal
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..core.errors import HikisupError
from ..core.schema import ACTIVITY_KINDS, STATS, Column, TableSpec
from ..core.wareki import fiscal_year_label
from ..files.fileformat import trim_rows
from .compute import (
    HOURS,
    KINDS,
    MONTHS,
    SUMMARY,
    UNKNOWN_KIND,
    Key,
    fy_months,
)
from .receive import (
    DATA_SHEET,
    ERROR,
    LEFT_OUT,
    NAME_SLOT,
    OK,
    RECEIVED,
    RECEIVED_SHEET,
    Received,
    Value,
    figure_rows,
    receive_all,
)
from .suppress import SUPPRESSED_TEXT

INCOMPLETE = "秘匿を含む"  # a total some municipality's suppressed figure belongs to
HIDDEN_BODIES = "秘匿した実施主体数"

SHEET = "集約"
DATA_TABLE = "tConsolidated"
SECTIONS = (SUMMARY, KINDS, MONTHS)
__all__ = ["DATA_SHEET", "ERROR", "LEFT_OUT", "OK", "RECEIVED", "RECEIVED_SHEET", "Received"]

# The consolidation workbook's two fixed tables (rows are built by column key: DATA.row(...)).
DATA = TableSpec(
    "consolidated", DATA_SHEET, DATA_TABLE, (Column("body", "実施主体", width=14), *STATS.columns)
)
# The checksum lines the workers make (receive.digest_lines) are the body's name, then the
# 集計データ columns: the table keeps that layout, or the file would fail its own checksum.
if tuple(c.key for c in DATA.columns) != ("body", *(c.key for c in STATS.columns)):
    raise AssertionError("集約データ must be the body, then the 集計データ columns")
# The overview table's fixed columns; a municipality's column must not take one of these names.
OVERVIEW_FIXED = ("項目", "単位", "合計", HIDDEN_BODIES)


class Spool:
    """The figures of every file received, on disk until the workbook is written.

    A national 集約 receives 1,741 files of ~150 figures each; kept in memory they would make
    the peak grow with the file count. Each file's figures are one marshal record in a
    temporary file (deleted when closed); the parent keeps only where each record is."""

    def __init__(self) -> None:
        self._fh: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
        self._where: dict[int, tuple[int, int]] = {}

    def put(self, r: Received) -> None:
        """Move `r`'s figures and checksum lines to disk (its `values` and `lines` are empty
        afterwards)."""
        data = marshal.dumps(([(*key, *value) for key, value in r.values.items()], r.lines))
        self._fh.seek(0, 2)
        self._where[id(r)] = (self._fh.tell(), len(data))
        self._fh.write(data)
        r.values, r.lines = {}, b""

    def get(self, r: Received) -> tuple[dict[Key, Value], bytes]:
        offset, size = self._where[id(r)]
        self._fh.seek(offset)
        records: list[tuple[str, str, str, str, float | int | None, str, str]]
        records, lines = marshal.loads(self._fh.read(size))
        return {(a, b, c, d): (v, u, h) for a, b, c, d, v, u, h in records}, lines

    def close(self) -> None:
        self._fh.close()


@dataclass(slots=True)
class Figure:
    """One figure across the municipalities: what its total needs, never every value."""

    unit: str
    total: float | int = 0  # the known values, summed in body order
    hidden: int = 0  # municipalities that suppressed it


@dataclass(slots=True)
class Consolidation:
    fy: int
    label: str
    bodies: list[str]
    received: list[Received]
    months: list[str]
    kinds: list[str]
    table: dict[Key, Figure]
    names: list[str] = field(default_factory=list)  # each body's column name, in body order
    by_body: dict[Key, dict[str, float | int | None]] = field(default_factory=dict)  # 概要 only
    used: list[Received] = field(default_factory=list)  # in body order
    data_count: int = 0
    data_checksum: str = ""
    spool: Spool | None = None

    def total(self, key: Key) -> tuple[float | int, int]:
        """Sum of the known values, and how many municipalities suppressed this figure."""
        figure = self.table.get(key)
        if figure is None:
            return 0, 0
        total = figure.total
        if figure.unit == HOURS:
            total = round(float(total), 2)
        return total, figure.hidden

    def complete(self, key: Key) -> float | int | None:
        """The total when every municipality sent the figure; None when one suppressed it."""
        total, hidden = self.total(key)
        return None if hidden else total

    def shown_total(self, key: Key) -> float | int | str:
        """What a table prints: the total, or 「秘匿を含む（判明分 N）」 (never the partial alone)."""
        total, hidden = self.total(key)
        return f"{INCOMPLETE}（判明分 {_plain(total)}）" if hidden else total

    def of(self, key: Key, body: str) -> float | int | str | None:
        """One municipality's value of a 概要 figure (秘匿 when it suppressed it)."""
        values = self.by_body.get(key, {})
        if body not in values:
            return None
        v = values[body]
        return SUPPRESSED_TEXT if v is None else v

    def data_rows(self) -> Iterator[tuple[object, ...]]:
        """The 集約データ rows, one municipality after another, read back from the spool."""
        assert self.spool is not None
        # By column key: slot 0 is the name, slot i + 1 the i-th 集計データ column.
        slots = {"body": 0, **{c.key: i + 1 for i, c in enumerate(STATS.columns)}}
        order = [slots[c.key] for c in DATA.columns]
        for name, r in zip(self.names, self.used, strict=True):
            for row in figure_rows(self.label, self.spool.get(r)[0]):
                full = (name, *row)
                yield tuple(full[i] for i in order)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


def _plain(n: float | int) -> str:
    """12,345 / 12.5: a number as a table prints it."""
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,}"


def unique_names(names: Sequence[str], taken: Sequence[str]) -> list[str]:
    """Column headers: a body named like a fixed column (or twice) gets （2）."""
    out: list[str] = []
    seen = set(taken)
    for name in names:
        candidate, n = name or "（名称なし）", 2
        while candidate in seen:
            candidate, n = f"{name}（{n}）", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def _tally(c: Consolidation, spool: Spool) -> None:
    """Totals, the 概要 per body, and the 集約データ's row count and checksum: one pass over
    the spool in body order (the order the old in-memory sums had, so floats agree)."""
    digest = hashlib.sha256()
    headers = list(DATA.headers)
    for cells in trim_rows([headers]):
        digest.update(json.dumps(cells, ensure_ascii=False).encode("utf-8") + b"\n")
    count = 0
    for name, r in zip(c.names, c.used, strict=True):
        values, lines = spool.get(r)
        for key, (value, unit, _hidden) in values.items():
            figure = c.table.get(key)
            if figure is None:
                figure = c.table[key] = Figure(unit)
            if value is None:
                figure.hidden += 1
            else:
                figure.total += value
            if key[0] == SUMMARY:
                c.by_body.setdefault(key, {})[r.body] = value
        start = b"[" + json.dumps(name, ensure_ascii=False).encode("utf-8") + b", "
        digest.update(lines.replace(NAME_SLOT, start))  # the rows, hashed as written
        count += len(values)
    c.data_count, c.data_checksum = count, digest.hexdigest()


def consolidate(
    directory: Path,
    password: str | None,
    fy: int | None,
    skip: Sequence[Path] = (),
    *,
    workers: int | None = None,
    on_file: Callable[[int, int], None] | None = None,
) -> Consolidation:
    """Read every file of `directory` (in parallel: `workers` processes, default one per
    core) and sum the usable ones. `on_file(done, total)` follows the reading. The result
    holds a spool on disk: close it (Consolidation.close) when the workbook is written."""
    if not directory.is_dir():
        raise HikisupError(f"フォルダー「{directory}」が見つかりません。")
    skipped = {p.resolve() for p in skip}
    files = sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$")) and p.resolve() not in skipped
    )
    spool = Spool()
    try:
        return _consolidate(files, password, fy, spool, workers, on_file)
    except BaseException:
        spool.close()
        raise


def _consolidate(
    files: Sequence[Path],
    password: str | None,
    fy: int | None,
    spool: Spool,
    workers: int | None,
    on_file: Callable[[int, int], None] | None,
) -> Consolidation:
    received: list[Received] = []
    done = (lambda n: on_file(n, len(files))) if on_file is not None else None
    for r in receive_all(files, password, workers=workers, on_done=done):
        if r.status == OK:
            spool.put(r)  # the figures wait on disk; the summary stays
        received.append(r)
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
    used = sorted((r for r in received if r.status == OK), key=lambda r: r.body)
    if not used or fy is None:
        lines = (
            "\n".join(f"  {r.file}：{r.status}（{r.reason}）" for r in received)
            or "  （ファイルがありません）"
        )
        raise HikisupError(f"集約できるファイルがありません。\n{lines}")
    bodies = [r.body for r in used]
    c = Consolidation(fy, fiscal_year_label(fy), bodies, received, fy_months(fy), [], {})
    c.used, c.spool = used, spool
    c.names = unique_names(bodies, OVERVIEW_FIXED)
    _tally(c, spool)
    kinds_seen = {key[3] for key in c.table if key[0] == KINDS}
    kinds = [k for k in ACTIVITY_KINDS] + sorted(kinds_seen - set(ACTIVITY_KINDS))
    if UNKNOWN_KIND not in kinds_seen and UNKNOWN_KIND in kinds:
        kinds.remove(UNKNOWN_KIND)
    c.kinds = kinds
    return c


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
