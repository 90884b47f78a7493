"""第7条's registration gate, stated once: used by `number` (to issue) and `check` (to report).

A register row may hold a 登録番号 when its 修了番号 is a completed trainee's, that trainee is
this person (氏名 or ふりがな, and 生年月日, compared blind to width, kana script and spaces),
no other register row claims the same 修了番号, and the 同意書 has been received. Supporters
received on another body's roster (名簿提供元) trained there: their 修了番号 is not ours to check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .book import Book
from .schema import ENDED_STATES
from .text import name_key, nfkc


@dataclass(frozen=True, slots=True)
class Refusal:
    column: str  # register column key the clerk should look at
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class _Trainee:
    names: frozenset[str]
    birth: dt.date | None
    completed: bool


def _cert_key(value: str | None) -> str | None:
    return nfkc(value).strip() or None if value else None


def _names(*values: str | None) -> frozenset[str]:
    return frozenset(name_key(v) for v in values if v and name_key(v))


class RegistrationGate:
    """The facts the gate needs, read once from the book.

    `new_certs` are 修了番号 the current action has just issued ({trainee row index: number}).
    """

    def __init__(self, book: Book, new_certs: Mapping[int, str] | None = None) -> None:
        trainees = book["trainees"]
        fresh = new_certs or {}
        self._trainees: dict[str, _Trainee] = {}
        rows = zip(
            trainees.texts("cert_no"),
            trainees.texts("name"),
            trainees.texts("kana"),
            trainees.dates("birth"),
            trainees.dates("completed"),
            strict=True,
        )
        for i, (cert, name, kana, birth, completed) in enumerate(rows):
            key = _cert_key(fresh.get(i, cert))
            if key is not None and key not in self._trainees:
                self._trainees[key] = _Trainee(_names(name, kana), birth, completed is not None)
        reg = book["register"]
        self._reg = reg
        self._foreign = {i for i, src in enumerate(reg.texts("roster_source")) if src}
        self._owner = self._owners(reg.texts("reg_no"), reg.texts("cert_no"))

    def _owners(self, numbers: list[str | None], certs: list[str | None]) -> dict[str, int]:
        """Each of our 修了番号's registrant: the first row holding it with a 登録番号, else the
        first row. Rows from another body's roster carry that body's numbers: never ours."""
        owner: dict[str, int] = {}
        for registered_first in (True, False):
            for i, (no, cert) in enumerate(zip(numbers, certs, strict=True)):
                key = _cert_key(cert)
                if key is None or key in owner or i in self._foreign:
                    continue
                if (no is not None) == registered_first:
                    owner[key] = i
        return owner

    def refusals(self, i: int) -> list[Refusal]:
        """Why register row `i` may not hold a 登録番号 (empty when it may)."""
        reg = self._reg
        out: list[Refusal] = []
        cert = _cert_key(reg.texts("cert_no")[i])
        if i in self._foreign and cert is not None:
            pass  # trained with the body that sent the roster
        elif cert is None:
            out.append(
                Refusal(
                    "cert_no",
                    "register.no_completion",
                    "修了番号がありません（研修の修了が登録の条件です）",
                )
            )
        else:
            out.extend(self._cert_refusals(i, cert))
        if reg.dates("consent")[i] is None:
            out.append(
                Refusal(
                    "consent",
                    "register.no_consent",
                    "同意書受領日がありません（資料5の同意書が必要です）",
                )
            )
        return out

    def _cert_refusals(self, i: int, cert: str) -> list[Refusal]:
        reg = self._reg
        trainee = self._trainees.get(cert)
        if trainee is None or not trainee.completed:
            return [
                Refusal(
                    "cert_no",
                    "register.not_completed",
                    "この修了番号の受講者に修了日が入力されていません",
                )
            ]
        out: list[Refusal] = []
        names = _names(reg.texts("name")[i], reg.texts("kana")[i])
        birth = reg.dates("birth")[i]
        other_birth = trainee.birth is not None and birth is not None and trainee.birth != birth
        if not (names & trainee.names) or other_birth:
            out.append(
                Refusal(
                    "cert_no",
                    "register.cert_other_person",
                    f"修了番号「{cert}」の受講者は別の人です（受講者シートの氏名・生年月日と一致しません）",
                )
            )
        owner = self._owner.get(cert, i)
        if owner != i:
            out.append(
                Refusal(
                    "cert_no",
                    "register.cert_taken",
                    f"修了番号「{cert}」は{reg.raw.row_numbers[owner]}行目の人の修了番号です。"
                    "ひとつの修了番号で登録できるのは一人です",
                )
            )
        return out

    def may_register(self, i: int) -> bool:
        """`number` issues a 登録番号: decided, not withdrawn, and nothing refused."""
        reg = self._reg
        if reg.dates("approved")[i] is None or reg.texts("state")[i] in ENDED_STATES:
            return False
        return not self.refusals(i)

    def held_back_reason(self, i: int) -> str:
        """Why `number` gave a decided row no 登録番号, in the clerk's words."""
        state = self._reg.texts("state")[i]
        if state in ENDED_STATES:
            return f"状態が「{state}」です"
        return "。".join(r.message for r in self.refusals(i))
