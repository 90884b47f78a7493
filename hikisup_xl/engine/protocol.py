"""The contract every workbook engine keeps (files via openpyxl, live Excel via xlwings)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..core.schema import TableSpec
from ..core.table import RawTable


@dataclass(frozen=True, slots=True)
class Link:
    """A cell value shown as `text` that jumps to `location` (e.g. "'登録名簿'!E5")."""

    text: str
    location: str


class Engine(Protocol):
    """One open hikisup workbook. Reads return plain data; writes are buffered until save()."""

    @property
    def name(self) -> str:
        """The workbook's file name, for messages and the 操作履歴."""
        ...

    def prefetch(self, specs: Sequence[TableSpec], *, snapshot: bool = False) -> None:
        """Start reading these tables (and the snapshot) for the reads that follow: live Excel
        in one round trip, the patch engine its largest sheet in a second thread; nothing for
        the openpyxl engine, which has read the whole file already."""
        ...

    def settle_reads(self) -> None:
        """Wait for a read prefetch left running; called before an error leaves the reading."""
        ...

    def read_table(self, spec: TableSpec) -> RawTable: ...

    def write_cells(self, raw: RawTable, key: str, values: Mapping[int, object]) -> None:
        """Write values into column `key` of `raw`'s table; keys are data-row indexes."""
        ...

    def replace_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        """Replace every data row of a generated table (チェック結果, 期限一覧...)."""
        ...

    def append_rows(self, spec: TableSpec, rows: Sequence[Sequence[object]]) -> None:
        """Add rows at the end of a table, growing it; columns in spec order."""
        ...

    def refresh_pivots(self, sheet: str) -> None:
        """Have the pivot tables on `sheet` follow the tables written by this action. Live
        Excel refreshes them after the writes; a file's pivot caches refresh when opened."""
        ...

    def read_readings(
        self, raw: RawTable, key: str, rows: Collection[int] | None = None
    ) -> dict[int, str]:
        """The reading the IME kept with the text of column `key` (phonetic runs), by data-row
        index, for the cells that have one (engine/phonetic.py); only `rows` (data-row indexes)
        when given. Live Excel answers one cell per call: there `rows=None` gives nothing
        (a whole column would cost a call per row), and only the rows asked for are read."""
        ...

    def ensure_table(self, spec: TableSpec) -> None:
        """Add the sheet of an output table the template does not hold (移行確認) when the
        workbook lacks it; nothing when it is there."""
        ...

    def read_snapshot(self) -> list[tuple[object, ...]]: ...

    def write_snapshot(self, rows: Sequence[Sequence[object]]) -> None: ...

    def save(self) -> None: ...
