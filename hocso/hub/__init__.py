"""`hocso hub`: one JupyterHub for a whole unit, configured from course.toml and the roster.

accounts        roster -> hub accounts, groups (learners/instructors/facilitators, nbgrader-<course>,
                formgrade-<course>) and the Unix user each learner's lab runs as
isolation       Unix users and groups, private homes, the exchange's per-course permissions
codes           one-time codes for a learner's first login (CodeStore, OneTimeCodeAuthenticator)
spawner         the learner's lab as a local process of its own Unix user (or of the hub's, if not root)
learner_server  what that process runs: the learner mode of `hocso lab` behind the hub's login
state           the hub's runtime files under the runtime home (database, cookie secret, codes)
settings        the JupyterHub configuration (services: idle culler, formgrader per course, assistant)
sizing          what this machine is ready for (learners at once, memory per learner)
run             start and stop the real hub (CLI, tests, benchmark)
"""
