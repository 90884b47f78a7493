"""Identifiers are unique, and every reference points at something that exists."""

from __future__ import annotations

from collections.abc import Iterator

from ..book import Book
from ..history import ROW_DELETED
from ..issues import WARNING, Issue

UNIQUE: tuple[tuple[str, str], ...] = (
    ("register", "reg_no"),
    ("trainings", "training_id"),
    ("trainees", "cert_no"),
    ("cases", "case_id"),
    ("dispatches", "dispatch_id"),
    ("reports", "report_id"),
    ("accidents", "accident_id"),
)

# (table, column) -> (table, column) it must match.
REFERENCES: tuple[tuple[str, str, str, str, str], ...] = (
    ("trainees", "training_id", "trainings", "training_id", "研修シートにない研修IDです"),
    ("program", "training_id", "trainings", "training_id", "研修シートにない研修IDです"),
    ("register", "cert_no", "trainees", "cert_no", "受講者シートにない修了番号です"),
    ("dispatches", "case_id", "cases", "case_id", "当事者シートにないケースIDです"),
    ("dispatches", "reg_no", "register", "reg_no", "登録名簿にない登録番号です"),
    ("reports", "dispatch_id", "dispatches", "dispatch_id", "派遣シートにない派遣IDです"),
    ("reports", "reg_no", "register", "reg_no", "登録名簿にない登録番号です"),
    ("reports", "case_id", "cases", "case_id", "当事者シートにないケースIDです"),
    ("followup", "training_id", "trainings", "training_id", "研修シートにない研修IDです"),
    ("followup", "reg_no", "register", "reg_no", "登録名簿にない登録番号です"),
    ("accidents", "dispatch_id", "dispatches", "dispatch_id", "派遣シートにない派遣IDです"),
    ("insurance", "reg_no", "register", "reg_no", "登録名簿にない登録番号です"),
    ("periods", "reg_no", "register", "reg_no", "登録名簿にない登録番号です"),
    ("changes", "reg_no", "register", "reg_no", "登録名簿にない登録番号です"),
)


def trained_elsewhere(book: Book) -> set[int]:
    """Register rows that came from another body's roster (名簿提供元 filled in)."""
    return {i for i, source in enumerate(book["register"].texts("roster_source")) if source}


def deleted_numbers(book: Book) -> set[str]:
    """登録番号 whose register row was deleted, as 変更履歴 records it."""
    changes = book["changes"]
    return {
        no
        for no, item in zip(changes.texts("reg_no"), changes.texts("item"), strict=True)
        if no and item == ROW_DELETED
    }


def unique_ids(book: Book) -> Iterator[Issue]:
    for table_key, key in UNIQUE:
        table = book[table_key]
        first: dict[str, int] = {}
        for i, value in enumerate(table.texts(key)):
            if value is None:
                continue
            if value in first:
                row = table.raw.row_numbers[first[value]]
                yield table.issue(
                    i, key, "duplicate.id", f"{row}行目と同じ「{value}」です。番号は重複できません"
                )
            else:
                first[value] = i


def known_references(book: Book) -> Iterator[Issue]:
    targets: dict[tuple[str, str], set[str]] = {}
    for src, key, dst, dst_key, message in REFERENCES:
        if (dst, dst_key) not in targets:
            targets[(dst, dst_key)] = {v for v in book[dst].texts(dst_key) if v}
        known = targets[(dst, dst_key)]
        table = book[src]
        severity = WARNING if src in ("changes", "periods") else "エラー"
        # Supporters received on another body's roster were trained there: their 修了番号
        # is not in this workbook's 受講者.
        foreign = trained_elsewhere(book) if (src, key) == ("register", "cert_no") else set()
        # The history of a supporter whose row was deleted (and the deletion record) stays.
        gone = deleted_numbers(book) if src in ("changes", "periods") else set()
        allowed = known | gone if gone else known  # once per reference, not once per row
        for i, value in enumerate(table.texts(key)):
            if value is not None and value not in allowed and i not in foreign:
                yield table.issue(i, key, "unknown.reference", message, severity)
