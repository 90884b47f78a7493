"""hikisup upgrade: a workbook of an earlier template brought up to the current one, in place.

The committed older workbooks, one per schema version left behind, each made by the code of
its own template (data/book_schemaN.xlsx: demo data, a 年度集計, a column, a comment, a shape, a
picture and an x14 validation added the way Excel writes them; see make_older_book.py), kept as
they are through every later schema change; and one built here from today's template with a
sheet, a column and a settings row taken out, so the test means something whatever the current
schema is. Parts are compared as the patch engine's lossless tests do: what staff made comes
out byte for byte. Every upgraded workbook passes the OOXML validator (tests/ooxml) with no
finding, and every job then accepts it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import pytest
from conftest import base_world, world_rows
from engine.util import (
    EXTRA_MEMBERS,
    add_extras,
    calamine_values,
    members,
    raw_members,
    sheet_part,
)
from lxml import etree
from ooxml.every_job import JOBS, Run, prefecture_roster
from ooxml.schemas import require_schemas
from ooxml.validator import validate
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine.files import save_atomic, workbook_marker
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.engine.upgrading import FileUpgrade, PatchUpgrade
from hikisup_xl.jobs import ledger as actions
from hikisup_xl.stats.report import report
from hikisup_xl.template import build_workbook
from hikisup_xl.upgrade import ACTION, upgrade

BOOKS = {v: Path(__file__).parent / "data" / f"book_schema{v}.xlsx" for v in (1, 2)}
DATA = BOOKS[1]
TODAY = dt.date(2026, 4, 10)
STAFF_COLUMN = "担当メモ"  # make_older_book.STAFF_COLUMN
# What the schema-1 workbook holds that staff made: comment, VML, drawing with shape and picture.
STAFF_PARTS = (
    "xl/comments/comment1.xml",
    "xl/drawings/commentsDrawing1.vml",
    "xl/drawings/drawing1.xml",
    "xl/drawings/_rels/drawing1.xml.rels",
    *EXTRA_MEMBERS,
)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REMOVED_COLUMN = schema.REGISTER.columns[-1]  # the last one: removing it moves nothing
REMOVED_SETTING = "秘匿基準"


def _load(path: Path) -> Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns (in English) about the x14 extension
        return load_workbook(path)


def _copy(tmp_path: Path, name: str = "ブック.xlsx", version: int = 1) -> Path:
    path = tmp_path / name
    shutil.copyfile(BOOKS[version], path)
    return path


def _valid(path: Path) -> None:
    """No finding of the OOXML validator: Excel opens it without offering a repair."""
    require_schemas()
    assert validate(path) == [], path.name


def _jobs_run(path: Path) -> None:
    """Every job accepts the workbook (each opens it itself, as the CLI does)."""
    for verb in sorted(actions.ACTIONS):
        actions.ACTIONS[verb](PatchEngine(path), TODAY)
    result = report(PatchEngine(path), TODAY, 2025)
    assert "集計を「集計」シートに作りました" in result.lines[0]


def _log_actions(path: Path) -> list[object]:
    values = calamine_values(path)[schema.LOG.sheet]
    return [r[2] if len(r) > 2 else None for r in values[1:]]


# -- the committed older workbooks ------------------------------------------------------------
@pytest.mark.parametrize("version", sorted(BOOKS))
def test_the_committed_workbook_is_of_its_template(version: int) -> None:
    wb = _load(BOOKS[version])
    assert workbook_marker(wb) == str(version)
    assert STAFF_COLUMN in [c.value for c in wb[schema.REGISTER.sheet][1]]
    assert set(members(BOOKS[version])) >= set(STAFF_PARTS)


@pytest.mark.parametrize("version", sorted(BOOKS))
def test_the_committed_workbook_is_what_its_template_wrote_and_nothing_broken(
    version: int,
) -> None:
    """The tables are sound (the first schema-1 book declared 58 columns for a 29-column
    register); the one finding is the r:id openpyxl put on the pivot tables those templates
    saved, which the upgrade takes off."""
    require_schemas()
    findings = validate(BOOKS[version])
    assert findings
    assert all(f.startswith("xl/pivotTables/") and "attribute 'id'" in f for f in findings), (
        findings
    )
    table = next(
        etree.fromstring(data)
        for name, data in members(BOOKS[version]).items()
        if name.startswith("xl/tables/") and b'name="tRegister"' in data
    )
    columns = table.findall(f"{MAIN}tableColumns/{MAIN}tableColumn")
    c1, _r1, c2, _r2 = range_boundaries(table.get("ref"))
    assert len(columns) == c2 - c1 + 1
    assert columns[-1].get("name") == STAFF_COLUMN
    assert len({c.get("id") for c in columns}) == len(columns)


@pytest.mark.parametrize("version", sorted(BOOKS))
@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
def test_every_job_refuses_an_older_workbook_and_names_the_upgrade(
    verb: str, version: int, tmp_path: Path
) -> None:
    path = _copy(tmp_path, version=version)
    before = path.read_bytes()
    with pytest.raises(HikisupError, match=r"以前の版.*hikisup upgrade.*ブックの更新"):
        actions.ACTIONS[verb](PatchEngine(path), TODAY)
    with pytest.raises(HikisupError, match=r"以前の版.*hikisup upgrade"):
        report(PatchEngine(path), TODAY, 2025)
    assert path.read_bytes() == before


def test_the_cli_refuses_with_the_upgrade_named(tmp_path: Path) -> None:
    from conftest import invoke

    path = _copy(tmp_path)
    result = invoke("check", path, "--today", TODAY.isoformat())
    assert result.exit_code != 0
    assert "hikisup upgrade" in result.stderr


@pytest.fixture(scope="module", params=sorted(BOOKS), ids=lambda v: f"schema{v}")
def upgraded(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, Path, list[str]]:
    return _upgraded(tmp_path_factory.mktemp("upgraded"), request.param)


def _upgraded(folder: Path, version: int) -> tuple[Path, Path, list[str]]:
    source = _copy(folder, "元.xlsx", version)
    path = _copy(folder, version=version)
    result = upgrade(PatchUpgrade(path), TODAY)
    return source, path, result.lines


@pytest.fixture(scope="module")
def upgraded1(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """The schema-1 book upgraded: its 集計 sheet is the one grafted from the template."""
    return _upgraded(tmp_path_factory.mktemp("upgraded1"), 1)


def test_the_upgraded_workbook_is_valid(upgraded: tuple[Path, Path, list[str]]) -> None:
    _valid(upgraded[1])


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prefecture_roster(tmp_path_factory.mktemp("prefecture"), TODAY)


@pytest.mark.parametrize("job", sorted(JOBS))
def test_every_job_accepts_the_upgraded_workbook_and_writes_valid_files(
    upgraded: tuple[Path, Path, list[str]], roster: Path, tmp_path: Path, job: str
) -> None:
    path = tmp_path / "ブック.xlsx"
    shutil.copyfile(upgraded[1], path)
    outputs = JOBS[job](Run(path, tmp_path, TODAY, 2025, roster))
    for out in (path, *outputs):
        _valid(out)


def test_upgrade_keeps_every_staff_part_byte_for_byte(
    upgraded: tuple[Path, Path, list[str]],
) -> None:
    source, path, lines = upgraded
    assert "最新の形式" in lines[0]
    before, after = raw_members(source), raw_members(path)
    for name in STAFF_PARTS:  # compressed bytes, CRC and size: copied, not rewritten
        assert after[name] == before[name], name
    parts = members(source)
    for sheet in schema.SHEETS:  # every sheet the upgrade had no reason to touch, as it was
        if sheet in (schema.STATS_SHEET, schema.LOG.sheet):
            continue
        if any(f"「{sheet}」の表" in line for line in lines):  # a later schema's columns added
            continue
        if any(f"「{sheet}」シートを追加" in line for line in lines):  # a later schema's sheet
            continue
        if any(f"「{sheet}」に「" in line for line in lines):  # a later schema's 設定 rows
            continue
        part = sheet_part(parts, sheet)
        assert after[part] == before[part], sheet


def test_upgrade_keeps_every_value(upgraded: tuple[Path, Path, list[str]]) -> None:
    source, path, _ = upgraded
    before, after = calamine_values(source), calamine_values(path)
    for sheet, values in before.items():
        if sheet == schema.STATS_SHEET:  # drawn by the old 年度集計: replaced by the template's
            continue
        if sheet in (schema.LOG.sheet, schema.SETTINGS.sheet):  # rows added below the old ones
            assert after[sheet][: len(values)] == values
            continue
        # a table that gained columns (a later schema's) keeps every value left of them
        assert [row[: len(old)] for row, old in zip(after[sheet], values, strict=True)] == values
    assert _log_actions(path)[-1] == ACTION


def test_the_upgraded_workbook_is_current_and_every_job_accepts_it(
    upgraded: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    path = tmp_path / "copy.xlsx"
    shutil.copyfile(upgraded[1], path)
    wb = _load(path)
    assert workbook_marker(wb) == str(schema.SCHEMA_VERSION)
    ws = wb[schema.STATS_SHEET]
    assert set(ws.tables) == {t.table for t in schema.SUMMARY_TABLES}
    assert len(ws._pivots) == 2 and len(ws._charts) == 2  # type: ignore[attr-defined]
    assert wb.sheetnames.index(schema.STATS_SHEET) == wb.sheetnames.index(schema.STATS.sheet) - 1
    _jobs_run(path)
    headers = [c.value for c in _load(path)[schema.REGISTER.sheet][1]]
    original = [c.value for c in _load(upgraded[0])[schema.REGISTER.sheet][1]]
    # the clerk's column stays where it was; a later schema's columns come after it
    assert headers.index(STAFF_COLUMN) == original.index(STAFF_COLUMN)
    assert set(headers) == {*original, *(c.header for c in schema.REGISTER.columns)}


def test_upgrading_a_current_workbook_changes_nothing(
    upgraded: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    path = tmp_path / "again.xlsx"
    shutil.copyfile(upgraded[1], path)
    before = path.read_bytes()
    result = upgrade(PatchUpgrade(path), TODAY)
    assert result.lines == [f"「{path.name}」は最新の形式です。変更はありません。"]
    assert path.read_bytes() == before
    assert not (tmp_path / "again.bak.xlsx").exists()  # not even saved


def test_the_openpyxl_fallback_refuses_to_drop_staff_parts(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = path.read_bytes()
    with pytest.raises(HikisupError, match="失われる"):
        FileUpgrade(path)
    assert path.read_bytes() == before


# -- a genuinely older workbook: a sheet, a column and a settings row missing ------------------
def build_older(path: Path, *, extras: bool) -> Path:
    """Today's template with what a later schema might add taken out, marked schema 1."""
    wb = build_workbook(rows=world_rows(base_world()))
    del wb[schema.IMPORT_REVIEW.sheet]
    del wb[schema.STATS_SHEET]
    ws = wb[schema.REGISTER.sheet]
    number = schema.REGISTER.column_number(REMOVED_COLUMN.key)
    assert number == len(schema.REGISTER.columns)  # the last one: nothing moves
    letter = get_column_letter(number)
    ws.delete_cols(number)
    table = ws.tables[schema.REGISTER.table]
    c1, r1, _c2, r2 = range_boundaries(table.ref)
    table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(number - 1)}{r2}"
    table.tableColumns = []  # type: ignore[assignment]  # openpyxl names them from the headers
    kept = [dv for dv in ws.data_validations.dataValidation if not str(dv.sqref).startswith(letter)]
    ws.data_validations.dataValidation = kept
    settings = wb[schema.SETTINGS.sheet]
    row = next(r[0].row for r in settings.iter_rows(min_row=2) if r[0].value == REMOVED_SETTING)
    settings.delete_rows(row)
    t = settings.tables[schema.SETTINGS.table]
    c1, r1, c2, r2 = range_boundaries(t.ref)
    t.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2 - 1}"
    for prop in wb.custom_doc_props.props:  # type: ignore[attr-defined]
        if prop.name == schema.MARKER_PROPERTY:
            prop.value = "1"
    save_atomic(wb, path, keep_backup=False)
    if extras:
        add_extras(path, [schema.REGISTER.sheet], [schema.REPORTS.sheet])
    return path


