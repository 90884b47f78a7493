"""One action on one open workbook: read once, collect writes, record history, log, save."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .applog import os_user
from .core import schema
from .core.book import Book, load_book
from .core.errors import HikisupError
from .core.history import (
    current_values,
    deleted_rows,
    hand_changes,
    parse_snapshot,
    period_records,
    snapshot_rows,
)
from .core.settings import ITEM_BY_FIELD, Settings, SettingsError, settings_from_rows
from .core.table import RawTable
from .engine.protocol import Engine


def read_settings(engine: Engine) -> tuple[Settings, RawTable]:
    raw = engine.read_table(schema.SETTINGS)
    item, value = raw.position("item"), raw.position("value")
    assert item is not None and value is not None  # read_table refuses missing columns
    try:
        settings = settings_from_rows([(r[item], r[value]) for r in raw.rows])
    except SettingsError as exc:
        raise HikisupError(str(exc)) from None
    return settings, raw


@dataclass
class Session:
    engine: Engine
    today: dt.date
    user: str = field(default_factory=os_user)

    def __post_init__(self) -> None:
        self.settings, self._settings_raw = read_settings(self.engine)
        self.book: Book = load_book(self.engine.read_table, self.settings, self.today)
        self._writes: dict[str, dict[str, dict[int, object]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        self._setting_writes: dict[str, object] = {}

    def set(self, table: str, index: int, key: str, value: object) -> None:
        """Change one cell of a data table (by row index), written at finish()."""
        self._writes[table][key][index] = value

    def set_setting(self, field_name: str, value: object) -> None:
        self._setting_writes[field_name] = value

    def finish(self, action: str, counts: str, result: str) -> None:
        """Record history, write everything, log the action in 操作履歴 and save."""
        register = self._writes.get("register", {})
        overrides = {(i, key): v for key, cells in register.items() for i, v in cells.items()}
        before = parse_snapshot(self.engine.read_snapshot())
        seen = current_values(self.book, {})
        changes = hand_changes(self.book, before, seen, self.user) if before else []
        for (i, key), value in overrides.items():
            old = self.book["register"][key][i]
            no = overrides.get((i, "reg_no"), self.book["register"]["reg_no"][i])
            if key in schema.TRACKED_FIELDS and old is not None and old != value and no:
                header = schema.REGISTER.col(key).header
                changes.append(
                    (
                        self.today,
                        no,
                        header,
                        _text(old),
                        _text(value),
                        action,
                        self.user,
                        "自動検出",
                    )
                )
        if before:
            changes += deleted_rows(self.book, before, seen, self.user)
        records = period_records(self.book, overrides, self.user)
        changes += records.changes
        periods = records.appended
        corrected = records.corrected

        for table, columns in self._writes.items():
            raw = self.book[table].raw
            for key, cells in columns.items():
                self.engine.write_cells(raw, key, cells)
        self._write_settings()
        for k, key in enumerate(("issued", "period_start", "period_end") if corrected else ()):
            # a corrected period replaces the recorded one in 登録期間履歴 (#11)
            cells = {j: values[k] for j, values in corrected.items()}
            self.engine.write_cells(self.book["periods"].raw, key, cells)
        self.engine.append_rows(schema.CHANGES, changes)
        self.engine.append_rows(schema.PERIODS, periods)
        self.engine.write_snapshot(snapshot_rows(current_values(self.book, overrides)))
        extra = []
        if changes:
            extra.append(f"変更履歴{len(changes)}件")
        if periods:
            extra.append(f"登録期間履歴{len(periods)}件")
        log_counts = counts + ("（" + "、".join(extra) + "を記録）" if extra else "")
        self.engine.append_rows(
            schema.LOG,
            [
                (
                    dt.datetime.now().replace(microsecond=0),
                    self.user,
                    action,
                    log_counts,
                    result,
                    self.engine.name,
                )
            ],
        )
        self.engine.save()

    def _write_settings(self) -> None:
        if not self._setting_writes:
            return
        raw = self._settings_raw
        item = raw.position("item")
        assert item is not None
        index = {str(r[item]).strip(): i for i, r in enumerate(raw.rows) if r[item] is not None}
        cells: dict[int, object] = {}
        missing: list[tuple[object, ...]] = []
        for field_name, value in self._setting_writes.items():
            spec = ITEM_BY_FIELD[field_name]
            if spec.label in index:
                cells[index[spec.label]] = value
            else:  # a clerk deleted the row: put it back rather than forget the counter
                missing.append((spec.label, value, spec.note))
        self.engine.write_cells(raw, "value", cells)
        self.engine.append_rows(schema.SETTINGS, missing)


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)
