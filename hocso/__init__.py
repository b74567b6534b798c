"""hocso (học số): a Jupyter-based, AI-assisted learning lab for hands-on digital skills.

The package is one namespace: `hocso` is the core (configuration, CLI, i18n, assistant, reports),
`hocso.widgets` the ipywidgets components and `hocso.graders` the grading pipeline around nbgrader.
"""

__version__ = "0.1.0"
