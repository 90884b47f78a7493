"""Text normalisation for Japanese spreadsheet input.

Width (全角/半角), kana script, names for duplicate detection, postal codes
(〒), telephone numbers and e-mail addresses.  Every function is total: it
returns a value for any ``str`` and never raises.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

__all__ = [
    "clean_spaces",
    "has_fullwidth_ascii",
    "has_halfwidth_kana",
    "is_kana",
    "is_mobile",
    "is_valid_email",
    "name_key",
    "nfkc",
    "normalize_phone",
    "normalize_postal",
    "to_hiragana",
]

# Katakana ァ (U+30A1) .. ヶ (U+30F6) -> hiragana ぁ (U+3041) .. ゖ (U+3096).
_KATA_TO_HIRA: Final[dict[int, int]] = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}

# Hyphen-like characters people type between digits, checked after NFKC
# (which already folds － U+FF0D, ﹣ U+FE63 and ｰ U+FF70 -> ー).
_DASHES: Final = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u30fc"
_DASH_TO_HYPHEN: Final[dict[int, str]] = {ord(c): "-" for c in _DASHES}

_SPACE_RUN_RE: Final = re.compile(r"[ \u3000]+")
_KANA_RE: Final = re.compile(r"[\u3041-\u3096\u3099-\u309f\u30a1-\u30ff \u3000]+")
_HALFWIDTH_KANA_RE: Final = re.compile(r"[\uff61-\uff9f]")
_FULLWIDTH_ASCII_RE: Final = re.compile(r"[\uff01-\uff5e]")
_POSTAL_RE: Final = re.compile(r"([0-9]{3})-?([0-9]{4})")
_PHONE_CHARS_RE: Final = re.compile(r"\+?[0-9][0-9-]*")
_EMAIL_LOCAL_RE: Final = re.compile(r"[!-~]+")  # printable ASCII, no space
_EMAIL_LABEL_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")

_MAX_PHONE_LEN: Final = 30
_MOBILE_PREFIXES: Final = ("070-", "080-", "090-")


def nfkc(s: str) -> str:
    """Unicode NFKC: 全角 digits/ASCII -> 半角, 半角カナ -> 全角カナ."""
    return unicodedata.normalize("NFKC", s)


def clean_spaces(s: str) -> str:
    """Strip both ends and collapse each run of spaces (ASCII or U+3000) into one.

    The first character of a run is kept, so ``'山田　　太郎'`` keeps its
    full-width space; converting width is :func:`nfkc`'s job.
    """
    return _SPACE_RUN_RE.sub(lambda m: m.group()[0], s.strip())


def _kata_to_hira(s: str) -> str:
    return s.translate(_KATA_TO_HIRA)


def to_hiragana(s: str) -> str:
    """NFKC, then katakana ァ–ヶ -> hiragana; ー, spaces and the rest unchanged."""
    return _kata_to_hira(nfkc(s))


def name_key(s: str) -> str:
    """Key for duplicate detection, insensitive to kana script, width, case and spaces.

    ``name_key('ﾔﾏﾀﾞ ﾀﾛｳ') == name_key('やまだたろう')``.  Idempotent.
    """
    key = nfkc(s)
    key = "".join(key.split()).replace("・", "")
    # casefold() may produce text that is not NFKC-stable (and NFKC may then
    # produce spaces again), so repeat until nothing changes.  In practice
    # this loops once or twice.
    for _ in range(4):
        new = _kata_to_hira(nfkc(key.casefold()))
        new = "".join(new.split()).replace("・", "")
        if new == key:
            break
        key = new
    return key


def is_kana(s: str) -> bool:
    """True when ``s`` is made only of hiragana, katakana, ー, ・ and spaces.

    Half-width kana count (NFKC is applied first).  Empty and whitespace-only
    text is not kana.
    """
    t = nfkc(s)
    return bool(t.strip()) and _KANA_RE.fullmatch(t) is not None


def has_halfwidth_kana(s: str) -> bool:
    """True when ``s`` contains half-width katakana or punctuation (U+FF61–U+FF9F)."""
    return _HALFWIDTH_KANA_RE.search(s) is not None


def has_fullwidth_ascii(s: str) -> bool:
    """True when ``s`` contains full-width ASCII (U+FF01–U+FF5E); U+3000 is not counted."""
    return _FULLWIDTH_ASCII_RE.search(s) is not None


def normalize_postal(s: str) -> str | None:
    """``'〒１２３ー４５６７'`` -> ``'123-4567'``; ``None`` unless exactly 7 digits."""
    t = "".join(nfkc(s).translate(_DASH_TO_HYPHEN).split())
    t = t.removeprefix("〒")
    m = _POSTAL_RE.fullmatch(t)
    return f"{m[1]}-{m[2]}" if m else None


def _phonenumbers() -> Any:
    """phonenumbers, imported once a phone cell needs it (~20 ms), keeping its compiled
    patterns: the Japanese metadata has more of them than the re module's cache holds, so
    without this every number recompiles dozens."""
    import phonenumbers
    from phonenumbers import re_util

    re_util.enable_pattern_cache()
    return phonenumbers


def normalize_phone(s: str) -> str | None:
    """Japanese phone number in national format with hyphens, or ``None``.

    ``'０９０ー１２３４ー５６７８'`` -> ``'090-1234-5678'``,
    ``'03(1234)5678'`` -> ``'03-1234-5678'``.  The grouping is the one
    ``phonenumbers`` uses, which may differ from what was typed
    (``'0120-12-3456'`` -> ``'0120-123-456'``).  Extensions (``内線``, ``ext``),
    foreign numbers and anything ``phonenumbers`` does not consider valid
    give ``None``.
    """
    t = nfkc(s).translate(_DASH_TO_HYPHEN)
    for ch in "() \t\u3000":
        t = t.replace(ch, "")
    if len(t) > _MAX_PHONE_LEN or _PHONE_CHARS_RE.fullmatch(t) is None:
        return None
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(t, "JP")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 81 or number.extension or not phonenumbers.is_valid_number(number):
        return None
    formatted: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return formatted


def is_mobile(s: str) -> bool:
    """True for a valid 070/080/090 mobile number."""
    phone = normalize_phone(s)
    return phone is not None and phone.startswith(_MOBILE_PREFIXES)


def is_valid_email(s: str) -> bool:
    """Pragmatic e-mail check (not full RFC 5322).

    One ``@``; a non-empty local part of printable ASCII without spaces and
    without a leading or trailing dot; a domain of at least two dot-separated
    labels made of ``[A-Za-z0-9-]`` (no empty labels, so no leading, trailing
    or doubled dots, and no label starting or ending with ``-``).  Doubled
    dots in the local part are allowed: old Japanese mobile addresses such as
    ``taro..yamada@docomo.ne.jp`` exist.  Full-width characters make the
    address invalid.
    """
    if len(s) > 254 or s.count("@") != 1:
        return False
    local, domain = s.split("@")
    if len(local) > 64 or _EMAIL_LOCAL_RE.fullmatch(local) is None:
        return False
    if local.startswith(".") or local.endswith("."):
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(
        len(label) <= 63 and _EMAIL_LABEL_RE.fullmatch(label) is not None for label in labels
    )
