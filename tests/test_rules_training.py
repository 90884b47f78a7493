"""Rules on trainees (hikisup_xl/core/rules/training.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import World, book_of, world

from hikisup_xl.core.issues import WARNING
from hikisup_xl.core.rules import training

D = dt.date

CASES = [
    pytest.param(
        "completed",
        "training.absent",
        world(trainees={"attendance": "欠席"}),
        world(trainees={"attendance": "出席"}),
        id="absent-but-completed",
    ),
    pytest.param(
        "cert_no",
        "training.cert_without_completion",
        world(trainees={"completed": None}),
        world(trainees={"completed": None, "cert_no": None}),
        id="number-without-completion",
    ),
    pytest.param(
        "completed",
        "training.before_session",
        world(trainees={"completed": D(2025, 7, 9)}),
        world(trainees={"completed": D(2025, 7, 10)}),
        id="completed-before-session",
    ),
]


@pytest.mark.parametrize(("key", "code", "bad", "good"), CASES)
def test_completion(key: str, code: str, bad: World, good: World) -> None:
    hits = [i for i in training.completion(book_of(bad)) if i.code == code]
    assert [(i.sheet, i.row, i.column) for i in hits] == [
        ("受講者", 2, {"completed": "修了日", "cert_no": "修了番号"}[key])
    ]
    assert not [i for i in training.completion(book_of(good)) if i.code == code]


def test_completion_before_session_is_a_warning_naming_the_session_date() -> None:
    bad = world(trainees={"completed": D(2025, 7, 9)})
    (hit,) = training.completion(book_of(bad))
    assert hit.severity == WARNING
    assert "2025/07/10" in hit.message
