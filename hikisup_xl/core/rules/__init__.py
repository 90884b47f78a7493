"""Validation rules: plain functions from a Book to the issues they find."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..book import Book
from ..issues import Issue, sort_key
from . import dispatch, insurance, people, references, reports, training

Rule = Callable[[Book], Iterable[Issue]]

RULES: tuple[Rule, ...] = (
    references.unique_ids,
    references.known_references,
    people.duplicate_people,
    people.births_in_the_past,
    people.registration_prerequisites,
    people.registration_periods,
    people.withdrawal_consistency,
    people.contact_present,
    people.change_reasons,
    training.completion,
    dispatch.dispatch_eligibility,
    dispatch.missing_reports,
    dispatch.decision_order,
    dispatch.finished_without_reports,
    reports.report_times,
    reports.report_eligibility,
    reports.report_deadline,
    reports.other_details,
    dispatch.accidents,
    insurance.insured_activity,
)


def run_rules(book: Book) -> list[Issue]:
    """Every issue in the book, cell format problems first found while parsing."""
    found = list(book.parse_issues)
    for rule in RULES:
        found.extend(rule(book))
    return sorted(found, key=sort_key)
