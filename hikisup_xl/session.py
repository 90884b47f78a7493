"""One action on one open workbook: read once, collect writes, record history, log, save."""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .applog import os_user
from .core import schema
from .core.book import DATA_TABLES, Book, load_book
from .core.errors import HikisupError
from .core.history import (
    AS_TYPED,
    current_values,
    deleted_rows,
    hand_changes,
    parse_snapshot,
    period_records,
    snapshot_rows,
)
from .core.settings import ITEM_BY_FIELD, Settings, SettingsError, settings_from_rows
from .core.table import PARSERS, RawTable
from .engine.protocol import Engine
from .progress import report as _report_progress


def read_settings(engine: Engine) -> tuple[Settings, RawTable]:
    raw = engine.read_table(schema.SETTINGS)
    item, value = raw.position("item"), raw.position("value")
    assert item is not None and value is not None  # read_table refuses missing columns
    try:
        settings = settings_from_rows([(r[item], r[value]) for r in raw.rows])
    except SettingsError as exc:
        raise HikisupError(str(exc)) from None
    return settings, raw


# What finish() itself reads: the register (history, snapshot) and 登録期間履歴.
SESSION_TABLES: tuple[str, ...] = ("register", "periods")


def tables_to_read(tables: Collection[str] | None) -> tuple[schema.TableSpec, ...]:
    """The specs a job reads: the data tables it declares (None: every one) plus what the
    session needs, in the workbook's order."""
    if tables is None:
        return DATA_TABLES
    wanted = {*tables, *SESSION_TABLES}
    unknown = wanted - {t.key for t in DATA_TABLES}
    if unknown:  # a job declaring a table the schema does not have is a programming error
        raise ValueError(f"unknown tables: {sorted(unknown)}")
    return tuple(t for t in DATA_TABLES if t.key in wanted)


