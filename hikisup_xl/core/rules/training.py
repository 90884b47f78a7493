"""Rules on trainees (受講者): completion needs attendance; numbers follow completion."""

from __future__ import annotations

from collections.abc import Iterator

from ..book import Book
from ..issues import WARNING, Issue


def completion(book: Book) -> Iterator[Issue]:
    t = book["trainees"]
    trainings = book["trainings"]
    held = dict(zip(trainings.texts("training_id"), trainings.dates("date"), strict=True))
    for i, (att, done, cert) in enumerate(
        zip(t.texts("attendance"), t.dates("completed"), t.texts("cert_no"), strict=True)
    ):
        if done is not None and att == "欠席":
            yield t.issue(
                i, "completed", "training.absent", "欠席の受講者に修了日が入力されています"
            )
        if cert is not None and done is None:
            yield t.issue(
                i,
                "cert_no",
                "training.cert_without_completion",
                "修了日がないのに修了番号があります",
            )
        day = held.get(t.texts("training_id")[i])
        if done is not None and day is not None and done < day:
            yield t.issue(
                i,
                "completed",
                "training.before_session",
                f"修了日が研修の開催日（{day:%Y/%m/%d}）より前です",
                WARNING,
            )
