"""修了番号・登録番号: format, parse, assign; never reused, never changed (property test)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hikisup_xl.core.numbering import assign_numbers, format_number, parse_number


@pytest.mark.parametrize(
    ("n", "prefix", "digits", "expected"),
    [
        (1, "", 3, "001"),
        (12, "R7-", 3, "R7-012"),
        (7, "修", 1, "修7"),
        (1234, "", 3, "1234"),  # more digits than the padding: never truncated
    ],
)
def test_format_number(n: int, prefix: str, digits: int, expected: str) -> None:
    assert format_number(n, prefix, digits) == expected


@pytest.mark.parametrize(
    ("value", "prefix", "expected"),
    [
        ("012", "", 12),
        ("R7-012", "R7-", 12),
        ("Ｒ７－０１２", "R7-", 12),  # typed in 全角
        ("０１２", "", 12),
        (" 5 ", "", 5),
        ("000", "", 0),
        ("R7-012", "", None),  # prefix not configured: not one of ours
        ("X-012", "R7-", None),
        ("12a", "", None),
        ("", "", None),
        (None, "R7-", None),
    ],
)
def test_parse_number(value: str | None, prefix: str, expected: int | None) -> None:
    assert parse_number(value, prefix) == expected


@given(st.integers(1, 10**6), st.sampled_from(["", "R7-", "修"]), st.integers(1, 6))
def test_parse_inverts_format(n: int, prefix: str, digits: int) -> None:
    assert parse_number(format_number(n, prefix, digits), prefix) == n


def test_assign_in_row_order_after_the_highest_number_seen() -> None:
    issued, nxt = assign_numbers(
        [None, "R7-010", None, None], [True, False, False, True], 3, "R7-", 3
    )
    assert issued == {0: "R7-011", 3: "R7-012"}
    assert nxt == 13


def test_assign_counts_fullwidth_typed_numbers() -> None:
    issued, nxt = assign_numbers(["０１０", None], [False, True], 1, "", 3)
    assert issued == {1: "011"}
    assert nxt == 12


def test_assign_respects_remembered_next_and_numbers_used_elsewhere() -> None:
    assert assign_numbers([None], [True], 40, "", 3) == ({0: "040"}, 41)
    assert assign_numbers([None], [True], 1, "", 3, also_used=["077", None]) == ({0: "078"}, 79)


def test_assign_never_touches_a_row_that_has_a_number() -> None:
    issued, nxt = assign_numbers(["005", "abc"], [True, True], 1, "", 3)
    assert issued == {}
    assert nxt == 6


def test_assign_nothing_wanted_keeps_next() -> None:
    assert assign_numbers([None, None], [False, False], 9, "", 3) == ({}, 9)


# ----------------------------------------------------------------------------- property


@dataclass
class Row:
    ident: int
    number: str | None = None
    wants: bool = True
    withdrawn: bool = False


ADD = st.tuples(st.just("add"), st.booleans())
DELETE = st.tuples(st.just("delete"), st.integers(0, 50))
WITHDRAW = st.tuples(st.just("withdraw"), st.integers(0, 50))
NUMBER = st.tuples(st.just("number"), st.just(0))
OPS = st.lists(st.one_of(ADD, ADD, DELETE, WITHDRAW, NUMBER), max_size=60)


@settings(max_examples=150, deadline=None)
@given(
    ops=OPS,
    prefix=st.sampled_from(["", "R7-", "No."]),
    digits=st.integers(1, 4),
    start=st.integers(1, 20),
)
def test_numbers_are_unique_never_reused_never_changed(
    ops: list[tuple[str, object]], prefix: str, digits: int, start: int
) -> None:
    rows: list[Row] = []
    next_no = start
    ever_issued: dict[str, int] = {}  # number -> the row it was issued to
    idents = iter(range(10**6))

    def run() -> dict[int, str]:
        nonlocal next_no
        current = [r.number for r in rows]
        wanted = [r.wants and not r.withdrawn for r in rows]
        issued, new_next = assign_numbers(current, wanted, next_no, prefix, digits)
        assert new_next >= next_no
        next_no = new_next
        for index, number in issued.items():
            target = rows[index]
            assert target.number is None, "an issued number was changed"
            assert target.wants and not target.withdrawn
            assert number not in ever_issued, f"{number} issued twice"
            assert parse_number(number, prefix) is not None
            ever_issued[number] = target.ident
            target.number = number
        return issued

    for op, arg in ops:
        if op == "add":
            rows.append(Row(next(idents), wants=bool(arg)))
        elif op == "delete" and rows:
            del rows[int(arg) % len(rows)]  # type: ignore[call-overload]
        elif op == "withdraw" and rows:
            rows[int(arg) % len(rows)].withdrawn = True  # type: ignore[call-overload]
        elif op == "number":
            run()
            assert run() == {}, "a second run in a row issued numbers"

    run()
    for r in rows:
        if r.number is not None:
            assert ever_issued[r.number] == r.ident
        else:
            assert not r.wants or r.withdrawn