@pytest.mark.parametrize("engine", ["patch", "openpyxl"])
def test_upgrade_adds_the_missing_sheet_column_validation_and_setting(
    engine: str, tmp_path: Path
) -> None:
    path = build_older(tmp_path / "古い.xlsx", extras=engine == "patch")
    source = tmp_path / "元.xlsx"
    shutil.copyfile(path, source)
    with pytest.raises(HikisupError, match="hikisup upgrade"):
        actions.check(PatchEngine(path), TODAY)
    opened = PatchUpgrade(path) if engine == "patch" else FileUpgrade(path)
    result = upgrade(opened, TODAY)
    text = "\n".join(result.lines)
    for words in (
        f"「{schema.IMPORT_REVIEW.sheet}」シートを追加",
        f"「{schema.STATS_SHEET}」シートを追加",
        f"列「{REMOVED_COLUMN.header}」を追加",
        f"「{REMOVED_SETTING}」の行を追加",
    ):
        assert words in text, (words, text)
    wb = _load(path)
    assert workbook_marker(wb) == str(schema.SCHEMA_VERSION)
    assert wb.sheetnames[: len(schema.SHEETS)] == list(schema.SHEETS)
    ws = wb[schema.REGISTER.sheet]
    assert [c.value for c in ws[1]][: len(schema.REGISTER.columns)] == list(schema.REGISTER.headers)
    letter = get_column_letter(schema.REGISTER.column_number(REMOVED_COLUMN.key))
    rules = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(letter)]
    assert len(rules) == 1 and rules[0].prompt == REMOVED_COLUMN.help
    settings = {
        r[0]: r[1] for r in wb[schema.SETTINGS.sheet].iter_rows(min_row=2, values_only=True)
    }
    assert settings[REMOVED_SETTING] == 3
    # every value that was there is still there, in its place
    before, after = calamine_values(source), calamine_values(path)
    for sheet, values in before.items():
        if sheet in (schema.LOG.sheet, schema.SETTINGS.sheet):
            assert after[sheet][: len(values)] == values, sheet
        elif sheet == schema.REGISTER.sheet:
            width = len(schema.REGISTER.columns) - 1
            assert [r[:width] for r in after[sheet]] == [r[:width] for r in values]
        else:
            assert after[sheet] == values, sheet
    if engine == "patch":  # what staff drew came through byte for byte
        old, new = raw_members(source), raw_members(path)
        for name in EXTRA_MEMBERS:
            assert new[name] == old[name], name
        assert (
            b"x14:dataValidations"
            in members(path)[sheet_part(members(path), schema.REGISTER.sheet)]
        )
    _valid(path)
    _jobs_run(path)
    assert ACTION in _log_actions(path)
    again = path.read_bytes()
    assert upgrade(PatchUpgrade(path), TODAY).counts == {"changes": 0}
    assert path.read_bytes() == again


