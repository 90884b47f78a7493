"""整える: what a clerk typed, rewritten only where the normal form is beyond doubt.

Pure: a cell value and its column in, the tidied value (or None: leave it) out. Anything the
rules cannot read for sure (an impossible date, a phone number that is not one, text in a
kana column that is not kana) is left as typed; `check` reports it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from . import text
from .issues import WARNING, Issue
from .schema import Column, Kind, TableSpec
from .table import DATE_MAX, DATE_MIN, ParsedTable, RawTable
from .wareki import WarekiError, parse_date

# The data tables a clerk types into; history, results and settings are never rewritten.
TIDY_TABLES: Final = (
    "register",
    "trainings",
    "trainees",
    "dispatches",
    "reports",
    "cases",
    "followup",
    "accidents",
)

# Hyphen look-alikes typed between digits: ー (long vowel), － (full-width), ― ‐ ‑ ‒ – — −, ｰ.
_DASHES: Final = "\u30fc\uff0d\u2015\u2010\u2011\u2012\u2013\u2014\u2212\uff70\ufe63"
_TO_HYPHEN: Final = {ord(c): "-" for c in _DASHES}
_HALF_KANA_RUN: Final = re.compile(r"[\uff61-\uff9f]+")
_EDGE_SPACES: Final = " \u3000\t"
_DIGITS_AND_HYPHENS: Final = re.compile(r"[0-9()+\-]*")
_SPACES_BETWEEN_DIGITS: Final = re.compile(r"(?<=[0-9])[ \u3000]+(?=[0-9])")
_POSTAL: Final = re.compile(r"[0-9]{3}-?[0-9]{4}")

# Why a value changed, as 変更履歴 says it.
R_DATE: Final = "文字の日付を日付に"
R_WIDTH: Final = "全角の数字・記号を半角に"
R_KANA: Final = "半角カナを全角に"
R_SPACES: Final = "前後の空白を削除"
R_READING: Final = "ふりがなを入力時の読みから補完"


@dataclass(frozen=True, slots=True)
class Change:
    """One cell to rewrite: data-row `index` of `table`, column `key`."""

    table: str
    index: int
    key: str
    before: object
    after: object
    reason: str


def full_width_kana(s: str) -> str:
    """Half-width katakana runs (ｶﾞ, ﾊﾟ, ｰ) made full-width; nothing else touched."""
    return _HALF_KANA_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group()), s)


def trim(s: str) -> str:
    """Spaces (ASCII, full-width, tabs) at either end removed; line breaks inside kept."""
    return s.strip(_EDGE_SPACES)


def _digits(s: str) -> str:
    """全角 digits/letters and hyphen look-alikes made half-width; no other rewriting."""
    return trim(text.nfkc(s).translate(_TO_HYPHEN))


def _date(value: object) -> tuple[object, str] | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        day = parse_date(value)
    except WarekiError:
        return None  # left for check, which names what is wrong with it
    if not DATE_MIN <= day <= DATE_MAX:
        return None
    return day, R_DATE


def _number_text(value: object, new: str, valid: bool) -> tuple[object, str] | None:
    if not isinstance(value, str) or not valid or new == value:
        return None
    return new, (R_WIDTH if trim(value) != new else R_SPACES)


def _postal(value: object) -> tuple[object, str] | None:
    if not isinstance(value, str):
        return None
    new = _digits(value).removeprefix("〒").strip()
    if new == value or _POSTAL.fullmatch(new) is None:
        return None  # only seven digits, with the hyphen where it belongs or none
    return new, R_WIDTH if trim(value) != new else R_SPACES


def _phone(value: object) -> tuple[object, str] | None:
    # The digits and the hyphens as typed: regrouping a number is not beyond doubt.
    if not isinstance(value, str):
        return None
    # Spaces between the groups become the hyphens they stand for: the grouping stays.
    new = _SPACES_BETWEEN_DIGITS.sub("-", _digits(value))
    ok = _DIGITS_AND_HYPHENS.fullmatch(new) is not None and text.normalize_phone(new) is not None
    return _number_text(value, new, ok)


def _email(value: object) -> tuple[object, str] | None:
    if not isinstance(value, str):
        return None
    return _number_text(value, _digits(value), text.is_valid_email(_digits(value)))


def _id(value: object) -> tuple[object, str] | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return _number_text(value, _digits(value), True)


def _kana(value: object) -> tuple[object, str] | None:
    if not isinstance(value, str) or not text.is_kana(value):
        return None  # not kana at all: check says so
    new = text.clean_spaces(full_width_kana(value))
    if new == value:
        return None
    return new, R_KANA if text.has_halfwidth_kana(value) else R_SPACES


def _choice(col: Column, value: object) -> tuple[object, str] | None:
    if not isinstance(value, str):
        return None
    new = text.clean_spaces(text.nfkc(value))
    return (new, R_SPACES) if new != value and new in col.choices else None


def _text(col: Column, value: object) -> tuple[object, str] | None:
    if not isinstance(value, str):
        return None
    new = trim(full_width_kana(value))
    if col.key in ("name", "kana"):  # 山田　　太郎 -> 山田　太郎; free text keeps its spacing
        new = text.clean_spaces(new)
    if new == value or not new:
        return None
    return new, R_KANA if text.has_halfwidth_kana(value) else R_SPACES


def tidy_value(col: Column, value: object) -> tuple[object, str] | None:
    """The value `col` should hold instead of `value`, and why; None to leave it."""
    if col.kind is Kind.DATE:
        return _date(value)
    if col.kind is Kind.POSTAL:
        return _postal(value)
    if col.kind is Kind.PHONE:
        return _phone(value)
    if col.kind is Kind.EMAIL:
        return _email(value)
    if col.kind is Kind.ID:
        return _id(value)
    if col.kind is Kind.KANA:
        return _kana(value)
    if col.kind is Kind.CHOICE:
        return _choice(col, value)
    if col.kind is Kind.TEXT:
        return _text(col, value)
    return None  # times, numbers, datetimes: nothing typed there is rewritten here


def tidy_table(raw: RawTable) -> list[Change]:
    """Every cell of the table's declared columns that can be tidied without doubt."""
    out: list[Change] = []
    for col in raw.spec.columns:
        if raw.position(col.key) is None:
            continue
        for i, value in enumerate(raw.column(col.key)):
            found = tidy_value(col, value)
            if found is not None:
                out.append(Change(raw.spec.key, i, col.key, value, found[0], found[1]))
    return out


