"""Every form the clerk can ask for: its names, what its IDs are, what it reads, how it builds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..core import schema
from ..core.book import Book
from ..core.errors import HikisupError
from ..core.schema import TableSpec
from ..core.text import nfkc
from . import (
    application,
    card,
    case_consent,
    certificate,
    consent,
    flyer,
    invitation,
    registration,
    renewal,
    report,
    roster,
)
from .layout import Sheet
from .parts import date_jp
from .records import Context
from .select import (
    NOTHING_WRITTEN,
    Selection,
    active,
    clean_id,
    current,
    expiring,
    graduates,
    pending,
    pick,
    program,
    registered,
    reports,
    supporter,
    training,
)

Rows = list[tuple[str, int]]  # (table key, row index) of every row printed


@dataclass
class Plan:
    sheets: list[Sheet] = field(default_factory=list)
    rows: Rows = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shown to the clerk after the result


Builder = Callable[[Book, Selection, Context], Plan]


@dataclass(frozen=True)
class FormKind:
    key: str  # ASCII alias for the command line
    name: str  # 帳票名: in sheet and file names
    seed: str  # 資料N of the source document ('' for the letters)
    ids: str  # what the IDs on the command line are, in Japanese
    tables: tuple[TableSpec, ...]
    build: Builder
    aliases: tuple[str, ...] = ()

    def words(self) -> tuple[str, ...]:
        return (self.name, self.key, *self.aliases, *((self.seed,) if self.seed else ()))


def _nothing(kind: str, why: str) -> HikisupError:
    return HikisupError(
        f"{kind}にする対象がありません（{why}）。空欄の様式は --blank を付けると作れます。"
        + NOTHING_WRITTEN
    )


def _no_expiring(kind: str, sel: Selection) -> None:
    if sel.expiring:
        raise HikisupError(f"{kind}には --expiring は使えません。" + NOTHING_WRITTEN)


def _no_outside(kind: str, sel: Selection) -> None:
    if sel.outside:
        raise HikisupError(f"{kind}には --outside は使えません。" + NOTHING_WRITTEN)


def _no_ids_with_blank(kind: str, sel: Selection) -> None:
    if sel.blank and (sel.ids or sel.expiring):
        raise HikisupError(
            f"--blank（空欄の{kind}）と番号・--expiring は一緒に指定できません。" + NOTHING_WRITTEN
        )


def _register_rows(book: Book, sel: Selection, default: list[int]) -> list[int]:
    """Register rows by 登録番号, or the default set; --expiring keeps those expiring soon."""
    reg = book["register"]
    st = book.settings
    if sel.ids:
        if sel.expiring:
            raise HikisupError(
                "登録番号と --expiring は一緒に指定できません（どちらか一方にしてください）。"
                + NOTHING_WRITTEN
            )
        return pick(
            sel.ids, reg.texts("reg_no"), "登録番号", "登録名簿", (st.reg_prefix, st.reg_digits)
        )
    if sel.expiring:
        return expiring(book, registered(book))
    return default


# --------------------------------------------------------------------------- builders


def _certificates(book: Book, sel: Selection, ctx: Context) -> Plan:
    kind = "修了証書"
    _no_ids_with_blank(kind, sel)
    _no_expiring(kind, sel)
    _no_outside(kind, sel)
    if sel.blank:
        return Plan([certificate.sheet(None, ctx)])
    trainees = book["trainees"]
    numbers = trainees.texts("cert_no")
    st = book.settings
    if sel.ids:
        rows = pick(sel.ids, numbers, "修了番号", "受講者", (st.cert_prefix, st.cert_digits))
    else:
        rows = [i for i, no in enumerate(numbers) if no]
    if not rows:
        raise _nothing(
            kind, "修了番号のある受講者がいません。先に hikisup number で採番してください"
        )
    sheets = [certificate.sheet(g, ctx) for g in graduates(book, rows)]
    return Plan(sheets, [("trainees", i) for i in rows])


OUTSIDE_HINT = "登録期間内の人がいません（期間外の人も作るには --outside を付けてください）"


def _per_supporter(
    kind: str, layout: Callable[..., Sheet], default: Callable[[Book], list[int]], why: str
) -> Builder:
    def build(book: Book, sel: Selection, ctx: Context) -> Plan:
        _no_ids_with_blank(kind, sel)
        _no_outside(kind, sel)
        if sel.blank:
            return Plan([layout(None, ctx)])
        rows = _register_rows(book, sel, default(book))
        if not rows:
            raise _nothing(
                kind, "期限警告日数以内に登録期間が終わる人がいません" if sel.expiring else why
            )
        reg = book["register"]
        return Plan([layout(supporter(reg, i), ctx) for i in rows], [("register", i) for i in rows])

    return build


def _cards(book: Book, sel: Selection, ctx: Context) -> Plan:
    """登録証: by default only those within their period on the base date; others are marked."""
    kind = "登録証"
    _no_ids_with_blank(kind, sel)
    if sel.blank:
        return Plan([card.sheet(None, ctx)])
    rows = _register_rows(book, sel, registered(book) if sel.outside else current(book))
    if not rows:
        raise _nothing(
            kind, "期限警告日数以内に登録期間が終わる人がいません" if sel.expiring else OUTSIDE_HINT
        )
    reg = book["register"]
    sheets = [card.sheet(supporter(reg, i, book.today), ctx) for i in rows]
    return Plan(sheets, [("register", i) for i in rows])


def _roster(book: Book, sel: Selection, ctx: Context) -> Plan:
    kind = "登録名簿"
    _no_ids_with_blank(kind, sel)
    if sel.blank:
        return Plan(roster.sheets([], ctx))
    rows = _register_rows(book, sel, registered(book) if sel.outside else current(book))
    if not rows:
        why = "期限警告日数以内に登録期間が終わる人がいません" if sel.expiring else OUTSIDE_HINT
        raise _nothing(kind, why)
    reg = book["register"]
    people = [supporter(reg, i, book.today) for i in rows]
    if not sel.ids:
        people.sort(key=lambda p: p.reg_no or "")
    return Plan(roster.sheets(people, ctx), [("register", i) for i in rows])


def _reports(book: Book, sel: Selection, ctx: Context) -> Plan:
    kind = "活動報告書"
    _no_ids_with_blank(kind, sel)
    _no_expiring(kind, sel)
    _no_outside(kind, sel)
    if sel.blank:
        return Plan([report.sheet(None, ctx)])
    if not sel.ids:
        raise HikisupError(
            "活動報告書は報告IDを指定してください（例：hikisup forms 活動報告書 ブック.xlsx R000123）。"
            "空欄の様式は --blank で作れます。" + NOTHING_WRITTEN
        )
    rows = pick(sel.ids, book["reports"].texts("report_id"), "報告ID", "活動報告")
    sheets = [report.sheet(r, ctx) for r in reports(book, rows)]
    return Plan(sheets, [("reports", i) for i in rows])


def _case_consent(book: Book, sel: Selection, ctx: Context) -> Plan:
    kind = "当事者同意書"
    _no_ids_with_blank(kind, sel)
    _no_expiring(kind, sel)
    _no_outside(kind, sel)
    if not sel.ids:  # the normal case: a blank form to hand over
        return Plan([case_consent.sheet(None, ctx)])
    cases = book["cases"]
    rows = pick(sel.ids, cases.texts("case_id"), "ケースID", "当事者")
    ids = [cases.texts("case_id")[i] for i in rows]
    return Plan([case_consent.sheet(c, ctx) for c in ids], [("cases", i) for i in rows])


def _training_rows(book: Book, ids: tuple[str, ...]) -> list[int]:
    return pick(ids, book["trainings"].texts("training_id"), "研修ID", "研修")


def _upcoming(book: Book, kinds: tuple[str, ...]) -> list[int]:
    tr = book["trainings"]
    days = tr.dates("date")
    rows = [
        i
        for i, (k, day) in enumerate(zip(tr.texts("kind"), days, strict=True))
        if k in kinds and day is not None and day >= book.today
    ]
    return sorted(rows, key=lambda i: days[i] or book.today)


def _applications(book: Book, sel: Selection, ctx: Context) -> Plan:
    kind = "参加申込書"
    _no_ids_with_blank(kind, sel)
    _no_expiring(kind, sel)
    _no_outside(kind, sel)
    if sel.blank:
        return Plan([application.sheet(None, ctx)])
    rows = _training_rows(book, sel.ids) if sel.ids else _upcoming(book, ("養成研修",))
    if not rows:
        raise _nothing(
            kind, "これから開く養成研修が研修シートにありません。研修IDを指定してください"
        )
    tr = book["trainings"]
    sheets = [application.sheet(training(tr, i), ctx) for i in rows]
    return Plan(sheets, [("trainings", i) for i in rows])


def _flyers(book: Book, sel: Selection, ctx: Context) -> Plan:
    """資料2 both sides: for each 養成研修, the flyer's front then its 参加申込書 (the back)."""
    kind = "研修チラシ"
    _no_ids_with_blank(kind, sel)
    _no_expiring(kind, sel)
    _no_outside(kind, sel)
    if sel.blank:
        return Plan([flyer.sheet(None, (), ctx), application.sheet(None, ctx)])
    rows = _training_rows(book, sel.ids) if sel.ids else _upcoming(book, ("養成研修",))
    if not rows:
        raise _nothing(
            kind, "これから開く養成研修が研修シートにありません。研修IDを指定してください"
        )
    tr = book["trainings"]
    plan = Plan()
    for i in rows:
        t = training(tr, i)
        if t.kind != "養成研修":
            raise HikisupError(
                f"研修{t.training_id}は「{t.kind or '種別が空欄'}」です。研修チラシは養成研修の"
                "案内です（継続研修・交流会は研修案内で作れます）。研修シートの種別を確認してください。"
                + NOTHING_WRITTEN
            )
        if t.date is not None and t.date < book.today:
            raise HikisupError(
                f"研修{t.training_id}（{date_jp(t.date)}）は基準日より前に終わっています。"
                "終わった研修のチラシは作れません。研修IDと開催日を確認してください。"
                + NOTHING_WRITTEN
            )
        items = program(book, t.training_id)
        if not items:
            plan.notes.append(
                f"注意：研修内容シートに研修{t.training_id}の行がないため、チラシの「内容」は"
                + ("研修シートの内容を1行で印字しました。" if t.content else "空欄の枠にしました。")
            )
        plan.sheets += [flyer.sheet(t, items, ctx), application.sheet(t, ctx)]
        plan.rows.append(("trainings", i))
    return plan


