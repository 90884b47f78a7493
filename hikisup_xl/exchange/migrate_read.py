"""An office's own list of supporters, read as it was made (#13): any .xlsx (through the
hostile-file gate, files/safe_read.py) or a .csv in CP932 or UTF-8.

Offices make these by hand: a merged title row or two, a blank line, the header row, the
people (sometimes with blank lines between them), notes under the table. The header row is
the row with the most cells that name a register column (氏名/名前/お名前, フリガナ/カナ,
生年月日/誕生日, 〒/郵便番号, TEL/電話番号/携帯, 住所/所在地 ...); the table ends where a note
starts (※, 注, 合計 ..., or a row with one cell in a table of several columns). Each cell is
read as its register column reads it (dates: 和暦 or 西暦 text, Excel dates and serials);
what cannot be read is kept as typed and said why.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core import text
from ..core.errors import HikisupError
from ..core.grid import col_letter
from ..core.schema import (
    MIGRATION_MEMO,
    MIGRATION_SKIP,
    REG_STATES,
    REGISTER,
    SEXES,
    Kind,
)
from ..core.table import DATE_MAX, DATE_MIN
from ..core.wareki import WarekiError, parse_date
from ..files.safe_read import MAX_COLS, MAX_FILE_BYTES, MAX_ROWS, read_any_workbook

HEADER_SCAN = 30  # the header row is within the first rows (titles, dates, blank lines above)
MIN_HEADERS = 2  # cells naming a register column, one of them the name
NOTE_MARKS = ("※", "*", "＊", "注", "備考", "合計", "計", "以上", "（注", "(注", "〔")

# Header variants, as offices write them (compared after NFKC, without spaces and brackets).
VARIANTS: dict[str, tuple[str, ...]] = {
    "name": (
        "氏名",
        "名前",
        "お名前",
        "氏名漢字",
        "サポーター氏名",
        "登録者氏名",
        "姓名",
        "姓",
        "名",
    ),
    "kana": (
        "ふりがな",
        "フリガナ",
        "カナ",
        "かな",
        "よみがな",
        "ヨミガナ",
        "よみ",
        "読み",
        "氏名カナ",
        "カナ氏名",
        "氏名ふりがな",
        "氏名フリガナ",
        "セイ",
        "メイ",
    ),
    "sex": ("性別", "男女", "男女別"),
    "birth": ("生年月日", "誕生日", "生年月日和暦", "生年月日西暦", "生まれ"),
    "postal": ("〒", "郵便番号", "郵便", "〒番号"),
    "address": ("住所", "所在地", "現住所", "住所1", "住所2", "住所・所属", "住所または所属"),
    "phone": ("TEL", "電話", "電話番号", "自宅電話", "自宅電話番号", "固定電話", "連絡先", "自宅"),
    "mobile": ("携帯", "携帯電話", "携帯番号", "携帯電話番号", "携帯TEL", "携帯電話番号等"),
    "email": ("E-mail", "Eメール", "メール", "メールアドレス", "mail", "email", "アドレス"),
    "cert_no": ("修了番号", "修了証番号", "修了証書番号"),
    "motive": ("動機", "動機・理由", "志望動機"),
    "skills": ("資格", "特技", "資格・特技", "資格特技", "得意なこと"),
    "applied": ("申込日", "申請日", "受付日"),
    "interview": ("面談日", "講義・面談日"),
    "approved": ("登録日", "登録決定日", "決定日"),
    "consent": ("同意書受領日", "同意書", "同意日"),
    "issued": ("登録証交付日", "交付日"),
    "period_start": ("登録期間開始", "有効期間開始"),
    "period_end": ("登録期間終了", "有効期限", "有効期間終了", "登録期限"),
    "state": ("状態", "登録状況"),
    "ended": ("辞退・取消日", "辞退日", "取消日"),
    "ended_reason": ("辞退・取消理由", "辞退理由"),
    "memo": ("備考", "メモ", "特記事項"),
}
# Headers that name something the register keeps elsewhere or never: kept in 備考 (修了日 is
# the 受講者 sheet's) or not taken (a running number is no one's data).
MEMO_HEADERS = ("修了日", "受講日", "研修修了日", "年齢", "所属", "活動地域", "地区")
SKIP_HEADERS = ("No", "NO", "No.", "番号", "連番", "通し番号", "登録番号", "旧番号", "#")
_STRIP = re.compile(r"[\s\u3000()（）\[\]【】「」『』<>＜＞:：*＊※]")


def normal_header(value: object) -> str:
    return _STRIP.sub("", text.nfkc(str(value))).casefold() if value is not None else ""


_BY_HEADER: dict[str, str] = {
    normal_header(v): key for key, variants in VARIANTS.items() for v in variants
}
_BY_HEADER.update({normal_header(REGISTER.col(k).header): k for k in VARIANTS})
_MEMO = {normal_header(v) for v in MEMO_HEADERS}
_SKIP = {normal_header(v) for v in SKIP_HEADERS}


def guess(header: object) -> tuple[str, str]:
    """(register header, or MIGRATION_MEMO / MIGRATION_SKIP; why) for one header cell."""
    h = normal_header(header)
    if not h:
        return MIGRATION_SKIP, "見出しがありません"
    key = _BY_HEADER.get(h)
    if key is not None:
        return REGISTER.col(key).header, f"見出し「{header}」から"
    if h in _SKIP:
        return MIGRATION_SKIP, "番号の列は取り込みません（登録番号はこちらで採番します）"
    if h in _MEMO:
        return MIGRATION_MEMO, "登録名簿にない項目のため、備考に「見出し：値」で追記します"
    return MIGRATION_MEMO, "対応する列が分からないため、備考に「見出し：値」で追記します"


# ---------------------------------------------------------------------------- the file
@dataclass
class SourceList:
    """The list as read: every row of the sheet that holds the table."""

    path: Path
    fingerprint: str  # sha256 of the file's bytes: the 移行確認 belongs to this file
    sheet: str  # "" for a CSV
    rows: list[list[object]]


def _refuse(path: Path, reason: str) -> HikisupError:
    return HikisupError(f"「{path.name}」は読み込めません：{reason}")


def _decode_csv(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise _refuse(path, "CSV（文字のファイル）ではありません。")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(
        path, "文字コードが分かりません（Shift_JIS（CP932）か UTF-8 で保存してください）。"
    )


def _read_csv(path: Path) -> list[list[object]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"ファイルが大きすぎます（{size // (1024 * 1024)} MB）。")
    try:
        content = _decode_csv(path, path.read_bytes())
    except UnicodeDecodeError:
        raise _refuse(path, "UTF-8 の文字として読めない部分があります。") from None
    rows: list[list[object]] = []
    try:
        for line in csv.reader(io.StringIO(content, newline="")):
            if len(rows) >= MAX_ROWS or len(line) > MAX_COLS:
                raise _refuse(path, "行か列が多すぎます（名簿のファイルではありません）。")
            rows.append(list(line))
    except csv.Error as exc:
        raise _refuse(path, f"CSVの形が壊れています（{exc}）。") from None
    return rows


def read_list(path: Path) -> SourceList:
    """The list in `path`, refused in Japanese when it is not one we can read safely."""
    if not path.exists():
        raise HikisupError(f"ファイル「{path}」が見つかりません。")
    if path.is_dir():
        raise HikisupError(
            f"「{path}」はフォルダーです。.xlsx か .csv のファイルを指定してください。"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(path)
        return SourceList(path, _fingerprint(path), "", rows)
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods"):
        raise _refuse(
            path, f"{suffix} 形式には対応していません。Excelで .xlsx 形式で保存し直してください。"
        )
    if suffix != ".xlsx":
        raise _refuse(path, ".xlsx か .csv のファイルを指定してください。")
    sheets = read_any_workbook(path)
    best = max(sheets, key=lambda s: _header_score(s[1]), default=None)
    if best is None:
        raise _refuse(path, "シートがありません。")
    return SourceList(path, _fingerprint(path), best[0], best[1])


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


# ---------------------------------------------------------------------------- the layout
@dataclass
class ColumnMap:
    index: int  # 0-based column of the list
    header: str
    target: str  # register header, MIGRATION_MEMO or MIGRATION_SKIP
    why: str

    @property
    def letter(self) -> str:
        return col_letter(self.index + 1)


@dataclass
class Layout:
    header_row: int  # 1-based row of the list
    columns: list[ColumnMap]
    data_rows: list[int]  # 1-based rows holding people
    notes_from: int | None = None  # the first row of the notes under the table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _score_row(row: Sequence[object]) -> tuple[int, bool]:
    keys = [_BY_HEADER.get(normal_header(v)) for v in row if _cell_text(v)]
    named = [k for k in keys if k is not None]
    return len(set(named)), "name" in named


def _header_score(rows: Sequence[Sequence[object]]) -> int:
    return max((n for n, has_name in map(_score_row, rows[:HEADER_SCAN]) if has_name), default=0)


def find_layout(rows: Sequence[Sequence[object]]) -> Layout | None:
    """Where the table is: its header row, what each column is, the rows of people."""
    best: tuple[int, int] | None = None  # (score, row index)
    for i, row in enumerate(rows[:HEADER_SCAN]):
        score, has_name = _score_row(row)
        if has_name and score >= MIN_HEADERS and (best is None or score > best[0]):
            best = (score, i)
    if best is None:
        return None
    h = best[1]
    header = rows[h]
    columns = []
    for c, value in enumerate(header):
        if _cell_text(value):
            target, why = guess(value)
            columns.append(ColumnMap(c, _cell_text(value), target, why))
    used = [m.index for m in columns]
    names = {m.index for m in columns if m.target == REGISTER.col("name").header}
    layout = Layout(h + 1, columns, [])
    for r in range(h + 1, len(rows)):
        cells = [_cell_text(rows[r][c]) if c < len(rows[r]) else "" for c in used]
        filled = [c for c, v in zip(used, cells, strict=True) if v]
        if not filled:
            continue  # a blank line inside the table
        first = next(v for v in cells if v)
        # A note: marked as one, or a lone cell outside the name column (a person typed with
        # nothing but a name is still a person).
        lone = len(filled) == 1 and len(used) >= 3 and filled[0] not in names
        if first.startswith(NOTE_MARKS) or lone:
            layout.notes_from = r + 1
            break
        layout.data_rows.append(r + 1)
    return layout


# ---------------------------------------------------------------------------- the cells
def read_date(value: object) -> dt.date:
    """A date as offices type it: 和暦 or 西暦 text (「生」 after it allowed), an Excel date,
    an Excel serial; raises WarekiError with the reason."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, str):
        day = parse_date(value.strip().removesuffix("生").removesuffix("生まれ"))
    else:
        day = parse_date(value)
    if not DATE_MIN <= day <= DATE_MAX:
        raise WarekiError(f"日付が範囲外です（{day.year}年）")
    return day


