"""ボランティア活動保険: a dispatch decided, or an activity carried out, in a 年度 for which the
supporter has no 保険加入 row (#13)."""

from __future__ import annotations

from collections.abc import Iterator

from ..book import Book
from ..insurance import insurance, uninsured
from ..issues import ERROR, WARNING, Issue
from ..wareki import fiscal_year


def insured_activity(book: Book) -> Iterator[Issue]:
    """Every dispatch 決定日 and every 活動日 falls in a 年度 the supporter is insured for.

    One issue per dispatch; for activity reports one per supporter and 年度, on its first
    report row (a lapsed policy would otherwise flood the list with every visit)."""
    cover = insurance(book)
    table = book.tables.get("insurance")
    if table is not None:
        for i, message in cover.unreadable.items():
            yield table.issue(i, "fy", "insurance.fy", message, ERROR)
    d = book["dispatches"]
    for i, (no, decided) in enumerate(zip(d.texts("reg_no"), d.dates("decided"), strict=True)):
        if no is not None and decided is not None and not cover.covers(no, decided):
            yield d.issue(
                i,
                "decided",
                "insurance.dispatch",
                f"決定日 {decided:%Y/%m/%d} の{uninsured(decided)}（登録番号 {no}）",
                WARNING,
            )
    r = book["reports"]
    first: dict[tuple[str, int], int] = {}
    count: dict[tuple[str, int], int] = {}
    for i, (no, day) in enumerate(zip(r.texts("reg_no"), r.dates("date"), strict=True)):
        if no is None or day is None or cover.covers(no, day):
            continue
        key = (no, fiscal_year(day))
        first.setdefault(key, i)
        count[key] = count.get(key, 0) + 1
    for key, i in first.items():
        day = r.dates("date")[i]
        assert day is not None
        more = (
            f"（この年度の活動報告 {count[key]}件。最初の行を示しています）"
            if count[key] > 1
            else ""
        )
        yield r.issue(
            i,
            "date",
            "insurance.activity",
            f"活動日 {day:%Y/%m/%d} の{uninsured(day)}（登録番号 {key[0]}）{more}",
            WARNING,
        )