@dataclass
class Session:
    """`tables`: the data tables the job reads (by TableSpec.key; None = every one). A job
    declares them so that a big workbook's other sheets are never read."""

    engine: Engine
    today: dt.date
    user: str = field(default_factory=os_user)
    tables: Collection[str] | None = None

    def __post_init__(self) -> None:
        self.progress(0, 3, "ブックを読み込んでいます")
        specs = tables_to_read(self.tables)
        # The bulk read makes millions of small objects and no cycles: the cyclic collector
        # would only walk them again and again, during the read and after it.
        collecting = gc.isenabled()
        gc.disable()
        try:
            # Every table the job needs and the snapshot finish() compares against: live Excel
            # reads them in one round trip, the patch engine its largest sheet in a thread.
            self.engine.prefetch((schema.SETTINGS, *specs), snapshot=True)
            self.settings, self._settings_raw = read_settings(self.engine)
            self.book: Book = load_book(self.engine.read_table, self.settings, self.today, specs)
        except BaseException:
            self.engine.settle_reads()  # a read still running holds stderr: the error must show
            raise
        finally:
            gc.freeze()  # what was read is never traversed again (finish() unfreezes)
            if collecting:
                gc.enable()
        self.progress(1, 3, "処理しています")
        self._writes: dict[str, dict[str, dict[int, object]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        self._setting_writes: dict[str, object] = {}
        # 変更履歴 rows the job writes itself, and the register cells they cover (finish()
        # records no second row for those).
        self._changes: list[tuple[object, ...]] = []
        self._logged: set[tuple[int, str]] = set()

    def set(self, table: str, index: int, key: str, value: object, *, logged: bool = False) -> None:
        """Change one cell of a data table (by row index), written at finish(). `logged`: the
        job records the change in 変更履歴 itself (add_changes)."""
        self._writes[table][key][index] = value
        if logged and table == "register":
            self._logged.add((index, key))

    def add_changes(self, rows: list[tuple[object, ...]]) -> None:
        """変更履歴 rows (schema.CHANGES.row) the job words itself, written at finish()."""
        self._changes += rows

    def set_setting(self, field_name: str, value: object) -> None:
        self._setting_writes[field_name] = value

    @property
    def location(self) -> Path | None:
        """Where the workbook is (outputs go beside it); None when it has no local folder."""
        return workbook_location(self.engine)

    def progress(self, done: int, total: int, text: str) -> None:
        """Tell the clerk how far the job is (status bar on the ribbon, a bar on the CLI)."""
        _report_progress(done, total, text)

    def finish(self, action: str, counts: str, result: str) -> None:
        """Record history, write everything, log the action in 操作履歴 and save."""
        register = self._writes.get("register", {})
        overrides = {(i, key): v for key, cells in register.items() for i, v in cells.items()}
        before = parse_snapshot(self.engine.read_snapshot())
        seen = current_values(self.book, {})
        changes = hand_changes(self.book, before, seen, self.user) if before else []
        changes += self._changes
        for (i, key), value in overrides.items():
            if (i, key) in self._logged:
                continue
            old = self.book["register"][key][i]
            no = overrides.get((i, "reg_no"), self.book["register"]["reg_no"][i])
            if key in schema.TRACKED_FIELDS and old is not None and old != value and no:
                header = schema.REGISTER.col(key).header
                changes.append(
                    schema.CHANGES.row(
                        date=self.today,
                        reg_no=no,
                        item=header,
                        before=_text(old),
                        after=_text(value),
                        reason=action,
                        by=self.user,
                        source="自動検出",
                    )
                )
        if before:
            changes += deleted_rows(self.book, before, seen, self.user)
        records = period_records(self.book, overrides, self.user)
        changes += records.changes
        periods = records.appended
        corrected = records.corrected
        self.progress(2, 3, "ブックに書き込んでいます")

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
        # As the next read parses them (a full-width space in ふりがな reads as a space), or
        # the next job would take this action's own writes for hand changes.
        now = current_values(self.book, _as_read(overrides)) if overrides else seen
        self.engine.write_snapshot(snapshot_rows(now))
        extra = []
        if changes:
            extra.append(f"変更履歴{len(changes)}件")
        if periods:
            extra.append(f"登録期間履歴{len(periods)}件")
        log_counts = counts + ("（" + "、".join(extra) + "を記録）" if extra else "")
        record(self.engine, action, log_counts, result, self.user)
        try:
            self.engine.save()
        finally:
            gc.unfreeze()
        self.progress(3, 3, "完了")

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
                missing.append(schema.SETTINGS.row(item=spec.label, value=value, note=spec.note))
        self.engine.write_cells(raw, "value", cells)
        self.engine.append_rows(schema.SETTINGS, missing)


def workbook_location(engine: Engine) -> Path | None:
    """The workbook's file, for outputs beside it: the file engine's path or the live
    workbook's full name; None when it has no local folder (never saved, or open from
    OneDrive/SharePoint as a URL)."""
    path = getattr(engine, "path", None) or getattr(getattr(engine, "book", None), "fullname", None)
    if not path or "://" in str(path):
        return None
    # A file engine's path may be relative to the current folder (the CLI's argument); a
    # workbook never saved has a bare name ("Book1"): no folder to write beside.
    is_file = getattr(engine, "path", None) is not None
    return Path(path) if Path(path).is_absolute() or is_file else None


def record(engine: Engine, action: str, counts: str, result: str, user: str = "") -> None:
    """Queue the one 操作履歴 line of a job (written by the engine's next save)."""
    engine.append_rows(schema.LOG, [log_row(action, counts, result, engine.name, user)])


def log_row(action: str, counts: str, result: str, file: str, user: str = "") -> tuple[object, ...]:
    """One 操作履歴 row, stamped now (to the second) with the clerk's user name."""
    return schema.LOG.row(
        at=dt.datetime.now().replace(microsecond=0),
        user=user or os_user(),
        action=action,
        count=counts,
        result=result,
        file=file,
    )


def _as_read(overrides: dict[tuple[int, str], object]) -> dict[tuple[int, str], object]:
    out: dict[tuple[int, str], object] = {}
    for (i, key), value in overrides.items():
        if key in AS_TYPED:  # the snapshot keeps the text written, as the next read sees it
            out[(i, key)] = value
            continue
        col = schema.REGISTER.col(key)
        try:
            parsed = PARSERS[col.kind](col, value)[0] if value is not None else None
        except Exception:  # a value the parser refuses is compared as written
            parsed = value
        out[(i, key)] = value if parsed is None else parsed
    return out


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)