def read_cell(key: str, value: object) -> tuple[object, str | None]:
    """The value the register column `key` holds for `value`, or (value as typed, reason)."""
    kind = REGISTER.col(key).kind
    raw = _cell_text(value)
    try:
        if kind is Kind.DATE:
            return read_date(value), None
    except WarekiError as exc:
        return raw, str(exc)
    if kind is Kind.POSTAL:
        postal = text.normalize_postal(raw)
        return (postal, None) if postal else (raw, "郵便番号が7桁ではありません")
    if kind is Kind.PHONE:
        if isinstance(value, int | float):
            return raw, "電話番号が数値になっていて、先頭の0が消えています"
        phone = text.normalize_phone(raw)
        return (phone, None) if phone else (raw, "電話番号として読めません")
    if kind is Kind.EMAIL:
        mail = text.nfkc(raw)
        return (
            (mail, None) if text.is_valid_email(mail) else (raw, "メールアドレスの形ではありません")
        )
    if kind is Kind.KANA:
        if not text.is_kana(raw):
            return raw, "ふりがなにかな以外の文字があります"
        return text.clean_spaces(text.nfkc(raw)), None
    if key == "sex":
        sex = {"男性": "男", "女性": "女", "M": "男", "F": "女"}.get(text.nfkc(raw), text.nfkc(raw))
        return (sex, None) if sex in SEXES else (raw, "性別は「男」か「女」で読めません")
    if key == "state":
        state = text.clean_spaces(text.nfkc(raw))
        return (state, None) if state in REG_STATES else (raw, "状態の一覧にない値です")
    if kind is Kind.ID:
        return text.nfkc(raw), None
    return raw, None