def kana_convention(values: Iterable[object]) -> str:
    """ "hiragana" or "katakana": what most of a kana column's filled cells are written in."""
    hira = kata = 0
    for v in values:
        if isinstance(v, str):
            s = text.nfkc(v)
            hira += sum(1 for ch in s if "\u3041" <= ch <= "\u3096")
            kata += sum(1 for ch in s if "\u30a1" <= ch <= "\u30f6")
    return "hiragana" if hira > kata else "katakana"


def to_katakana(s: str) -> str:
    """Hiragana ぁ–ゖ made katakana (half-width kana made full-width; spaces kept as typed)."""
    return "".join(
        chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in full_width_kana(s)
    )


def to_hiragana(s: str) -> str:
    """Katakana ァ–ヶ made hiragana (half-width kana made full-width; spaces kept as typed)."""
    return "".join(
        chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in full_width_kana(s)
    )


def blank_rows(raw: RawTable, key: str) -> set[int]:
    """Data rows whose `key` cell is blank (and the rows hold a name to read)."""
    if raw.position(key) is None:
        return set()
    return {
        i
        for i, v in enumerate(raw.column(key))
        if v is None or (isinstance(v, str) and not v.strip())
    }


def fill_readings(
    raw: RawTable, name_key: str, kana_key: str, readings: dict[int, str]
) -> list[Change]:
    """フリガナ cells left blank, filled from the reading the IME kept with the name."""
    spec: TableSpec = raw.spec
    if raw.position(kana_key) is None or raw.position(name_key) is None:
        return []
    kana: Sequence[object] = raw.column(kana_key)
    hiragana = kana_convention(kana) == "hiragana"
    out: list[Change] = []
    for i, value in enumerate(kana):
        reading = readings.get(i)
        blank = value is None or (isinstance(value, str) and not value.strip())
        if not blank or reading is None:
            continue
        if not text.is_kana(reading):
            continue  # a reading of letters or digits is no フリガナ
        tidy = text.clean_spaces(reading)
        new = to_hiragana(tidy) if hiragana else to_katakana(tidy)
        out.append(Change(spec.key, i, kana_key, value, new, R_READING))
    return out


def describe(value: object) -> str:
    """A value as 変更履歴 shows it (dates in ISO form, like the rest of the history)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def reading_mismatches(table: ParsedTable, readings: dict[int, str]) -> list[Issue]:
    """Where the フリガナ typed and the reading the IME kept with the name disagree (blind to
    kana script, width and spaces): one of them is wrong, and only a clerk knows which."""
    out: list[Issue] = []
    kana = table.texts("kana")
    for i, reading in sorted(readings.items()):
        typed = kana[i] if i < len(kana) else None
        if typed is None or not text.is_kana(reading):
            continue
        if text.name_key(typed) != text.name_key(reading):
            out.append(
                table.issue(
                    i,
                    "kana",
                    "reading.mismatch",
                    f"ふりがな「{typed}」が、氏名を入力したときの読み「{text.nfkc(reading)}」と"
                    "違います。どちらが正しいか確かめてください",
                    WARNING,
                )
            )
    return out
