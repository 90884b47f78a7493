"""Lossless: what an openpyxl save would drop (pictures, shapes, x14 extensions, custom parts)
comes out of every action byte for byte; and LibreOffice opens what the engine wrote."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import base_world, world_rows
from lxml import etree  # type: ignore[import-untyped]

from hikisup_xl.core import schema
from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine import safety
from hikisup_xl.engine.files import FileEngine
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.engine.protocol import Link
from hikisup_xl.engine.sheetxml import WORKSHEET_ORDER
from hikisup_xl.jobs import ledger as actions

from .test_patch_actions import WORLDS
from .util import (
    TODAY,
    add_extras,
    build,
    drop_snapshot_sheet,
    members,
    openpyxl_values,
    raw_members,
    sheet_part,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WITH_DRAWINGS = (schema.REGISTER.sheet, schema.ISSUES.sheet)
EXT_ONLY = (schema.REPORTS.sheet, schema.ACCIDENTS.sheet)  # no action writes there


# A world in which each action writes to a sheet that has a drawing.
WORLD_OF = {"check": "mistakes", "number": "numbering", "expiries": "expiry"}


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    """Workbooks with what Excel users add: a picture, shapes, x14 validations, custom XML."""
    out = {}
    for verb, world in WORLD_OF.items():
        path = tmp_path_factory.mktemp(world) / "名簿.xlsx"
        build(path, world_rows(WORLDS[world]()))
        out[verb] = (path, add_extras(path, WITH_DRAWINGS, EXT_ONLY))
    return out


@pytest.fixture(scope="module")
def results(
    rich: dict[str, tuple[Path, list[str]]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    out = {}
    for verb, (source, _) in rich.items():
        path = tmp_path_factory.mktemp(verb) / source.name
        shutil.copyfile(source, path)
        for _ in range(2):
            actions.ACTIONS[verb](PatchEngine(path), TODAY)
        out[verb] = path
    return out


def test_the_openpyxl_engine_would_refuse_this_workbook(
    rich: dict[str, tuple[Path, list[str]]],
) -> None:
    path, _ = rich["check"]
    lost = set(safety.inspect_file(path).would_lose)
    assert {"画像", "図形"} <= lost
    assert any("入力規則" in item for item in lost)
    with pytest.raises(HikisupError, match="失われる"):
        FileEngine(path)


def _element(path: Path, sheet: str, name: str) -> bytes:
    parts = members(path)
    root = etree.fromstring(parts[sheet_part(parts, sheet)])
    (el,) = root.findall(f"{MAIN}{name}")
    return bytes(etree.tostring(el, method="c14n", exclusive=True))


@pytest.mark.parametrize("verb", sorted(actions.ACTIONS))
def test_every_added_part_survives_byte_for_byte(
    verb: str, rich: dict[str, tuple[Path, list[str]]], results: dict[str, Path]
) -> None:
    source, extras = rich[verb]
    before, after = raw_members(source), raw_members(results[verb])
    after_parts = members(results[verb])
    for name in extras:  # compressed bytes, CRC and size: copied, not rewritten
        assert after[name] == before[name], name
    parts = members(source)
    changed = {n for n in before if after.get(n) != before[n]}
    rewritten = {sheet_part(parts, s) for s in WITH_DRAWINGS} & changed
    assert rewritten, "the action should have rewritten a sheet with a drawing"
    for sheet in WITH_DRAWINGS:  # rewritten or not, the sheet keeps its drawing and extension
        for element in ("drawing", "extLst"):
            assert _element(results[verb], sheet, element) == _element(source, sheet, element)
    for sheet in EXT_ONLY:  # untouched sheets: the whole part is the same bytes
        assert sheet_part(parts, sheet) not in changed
    for name in changed:  # hyperlinks went in before the drawing, as the schema orders them
        if name.startswith("xl/worksheets/sheet"):
            children = [etree.QName(el).localname for el in etree.fromstring(after_parts[name])]
            ranks = [WORKSHEET_ORDER.index(c) for c in children]
            assert ranks == sorted(ranks), (name, children)


def test_the_actions_did_their_work(results: dict[str, Path]) -> None:
    issues = openpyxl_values(results["check"])[schema.ISSUES.sheet]
    assert len(issues) > 3
    log = openpyxl_values(results["number"])[schema.LOG.sheet]
    assert [r[2] for r in log[1:]] == ["採番", "採番"]
    register = openpyxl_values(results["number"])[schema.REGISTER.sheet]
    assert [r[0] for r in register[1:]] == ["001", "002", None]


# --------------------------------------------------------------------------- LibreOffice
def _edge_cases(folder: Path) -> dict[str, Path]:
    """Files that exercise the engine's unusual paths, each written by the patch engine."""
    out: dict[str, Path] = {}
    path = build(folder / "edge.xlsx", world_rows(base_world()))
    drop_snapshot_sheet(path)  # the engine adds the hidden sheet
    engine = PatchEngine(path)
    raw = engine.read_table(schema.REGISTER)
    engine.write_cells(raw, "memo", {0: "制御\x07文字\x00と\x1b改行\r\n  空白  "})
    engine.write_cells(raw, "skills", {0: dt.datetime(2026, 11, 26, 10, 30)})
    engine.replace_rows(
        schema.ISSUES,
        [
            (
                "エラー",
                "登録名簿",
                2,
                "備考",
                "x",
                "テスト",
                "t",
                Link("登録名簿!Y2", "'登録名簿'!Y2"),
            )
        ],
    )
    engine.write_snapshot([("001", '{"name": "山田"}')])
    engine.save()
    out["edge"] = path
    return out


@pytest.fixture(scope="module")
def libreoffice(
    results: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Path], Path]:
    """One LibreOffice run for the module: every file converted to PDF."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required on CI but is not on PATH")
        pytest.skip("LibreOffice (soffice) is not installed; install it to run this check")
    folder = tmp_path_factory.mktemp("lo")
    files = {f"after-{verb}": path for verb, path in results.items()}
    files.update(_edge_cases(folder))
    inputs = folder / "in"
    inputs.mkdir()
    for label, path in files.items():
        shutil.copyfile(path, inputs / f"{label}.xlsx")
    out = folder / "pdf"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(inputs / f"{label}.xlsx") for label in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return files, out


@pytest.mark.parametrize("label", ["after-check", "after-expiries", "after-number", "edge"])
def test_libreoffice_opens_what_the_engine_wrote(
    label: str, libreoffice: tuple[dict[str, Path], Path]
) -> None:
    files, out = libreoffice
    assert label in files
    pdf = out / f"{label}.pdf"
    assert pdf.exists(), f"LibreOffice could not open {label}.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
