"""nbgrader settings derived from course.toml, so plain `nbgrader` commands work on this course.

    cd course_config && nbgrader db assignment list

The source notebooks are the repository's `notebooks/`; everything nbgrader writes (release,
submitted, autograded, feedback, the gradebook) goes to the runtime course folder outside the
repository, `$HOCSO_HOME/courses/<course id>/` (default data home: ~/.local/share/hocso).
"""

from pathlib import Path

from hocso.config import course_runtime_dir, gradebook_url, load_course
from hocso.nbgrader_compat import use_in_process_alembic

c = get_config()  # noqa: F821 - injected by traitlets when it runs this file
use_in_process_alembic()  # `.venv/bin/nbgrader` works without an activated environment

_course = load_course(Path(__file__).resolve().parent.parent)
_runtime = course_runtime_dir(_course)
_runtime.mkdir(parents=True, exist_ok=True)

c.CourseDirectory.course_id = _course.id
c.CourseDirectory.root = str(_runtime)
c.CourseDirectory.source_directory = str(_course.notebooks_dir)
c.CourseDirectory.db_url = gradebook_url(_course)
c.Exchange.root = str(_runtime / "exchange")

# What learners receive, for plain nbgrader too: rubric cells never leave the source, a cleared code
# cell is a comment to write code in (not `raise NotImplementedError()`, so Run All keeps going), a
# cleared written answer says where to write in both languages (each edition keeps its own), and
# feedback pages show the graded cells' reasons without their code, in the course's language, on
# hocso's offline template (hocso.graders.learner_views, graders/templates/hocso_feedback).
from nbgrader.converters import GenerateAssignment, GenerateFeedback  # noqa: E402

from hocso.editions import CODE_STUB, TEXT_STUB  # noqa: E402
from hocso.graders.learner_views import (  # noqa: E402
    FEEDBACK_TEMPLATE,
    FEEDBACK_TEMPLATES_DIR,
    DropRubricCells,
    HideCodeInFeedback,
    LearnerFeedbackPage,
)

c.GenerateAssignment.preprocessors = [
    DropRubricCells,
    *GenerateAssignment.class_traits()["preprocessors"].default(),
]
c.GenerateFeedback.preprocessors = [
    HideCodeInFeedback,
    *GenerateFeedback.class_traits()["preprocessors"].default(),
    LearnerFeedbackPage,  # after GetGrades: it reads the scores GetGrades put in the notebook
]
c.LearnerFeedbackPage.language = _course.info.default_language
c.HTMLExporter.template_name = FEEDBACK_TEMPLATE
c.HTMLExporter.extra_template_basedirs = [str(FEEDBACK_TEMPLATES_DIR)]
c.ClearSolutions.code_stub = {"python": CODE_STUB}
c.ClearSolutions.text_stub = TEXT_STUB
