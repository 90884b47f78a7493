"""The sections of the 集計データ table, light enough for a reading worker to import.

compute.py (pandas) re-exports these; the consolidation's workers (receive.py) need only them.
"""

from __future__ import annotations

from ..files.fileformat import SUPPRESSED_TEXT as SUPPRESSED_TEXT  # part of the file format

SUMMARY = "概要"
KINDS = "活動種別"
MONTHS = "月別"
Key = tuple[str, str, str, str]  # (区分, 項目, 月, 活動種別)
