"""資料9 ひきこもりサポーター活動報告書.

The workbook holds no names of supported people, only case IDs: the ケースID is printed in
the 対象者氏名 field.
"""

from __future__ import annotations

from .layout import BOX, Frame, Grid, Sheet, Style, height_for
from .parts import BODY, LABEL, TITLE, choices, date_with_weekday, label, text, time_range
from .records import Context, Report

NAME = "活動報告書"
LABEL_COLS = 8
VALUE_COLS = 36 - LABEL_COLS
KINDS = ("訪問", "面接", "外出同行", "関係者会議等")
POLICIES = ("継続", "中断", "終了")
OTHER = "その他"
NOTE_LABELS = (
    ("具体的活動内容", "content", 28.0),
    ("記録\n（対象者の様子や活動による反応、サポーター自身の所感等）", "record", 40.0),
    ("次回\n（次回の約束や対象者からの要望、意見等）", "next", 26.0),
    ("今後の活動内容\n（市町村担当者との確認や打ち合わせ事項等）", "plan", 26.0),
)


def sheet(rep: Report | None, ctx: Context) -> Sheet:
    g = Grid()
    g.gap(2)
    g.line(14, "ひきこもりサポーター活動報告書", TITLE.but(size=18))
    g.gap(6)
    g.line(9, f"報告日：{date_with_weekday(rep.reported if rep else None)}", BODY, col=20, cols=16)
    r = g.row(10)
    g.put(r, 20, "サポーター氏名：", cols=7, style=BODY)
    g.put(
        r,
        27,
        text(rep.supporter_name if rep else None),
        cols=9,
        style=BODY,
        frame=Frame(bottom="thin"),
    )
    g.gap(5)
    value = BODY.but(indent=1)
    r = g.row(12)
    _label(g, r, 1, "対象者氏名")
    _value(g, r, 1, text(rep.case_id if rep else None), value)
    first, second = g.rows(9, 9)
    _label(g, first, 2, "活動日時")
    g.put(
        first,
        LABEL_COLS,
        date_with_weekday(rep.date if rep else None),
        cols=VALUE_COLS,
        style=value,
    )
    g.put(
        second,
        LABEL_COLS,
        time_range(rep.start if rep else None, rep.end if rep else None),
        cols=VALUE_COLS,
        style=value,
    )
    g.box(first, LABEL_COLS, 2, VALUE_COLS)
    r = g.row(12)
    _label(g, r, 1, "活動場所")
    _value(g, r, 1, text(rep.place if rep else None), value)
    _choice_rows(g, "活動種別", KINDS, rep.kind if rep else None, rep.kind_other if rep else None)
    for words, key, minimum in NOTE_LABELS:
        body = text(getattr(rep, key) if rep else None)
        style = BODY.but(wrap=True, v="top", indent=1)
        r = g.row(height_for(body, g.span_mm(LABEL_COLS, VALUE_COLS), style.size, minimum))
        _label(g, r, 1, words)
        _value(g, r, 1, body, style)
    _choice_rows(
        g, "今後の方針", POLICIES, rep.policy if rep else None, rep.policy_other if rep else None
    )
    memo = text(rep.memo if rep else None)
    style = BODY.but(wrap=True, v="top", indent=1)
    r = g.row(height_for(memo, g.span_mm(LABEL_COLS, VALUE_COLS), style.size, 16.0))
    _label(g, r, 1, "備考")
    _value(g, r, 1, memo, style)
    name = f"{NAME}_{rep.report_id}" if rep else f"{NAME}_空欄"
    return g.sheet(name)


def _label(g: Grid, row: int, rows: int, words: str) -> None:
    noted = "\n" in words  # a name and, below it, the seed's note in brackets
    style = LABEL.but(wrap=True, h="left") if noted else LABEL
    label(g, row, 0, LABEL_COLS, words, rows=rows, style=style)


def _value(g: Grid, row: int, rows: int, value: str, style: Style) -> None:
    g.put(row, LABEL_COLS, value, rows=rows, cols=g.cols - LABEL_COLS, style=style)
    g.box(row, LABEL_COLS, rows, g.cols - LABEL_COLS)


def _choice_rows(
    g: Grid, label: str, options: tuple[str, ...], chosen: str | None, other: str | None
) -> None:
    top, first, second, _bottom = g.rows(2, 8, 8, 2)
    _label(g, top, 4, label)
    choices(g, first, LABEL_COLS + 1, options, chosen)
    width = 4
    marked = chosen == OTHER
    g.put(
        second,
        LABEL_COLS + 1,
        OTHER,
        cols=width,
        style=BODY.but(h="center", bold=marked),
        frame=BOX if marked else Frame(),
    )
    col = LABEL_COLS + 2 + width  # an empty column: the bracket never touches the box
    g.put(second, col, "（", style=BODY.but(h="center"))
    g.put(second, col + 1, text(other) if marked else "", cols=g.cols - col - 3, style=BODY)
    g.put(second, g.cols - 2, "）", style=BODY.but(h="center"))
    g.box(top, LABEL_COLS, 4, g.cols - LABEL_COLS)
