"""The learner's lab and the author's lab, never mixed.

exchange   nbgrader's exchange on one machine: created, released into, fetched from, submitted to
workspace  a learner's workspace outside the repository, filled with their edition of each module
settings   the per-mode Jupyter configuration (language, layout, disabled instructor tools, culling)
kernel     the learner kernel's IPython extension: a friendly line instead of a traceback
server     the lab server's small API for the Submit button (it calls the exchange, saves nothing)
"""
