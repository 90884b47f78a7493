"""Whole actions through the patch engine: the same results and the same sheets as through the
openpyxl engine (every sheet, every cell, except the time an action was logged)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import World, base_world, world_rows
from openpyxl import load_workbook
from test_actions_file import expiry_world, numbering_world

from hikisup_xl.core import schema
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.jobs import ledger as actions

from .util import (
    TODAY,
    Grid,
    build,
    calamine_values,
    drop_snapshot_sheet,
    excel_like,
    openpyxl_values,
)

LOG = schema.LOG.sheet


def mistakes_world() -> World:
    w = base_world()
    w["register"][0].update(postal="400-003", kana="山田", mobile="０９０－１２３４－５６７８")
    w["reports"][0].update(start="10時半ごろ")
    w["trainees"][0].update(birth="昭和55年5月1日")
    return w


WORLDS: dict[str, Callable[[], World]] = {
    "mistakes": mistakes_world,
    "numbering": numbering_world,
    "expiry": expiry_world,
}


def _without_log_times(values: dict[str, Grid]) -> dict[str, Grid]:
    out = dict(values)
    out[LOG] = [values[LOG][0], *(r[1:] for r in values[LOG][1:])]
    return out


def _twice(verb: str, source: Path, tmp: Path, variant: str = "") -> tuple[Path, Path]:
    """Run `verb` twice (the second run sees the snapshot the first left) through each engine."""
    by_file, by_patch = tmp / "file" / source.name, tmp / "patch" / source.name
    for path in (by_file, by_patch):
        path.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, path)
    if variant == "excel":
        excel_like(by_patch)
    for _ in range(2):
        a = actions.ACTIONS[verb](FileEngine(by_file), TODAY)
        b = actions.ACTIONS[verb](PatchEngine(by_patch), TODAY)
        assert b.lines == a.lines
        assert b.counts == a.counts
        assert b.issues == a.issues
    return by_file, by_patch


def _assert_same_sheets(by_file: Path, by_patch: Path) -> None:
    expected = _without_log_times(openpyxl_values(by_file))
    assert _without_log_times(openpyxl_values(by_patch)) == expected
    assert _without_log_times(calamine_values(by_patch)) == expected
    log = openpyxl_values(by_patch)[LOG][1:]
    assert len(log) == 2 and all(isinstance(r[0], dt.datetime) for r in log)
    assert PatchEngine(by_patch).read_snapshot() == FileEngine(by_file).read_snapshot()


@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
@pytest.mark.parametrize("world", sorted(WORLDS))
def test_an_action_leaves_the_same_sheets(verb: str, world: str, tmp_path: Path) -> None:
    source = build(tmp_path / "名簿.xlsx", world_rows(WORLDS[world]()))
    _assert_same_sheets(*_twice(verb, source, tmp_path))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    return build(path, generate(TODAY), settings=DEMO_SETTINGS)


@pytest.mark.parametrize("variant", ["template", "excel", "no-snapshot-sheet"])
@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
def test_the_demo_workbook_ends_the_same(
    verb: str, variant: str, demo: Path, tmp_path: Path
) -> None:
    """The demo's planted mistakes; also stored as Excel stores it, and as made before the
    template carried the snapshot sheet (the engine then adds it)."""
    source = shutil.copyfile(demo, tmp_path / demo.name)
    if variant == "no-snapshot-sheet":
        drop_snapshot_sheet(source)
    by_file, by_patch = _twice(verb, source, tmp_path, variant)
    _assert_same_sheets(by_file, by_patch)


def test_check_links_point_at_the_cells_they_name(demo: Path, tmp_path: Path) -> None:
    path = shutil.copyfile(demo, tmp_path / demo.name)
    result = actions.check(PatchEngine(path), TODAY)
    wb = load_workbook(path)
    ws = wb[schema.ISSUES.sheet]
    headers = [c.value for c in ws[1]]
    checked = 0
    for row in ws.iter_rows(min_row=2):
        values = dict(zip(headers, (c.value for c in row), strict=True))
        link = row[headers.index("場所")]
        if link.hyperlink is None:
            assert values["場所"] is None
            continue
        m = re.fullmatch(r"'(.+)'!([A-Z]+)(\d+)", link.hyperlink.location or "")
        assert m is not None, link.hyperlink.location
        sheet, col, number = m.group(1), m.group(2), int(m.group(3))
        assert (sheet, number) == (values["シート"], values["行"])
        target = wb[sheet]
        assert target[f"{col}1"].value == values["列"]  # the column the issue names
        shown = target[f"{col}{number}"].value
        assert str(values["値"] or "") in (str(shown or ""), str(shown)[:10])
        assert link.value == f"{sheet}!{col}{number}"
        checked += 1
    assert checked == sum(1 for i in result.issues if i.cell) > 5
