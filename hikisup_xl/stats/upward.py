"""The 年度 report sent upward: counts only, small cells suppressed, with its manifest.

It holds the 集計 sheet (tables and charts, no pivot tables), the 集計データ table the
prefecture's `consolidate` sums, and 提供情報. Nothing is copied from the workbook's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core.schema import STATS
from ..core.wareki import to_wareki
from ..files.fileformat import (
    FORMAT_NAME,
    FORMAT_VERSION,
    KIND_STATS,
    M_AS_OF,
    M_BODY,
    M_BODY_KIND,
    M_CHECKSUM,
    M_CREATED,
    M_DEPARTMENT,
    M_FORMAT,
    M_FY,
    M_FY_LABEL,
    M_KIND,
    M_PERIOD,
    M_ROWS,
    M_SOURCE,
    M_SUPPRESS,
    M_SUPPRESSED,
    M_VERSION,
    checksum,
)
from ..files.statsheet import build_stats_file
from .compute import Figure, FyStats, tidy_rows
from .sheet import View, stats_drawing
from .suppress import suppressed_count

if TYPE_CHECKING:  # the workbook the files layer draws and saves; no openpyxl at run time
    from openpyxl.workbook.workbook import Workbook


def build_upward(
    stats: FyStats,
    figures: Sequence[Figure],
    threshold: int,
    *,
    body: str,
    body_kind: str,
    department: str,
    source: str,
    created: dt.date,
) -> Workbook:
    view = View(
        body,
        stats.label,
        stats.start,
        stats.end,
        stats.as_of,
        stats.months,
        stats.kinds,
        figures,
        threshold,
    )
    rows = tidy_rows(stats.label, figures)
    manifest: list[tuple[str, object]] = [
        (M_FORMAT, FORMAT_NAME),
        (M_VERSION, FORMAT_VERSION),
        (M_KIND, KIND_STATS),
        (M_BODY, body),
        (M_BODY_KIND, body_kind),
        (M_DEPARTMENT, department),
        (M_FY, str(stats.fy)),
        (M_FY_LABEL, stats.label),
        (M_PERIOD, f"{to_wareki(stats.start)}〜{to_wareki(stats.end)}"),
        (M_AS_OF, stats.as_of),
        (M_CREATED, created),
        (M_SOURCE, source),
        (M_SUPPRESS, f"{threshold}未満を秘匿" if threshold > 1 else "秘匿なし"),
        (M_SUPPRESSED, str(suppressed_count(figures))),
        (M_ROWS, str(len(rows))),
        (M_CHECKSUM, checksum(STATS.headers, rows)),
    ]
    return build_stats_file(
        f"{body} {stats.label} 集計", created, stats_drawing(view), STATS, rows, manifest
    )
