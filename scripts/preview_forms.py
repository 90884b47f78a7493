"""Write PNG previews of every form, blank and filled from the demo data, for a person to look at.

    python scripts/preview_forms.py [FOLDER] [--dpi 60] [--only certificate ...]
    python scripts/preview_forms.py --readme      # docs/preview_certificate.png for the README

FOLDER defaults to previews/ (git-ignored). Files are named <kind>_<blank|filled>[-<page>].png.
Needs LibreOffice (soffice) and poppler (pdftoppm); all forms go through one soffice run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hikisup_xl.core import schema
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine.files import FileEngine, save_atomic
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.kinds import KINDS
from hikisup_xl.forms.pdf import LibreOfficeConverter, find_soffice
from hikisup_xl.forms.select import Selection
from hikisup_xl.template import build_workbook

TODAY = dt.date(2026, 11, 26)
README_IMAGE = Path("docs") / "preview_certificate.png"


def _first(rows: list[tuple[object, ...]], spec: schema.TableSpec, key: str, **where: str) -> str:
    pos = spec.columns.index(spec.col(key))
    checks = [(spec.columns.index(spec.col(k)), v) for k, v in where.items()]
    for row in rows:
        if row[pos] and all(row[p] == v for p, v in checks):
            return str(row[pos])
    raise SystemExit(f"the demo data has no {spec.sheet} row with {key} {where}")


def demo_ids(data: dict[str, list[tuple[object, ...]]]) -> dict[str, tuple[str, ...]]:
    """One sensible selection per form from the demo data."""
    reg = _first(data["register"], schema.REGISTER, "reg_no", state="登録中")
    training = _first(data["trainings"], schema.TRAININGS, "training_id", kind="養成研修")
    follow_up = _first(data["trainings"], schema.TRAININGS, "training_id", kind="継続研修")
    cert = _first(data["trainees"], schema.TRAINEES, "cert_no")
    return {
        "application": (training,),
        "certificate": (cert,),
        "registration": (reg,),
        "consent": (reg,),
        "card": (reg,),
        "roster": (),
        "case-consent": (_first(data["cases"], schema.CASES, "case_id"),),
        "report": (_first(data["reports"], schema.REPORTS, "report_id"),),
        "renewal": (reg,),
        "invitation": (follow_up, reg),
    }


def render_previews(folder: Path, dpi: int, only: list[str], filled_only: bool) -> list[Path]:
    soffice = find_soffice()
    if soffice is None or shutil.which("pdftoppm") is None:
        raise SystemExit("previews need LibreOffice (soffice) and poppler-utils (pdftoppm)")
    folder.mkdir(parents=True, exist_ok=True)
    data = generate(TODAY, mistakes=False)
    ids = demo_ids(data)
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="hikisup-preview-") as tmp:
        work = Path(tmp)
        book = work / "demo.xlsx"
        save_atomic(build_workbook(DEMO_SETTINGS, data), book, keep_backup=False)
        jobs = []
        for kind in KINDS:
            if only and kind.key not in only:
                continue
            variants = [("filled", Selection(ids[kind.key]))]
            if not filled_only:
                variants.insert(0, ("blank", Selection(blank=True)))
            for variant, selection in variants:
                xlsx = work / f"{kind.key}_{variant}.xlsx"
                forms(FileEngine(book), TODAY, kind.key, selection, xlsx, False, record=False)
                jobs.append((xlsx, xlsx.with_suffix(".pdf")))
        LibreOfficeConverter(soffice).convert(jobs)
        for _xlsx, pdf in jobs:
            pages = work / "pages"
            pages.mkdir(exist_ok=True)
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(pages / pdf.stem)], check=True
            )
            shots = sorted(pages.glob(f"{pdf.stem}-*.png"))
            for n, shot in enumerate(shots, start=1):
                name = pdf.stem + (f"-{n}" if len(shots) > 1 else "") + ".png"
                target = folder / name
                shutil.move(shot, target)
                made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=Path("previews"))
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--only", action="append", default=[], help="a form key, e.g. card")
    parser.add_argument("--filled-only", action="store_true")
    parser.add_argument("--readme", action="store_true", help=f"write {README_IMAGE} only")
    args = parser.parse_args(argv)
    if args.readme:
        with tempfile.TemporaryDirectory() as tmp:
            (shot,) = render_previews(Path(tmp), 60, ["certificate"], True)
            README_IMAGE.parent.mkdir(exist_ok=True)
            shutil.copyfile(shot, README_IMAGE)
        print(README_IMAGE)
        return 0
    for path in render_previews(args.folder, args.dpi, args.only, args.filled_only):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
