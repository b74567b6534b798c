"""Errors of the grading pipeline.

HocsoError
├── SubmissionError   one learner's submission cannot be read or graded (names learner and file)
└── GradingError      the pipeline itself cannot run (missing release, broken gradebook)
"""

from __future__ import annotations

from hocso.errors import HocsoError


class SubmissionError(HocsoError):
    """A single submission is unusable; the batch records it and goes on."""


class GradingError(HocsoError):
    """The grading run cannot start or continue; the message says what to fix."""

    exit_code = 2