@dataclass
class Problem:
    column: ColumnMap
    raw: str
    reason: str


@dataclass
class ListRow:
    """One person of the list: register values by key, and the cells that could not be read."""

    row: int  # 1-based row of the list
    values: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_people(
    rows: Sequence[Sequence[object]], layout: Layout, targets: dict[int, str]
) -> list[ListRow]:
    """Every data row read through `targets` (list column -> register header / memo / skip).
    Several columns for one text field are joined (姓 + 名, 住所1 + 住所2); for anything else
    the first filled one counts."""
    by_header = {c.header: c.key for c in REGISTER.columns}
    out: list[ListRow] = []
    for r in layout.data_rows:
        line = rows[r - 1]
        person = ListRow(r)
        memo: list[str] = []
        for column in layout.columns:
            value = line[column.index] if column.index < len(line) else None
            shown = _cell_text(value)
            if not shown:
                continue
            target = targets.get(column.index, column.target)
            if target == MIGRATION_SKIP:
                continue
            if target == MIGRATION_MEMO:
                memo.append(f"{column.header}：{_shown(value)}")
                continue
            key = by_header[target]
            typed, reason = read_cell(key, value)
            if reason is not None:
                person.problems.append(Problem(column, shown, reason))
            earlier = person.values.get(key)
            if earlier is None:
                person.values[key] = typed
            elif REGISTER.col(key).kind in (Kind.TEXT, Kind.KANA) and isinstance(typed, str):
                person.values[key] = (
                    f"{earlier}　{typed}" if key in ("name", "kana") else f"{earlier} {typed}"
                )
        if memo:
            own = person.values.get("memo")
            person.values["memo"] = "／".join([str(own)] * (own is not None) + memo)
        out.append(person)
    return out


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    return _cell_text(value)
