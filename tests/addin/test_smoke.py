"""The Windows smoke test's module: importable anywhere, presses every button, refuses to run
without Excel. (Its real run is manual, on Windows: see README.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, base_world, world_rows, write_workbook

from addin.fakexl import FakeBook
from hikisup_xl import excel, registry, smoke
from hikisup_xl.addin.arguments import SOURCES
from hikisup_xl.core.settings import Settings
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.engine.live import LiveEngine
from hikisup_xl.smoke import Press
from hikisup_xl.template import build_workbook


def test_it_presses_every_ribbon_button_that_asks_nothing_in_ribbon_order() -> None:
    pressed = [p.button_id for p in smoke.plan()]
    assert list(dict.fromkeys(pressed)) == [b.id for b in registry.BUTTONS if not b.asks]
    assert any(b.asks for b in registry.BUTTONS)  # those are pressed by hand (dialogs)


def test_a_form_that_prints_selected_rows_is_pressed_with_and_without_a_selection() -> None:
    presses = smoke.plan()
    for kind, source in SOURCES.items():
        button = next(b for b in registry.BUTTONS if b.arguments == "form"
                      and dict(b.params)["kind"] == kind)  # fmt: skip
        sheets = [p.sheet for p in presses if p.button_id == button.id]
        expected = [smoke.NEUTRAL[0], source.spec.sheet] if source.everyone else [source.spec.sheet]
        assert sheets == expected, kind
    for b in registry.BUTTONS:
        if b.arguments == "blank_form":
            assert [p.sheet for p in presses if p.button_id == b.id] == [smoke.NEUTRAL[0]]


def test_the_file_engine_side_of_a_press_matches_dispatch(tmp_path: Path) -> None:
    """What the smoke test compares Excel against: for selected rows, default rows and a
    refusal, the file engine's run leaves the same tables (操作履歴 too) and the same form
    as dispatch does on the fake Excel; and the PDF check sees a missing PDF."""
    world = base_world()
    world["reports"].append({**world["reports"][0], "report_id": "R000002"})
    rows = world_rows(world)
    (tmp_path / "live").mkdir()
    (tmp_path / "file").mkdir()
    path = write_workbook(tmp_path / "file" / smoke.WORKBOOK_NAME, rows)
    live = FakeBook.from_openpyxl(build_workbook(Settings(), rows), smoke.WORKBOOK_NAME)
    live.path = str(tmp_path / "live" / smoke.WORKBOOK_NAME)
    presses = [
        Press("hikisupFormsReport", "活動報告", smoke.SELECTED_ROWS),
        Press("hikisupFormsReport", *smoke.NEUTRAL),  # refused: no rows selected
        Press("hikisupFormsCertificate", *smoke.NEUTRAL),
        Press("hikisupBlankConsent", *smoke.NEUTRAL),
        Press("hikisupCheck"),
    ]
    forms_made = []
    for press in presses:
        button = registry.BY_ID[press.button_id]
        if press.sheet is not None:
            live.select(press.sheet, press.cells)
        excel.dispatch(button.id, book=live, today=TODAY)
        form = smoke.on_file(button, press, path, TODAY)
        if button.arguments:
            assert smoke._form_files(Path(live.path), form) == [], press
        forms_made.append(form.name if form else None)
        assert smoke._differences(LiveEngine(live), FileEngine(path)) == [], press
    assert forms_made == [
        f"{Path(smoke.WORKBOOK_NAME).stem}_活動報告書.xlsx",
        None,
        f"{Path(smoke.WORKBOOK_NAME).stem}_修了証書.xlsx",
        f"{Path(smoke.WORKBOOK_NAME).stem}_同意書_空欄.xlsx",
        None,
    ]
    Path(live.path).with_name(forms_made[0] or "").with_suffix(".pdf").unlink()
    form = tmp_path / "file" / (forms_made[0] or "")
    assert smoke._form_files(Path(live.path), form) == [
        f"{form.with_suffix('.pdf').name} was not made by Excel"
    ]


@pytest.mark.skipif(sys.platform.startswith("win"), reason="runs Excel on Windows")
def test_it_says_it_needs_excel_for_windows() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hikisup_xl.smoke", "--no-prompt"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "no Excel here" in proc.stderr


def test_candidates_are_pressed_on_the_arranged_dispatch_and_match_the_file_engine(
    tmp_path: Path,
) -> None:
    """派遣候補 is pressed with the demo's 調整中 row selected; the file engine's run (and its
    refusal from another sheet) leaves the same tables as dispatch on the fake Excel."""
    from hikisup_xl.demo import generate

    cell = smoke.arranging_row(generate(TODAY))
    assert [p for p in smoke.plan(cell) if p.button_id == "hikisupCandidates"] == [
        Press("hikisupCandidates", "派遣", cell)
    ]
    world = base_world()
    world["dispatches"].append(
        {**world["dispatches"][0], "dispatch_id": "D00002", "reg_no": None, "decided": None,
         "state": "調整中"}
    )  # fmt: skip
    rows = world_rows(world)
    assert smoke.arranging_row(rows) == "A3"
    path = write_workbook(tmp_path / smoke.WORKBOOK_NAME, rows)
    live = FakeBook.from_openpyxl(build_workbook(Settings(), rows), smoke.WORKBOOK_NAME)
    button = registry.BY_ID["hikisupCandidates"]
    for press in (Press(button.id, "派遣", "A3"), Press(button.id, *smoke.NEUTRAL)):
        live.select(press.sheet or "", press.cells)
        excel.dispatch(button.id, book=live, today=TODAY)
        assert smoke.on_file(button, press, path, TODAY) is None
        assert smoke._differences(LiveEngine(live), FileEngine(path)) == [], press
