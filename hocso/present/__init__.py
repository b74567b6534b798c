"""`hocso present`: the course's widget apps for a projector and learners' phones, served by Voila.

apps        which apps exist and their vi/en titles
server      Voila with warm kernels, hocso's template and pages, and what a visitor may send
classroom   the facilitator's shared state (next question, reveal answers) and its HTTP handler
pages       the gallery and the facilitator page
live        inside an app kernel: follow the classroom state, read-only
"""