def test_a_sheet_without_its_table_is_not_guessed_at(tmp_path: Path) -> None:
    wb = build_workbook()
    ws = wb[schema.IMPORT_REVIEW.sheet]
    del ws.tables[schema.IMPORT_REVIEW.table]
    path = tmp_path / "表なし.xlsx"
    save_atomic(wb, path, keep_backup=False)
    before = path.read_bytes()
    with pytest.raises(HikisupError, match="表（テーブル「tImportReview」）がありません"):
        upgrade(PatchUpgrade(path), TODAY)
    assert path.read_bytes() == before


def test_libreoffice_opens_the_upgraded_workbook_and_refreshes_its_pivots(
    upgraded1: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    """The grafted 集計 sheet is a valid package for a real spreadsheet program: LibreOffice
    draws it, and the pivot table over 活動集計 is rebuilt from the rows report wrote."""
    import re
    import subprocess

    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("LibreOffice and poppler-utils are needed for this check")
    path = tmp_path / "集計後.xlsx"
    shutil.copyfile(upgraded1[1], path)
    total = report(PatchEngine(path), TODAY, 2025).counts["activities"]
    assert total > 0
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "集計後.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    grand = [  # the last number of each grand total row (the two pivots stand side by side)
        int(numbers[-1])
        for line in text.splitlines()
        for segment in re.split(r"Total Result|総計", line)[1:]
        if (numbers := re.findall(r"\d+", segment))
    ]
    assert total in grand, grand
    assert "月別の活動回数（活動種別ごと）" in text.replace(" ", "")


