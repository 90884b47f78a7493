"""PDF from the forms workbook: Excel when running live (xlwings), LibreOffice headless otherwise.

All the workbooks of one run go through ONE LibreOffice process, on a private profile so that
it never meets a clerk's open LibreOffice. The profile starts as a copy of a warm one kept in
the user's cache: a fresh profile makes LibreOffice run its first-start work (registry, render
tests) on every call. The cached profile is only ever copied, never used in place, so two runs
at once cannot meet; it is written once, by renaming a finished copy into place. On Linux the
process gets our own fontconfig file, which maps the Windows font names the forms use to the
IPAex fonts; nothing else on the machine sees it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from ..core.errors import HikisupError
from ..engine.safety import save_beside
from .render import FormsBook

Job = tuple[Path, Path]  # (workbook to print, PDF to write)

SOFFICE_ENV = "HIKISUP_SOFFICE"
HOME_ENV = "HIKISUP_HOME"
CACHE_ENV = "HIKISUP_CACHE"
TIMEOUT_S = 600
_WINDOWS_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_MAC_PLACES = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)

NO_CONVERTER = (
    "PDFを作成できません：LibreOffice（soffice）が見つかりません。"
    "LibreOffice をインストールするか、--pdf を付けずに実行して、できた Excel ファイルを"
    "Excel から印刷してください（Excel のリボンから実行すると Excel が PDF を作ります）。"
)


class Converter(Protocol):
    name: str

    def convert(self, jobs: Sequence[Job]) -> None:
        """Write each job's PDF (every sheet of the workbook, in order) to the path given:
        print_book hands it a temporary file, which replaces the PDF once complete."""
        ...


def find_soffice() -> str | None:
    """The LibreOffice program: $HIKISUP_SOFFICE, then PATH, then the usual install places."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    places = _WINDOWS_PLACES if sys.platform == "win32" else _MAC_PLACES
    return next((p for p in places if Path(p).exists()), None)


def converter_for(engine: object) -> Converter:
    """Excel for a live engine (its xlwings Book is `engine.book`), else LibreOffice."""
    app = getattr(getattr(engine, "book", None), "app", None)
    if app is not None:
        return ExcelConverter(app)
    soffice = find_soffice()
    if soffice is None:
        raise HikisupError(NO_CONVERTER)
    return LibreOfficeConverter(soffice)


def fonts_conf() -> contextlib.AbstractContextManager[Path]:
    return resources.as_file(
        resources.files("hikisup_xl.forms").joinpath("data").joinpath("fonts.conf")
    )


class ConversionError(HikisupError):
    """LibreOffice ran but made no PDF (worth one more try on a fresh profile)."""


def cache_dir() -> Path:
    """Our folder in the user's cache: $HIKISUP_CACHE, else $HIKISUP_HOME/cache, else the
    platform's cache folder (%LOCALAPPDATA%, ~/Library/Caches, $XDG_CACHE_HOME or ~/.cache)."""
    cache = os.environ.get(CACHE_ENV)
    if cache:
        return Path(cache)
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home) / "cache"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "hikisup_xl"


