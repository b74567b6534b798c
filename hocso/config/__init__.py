"""Course configuration: load and validate `course_config/` once; everything else takes the model."""

from hocso.config.errors import ConfigProblem, CourseConfigError
from hocso.config.gradebook import gradebook_url, open_gradebook_database
from hocso.config.loader import find_course_root, load_course
from hocso.config.models import (
    LANGUAGES,
    AssistantSettings,
    Competence,
    Course,
    Domain,
    EngineName,
    Framework,
    GradingSettings,
    HubSettings,
    LanguageCode,
    LatePolicy,
    LearnerGroup,
    Level,
    Localized,
    Module,
)
from hocso.config.runtime import course_runtime_dir, data_home

__all__ = [
    "LANGUAGES",
    "AssistantSettings",
    "Competence",
    "ConfigProblem",
    "Course",
    "CourseConfigError",
    "Domain",
    "EngineName",
    "Framework",
    "GradingSettings",
    "HubSettings",
    "LanguageCode",
    "LatePolicy",
    "LearnerGroup",
    "Level",
    "Localized",
    "Module",
    "course_runtime_dir",
    "data_home",
    "find_course_root",
    "gradebook_url",
    "load_course",
    "open_gradebook_database",
]