def _invitations(book: Book, sel: Selection, ctx: Context) -> Plan:
    kind = "研修案内"
    _no_outside(kind, sel)
    tr = book["trainings"]
    training_ids = {t for t in tr.texts("training_id") if t}
    asked_trainings = tuple(i for i in sel.ids if clean_id(i) in training_ids)
    people_ids = tuple(i for i in sel.ids if clean_id(i) not in training_ids)
    if len(asked_trainings) > 1:
        raise HikisupError("研修案内に指定できる研修IDは1つです。" + NOTHING_WRITTEN)
    rows = _training_rows(book, asked_trainings) if asked_trainings else []
    if not rows and not sel.blank:
        rows = _upcoming(book, ("継続研修", "交流会"))[:1]
        if not rows:
            raise _nothing(
                kind,
                "これから開く継続研修・交流会が研修シートにありません。研修IDを指定してください",
            )
    event = training(tr, rows[0]) if rows else None
    if event is not None and event.date is not None and event.date < book.today:
        raise HikisupError(
            f"研修{event.training_id}（{date_jp(event.date)}）は基準日より前に終わっています。"
            "終わった研修の研修案内は作れません。研修IDと開催日を確認してください。"
            + NOTHING_WRITTEN
        )
    plan_rows: Rows = [("trainings", i) for i in rows]
    if sel.blank:
        if people_ids or sel.expiring:
            raise HikisupError(
                "--blank（宛名なし）と登録番号・--expiring は一緒に指定できません。"
                + NOTHING_WRITTEN
            )
        return Plan([invitation.sheet(None, event, ctx)], plan_rows)
    who = _register_rows(book, Selection(people_ids, sel.expiring), active(book))
    if not who:
        raise _nothing(kind, "活動できる登録中のサポーターがいません")
    reg = book["register"]
    sheets = [invitation.sheet(supporter(reg, i), event, ctx) for i in who]
    return Plan(sheets, plan_rows + [("register", i) for i in who])


