"""修了番号 and 登録番号: unique, zero-padded, never reused, never changed once issued."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .text import nfkc


def format_number(n: int, prefix: str, digits: int) -> str:
    return f"{prefix}{n:0{digits}d}"


def parse_number(value: str | None, prefix: str) -> int | None:
    """The integer inside an issued number ('R7-012' with prefix 'R7-' → 12), or None."""
    if value is None:
        return None
    s = nfkc(value).strip()
    if prefix and s.startswith(prefix):
        s = s[len(prefix) :]
    # Up to 18 digits: no number this tool issued is longer, and int() refuses 4,301 (#10).
    m = re.fullmatch(r"0*(\d{1,18})", s)
    return int(m.group(1)) if m else None


def assign_numbers(
    current: Sequence[str | None],
    wanted: Sequence[bool],
    next_no: int,
    prefix: str,
    digits: int,
    also_used: Iterable[str | None] = (),
) -> tuple[dict[int, str], int]:
    """New numbers for rows that want one and have none, in row order.

    Numbering continues after the highest number ever seen (in the rows, in `also_used`, or
    remembered as `next_no`), so a number freed by a deleted or withdrawn row is never issued
    again. Returns {row index: number} and the next number to remember.
    """
    seen = [parse_number(v, prefix) for v in (*current, *also_used)]
    n = max([next_no, *(s + 1 for s in seen if s is not None)])
    issued: dict[int, str] = {}
    for i, (value, want) in enumerate(zip(current, wanted, strict=True)):
        if value is None and want:
            issued[i] = format_number(n, prefix, digits)
            n += 1
    return issued, n
