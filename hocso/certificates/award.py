"""Who has earned a certificate, and what it states: read from the same report the instructor sees.

A learner earns one when they have submitted every module of their group's path and their score
over it reaches the course's pass mark (`course.toml` `pass_mark`). The path of a group is the
course's modules (not the placement tests) with graded cells in that group's edition. The level
stated per domain is the lowest level reached over the domain's assessed competences: a
certificate never claims more than the weakest part of a domain shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from hocso.certificates.signing import CertificateFacts
from hocso.config import Course
from hocso.paths import learning_paths
from hocso.reports.summary import build_report
from hocso.roster import Roster


@dataclass(frozen=True)
class Standing:
    """One learner's position towards a certificate: earned or not, and what is missing."""

    learner_id: str
    name: str
    earned: bool
    score: float
    missing_modules: tuple[str, ...]
    facts: CertificateFacts | None


def group_paths(course: Course) -> dict[str, tuple[str, ...]]:
    """Each group's path (`hocso.paths`): the course's modules, not the placement tests, with graded
    cells in its edition."""
    return {group: path.modules for group, path in learning_paths(course).items()}


def path_modules(course: Course, group: str) -> tuple[str, ...]:
    """The modules of one group's path, in course order."""
    return group_paths(course)[group]


def standings(
    course: Course,
    scores: pd.DataFrame,
    roster: Roster,
    issued: date | None = None,
    *,
    unit: str | None = None,
    group: str | None = None,
) -> list[Standing]:
    """Every rostered learner (of `unit`/`group` when given), earned or not, from the gradebook's scores."""
    report = build_report(course, scores, roster, unit=unit, group=group)
    issued_on = (issued or date.today()).isoformat()
    submitted = _submitted_modules(scores)
    paths = group_paths(course)
    result = []
    learners = report.learners
    for learner_id, name, learner_group, unit_name, score in zip(
        learners["learner_id"].astype(str),
        learners["name"].astype(str),
        learners["group"].astype(str),
        learners["unit"].astype(str),
        learners["score"].astype(float),
        strict=True,
    ):
        path = paths[learner_group]
        missing = tuple(m for m in path if m not in submitted.get(learner_id, set()))
        earned = bool(path) and not missing and score >= course.info.pass_mark
        facts = None
        if earned:
            facts = CertificateFacts(
                course=course.id,
                name=name,
                unit=unit_name,
                group=learner_group,
                issued=issued_on,
                modules=path,
                levels=_domain_levels(report.profile, learner_id),
            )
        result.append(Standing(learner_id, name, earned, score, missing, facts))
    return result


def _submitted_modules(scores: pd.DataFrame) -> dict[str, set[str]]:
    """Per learner, the modules with graded cells in the gradebook (a submission that was graded)."""
    if scores.empty:
        return {}
    grouped = scores.groupby(scores["learner_id"].astype(str))["module"].unique()
    return {str(k): set(map(str, v)) for k, v in grouped.items()}


def _domain_levels(profile: pd.DataFrame, learner_id: str) -> dict[str, int]:
    mine = profile[profile["learner_id"].astype(str) == learner_id]
    if mine.empty:
        return {}
    domains = mine["competence"].astype(str).str.split(".").str[0]
    lowest = mine.groupby(domains)["level"].min()
    return {str(domain): int(level) for domain, level in lowest.items()}
