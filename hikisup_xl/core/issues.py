"""Issues are values: every problem found is returned, none is raised per row."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["エラー", "警告"]
ERROR: Severity = "エラー"
WARNING: Severity = "警告"


@dataclass(frozen=True, slots=True)
class Issue:
    sheet: str
    row: int | None  # sheet row number (1-based), None for a whole-sheet issue
    column: str  # Japanese header, "" for a whole-row issue
    code: str
    message: str
    severity: Severity = ERROR
    value: str = ""
    cell: str = ""  # A1 address of the offending cell, for the hyperlink

    def location(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" {self.row}行目"
        if self.column:
            where += f"「{self.column}」"
        return where

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def sort_key(issue: Issue) -> tuple[int, str, int, str]:
    return (0 if issue.severity == ERROR else 1, issue.sheet, issue.row or 0, issue.column)
