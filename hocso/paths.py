"""Learning paths: what each learner group studies, in order, and at which edition.

A group's path is the course's modules (not the placement and end-of-course tests, `kind` in
course.toml) in course.toml order (the order they are written to be taken
in), each at the edition the module's `target_levels` gives that group (`hocso.editions`: exercises
at or below that level). A module whose edition would hold no graded exercise for the group is left
out. Each step says which competences that edition assesses, so a path shows, per group, the part
of the framework its learners are measured on. `path_progress` tells one learner what is done and
what comes next from the modules they have submitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hocso.config.models import Course, Localized
from hocso.editions import group_level, in_reach
from hocso.notebook_meta import Exercise, course_exercises

__all__ = ["LearningPath", "PathProgress", "PathStep", "learning_path", "learning_paths", "path_progress"]


@dataclass(frozen=True)
class PathStep:
    """One module of a path, at the group's edition."""

    module: str
    title: Localized
    level: int  # the group's target level in this module: the edition's exercises are at or below it
    competences: tuple[str, ...]  # what the edition's graded cells assess, in framework order
    points: float  # every graded point the edition holds (autograded and by hand)


@dataclass(frozen=True)
class LearningPath:
    group: str
    steps: tuple[PathStep, ...]

    @property
    def modules(self) -> tuple[str, ...]:
        return tuple(step.module for step in self.steps)

    @property
    def points(self) -> float:
        return sum(step.points for step in self.steps)

    def competences(self, course: Course) -> tuple[str, ...]:
        """Every competence the path assesses, in the framework's order."""
        found = {code for step in self.steps for code in step.competences}
        return tuple(code for code in course.framework.competences if code in found)


@dataclass(frozen=True)
class PathProgress:
    path: LearningPath
    done: tuple[str, ...]  # modules of the path already submitted, in path order
    next: PathStep | None  # the first step not yet submitted; None when the path is finished

    @property
    def finished(self) -> bool:
        return self.next is None


def learning_path(course: Course, group: str, exercises: Sequence[Exercise] | None = None) -> LearningPath:
    """The path of `group` (one of framework.toml's groups; an unknown id is a ValueError naming them).

    `exercises` is `course_exercises(course)` when the caller has read it already."""
    if group not in course.framework.group_ids:
        known = ", ".join(course.framework.group_ids)
        raise ValueError(f"unknown learner group {group!r}; framework.toml has: {known}")
    order = list(course.framework.competences)
    every = course_exercises(course) if exercises is None else exercises  # each edition is a filter of it
    steps = []
    for module in course.modules:
        if module.kind != "module":  # the placement and end-of-course tests measure, they are no step
            continue
        level = group_level(module, group)
        exercises = [e for e in every if e.module == module.id and in_reach(e.level, level)]
        if level is None or not exercises:
            continue
        codes = {exercise.competence for exercise in exercises if exercise.competence}
        steps.append(
            PathStep(
                module=module.id,
                title=module.title,
                level=level,
                competences=tuple(code for code in order if code in codes),
                points=sum(exercise.points for exercise in exercises),
            )
        )
    return LearningPath(group=group, steps=tuple(steps))


def learning_paths(course: Course) -> dict[str, LearningPath]:
    """Every group's path, in framework.toml's group order."""
    every = course_exercises(course)
    return {group: learning_path(course, group, every) for group in course.framework.group_ids}


def path_progress(path: LearningPath, submitted: Iterable[str]) -> PathProgress:
    """What a learner of the path has done (modules submitted) and the first module still to do."""
    handed_in = set(submitted)
    done = tuple(step.module for step in path.steps if step.module in handed_in)
    upcoming = next((step for step in path.steps if step.module not in handed_in), None)
    return PathProgress(path=path, done=done, next=upcoming)