def test_missing_data_sheets_come_back_as_the_template_has_them(tmp_path: Path) -> None:
    """Sheets with conditional formats, validations, the settings rows and the 操作履歴 itself:
    grafted from the template with their formats and rules, in template order."""
    gone = (schema.REGISTER, schema.ISSUES, schema.SETTINGS, schema.LOG)
    wb = build_workbook()
    for spec in gone:
        del wb[spec.sheet]
    path = tmp_path / "欠けた.xlsx"
    save_atomic(wb, path, keep_backup=False)
    result = upgrade(PatchUpgrade(path), TODAY)
    _valid(path)
    assert sum("シートを追加しました" in line for line in result.lines) == len(gone)
    after, template = _load(path), build_workbook()
    assert after.sheetnames == [*schema.SHEETS, schema.SNAPSHOT_SHEET]
    for spec in gone:
        ws, model = after[spec.sheet], template[spec.sheet]
        assert [c.value for c in ws[1]] == [c.value for c in model[1]]
        rules = {
            str(k.sqref): [(r.formula, r.dxf) for r in v]
            for k, v in ws.conditional_formatting._cf_rules.items()
        }
        expected = {
            str(k.sqref): [(r.formula, r.dxf) for r in v]
            for k, v in model.conditional_formatting._cf_rules.items()
        }
        assert rules == expected, spec.sheet  # the same rules, showing the same fills and fonts
        assert [str(d.sqref) for d in ws.data_validations.dataValidation] == [
            str(d.sqref) for d in model.data_validations.dataValidation
        ]
        assert ws.freeze_panes == model.freeze_panes
    assert [r[0] for r in after[schema.LOG.sheet].iter_rows(min_row=2, values_only=True)] != []
    assert _log_actions(path) == [ACTION]
    actions.check(PatchEngine(path), TODAY)  # and the jobs take it


