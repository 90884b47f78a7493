"""Receive the municipalities' upward files: each read and validated on its own, in parallel.

Every .xlsx is read as an untrusted exchange file (files/safe_read.py). A national 集約 reads
1,741 of them, so they are read in a process pool, one worker per core; each worker sends back
a compact summary (the manifest's facts and the figures, never a workbook). The results come
back in the folder's order, whatever order the workers finish in, so a parallel run gives what
a serial one gives. One bad file never stops the others: its reason is on its summary.

This module imports no pandas or openpyxl: a worker started by spawning (Windows, macOS) loads
only what reading needs.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import HikisupError
from ..core.schema import STATS, Column, Kind, TableSpec
from ..core.wareki import WarekiError, fiscal_year_label, fiscal_year_range, parse_date
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
    trim_rows,
)
from ..files.safe_read import read_exchange
from .sections import KINDS, MONTHS, SUMMARY, SUPPRESSED_TEXT, Key

OK, LEFT_OUT, ERROR = "集約済み", "対象外", "エラー"
RECEIVED_SHEET = "受領ファイル"
RECEIVED_TABLE = "tReceived"
# The 受領ファイル table: one row per file of the folder (rows built by key: Received.row).
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
SECTIONS = (SUMMARY, KINDS, MONTHS)
DATA_SHEET = "集約データ"  # the consolidated workbook's data: such a file is not summed again
SERIAL_BELOW = 16  # fewer files than this are read in this process: a pool costs more
Value = tuple[float | int | None, str, str]  # value (None when suppressed), unit, 秘匿 mark


@dataclass(slots=True)
class Received:
    file: str
    kind: str = ""
    body: str = ""
    fy: int | None = None
    created: dt.date | None = None
    status: str = ERROR
    reason: str = ""
    values: dict[Key, Value] = field(default_factory=dict)
    lines: bytes = b""  # its 集約データ rows as the checksum hashes them (see digest_lines)

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


FIGURE_KEYS = ("fy", "section", "item", "month", "kind", "value", "unit", "suppressed")
# A 集計データ row is built by column key: where each of FIGURE_KEYS sits in STATS's columns,
# found once (a column STATS gains and this does not fill fails at the first row).
_BY_KEY = operator.itemgetter(*STATS.row(**{k: i for i, k in enumerate(FIGURE_KEYS)}))


def figure_rows(label: str, values: dict[Key, Value]) -> Iterator[tuple[object, ...]]:
    """A municipality's 集計データ rows (its 集約データ rows without its name), in key order."""
    for key in sorted(values):
        value, unit, _hidden = values[key]
        mark = SUPPRESSED_TEXT if value is None else ""
        yield _BY_KEY((label, *key, value, unit, mark))


NAME_SLOT = b"\x00"  # where a row's name goes; JSON never holds a raw NUL


def digest_lines(label: str, values: dict[Key, Value]) -> bytes:
    """The rows as fileformat.checksum hashes them, each line starting with NAME_SLOT for
    `[<name json>, `: the worker does the per-row work, the parent one replace per file."""
    out = []
    for cells in trim_rows(("x", *row) for row in figure_rows(label, values)):
        out.append(NAME_SLOT + json.dumps(cells[1:], ensure_ascii=False)[1:].encode() + b"\n")
    return b"".join(out)


def _number(value: object) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError
    if not math.isfinite(value):  # NaN would pass "< 0" and poison every total
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
        r.lines = digest_lines(fiscal_year_label(r.fy or 0), r.values)
        r.status = OK
    except HikisupError as exc:
        r.status, r.reason = ERROR, str(exc).removeprefix(f"「{path.name}」は読み込めません：")
        r.values.clear()
        r.lines = b""
    return r


def _receive_safely(job: tuple[Path, str | None]) -> Received:
    """`receive` in a worker: even a fault of the reader itself becomes this file's reason,
    so the pool goes on with the others."""
    path, password = job
    try:
        return receive(path, password)
    except Exception as exc:  # a reader's own bug on a strange file: report, go on
        return Received(
            path.name,
            reason=f"読み込み中に予期しない問題が起きました（{type(exc).__name__}）",
        )


def workers_for(count: int, workers: int | None = None) -> int:
    """Every core by default; one (this process) for a handful of files."""
    wanted = workers if workers is not None else (os.cpu_count() or 1)
    if workers is None and count < SERIAL_BELOW:
        return 1
    return max(1, min(wanted, count))


def receive_all(
    files: Sequence[Path],
    password: str | None,
    *,
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[Received]:
    """Each file's summary, in the order of `files`, read by `workers` processes (default:
    one per core). Results are yielded as they arrive, so the caller keeps none it has no
    use for: memory does not grow with the number of files."""
    jobs = [(p, password) for p in files]
    n = workers_for(len(jobs), workers)
    if n == 1:
        results: Iterator[Received] = map(_receive_safely, jobs)
        for done, r in enumerate(results, start=1):
            if on_done is not None:
                on_done(done)
            yield r
        return
    # Chunks keep the hand-over cost low; small enough that progress moves steadily.
    chunk = max(1, min(32, len(jobs) // (n * 8)))
    with ProcessPoolExecutor(max_workers=n) as pool:
        for done, r in enumerate(pool.map(_receive_safely, jobs, chunksize=chunk), start=1):
            if on_done is not None:
                on_done(done)
            yield r
