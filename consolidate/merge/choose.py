"""Which return counts for each unit: the newest, when a unit sent several (each is listed)."""

from __future__ import annotations

from ..check import Issue, Located
from ..spec import Spec
from ..text import Code, Joined
from .result import Submission


def choose_newest(
    spec: Spec, located: list[Located], failed: list[tuple[str, str | None]]
) -> tuple[dict[str, Located], dict[str, Submission], list[Issue]]:
    """Newest return per unit wins; the others are listed in W-DUPLICATE-RETURN. A blank return
    (the form sent back as it came) never wins over a filled one; a unit that sent only blank
    ones has not returned (``blank``, W-BLANK-RETURN)."""
    by_unit: dict[str, list[Located]] = {}
    for item in located:
        by_unit.setdefault(item.unit_code, []).append(item)
    deadline = spec.report.deadline
    submissions = {u.code: Submission(u.code) for u in spec.units}
    chosen: dict[str, Located] = {}
    issues: list[Issue] = []
    for code, candidates in by_unit.items():
        candidates.sort(key=lambda r: r.book.order, reverse=True)
        sub = submissions[code]
        filled = [c for c in candidates if not c.blank]
        if not filled:
            newest = candidates[0]
            sub.status, sub.file = "blank", newest.book.name
            sub.received, sub.time_source = newest.book.time, newest.book.time_source
            sub.overdue = deadline is not None and newest.book.time.date() > deadline
            sub.other_files = [c.book.name for c in candidates[1:]]
            issues.append(
                Issue(Code.W_BLANK_RETURN, unit=code, file=newest.book.name, params={"unit": spec.unit_map[code].name})
            )
            continue
        winner = filled[0]
        chosen[code] = winner
        sub.status = "returned" if len(candidates) == 1 else "duplicate"
        sub.file = winner.book.name
        sub.received, sub.time_source = winner.book.time, winner.book.time_source
        sub.overdue = deadline is not None and winner.book.time.date() > deadline
        sub.contact, sub.phone = winner.contact, winner.phone
        sub.other_files = [c.book.name for c in candidates if c is not winner]
        if len(candidates) > 1:
            names = Joined(c.book.name for c in candidates)
            issues.append(
                Issue(
                    Code.W_DUPLICATE_RETURN,
                    unit=code,
                    file=winner.book.name,
                    params={"unit": spec.unit_map[code].name, "files": names, "kept": winner.book.name},
                )
            )
    for name, guessed in failed:
        if guessed is not None and guessed not in chosen:
            submissions[guessed].status = "unreadable"
            submissions[guessed].file = name
    return chosen, submissions, issues