# -- schema 3 (#13): the flyer's 研修内容 and 研修 columns, 内線, サポーター別 with its pivot ------
def build_schema2(path: Path) -> Path:
    """Today's template without what schema 3 added, marked schema 2 (with the demo's rows)."""
    from hikisup_xl.demo import DEMO_SETTINGS, generate

    data = generate(TODAY)
    data["program"] = []
    wb = build_workbook(DEMO_SETTINGS, data)
    del wb[schema.PROGRAM.sheet]
    del wb[schema.SUPPORTER_YEARS.sheet]
    ws = wb[schema.TRAININGS.sheet]
    width = len(schema.TRAININGS.columns) - 2
    ws.delete_cols(width + 1, 2)
    table = ws.tables[schema.TRAININGS.table]
    c1, r1, _c2, r2 = range_boundaries(table.ref)
    table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(width)}{r2}"
    table.tableColumns = []  # type: ignore[assignment]  # openpyxl names them from the headers
    ws.data_validations.dataValidation = [
        dv
        for dv in ws.data_validations.dataValidation
        if range_boundaries(str(dv.sqref).split()[0])[0] <= width
    ]
    settings = wb[schema.SETTINGS.sheet]
    row = next(r[0].row for r in settings.iter_rows(min_row=2) if r[0].value == "内線")
    settings.delete_rows(row)
    t = settings.tables[schema.SETTINGS.table]
    c1, r1, c2, r2 = range_boundaries(t.ref)
    t.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2 - 1}"
    for prop in wb.custom_doc_props.props:  # type: ignore[attr-defined]
        if prop.name == schema.MARKER_PROPERTY:
            prop.value = "2"
    save_atomic(wb, path, keep_backup=False)
    return path


@pytest.mark.parametrize(
    "older", ["schema1-patch", "schema2-committed-patch", "schema2-patch", "schema2-openpyxl"]
)
def test_upgrade_to_3_adds_the_flyer_and_history_parts(older: str, tmp_path: Path) -> None:
    if older.startswith("schema1"):
        path = _copy(tmp_path)
    elif older.startswith("schema2-committed"):
        path = _copy(tmp_path, version=2)
    else:
        path = build_schema2(tmp_path / "2.xlsx")
    opened = PatchUpgrade(path) if older.endswith("patch") else FileUpgrade(path)
    text = "\n".join(upgrade(opened, TODAY).lines)
    _valid(path)
    for words in (
        f"「{schema.PROGRAM.sheet}」シートを追加",
        f"「{schema.SUPPORTER_YEARS.sheet}」シートを追加",
        "列「受付開始時刻」「対象者」を追加",
        "「内線」の行を追加",
    ):
        assert words in text, (words, text)
    wb = _load(path)
    assert workbook_marker(wb) == "3" == str(schema.SCHEMA_VERSION)
    assert list(wb[schema.PROGRAM.sheet].tables) == [schema.PROGRAM.table]
    history = wb[schema.SUPPORTER_YEARS.sheet]
    assert list(history.tables) == [schema.SUPPORTER_YEARS.table]
    (pivot,) = history._pivots  # type: ignore[attr-defined]
    assert pivot.cache.cacheSource.worksheetSource.name == schema.SUPPORTER_YEARS.table
    assert len(wb[schema.STATS_SHEET]._pivots) == 2  # type: ignore[attr-defined]
    headers = [c.value for c in wb[schema.TRAININGS.sheet][1]]
    assert headers[-2:] == ["受付開始時刻", "対象者"]
    assert wb.sheetnames[: len(schema.SHEETS)] == list(schema.SHEETS)
    # the upgraded workbook's report fills サポーター別
    report(PatchEngine(path), TODAY, 2025)
    rows = calamine_values(path)[schema.SUPPORTER_YEARS.sheet]
    assert list(rows[0]) == list(schema.SUPPORTER_YEARS.headers) and len(rows) > 2
    assert "令和7年度" in {r[0] for r in rows[1:]}
