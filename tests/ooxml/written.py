"""Every kind of file the project writes, made the way a clerk makes it (the CLI).

To validate a new kind of output, add one function decorated with `@writes("name")`: it gets
a fresh folder and the demo workbook (already saved, not yet processed) and returns the paths
of the files to check.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import invoke, row, write_workbook
from openpyxl import load_workbook

from hikisup_xl.core import schema
from hikisup_xl.core.settings import Settings
from hikisup_xl.demo import DEMO_SETTINGS, generate
from hikisup_xl.engine.pivotparts import adopt
from hikisup_xl.forms.kinds import KINDS

from .schemas import ROOT

TODAY = dt.date(2026, 11, 26)
FY = "2026"
ENGINES = ("patch", "openpyxl")

Writer = Callable[[Path, Path], list[Path]]
WRITERS: dict[str, Writer] = {}
# Writers that choose the engine through HIKISUP_ENGINE: their name ends with the engine.
ENGINE_OF: dict[str, str] = {}


def writes(name: str, engine: str | None = None) -> Callable[[Writer], Writer]:
    def register(writer: Writer) -> Writer:
        assert name not in WRITERS, name
        WRITERS[name] = writer
        if engine:
            ENGINE_OF[name] = engine
        return writer

    return register


def run(*args: object) -> None:
    result = invoke(*args)
    assert result.exit_code in (0, 1), result.output  # 1: the job found problems, still wrote


def demo_copy(folder: Path, demo: Path, name: str = "管理.xlsx") -> Path:
    path = folder / name
    shutil.copyfile(demo, path)
    return path


# -- the committed generated files ------------------------------------------------------------


@writes("template")
def _template(folder: Path, demo: Path) -> list[Path]:
    return [ROOT / "workbook" / "hikisup_template.xlsx"]


@writes("addin")
def _addin(folder: Path, demo: Path) -> list[Path]:
    return [ROOT / "workbook" / "hikisup.xlam"]


@writes("new")
def _new(folder: Path, demo: Path) -> list[Path]:
    run("new", folder / "新規.xlsx")
    return [folder / "新規.xlsx"]


@writes("demo")
def _demo(folder: Path, demo: Path) -> list[Path]:
    return [demo]


# -- the demo workbook after each job, on both engines ---------------------------------------

JOBS: dict[str, tuple[tuple[object, ...], ...]] = {
    "check": (("check", "{book}", "--today", TODAY),),
    "number": (("number", "{book}", "--today", TODAY),),
    "expiries": (("expiries", "{book}", "--today", TODAY),),
    "report": (("report", "{book}", "--fy", FY, "--today", TODAY),),
    # pivots written by report, then read back and saved again by another job
    "report-then-check": (
        ("report", "{book}", "--fy", FY, "--today", TODAY),
        ("check", "{book}", "--today", TODAY),
    ),
    "tidy": (("tidy", "{book}", "--today", TODAY),),
    "all-jobs": (
        ("number", "{book}", "--today", TODAY),
        ("expiries", "{book}", "--today", TODAY),
        ("check", "{book}", "--today", TODAY),
        ("report", "{book}", "--fy", FY, "--today", TODAY),
        ("check", "{book}", "--today", TODAY),
    ),
}


def _job_writer(steps: tuple[tuple[object, ...], ...]) -> Writer:
    def write(folder: Path, demo: Path) -> list[Path]:
        book = demo_copy(folder, demo)
        for step in steps:
            run(*(str(book) if a == "{book}" else a for a in step))
        return [book]

    return write


for _job, _steps in JOBS.items():
    for _engine in ENGINES:
        writes(f"demo-{_job}-{_engine}", _engine)(_job_writer(_steps))


# -- roster exchange ------------------------------------------------------------------------

PREFECTURE = Settings(body_name="架空県", body_kind="都道府県", department="障害福祉課")


def _supporter(
    no: str, name: str, kana: str, birth: dt.date, **extra: object
) -> tuple[object, ...]:
    values: dict[str, object] = {
        "reg_no": no,
        "name": name,
        "kana": kana,
        "birth": birth,
        "address": "架空市中央一丁目1-1",
        "mobile": "090-1234-5678",
        "approved": dt.date(2025, 8, 1),
        "consent": dt.date(2025, 7, 20),
        "issued": dt.date(2025, 8, 10),
        "period_start": dt.date(2025, 8, 10),
        "period_end": dt.date(2027, 8, 9),
        "state": "登録中",
    }
    values.update(extra)
    return row(schema.REGISTER, **values)


def _roster(folder: Path) -> Path:
    """A prefecture's roster: two new people and one of the demo's with another mobile."""
    demo_register = generate(TODAY)["register"]
    keys = [c.key for c in schema.REGISTER.columns]
    known = next(dict(zip(keys, r, strict=True)) for r in demo_register if r[keys.index("reg_no")])
    register = [
        _supporter("P901", "架空　次郎", "かくう　じろう", dt.date(1981, 2, 3)),
        _supporter("P902", "見本　花子", "みほん　はなこ", dt.date(1979, 4, 5)),
        _supporter(
            str(known["reg_no"]),
            str(known["name"]),
            str(known["kana"]),
            known["birth"],  # type: ignore[arg-type]
            mobile="080-9999-0000",
        ),
    ]
    pref = write_workbook(folder / "県.xlsx", {"register": register}, PREFECTURE)
    roster = folder / "県の名簿.xlsx"
    run("export-roster", pref, roster, "--today", TODAY)
    return roster


@writes("roster-export")
def _roster_export(folder: Path, demo: Path) -> list[Path]:
    out = folder / "名簿.xlsx"
    run("export-roster", demo_copy(folder, demo), out, "--today", TODAY)
    return [out, folder / "管理.xlsx"]


def _import_writer(folder: Path, demo: Path) -> list[Path]:
    roster = _roster(folder)
    book = demo_copy(folder, demo)
    run("import-roster", book, roster, "--today", TODAY)
    first = folder / "取込1回目.xlsx"
    shutil.copyfile(book, first)
    # staff choose 採用 on every review line (as Excel would save it), then run again
    wb = load_workbook(book)
    ws = wb[schema.IMPORT_REVIEW.sheet]
    header = next(c.header for c in schema.IMPORT_REVIEW.columns if c.key == "decision")
    decision = [c.value for c in ws[1]].index(header)
    for cells in ws.iter_rows(min_row=2):
        if any(c.value for c in cells):
            cells[decision].value = "採用"
    adopt(wb)  # Excel writes its pivots without openpyxl's stray r:id
    wb.save(book)
    run("import-roster", book, roster, "--today", TODAY + dt.timedelta(days=1))
    return [first, book]


for _engine in ENGINES:
    writes(f"demo-import-roster-{_engine}", _engine)(_import_writer)


# -- 移行: the 移行確認 sheet added to the workbook, then people added (#13) -----------------


def _migrate_writer(folder: Path, demo: Path) -> list[Path]:
    listing = folder / "旧名簿.csv"
    listing.write_bytes(
        "サポーター名簿,,,\r\n,,,\r\n氏名,ふりがな,生年月日,住所,修了日\r\n"
        "移行　一郎,いこう　いちろう,S50.2.3,甲府市,R1.6.1\r\n"
        "移行　花子,いこう　はなこ,平成31年5月1日,甲府市,\r\n".encode("cp932")
    )
    book = demo_copy(folder, demo)
    run("migrate", book, listing, "--today", TODAY)
    first = folder / "移行1回目.xlsx"
    shutil.copyfile(book, first)
    run("migrate", book, listing, "--apply", "--today", TODAY)
    return [first, book]


for _engine in ENGINES:
    writes(f"demo-migrate-{_engine}", _engine)(_migrate_writer)


# -- statistics: upward file and consolidation -----------------------------------------------


@writes("upward")
def _upward(folder: Path, demo: Path) -> list[Path]:
    outs = [folder / "提出.xlsx", folder / "提出_秘匿なし.xlsx"]
    book = demo_copy(folder, demo)
    run("report", book, "--fy", FY, "--today", TODAY, "--out", outs[0])
    run("report", book, "--fy", FY, "--today", TODAY, "--out", outs[1], "--suppress", 0)
    return outs


def _decrypted(encrypted: Path, password: str) -> Path:
    import msoffcrypto

    out = encrypted.with_name(f"{encrypted.stem}_復号.xlsx")
    with encrypted.open("rb") as src, out.open("wb") as dst:
        office = msoffcrypto.OfficeFile(src)
        office.load_key(password=password, verify_password=True)
        office.decrypt(dst)
    return out


@writes("encrypted-exchange-files")
def _encrypted(folder: Path, demo: Path) -> list[Path]:
    """What the other side reads after typing the password: the same package inside."""
    book = demo_copy(folder, demo)
    upward, roster = folder / "提出_暗号.xlsx", folder / "名簿_暗号.xlsx"
    run("report", book, "--fy", FY, "--today", TODAY, "--out", upward, "--password", "hikisup-pw1")
    run("export-roster", book, roster, "--today", TODAY, "--password", "hikisup-pw1")
    return [_decrypted(upward, "hikisup-pw1"), _decrypted(roster, "hikisup-pw1")]


@writes("consolidated")
def _consolidated(folder: Path, demo: Path) -> list[Path]:
    from hikisup_xl.engine.files import save_atomic
    from hikisup_xl.template import build_workbook

    inbox = folder / "受領"
    inbox.mkdir()
    for n, body in enumerate(("甲市", "乙町", "丙村")):
        book = folder / f"{body}.xlsx"
        settings = dataclasses.replace(DEMO_SETTINGS, body_name=body)
        save_atomic(build_workbook(settings, generate(TODAY, seed=n)), book, keep_backup=False)
        out = inbox / f"{body}_提出.xlsx"
        run("report", book, "--fy", FY, "--today", TODAY, "--out", out, "--suppress", n)
    (inbox / "壊れた.xlsx").write_bytes(b"PK\x03\x04 not a zip")  # listed as refused
    out = folder / "集約.xlsx"
    run("consolidate", inbox, out, "--today", TODAY, "--body-name", "架空県")
    return [out]


# -- upgrade: the committed older workbooks brought up to the current template --------------

OLDER_BOOKS = ROOT / "tests" / "upgrade" / "data"


def _upgrade_writer(version: int) -> Writer:
    def write(folder: Path, demo: Path) -> list[Path]:
        book = folder / "古いブック.xlsx"
        shutil.copyfile(OLDER_BOOKS / f"book_schema{version}.xlsx", book)
        run("upgrade", book, "--today", dt.date(2026, 4, 10))
        return [book]

    return write


for _version in (1, 2):
    writes(f"upgrade-schema{_version}")(_upgrade_writer(_version))


# -- forms: every kind, filled and blank ----------------------------------------------------


def _form_writer(kind: str, blank: bool) -> Writer:
    def write(folder: Path, demo: Path) -> list[Path]:
        book = _sibling_helpers("forms", "forms_helpers").make_book(folder)
        out = folder / f"{kind}.xlsx"
        ids = ["R000001"] if kind == "report" and not blank else []
        extra = ["--blank"] if blank else []
        run("forms", kind, book, *ids, *extra, "--today", TODAY, "--out", out)
        return [out, book]

    return write


for _kind in KINDS:
    writes(f"form-{_kind.key}")(_form_writer(_kind.key, blank=False))
    writes(f"form-{_kind.key}-blank")(_form_writer(_kind.key, blank=True))


def _sibling_helpers(folder: str, module: str) -> Any:
    """A helper module of another test folder (those folders are not packages)."""
    path = str(ROOT / "tests" / folder)
    if path not in sys.path:
        sys.path.append(path)
    return importlib.import_module(module)


def build_demo(path: Path) -> Path:
    """The demo municipality's workbook, as `hikisup demo` writes it before running any job."""
    from hikisup_xl.engine.files import save_atomic
    from hikisup_xl.template import build_workbook

    save_atomic(build_workbook(DEMO_SETTINGS, generate(TODAY)), path, keep_backup=False)
    return path
