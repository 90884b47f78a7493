"""派遣候補: the supporters for one 調整中 dispatch, ranked with the reasons, on their own sheet.

The job writes only the 派遣候補 sheet (and the 操作履歴 line): the clerk chooses and types the
登録番号 into the dispatch. Of the 当事者 the sheet shows only the ケースID."""

from __future__ import annotations

import datetime as dt

from ..core import schema
from ..core.candidates import Candidate, rank, request_of
from ..core.errors import HikisupError
from ..core.text import nfkc
from ..engine.protocol import Engine
from ..session import Session
from .result import Result

ACTION = "派遣候補"
SHOWN = 5  # candidates named in the message


def candidates(engine: Engine, today: dt.date, dispatch_id: str) -> Result:
    """List every supporter for the 調整中 dispatch `dispatch_id` on the 派遣候補 sheet."""
    s = Session(engine, today)
    index = _dispatch_row(s, dispatch_id)
    request = request_of(s.book, index)
    ranked = rank(s.book, request, today)
    engine.replace_rows(
        schema.CANDIDATES, [_row(c, request.case_id, request.dispatch_id, today) for c in ranked]
    )
    eligible = [c for c in ranked if c.rank is not None]
    counts = f"{request.dispatch_id}：候補{len(eligible)}人、対象外{len(ranked) - len(eligible)}人"
    s.finish(ACTION, counts, "派遣候補シートを確認（登録番号は職員が派遣シートに入力）")
    lines = [
        f"派遣候補（派遣ID {request.dispatch_id}、基準日 {today:%Y/%m/%d}）：{counts.split('：')[1]}"
    ]
    for c in eligible[:SHOWN]:
        lines.append(f"  {c.rank}位 {c.reg_no} {c.name or ''}：{'、'.join(c.reasons)}")
    if not eligible:
        lines.append(
            "  派遣できるサポーターがいません。対象外の理由を「派遣候補」シートで確認してください。"
        )
    lines.append(
        "「派遣候補」シートに全員の判定と理由を書き出しました。"
        "派遣するサポーターを決めたら、派遣シートの登録番号・決定日・状態を入力してください。"
    )
    return Result(
        "candidates",
        lines,
        [],
        {"eligible": len(eligible), "excluded": len(ranked) - len(eligible)},
    )


def _dispatch_row(s: Session, dispatch_id: str) -> int:
    """The row of the dispatch, refused plainly when it is missing, doubled or not 調整中."""
    wanted = nfkc(str(dispatch_id)).strip()
    d = s.book["dispatches"]
    rows = [
        i
        for i, did in enumerate(d.texts("dispatch_id"))
        if did is not None and nfkc(did).strip() == wanted
    ]
    sheet = schema.DISPATCHES.sheet
    if not wanted:
        raise HikisupError("派遣IDを指定してください。")
    if not rows:
        raise HikisupError(
            f"「{sheet}」シートに派遣ID「{wanted}」の行がありません。派遣IDを確認してください。"
        )
    numbers = [d.raw.row_numbers[i] for i in rows]
    if len(rows) > 1:
        raise HikisupError(
            f"派遣ID「{wanted}」が「{sheet}」シートの{'・'.join(map(str, numbers))}行目にあります。"
            "派遣IDは1行に1つにしてください（チェックで確認できます）。"
        )
    state = d.texts("state")[rows[0]]
    if state != "調整中":
        shown = f"「{state}」" if state else "空欄"
        raise HikisupError(
            f"派遣ID「{wanted}」（「{sheet}」シート {numbers[0]}行目）の状態は{shown}です。"
            "派遣候補は状態が「調整中」の派遣について作ります。"
        )
    return rows[0]


def _row(c: Candidate, case_id: str | None, dispatch_id: str, today: dt.date) -> tuple[object, ...]:
    return schema.CANDIDATES.row(
        as_of=today,
        dispatch_id=dispatch_id,
        case_id=case_id,
        rank=c.rank,
        reg_no=c.reg_no,
        name=c.name,
        verdict=schema.CANDIDATE_VERDICTS[0 if c.rank is not None else 1],
        area=c.area,
        load=c.load,
        last=c.last,
        reasons="。".join(c.excluded) if c.excluded else "、".join(c.reasons),
    )
