"""A realistic synthetic municipality, with the mistakes staff really make when typing.

Every name here is made up. The same seed and date give the same workbook, so the demo,
the tests and the benchmark all stand on data that can be regenerated at any scale.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .core import schema
from .core.book import default_period
from .core.numbering import format_number
from .core.settings import Settings
from .core.wareki import fiscal_year, fiscal_year_label, to_wareki_short

FAMILY = [
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("高橋", "たかはし"),
    ("田中", "たなか"),
    ("渡辺", "わたなべ"),
    ("伊藤", "いとう"),
    ("山本", "やまもと"),
    ("中村", "なかむら"),
    ("小林", "こばやし"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("山田", "やまだ"),
    ("望月", "もちづき"),
    ("雨宮", "あめみや"),
    ("深沢", "ふかさわ"),
    ("清水", "しみず"),
    ("保坂", "ほさか"),
    ("志村", "しむら"),
    ("功刀", "くぬぎ"),
    ("小野", "おの"),
]
GIVEN = [
    ("太郎", "たろう", "男"),
    ("一郎", "いちろう", "男"),
    ("健", "けん", "男"),
    ("誠", "まこと", "男"),
    ("翔", "しょう", "男"),
    ("大輔", "だいすけ", "男"),
    ("修", "おさむ", "男"),
    ("浩", "ひろし", "男"),
    ("花子", "はなこ", "女"),
    ("恵子", "けいこ", "女"),
    ("由美", "ゆみ", "女"),
    ("陽子", "ようこ", "女"),
    ("美咲", "みさき", "女"),
    ("直美", "なおみ", "女"),
    ("久美子", "くみこ", "女"),
    ("明美", "あけみ", "女"),
]
TOWNS = ["中央一丁目", "北町二丁目", "南新町", "東原", "西河原", "桜台三丁目", "緑が丘", "朝日町"]
PLACES = ["ご自宅", "市役所相談室", "図書館", "公園", "地域の居場所", "ハローワーク", "喫茶店"]
MOTIVES = ["家族の経験から", "地域の役に立ちたい", "福祉の仕事の経験を活かしたい", "民生委員として"]
SKILLS = ["社会福祉士", "看護師", "元教員", "傾聴ボランティア", "保育士", ""]
CONTENTS = [
    "雑談と近況の確認",
    "散歩に同行",
    "ゲームをしながら会話",
    "居場所への同行",
    "関係者会議に出席",
]


@dataclass(frozen=True)
class Scale:
    trainees: int = 40
    supporters: int = 30
    cases: int = 15
    dispatches: int = 60
    reports: int = 200


DEMO = Scale()
MUNICIPAL = Scale(trainees=400, supporters=300, cases=120, dispatches=600, reports=3_000)
PREFECTURE = Scale(
    trainees=13_000, supporters=10_000, cases=3_000, dispatches=12_000, reports=100_000
)

DEMO_SETTINGS = Settings(
    body_name="架空市",
    mayor_name="架空市長　見本　太郎",
    department="福祉保健部 障害福祉課",
    staff="見本　花子",
    phone="055-223-1234",
    extension="1234",
    fax="055-223-5678",
)
# The next 養成研修's timetable (研修内容), printed on its flyer (#13).
DEMO_PROGRAM: tuple[tuple[dt.time, dt.time, str], ...] = (
    (dt.time(13, 30), dt.time(13, 40), "開会・オリエンテーション"),
    (dt.time(13, 40), dt.time(14, 40), "講義「ひきこもりの理解と支援」"),
    (dt.time(14, 50), dt.time(15, 50), "講義「サポーターの役割と活動上の注意点」"),
    (dt.time(15, 50), dt.time(16, 30), "グループワーク・質疑応答"),
)


def _row(spec: schema.TableSpec, **values: object) -> tuple[object, ...]:
    return tuple(values.get(c.key) for c in spec.columns)


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def generate(
    today: dt.date, scale: Scale = DEMO, *, seed: int = 2025, mistakes: bool = True
) -> dict[str, list[tuple[object, ...]]]:
    """Rows for every data table, in schema column order."""
    rng = random.Random(seed)
    settings = DEMO_SETTINGS
    data: dict[str, list[tuple[object, ...]]] = {t.key: [] for t in schema.TABLES}
    fy = fiscal_year(today)

    # 研修: one 養成研修 a year for four years, plus follow-up sessions.
    sessions: list[tuple[str, dt.date]] = []
    for k, year in enumerate(range(fy - 3, fy + 1)):
        day = dt.date(year, 7, 10) if dt.date(year, 7, 10) <= today else dt.date(year, 4, 20)
        tid = f"T{year}-1"
        sessions.append((tid, day))
        data["trainings"].append(
            _row(
                schema.TRAININGS,
                training_id=tid,
                kind="養成研修",
                title=f"第{k + 1}回ひきこもりサポーター養成研修",
                date=day,
                start=dt.time(13, 30),
                end=dt.time(16, 30),
                venue="架空市福祉センター",
                content="ひきこもりの概要、支援方法、支援上の注意点",
                deadline=day - dt.timedelta(days=14),
            )
        )
    # The next 養成研修, in six weeks: its flyer (研修チラシ) has a timetable to print.
    day = today + dt.timedelta(days=42)
    tid = f"T{fiscal_year(day)}-2"
    data["trainings"].append(
        _row(
            schema.TRAININGS,
            training_id=tid,
            kind="養成研修",
            title=f"第{len(sessions) + 1}回ひきこもりサポーター養成研修",
            date=day,
            start=dt.time(13, 30),
            end=dt.time(16, 30),
            reception=dt.time(13, 0),
            venue="架空市福祉センター 2階大会議室",
            deadline=day - dt.timedelta(days=14),
        )
    )
    data["program"] += [
        _row(schema.PROGRAM, training_id=tid, start=a, end=b, content=what)
        for a, b, what in DEMO_PROGRAM
    ]
    followups = []
    for year in range(fy - 2, fy + 1):
        for kind, month in (("継続研修", 11), ("交流会", 2)):
            day = dt.date(year if month > 3 else year + 1, month, 15)
            if day <= today:
                tid = f"F{year}-{month:02d}"
                followups.append(tid)
                data["trainings"].append(
                    _row(
                        schema.TRAININGS,
                        training_id=tid,
                        kind=kind,
                        title=f"サポーター{kind}",
                        date=day,
                        start=dt.time(14, 0),
                        end=dt.time(16, 0),
                        venue="架空市役所 会議室",
                    )
                )

    # 受講者 and the people in the register.
    people = []
    next_cert = 1
    for n in range(scale.trainees):
        fam, fam_kana = FAMILY[rng.randrange(len(FAMILY))]
        given, given_kana, sex = GIVEN[rng.randrange(len(GIVEN))]
        birth = dt.date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
        tid, day = sessions[min(len(sessions) - 1, n * len(sessions) // max(1, scale.trainees))]
        absent = rng.random() < 0.1
        completed = None if absent else day
        latest = tid == sessions[-1][0]
        cert = None
        if completed and not latest:
            cert = format_number(next_cert, settings.cert_prefix, settings.cert_digits)
            next_cert += 1
        phone = f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        people.append(
            (f"{fam}　{given}", f"{fam_kana}　{given_kana}", sex, birth, cert, completed, phone)
        )
        data["trainees"].append(
            _row(
                schema.TRAINEES,
                training_id=tid,
                applied=day - dt.timedelta(days=rng.randint(15, 40)),
                name=f"{fam}　{given}",
                kana=f"{fam_kana}　{given_kana}",
                birth=birth,
                address=f"架空市{TOWNS[rng.randrange(len(TOWNS))]}",
                contact=phone,
                attendance="欠席" if absent else "出席",
                completed=completed,
                cert_no=cert,
            )
        )

    # 登録名簿: completed trainees who applied; the newest wait for numbering.
    eligible = [p for p in people if p[4]]
    new_ones = [p for p in people if p[5] and not p[4]]
    registered = eligible[: scale.supporters]
    reg_nos: list[tuple[str, int]] = []
    next_reg = 1
    for k, (name, kana, sex, birth, cert, completed, phone) in enumerate(registered):
        assert completed is not None
        issued = _date_between(
            rng, completed + dt.timedelta(days=30), min(today, completed + dt.timedelta(days=400))
        )
        start, end = default_period(settings, issued)
        no = format_number(next_reg, settings.reg_prefix, settings.reg_digits)
        next_reg += 1
        state = "登録中"
        ended = reason = None
        if k % 12 == 5:
            state, ended, reason = "辞退", _date_between(rng, issued, today), "転居のため"
        elif k % 25 == 7:
            state, ended, reason = (
                "取消",
                _date_between(rng, issued, today),
                "第16条による取消（調査・面接済み）",
            )
        reg_nos.append((no, len(data["register"])))
        data["register"].append(
            _row(
                schema.REGISTER,
                reg_no=no,
                kana=kana,
                name=name,
                sex=sex,
                birth=birth,
                postal=f"400-{rng.randint(0, 9999):04d}",
                address=f"山梨県架空市{TOWNS[rng.randrange(len(TOWNS))]}{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                phone=f"055-{rng.randint(200, 299)}-{rng.randint(1000, 9999)}"
                if rng.random() < 0.5
                else None,
                mobile=phone,
                email=f"supporter{k + 1}@example.jp" if rng.random() < 0.6 else None,
                cert_no=cert,
                motive=MOTIVES[rng.randrange(len(MOTIVES))],
                skills=SKILLS[rng.randrange(len(SKILLS))] or None,
                applied=completed + dt.timedelta(days=10),
                interview=completed + dt.timedelta(days=20),
                approved=issued - dt.timedelta(days=7),
                consent=completed + dt.timedelta(days=10),
                issued=issued,
                period_start=start,
                period_end=end,
                state=state,
                ended=ended,
                ended_reason=reason,
                area=TOWNS[k % len(TOWNS)] if k % 3 == 0 else None,  # else 住所's 市区町村
            )
        )
        data["insurance"] += _insurance_rows(no, issued, end, ended, today)
    # The newest trainees get their 修了番号 from `hikisup number`, in row order, so the
    # register rows name the numbers they are about to receive.
    waiting = new_ones[: max(2, scale.supporters // 10)]
    for k, (name, kana, sex, birth, _cert, completed, phone) in enumerate(waiting):
        assert completed is not None
        data["register"].append(
            _row(
                schema.REGISTER,
                kana=kana,
                name=name,
                sex=sex,
                birth=birth,
                postal="400-0031",
                address="山梨県架空市中央一丁目1-1",
                mobile=phone,
                cert_no=format_number(next_cert + k, settings.cert_prefix, settings.cert_digits),
                motive=MOTIVES[0],
                applied=completed + dt.timedelta(days=5),
                approved=min(today, completed + dt.timedelta(days=20)),
                consent=completed + dt.timedelta(days=5),
                issued=min(today, completed + dt.timedelta(days=25)),
                state="申込中",
            )
        )

    # 当事者, 派遣, 活動報告.
    cases = []
    for n in range(scale.cases):
        cid = f"C{n + 1:04d}"
        consent = _date_between(rng, today - dt.timedelta(days=900), today - dt.timedelta(days=60))
        cases.append((cid, consent))
        data["cases"].append(
            _row(
                schema.CASES,
                case_id=cid,
                consenter="本人" if rng.random() < 0.6 else "家族",
                consent=consent,
                scope="氏名、年齢、連絡先、支援に必要と市町村が認める情報",
                staff="見本　花子",
            )
        )
    reg = schema.REGISTER
    active = [
        (no, data["register"][i])
        for no, i in reg_nos
        if data["register"][i][reg.columns.index(reg.col("state"))] == "登録中"
    ]
    dispatches = []
    for n in range(scale.dispatches):
        did = f"D{n + 1:05d}"
        cid, consent = cases[rng.randrange(len(cases))]
        no, row = active[rng.randrange(len(active))]
        p_start = row[reg.columns.index(reg.col("period_start"))]
        p_end = row[reg.columns.index(reg.col("period_end"))]
        assert isinstance(p_start, dt.date) and isinstance(p_end, dt.date)
        lo = max(p_start, consent)
        hi = min(p_end, today) - dt.timedelta(days=1)
        if hi <= lo:
            continue
        decided = _date_between(rng, lo, hi)
        # A dispatch whose supporter's period has run out was closed by then.
        finished = p_end < today or (rng.random() < 0.5 and decided + dt.timedelta(days=40) < hi)
        closed = (
            _date_between(rng, min(hi, decided + dt.timedelta(days=20)), hi) if finished else None
        )
        dispatches.append((did, cid, no, decided, closed or hi))
        data["dispatches"].append(
            _row(
                schema.DISPATCHES,
                dispatch_id=did,
                requested=decided - dt.timedelta(days=rng.randint(3, 20)),
                case_id=cid,
                requester=schema.REQUESTERS[rng.randrange(4)],
                purpose="訪問による話し相手",
                reg_no=no,
                decided=decided,
                state="終了" if finished else "派遣中",
                closed=closed,
            )
        )
    data["dispatches"].append(_waiting_dispatch(scale, cases[0][0], today))
    for n in range(scale.reports):
        did, cid, no, decided, last = dispatches[rng.randrange(len(dispatches))]
        day = _date_between(rng, decided, last)
        if rng.random() < 0.35:  # running dispatches report regularly: keep some recent
            day = max(decided, last - dt.timedelta(days=rng.randint(0, 14)))
        t_start = dt.time(rng.choice([9, 10, 13, 14, 15]), rng.choice([0, 30]))
        t_end = dt.time(t_start.hour + rng.randint(1, 2), t_start.minute)
        kind = schema.ACTIVITY_KINDS[rng.randrange(4)]
        data["reports"].append(
            _row(
                schema.REPORTS,
                report_id=f"R{n + 1:06d}",
                dispatch_id=did,
                reported=min(today, day + dt.timedelta(days=rng.randint(0, 10))),
                reg_no=no,
                case_id=cid,
                date=day,
                start=t_start,
                end=t_end,
                place=PLACES[rng.randrange(len(PLACES))],
                kind=kind,
                content=CONTENTS[rng.randrange(len(CONTENTS))],
                record="落ち着いた様子で会話ができた",
                next="来週同じ時間に訪問",
                plan="担当者と次回の内容を確認",
                policy="継続",
            )
        )
    for tid in followups:
        for no, _i in reg_nos[: max(3, len(reg_nos) // 3)]:
            data["followup"].append(
                _row(
                    schema.FOLLOWUP,
                    training_id=tid,
                    reg_no=no,
                    attendance="出席" if rng.random() < 0.7 else "欠席",
                )
            )
    if dispatches:
        did = dispatches[0][0]
        data["accidents"].append(
            _row(
                schema.ACCIDENTS,
                accident_id="A001",
                date=dispatches[0][3] + dt.timedelta(days=3),
                dispatch_id=did,
                what="同行中に対象者が転倒し軽い擦り傷",
                response="その場で手当てし家族へ連絡",
                reported_to="障害福祉課",
                reported=dispatches[0][3] + dt.timedelta(days=4),
            )
        )
    _running_dispatches_report(data, today, settings.silence_days)
    _unreported_are_suspended(data)
    if mistakes:
        _plant_mistakes(data, rng)
        _forget_insurance(data, fy)
        _plant_silent_dispatch(data, today, settings.silence_days)
    return data


INSURANCE_NAME = "ボランティア活動保険（社会福祉協議会）"


def _insurance_rows(
    reg_no: str, issued: dt.date, end: dt.date, ended: dt.date | None, today: dt.date
) -> list[tuple[object, ...]]:
    """One 保険加入 row per 年度 the supporter could act in, up to today's (bought each April,
    or on the day of the 登録証 in the first 年度)."""
    last = min(fiscal_year(today), fiscal_year(end), fiscal_year(ended or end))
    return [
        _row(
            schema.INSURANCE,
            reg_no=reg_no,
            fy=fiscal_year_label(year),
            joined=max(issued, dt.date(year, 4, 1)),
            policy=INSURANCE_NAME,
            memo=f"証書番号 {year}-{reg_no}",
        )
        for year in range(fiscal_year(issued), last + 1)
    ]


def _waiting_dispatch(scale: Scale, case_id: str, today: dt.date) -> tuple[object, ...]:
    """A request still being arranged (調整中): what 派遣候補 is for."""
    return _row(
        schema.DISPATCHES,
        dispatch_id=f"D{scale.dispatches + 1:05d}",
        requested=today - dt.timedelta(days=3),
        case_id=case_id,
        requester="家族",
        purpose="外出同行（看護師など医療の知識がある人を希望）",
        state="調整中",
        wanted_sex="女性",
        area="架空市北町二丁目",
    )


def _forget_insurance(data: dict[str, list[tuple[object, ...]]], fy: int) -> None:
    """One supporter active this 年度 whose insurance was not renewed (check warns, 派遣候補
    leaves them out)."""
    spec, reports = schema.INSURANCE, schema.REPORTS
    day_at, no_at = reports.column_number("date") - 1, reports.column_number("reg_no") - 1
    acting = [
        r[no_at]
        for r in data["reports"]
        if isinstance(day := r[day_at], dt.date) and fiscal_year(day) == fy
    ]
    if not acting:
        return
    label = fiscal_year_label(fy)
    no_col, fy_col = spec.column_number("reg_no") - 1, spec.column_number("fy") - 1
    data["insurance"] = [
        r for r in data["insurance"] if not (r[no_col] == acting[0] and r[fy_col] == label)
    ]


def _column(table: str, key: str) -> int:
    spec = schema.BY_KEY[table]
    return spec.columns.index(spec.col(key))


def _running_dispatches_report(
    data: dict[str, list[tuple[object, ...]]], today: dt.date, silence_days: int
) -> None:
    """A dispatch still 派遣中 reports regularly: one whose random reports stopped more than
    `silence_days` ago gets its latest visit a week ago (check's dispatch.silent is planted on
    purpose, by _plant_silent_dispatch, not left to chance). Draws nothing from the generator,
    so every other row stays as it was."""
    last: dict[object, dt.date] = {}
    for r in data["reports"]:
        day = r[_column("reports", "date")]
        did = r[_column("reports", "dispatch_id")]
        if isinstance(day, dt.date) and (did not in last or day > last[did]):
            last[did] = day
    for d in list(data["dispatches"]):
        did, decided = d[_column("dispatches", "dispatch_id")], d[_column("dispatches", "decided")]
        if d[_column("dispatches", "state")] != "派遣中" or not isinstance(decided, dt.date):
            continue
        if (today - last.get(did, decided)).days <= silence_days:
            continue
        day = max(decided, today - dt.timedelta(days=7))
        data["reports"].append(
            _row(
                schema.REPORTS,
                report_id=f"R{len(data['reports']) + 1:06d}",
                dispatch_id=did,
                reported=min(today, day + dt.timedelta(days=1)),
                reg_no=d[_column("dispatches", "reg_no")],
                case_id=d[_column("dispatches", "case_id")],
                date=day,
                start=dt.time(10, 0),
                end=dt.time(11, 0),
                place=PLACES[0],
                kind="訪問",
                content=CONTENTS[0],
                record="落ち着いた様子で会話ができた",
                next="来週同じ時間に訪問",
                plan="担当者と次回の内容を確認",
                policy="継続",
            )
        )


def _plant_silent_dispatch(
    data: dict[str, list[tuple[object, ...]]], today: dt.date, silence_days: int
) -> None:
    """A dispatch decided `silence_days` + 15 days ago, still 派遣中, with no 活動報告 at all:
    the slip check's dispatch.silent is for (the supporter never reported, or staff forgot to
    mark it 中断). It copies a running dispatch decided earlier (so the supporter's period and
    the case's consent cover it) whose supporter is insured for that 年度."""
    day = today - dt.timedelta(days=silence_days + 15)
    insured = {
        (r[_column("insurance", "reg_no")], r[_column("insurance", "fy")])
        for r in data["insurance"]
    }
    numbers = [int(str(d[_column("dispatches", "dispatch_id")])[1:]) for d in data["dispatches"]]
    for d in data["dispatches"][1:]:  # row 0 carries another planted slip
        decided = d[_column("dispatches", "decided")]
        no = d[_column("dispatches", "reg_no")]
        if (
            d[_column("dispatches", "state")] == "派遣中"
            and isinstance(decided, dt.date)
            and decided <= day - dt.timedelta(days=7)
            and (no, fiscal_year_label(fiscal_year(day))) in insured
        ):
            row = list(d)
            row[_column("dispatches", "dispatch_id")] = f"D{max(numbers) + 1:05d}"
            row[_column("dispatches", "requested")] = day - dt.timedelta(days=7)
            row[_column("dispatches", "decided")] = day
            data["dispatches"].append(tuple(row))
            return


def _unreported_are_suspended(data: dict[str, list[tuple[object, ...]]]) -> None:
    """A dispatch that drew no 活動報告 never really happened: staff record it as 中断."""
    spec = schema.DISPATCHES
    reported = {
        r[schema.REPORTS.columns.index(schema.REPORTS.col("dispatch_id"))] for r in data["reports"]
    }
    for i, row in enumerate(data["dispatches"]):
        did, state = (row[spec.columns.index(spec.col(k))] for k in ("dispatch_id", "state"))
        if did not in reported and state == "終了":
            _set(data, "dispatches", i, state="中断")


def _set(
    data: dict[str, list[tuple[object, ...]]], table: str, index: int, **values: object
) -> None:
    spec = schema.BY_KEY[table]
    row = list(data[table][index])
    for key, value in values.items():
        row[spec.columns.index(spec.col(key))] = value
    data[table][index] = tuple(row)


def _plant_mistakes(data: dict[str, list[tuple[object, ...]]], rng: random.Random) -> None:
    """The slips staff make when typing, each one something `check` must catch."""
    reg = data["register"]
    # 和暦 typed as text is accepted input, not a slip: check must stay silent on it (#11).
    birth = reg[1][schema.REGISTER.columns.index(schema.REGISTER.col("birth"))]
    if isinstance(birth, dt.date):
        _set(data, "register", 1, birth=to_wareki_short(birth))
    _set(data, "register", 2, mobile="０９０－１２３４－５６７８")  # 全角 digits
    _set(data, "register", 3, postal="400-003")  # six digits
    _set(data, "register", 4, email="taro＠example.jp")  # 全角 @
    _set(data, "register", 6, kana="山田")  # kanji in ふりがな
    _set(data, "register", 8, phone=552231234)  # leading zero lost in Excel
    _set(data, "register", 9, birth="平成31年5月1日")  # no such date
    dup = list(reg[10])
    spec = schema.REGISTER
    dup[spec.columns.index(spec.col("reg_no"))] = None
    dup[spec.columns.index(spec.col("kana"))] = "ﾀﾞﾌﾞﾘ"  # 半角カナ
    dup[spec.columns.index(spec.col("approved"))] = None
    dup[spec.columns.index(spec.col("state"))] = "申込中"
    reg.append(tuple(dup))  # the same person entered twice
    reports = data["reports"]
    if len(reports) > 5:
        _set(data, "reports", 0, start=dt.time(15, 0), end=dt.time(14, 0))  # end before start
        _set(data, "reports", 1, kind="その他")  # その他 with no detail
        _set(data, "reports", 2, kind="電話")  # not in the list
        row = reports[3]
        day = row[schema.REPORTS.columns.index(schema.REPORTS.col("date"))]
        assert isinstance(day, dt.date)
        _set(data, "reports", 3, reported=day + dt.timedelta(days=45))  # filed late
        _set(data, "reports", 4, dispatch_id="D99999")  # no such dispatch
    if data["dispatches"]:
        _set(data, "dispatches", 0, state="派遣中", decided=None)


def run_demo(directory: Path, today: dt.date) -> list[str]:
    """Write the demo workbook, run number, expiries, check, the 年度 report and the training
    flyer on it, and say what happened."""
    from .engine.choose import open_workbook
    from .engine.files import save_atomic
    from .forms.action import forms
    from .jobs.dispatch import candidates
    from .jobs.ledger import check, expiries, number
    from .jobs.tidy import tidy
    from .stats.report import report
    from .template import build_workbook

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "サポーター管理_デモ.xlsx"
    data = generate(today)
    save_atomic(build_workbook(DEMO_SETTINGS, data), path, keep_backup=False)
    lines = [f"デモ用のブックを作りました：{path}", _counts(data), ""]
    for action in (number, expiries, check):
        result = action(open_workbook(path), today)
        lines += result.lines
        lines.append("")
    waiting = _waiting_dispatch(DEMO, "", today)[schema.DISPATCHES.column_number("dispatch_id") - 1]
    lines += candidates(open_workbook(path), today, str(waiting)).lines
    lines.append("")
    lines += report(open_workbook(path), today, fiscal_year(today)).lines
    lines.append("")
    lines += forms(open_workbook(path), today, "flyer").lines
    lines.append("")
    lines += tidy(open_workbook(path), today, dry_run=True).lines[:8]
    listing = write_old_list(directory, data)
    lines += [
        f"  （整えるには：hikisup tidy {path.name}）",
        "",
        f"市町村がこれまで使ってきた名簿の例：{listing}",
        f"  hikisup migrate {path.name} {listing.name} で「移行確認」シートに対応を書き出し、"
        "確かめてから --apply を付けて登録名簿に追加できます。",
        "",
        f"Excelで {path} を開き、「チェック結果」「期限一覧」「派遣候補」「集計」「サポーター別」"
        "「操作履歴」シートと、研修チラシのファイルを見てください。",
    ]
    return lines


def write_old_list(directory: Path, data: Mapping[str, Sequence[tuple[object, ...]]]) -> Path:
    """An office's own list as offices export it (#13): a title line, a blank line, headers of
    its own, 和暦 dates, CP932, a note under the table; two people already in the register and
    two new ones."""
    reg = schema.REGISTER
    known = [
        (r[reg.columns.index(reg.col("name"))], r[reg.columns.index(reg.col("birth"))])
        for r in data["register"][:2]
    ]
    lines = ["ひきこもりサポーター名簿（令和6年度）,,,,,", ",,,,,"]
    lines.append("No.,お名前,フリガナ,生年月日,〒,住所,TEL,修了日")
    people = [
        *((str(name), birth) for name, birth in known),
        ("新井　一郎", dt.date(1975, 2, 3)),
        ("上野　花子", "平成31年5月1日"),  # no such date: shown on 移行確認 as unreadable
    ]
    for n, (name, birth) in enumerate(people, start=1):
        shown = to_wareki_short(birth) if isinstance(birth, dt.date) else str(birth)
        lines.append(f"{n},{name},,{shown},400-0031,甲府市丸の内1-1,055-223-1234,R1.6.1")
    lines.append("※辞退した方は除いています,,,,,")
    path = directory / "これまでの名簿_デモ.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def _counts(data: Mapping[str, Sequence[object]]) -> str:
    parts = [f"{schema.BY_KEY[k].sheet}{len(v)}行" for k, v in data.items() if v]
    return "（" + "、".join(parts) + "）"
