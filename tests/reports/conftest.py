"""One synthetic cohort per session: 500 learners, 5 groups, 20 units, 12 modules, a real nbgrader gradebook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hocso.reports.scores import load_scores
from hocso.reports.synthetic import SyntheticCohort, build_synthetic_cohort

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> SyntheticCohort:
    return build_synthetic_cohort(
        tmp_path_factory.mktemp("cohort"),
        REPO_ROOT / "course_config" / "framework.toml",
        learners=500,
        units=20,
        modules=12,
        seed=7,
    )


@pytest.fixture(scope="session")
def scores(cohort: SyntheticCohort) -> pd.DataFrame:
    return load_scores(cohort.course, cohort.gradebook_url)
