"""A job reads only the tables it declares; columns are typed once, on first use; Settings
checks its values without pydantic and words a bad one as before."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import base_world, book_of, world, world_rows, write_workbook

from hikisup_xl.core import schema
from hikisup_xl.core.settings import INT_BOUNDS, Settings, SettingsError, settings_from_rows
from hikisup_xl.core.settings_model import SettingsModel, ValidationError
from hikisup_xl.engine.choose import open_workbook
from hikisup_xl.jobs import ledger
from hikisup_xl.session import Session, tables_to_read

TODAY = dt.date(2026, 11, 26)


class Counting:
    """The default engine, noting which tables a job reads."""

    def __init__(self, path: Path) -> None:
        self.engine = open_workbook(path)
        self.read: list[str] = []

    def read_table(self, spec: schema.TableSpec) -> object:
        self.read.append(spec.key)
        return self.engine.read_table(spec)

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)


@pytest.mark.parametrize(
    ("job", "declared"),
    [(ledger.number, ledger.NUMBER_TABLES), (ledger.expiries, ledger.EXPIRIES_TABLES)],
)
def test_number_and_expiries_never_read_the_activity_tables(
    tmp_path: Path, job: ledger.ActionFn, declared: tuple[str, ...]
) -> None:
    path = write_workbook(tmp_path / "a.xlsx", world_rows(base_world()))
    engine = Counting(path)
    job(engine, TODAY)  # type: ignore[arg-type]
    read = set(engine.read)
    assert not read & {"reports", "dispatches", "cases", "followup", "accidents"}
    assert set(declared) <= read


def test_check_reads_every_data_table(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", world_rows(base_world()))
    engine = Counting(path)
    ledger.check(engine, TODAY)  # type: ignore[arg-type]
    assert {t.key for t in tables_to_read(None)} <= set(engine.read)


def test_a_job_declaring_an_unknown_table_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="insurance_typo"):
        tables_to_read(("register", "insurance_typo"))


def test_a_table_the_job_did_not_read_is_named(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", world_rows(base_world()))
    s = Session(open_workbook(path), TODAY, tables=("trainees",))
    with pytest.raises(KeyError, match="reports"):
        s.book["reports"]


def test_a_bad_cell_in_a_column_no_rule_reads_is_still_reported() -> None:
    # Columns are typed lazily: the parse issues must still cover every column.
    book = book_of(world(register={"postal": "12345"}))
    assert [i.column for i in book.parse_issues] == ["郵便番号"]


def test_a_column_is_typed_once() -> None:
    book = book_of(base_world())
    first = book["register"].dates("birth")
    assert book["register"].dates("birth") is first


# -- Settings ---------------------------------------------------------------------------------
def test_settings_and_its_pydantic_twin_agree_on_fields_and_defaults() -> None:
    assert dataclasses.asdict(Settings()) == SettingsModel().model_dump()


@pytest.mark.parametrize("field", sorted(INT_BOUNDS))
def test_each_bound_is_the_twins(field: str) -> None:
    low, high = INT_BOUNDS[field]
    Settings.validate({field: low})
    with pytest.raises(SettingsError):
        Settings.validate({field: low - 1})
    with pytest.raises(ValidationError):
        SettingsModel.model_validate({field: low - 1})
    if high is not None:
        Settings.validate({field: high})
        with pytest.raises(SettingsError):
            Settings.validate({field: high + 1})
        with pytest.raises(ValidationError):
            SettingsModel.model_validate({field: high + 1})


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("期限警告日数", "abc"),
        ("報告期限日数", -3),
        ("登録期間の決め方", "永久"),
        ("実施主体の種別", "町"),
    ],
)
def test_a_bad_value_on_the_sheet_is_named(label: str, value: object) -> None:
    with pytest.raises(SettingsError, match=f"設定「{label}」の値「{value}」"):
        settings_from_rows([(label, value)])


def test_a_value_pydantic_coerced_is_still_accepted() -> None:
    # Digits typed as text in a number cell were accepted before (pydantic's lax mode).
    assert settings_from_rows([("期限警告日数", " 45 ")]).warn_days == 45
    assert Settings.validate({"period_years": "3"}).period_years == 3


def test_settings_built_directly_are_checked_too() -> None:
    with pytest.raises(SettingsError, match="登録期間の年数"):
        Settings(period_years=0)
    with pytest.raises(SettingsError, match="登録期間の年数"):
        dataclasses.replace(Settings(), period_years=11)
