"""A form's PDF goes through the one atomic save (safety.save_beside): the converter writes a
temporary file beside it, which replaces the previous PDF only once it is a whole PDF. A print
that fails or is killed half-way leaves the previous PDF as it was, and no temporary file that
the next job does not sweep away."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest
from forms_helpers import TODAY, make_book
from safety.util import wait_for

from hikisup_xl.core.errors import HikisupError
from hikisup_xl.engine import leftovers
from hikisup_xl.engine.patch import PatchEngine
from hikisup_xl.forms.action import forms
from hikisup_xl.forms.select import Selection

OLD = b"%PDF-1.4 the certificates printed yesterday\n%%EOF\n"
NEW = b"%PDF-1.4 " + b"today's certificates " * 2000 + b"\n%%EOF\n"


class Printer:
    """A converter: writes `body` to the path it is given, or half of it and then fails."""

    name = "テスト用"
    stacks_pages = False

    def __init__(self, body: bytes, fail: Exception | None = None) -> None:
        self.body, self.fail = body, fail
        self.given: list[Path] = []

    def convert(self, jobs: Sequence[tuple[Path, Path]]) -> None:
        for _xlsx, pdf in jobs:
            self.given.append(pdf)
            if self.fail is not None:
                pdf.write_bytes(self.body[: len(self.body) // 2])
                raise self.fail
            pdf.write_bytes(self.body)


def _strays(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".~", "~$")))


def _print(book: Path, printer: Printer) -> Path:
    out = book.with_name("修了証書.xlsx")
    forms(PatchEngine(book), TODAY, "certificate", Selection(), out, True, converter=printer)
    return out.with_suffix(".pdf")


@pytest.fixture
def printed(tmp_path: Path) -> tuple[Path, Path]:
    """A workbook whose certificates were printed once (the PDF holds OLD)."""
    book = make_book(tmp_path)
    pdf = _print(book, Printer(OLD))
    assert pdf.read_bytes() == OLD
    return book, pdf


def test_the_converter_writes_a_temporary_file_that_then_replaces_the_pdf(
    printed: tuple[Path, Path],
) -> None:
    book, pdf = printed
    printer = Printer(NEW)
    assert _print(book, printer) == pdf
    (given,) = printer.given
    assert given != pdf and given.parent == pdf.parent and given.name.startswith(".~hikisup-")
    assert given.suffix == ".pdf" and not given.exists()
    assert pdf.read_bytes() == NEW
    assert _strays(book.parent) == []


def test_a_print_that_fails_half_way_leaves_the_previous_pdf(
    printed: tuple[Path, Path],
) -> None:
    book, pdf = printed
    with pytest.raises(RuntimeError, match="printer jammed"):
        _print(book, Printer(NEW, RuntimeError("printer jammed")))
    assert pdf.read_bytes() == OLD
    assert _strays(book.parent) == []  # the half-written temporary file is gone too


def test_a_print_that_writes_no_pdf_is_not_swapped_in(printed: tuple[Path, Path]) -> None:
    book, pdf = printed
    with pytest.raises(HikisupError, match="検証に失敗しました"):
        _print(book, Printer(b"<html>an error page, not a PDF</html>"))
    assert pdf.read_bytes() == OLD
    assert _strays(book.parent) == []


def test_a_print_killed_half_way_leaves_the_previous_pdf_and_the_next_job_sweeps(
    printed: tuple[Path, Path], tmp_path: Path
) -> None:
    book, pdf = printed
    signal = tmp_path / "printing.signal"
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from hikisup_xl.engine.patch import PatchEngine
        from hikisup_xl.forms.action import forms
        from hikisup_xl.forms.select import Selection

        class Stuck:
            name, stacks_pages = "stuck", False
            def convert(self, jobs):
                for _xlsx, pdf in jobs:
                    pdf.write_bytes(b"%PDF-1.4 half of it")
                    Path({str(signal)!r}).write_text("writing")
                    time.sleep(60)  # killed here, mid-write

        book = Path({str(book)!r})
        forms(PatchEngine(book), __import__("datetime").date(2026, 11, 26), "certificate",
              Selection(), book.with_name("修了証書.xlsx"), True, converter=Stuck())
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert wait_for(signal, proc), proc.communicate()  # type: ignore[arg-type]
    finally:
        proc.kill()
        proc.communicate()
    assert pdf.read_bytes() == OLD  # the previous PDF, whole
    left = [n for n in _strays(book.parent) if n.endswith(".pdf")]
    assert len(left) == 1  # the killed print's temporary file (its owner is dead)
    assert leftovers.sweep(book.parent) == left  # what the next job in the folder does
    assert [n for n in _strays(book.parent) if n.endswith(".pdf")] == []