def warm_profile(program: str) -> Path:
    """Where the warm profile for this LibreOffice is kept (a new install gets a new one)."""
    path = Path(program)
    try:
        stat = path.resolve().stat()
        stamp = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    except OSError:
        stamp = program
    key = hashlib.sha256(stamp.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return cache_dir() / f"libreoffice-profile-{key}"


# LibreOffice with the IPAex fonts of fonts.conf lays an Excel column width out about 13.6 %
# wider than Excel does with ＭＳ 明朝 (measured: a 180 mm form printed at 87.7 %, its
# 10.5 pt text at 9.2 pt). The print copy's columns are narrowed by this much so that the form
# prints at 100 %, as Excel prints it (tests/forms/test_forms_typography.py measures the PDF).
IPAEX_WIDTH_FACTOR = 1.14


def _uses_fonts_conf() -> bool:
    """Linux: soffice gets our fontconfig file (Windows and macOS have their own fonts)."""
    return sys.platform not in ("win32", "darwin")


def print_book(printer: Converter, book: FormsBook, xlsx: Path, pdf: Path) -> None:
    """The PDF of the forms workbook just saved as `xlsx`.

    LibreOffice gets a print copy with alike one-page sheets stacked on one worksheet (see
    stacking.py: it costs LibreOffice a quarter of the time, same pages); Excel prints `xlsx`.
    The converter writes a temporary file that replaces `pdf` only once it is a whole PDF
    (the one atomic save, safety.save_beside): a print killed or failed half-way leaves the
    previous PDF as it was, and at most a temporary file the next job sweeps away.
    """

    def write(tmp: Path) -> None:
        if not getattr(printer, "stacks_pages", False):
            printer.convert([(xlsx, tmp)])
            return
        with tempfile.TemporaryDirectory(prefix="hikisup-print-") as folder:
            copy = Path(folder) / "print.xlsx"
            book.save_for_print(copy, IPAEX_WIDTH_FACTOR if _uses_fonts_conf() else 1.0)
            printer.convert([(copy, tmp)])

    save_beside(pdf, write, keep_backup=False)


class LibreOfficeConverter:
    name = "LibreOffice"
    stacks_pages = True  # print_book hands it the stacked print copy

    def __init__(self, program: str, timeout: float = TIMEOUT_S) -> None:
        self.program = program
        self.timeout = timeout

    def convert(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        with tempfile.TemporaryDirectory(prefix="hikisup-pdf-") as tmp, fonts_conf() as conf:
            work = Path(tmp)
            # ASCII names in a private folder: no Unicode, space or OneDrive path reaches soffice.
            sources = []
            for i, (xlsx, _pdf) in enumerate(jobs):
                source = work / f"form{i}.xlsx"
                shutil.copyfile(xlsx, source)
                sources.append(source)
            warm = warm_profile(self.program)
            profile = work / "profile"
            reused = _copy_profile(warm, profile)
            if not reused:
                _seed_profile(profile)
            try:
                self._convert(work, profile, sources, jobs, conf)
            except ConversionError:
                if not reused:
                    raise
                # A cached profile that a newer LibreOffice or a crash left unusable: forget it
                # and try once more on a fresh one.
                shutil.rmtree(warm, ignore_errors=True)
                shutil.rmtree(profile, ignore_errors=True)
                _seed_profile(profile)
                reused = False
                self._convert(work, profile, sources, jobs, conf)
            if not reused:
                _keep_profile(profile, warm)

    def _convert(
        self, work: Path, profile: Path, sources: list[Path], jobs: Sequence[Job], conf: Path
    ) -> None:
        for source in sources:
            source.with_suffix(".pdf").unlink(missing_ok=True)
        self._run(work, profile, sources, conf)
        for source, (_xlsx, pdf) in zip(sources, jobs, strict=True):
            if not source.with_suffix(".pdf").exists():
                raise ConversionError(
                    f"LibreOffice が「{pdf.name}」を作成しませんでした。"
                    "LibreOffice を一度起動して閉じてから、もう一度実行してください。"
                )
        for source, (_xlsx, pdf) in zip(sources, jobs, strict=True):
            shutil.copyfile(source.with_suffix(".pdf"), pdf)

    def _run(self, work: Path, profile: Path, sources: list[Path], conf: Path) -> None:
        argv = [
            self.program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            *(str(s) for s in sources),
        ]
        env = dict(os.environ)
        if _uses_fonts_conf():
            env["FONTCONFIG_FILE"] = str(conf)
        try:
            returncode, stderr = _run_group(argv, work, env, self.timeout)
        except subprocess.TimeoutExpired:
            raise HikisupError(
                f"LibreOffice が {self.timeout:.0f} 秒たっても終わらないため中止しました。"
                "帳票の Excel ファイルは作成済みです。"
            ) from None
        except OSError as exc:
            raise HikisupError(
                f"LibreOffice（{self.program}）を起動できません（{exc.strerror}）。"
            ) from None
        if returncode != 0:
            detail = stderr.decode(errors="replace").strip().splitlines()[-1:]
            raise ConversionError(
                f"LibreOffice でPDFを作成できませんでした（終了コード {returncode}"
                + (f"：{detail[0]}" if detail else "")
                + "）。帳票の Excel ファイルは作成済みです。"
            )


# LibreOffice takes a profile whose ooSetupLastVersion is older than itself for one just
# upgraded, and then runs its graphics self-tests (about a hundred drawings on 4096-pixel
# bitmaps) before it does anything else: 0.6 s of CPU. A headless conversion never records the
# version, so without this every run pays it. Ours is a private profile that never needs the
# upgrade work, so it is told a version no LibreOffice has reached.
LAST_VERSION_ITEM = (
    '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
    'oor:op="fuse"><value>99.9</value></prop></item>'
)
NOT_UPGRADED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
    ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    f"{LAST_VERSION_ITEM}\n</oor:items>\n"
)


def _seed_profile(profile: Path) -> None:
    """A fresh profile that LibreOffice will not take for an upgrade (see NOT_UPGRADED)."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(NOT_UPGRADED, encoding="utf-8")


def _told_not_upgraded(profile: Path) -> bool:
    try:
        registry = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return LAST_VERSION_ITEM in registry


def _copy_profile(warm: Path, profile: Path) -> bool:
    """Start `profile` as a copy of the warm one; False (a fresh profile) if there is none."""
    if not warm.is_dir():
        return False
    if not _told_not_upgraded(warm):  # kept by an older version of ours: start afresh
        shutil.rmtree(warm, ignore_errors=True)
        return False
    try:
        shutil.copytree(warm, profile)
    except OSError:
        shutil.rmtree(profile, ignore_errors=True)
        return False
    return True


def _keep_profile(profile: Path, warm: Path) -> None:
    """Keep a profile LibreOffice has just used well as the warm one (best effort, atomic)."""
    if warm.exists() or not profile.is_dir():
        return
    staging = warm.with_name(f"{warm.name}.{os.getpid()}.tmp")
    try:
        warm.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(profile, staging)
        staging.rename(warm)  # fails if another run got there first: theirs is as good
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run_group(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[int, bytes]:
    """Run soffice in its own process group; on timeout end that group (soffice.bin too)."""
    posix = os.name == "posix"
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=posix,
    ) as proc:
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if posix:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.communicate()
            raise
        return proc.returncode, err


class ExcelConverter:
    """PDF through the running Excel (the live engine's xlwings App)."""

    name = "Excel"
    stacks_pages = False

    def __init__(self, app: Any) -> None:
        self.app = app

    def convert(self, jobs: Sequence[Job]) -> None:
        for xlsx, pdf in jobs:
            book = self.app.books.open(str(xlsx), read_only=True)
            try:
                book.to_pdf(str(pdf))
            finally:
                book.close()