R, T, TR = schema.REGISTER, schema.TRAININGS, schema.TRAINEES

KINDS: tuple[FormKind, ...] = (
    FormKind("application", "参加申込書", "資料2", "研修ID", (T,), _applications),
    FormKind(
        "flyer",
        "研修チラシ",
        "資料2",
        "研修ID",
        (T, schema.PROGRAM),
        _flyers,
        ("チラシ", "養成研修チラシ", "chirashi"),
    ),
    FormKind("certificate", "修了証書", "資料3", "修了番号", (TR, T), _certificates),
    FormKind(
        "registration",
        "登録申込書",
        "資料4",
        "登録番号",
        (R,),
        _per_supporter(
            "登録申込書", registration.sheet, pending, "登録番号を待っている申込がありません"
        ),
    ),
    FormKind(
        "consent",
        "同意書",
        "資料5",
        "登録番号",
        (R,),
        _per_supporter("同意書", consent.sheet, pending, "登録番号を待っている申込がありません"),
    ),
    FormKind(
        "card",
        "登録証",
        "資料6",
        "登録番号",
        (R,),
        _cards,
    ),
    FormKind("roster", "登録名簿", "資料7", "登録番号", (R,), _roster),
    FormKind("case-consent", "当事者同意書", "資料8", "ケースID", (schema.CASES,), _case_consent),
    FormKind("report", "活動報告書", "資料9", "報告ID", (schema.REPORTS, R), _reports),
    FormKind(
        "renewal",
        "更新案内",
        "",
        "登録番号",
        (R,),
        _per_supporter(
            "更新案内",
            renewal.sheet,
            lambda book: expiring(book, registered(book)),
            "期限警告日数以内に登録期間が終わる人がいません",
        ),
        ("更新のお知らせ",),
    ),
    FormKind(
        "invitation",
        "研修案内",
        "",
        "研修IDと登録番号",
        (T, R, schema.PERIODS),
        _invitations,
        ("研修のご案内",),
    ),
)


def _key(word: str) -> str:
    return nfkc(word).strip().casefold().replace("_", "-")


BY_WORD: dict[str, FormKind] = {}
for _kind in KINDS:  # the first kind keeps a shared word: 資料2 is the 参加申込書, as before
    for _word in _kind.words():
        BY_WORD.setdefault(_key(_word), _kind)


def find_kind(word: str) -> FormKind:
    kind = BY_WORD.get(_key(word))
    if kind is None:
        names = "、".join(f"{k.name}（{k.key}）" for k in KINDS)
        raise HikisupError(f"帳票「{word}」はありません。次のどれかを指定してください：{names}")
    return kind


def reads(kind: FormKind, sel: Selection) -> tuple[TableSpec, ...]:
    """The tables a run reads: a blank 当事者同意書 reads no 当事者 data at all."""
    if kind.key == "case-consent" and not sel.ids:
        return ()
    return kind.tables
