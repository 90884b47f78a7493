"""Identifiers are unique and references resolve (hikisup_xl/core/rules/references.py)."""

from __future__ import annotations

import copy

import pytest
from conftest import World, base_world, book_of, world

from hikisup_xl.core import schema
from hikisup_xl.core.issues import ERROR, WARNING, Issue
from hikisup_xl.core.rules import references

# Every identifier a clerk types or the tool issues, and where it lives.
IDS = [
    ("register", "reg_no"),
    ("trainings", "training_id"),
    ("trainees", "cert_no"),
    ("cases", "case_id"),
    ("dispatches", "dispatch_id"),
    ("reports", "report_id"),
    ("accidents", "accident_id"),
]


def _with_copy(table: str, key: str, value: object) -> World:
    """The base world plus a copy of the first row of `table` with `key` set to `value`."""
    w = base_world()
    twin = copy.deepcopy(w[table][0])
    twin[key] = value
    w[table].append(twin)
    return w


def _hits(w: World, rule: object, code: str) -> list[Issue]:
    return [i for i in rule(book_of(w)) if i.code == code]  # type: ignore[operator]


@pytest.mark.parametrize(("table", "key"), IDS)
def test_unique_ids(table: str, key: str) -> None:
    first = base_world()[table][0][key]
    spec = schema.BY_KEY[table]
    hits = _hits(_with_copy(table, key, first), references.unique_ids, "duplicate.id")
    assert [(i.sheet, i.row, i.column, i.severity) for i in hits] == [
        (spec.sheet, 3, spec.col(key).header, ERROR)
    ]
    assert "2行目" in hits[0].message
    assert _hits(_with_copy(table, key, f"{first}9"), references.unique_ids, "duplicate.id") == []


def test_unique_ids_compare_normalised_values() -> None:
    """'００１' typed in 全角 is the same 登録番号 as '001' once read."""
    w = _with_copy("register", "reg_no", "００１")
    assert len(_hits(w, references.unique_ids, "duplicate.id")) == 1


# (table, column, an unknown value, severity)
REFS = [
    ("trainees", "training_id", "T9", ERROR),
    ("program", "training_id", "T9", ERROR),
    ("register", "cert_no", "999", ERROR),
    ("dispatches", "case_id", "C9999", ERROR),
    ("dispatches", "reg_no", "999", ERROR),
    ("reports", "dispatch_id", "D99999", ERROR),
    ("reports", "reg_no", "999", ERROR),
    ("reports", "case_id", "C9999", ERROR),
    ("followup", "training_id", "T9", ERROR),
    ("followup", "reg_no", "999", ERROR),
    ("accidents", "dispatch_id", "D99999", ERROR),
    ("periods", "reg_no", "999", WARNING),
    ("changes", "reg_no", "999", WARNING),
]


@pytest.mark.parametrize(("table", "key", "unknown", "severity"), REFS)
def test_known_references(table: str, key: str, unknown: str, severity: str) -> None:
    bad = base_world()
    bad[table][0][key] = unknown
    spec = schema.BY_KEY[table]
    hits = _hits(bad, references.known_references, "unknown.reference")
    assert [(i.sheet, i.row, i.column, i.severity, i.value) for i in hits] == [
        (spec.sheet, 2, spec.col(key).header, severity, unknown)
    ]
    assert "ありません" in hits[0].message or "ない" in hits[0].message
    assert _hits(base_world(), references.known_references, "unknown.reference") == []


def test_blank_reference_is_left_to_the_required_check() -> None:
    w = base_world()
    w["dispatches"][0]["reg_no"] = None
    assert _hits(w, references.known_references, "unknown.reference") == []


def test_a_supporter_from_another_bodys_roster_needs_no_local_training_record() -> None:
    from hikisup_xl.core.rules import people

    foreign = world(register={"cert_no": "P-123", "roster_source": "山梨県"})
    local = world(register={"cert_no": "P-123"})
    for rule in (references.known_references, people.registration_prerequisites):
        assert [i for i in rule(book_of(foreign)) if i.column == "修了番号"] == []
        assert [i for i in rule(book_of(local)) if i.column == "修了番号"] != []
