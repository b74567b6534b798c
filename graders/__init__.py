"""The grading pipeline around nbgrader: release, collect, autograde, feedback, export (`hocso grade`).

Importing the package imports nothing else: the zygote root (`hocso.graders.zygote`) runs from it
without nbgrader. Each module that opens nbgrader's Gradebook calls `use_in_process_alembic()`.
"""
