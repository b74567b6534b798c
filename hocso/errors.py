"""The root of every error hocso raises on purpose.

    HocsoError                    a user-facing problem: one clear message and an exit code
    ├── CourseConfigError         course_config/ does not validate (hocso.config)
    └── ...                       each part adds its own family below HocsoError

The CLI turns a HocsoError into its message and exit code, never a traceback. Anything else that
escapes is a bug in hocso and is shown as one.
"""

from __future__ import annotations


class HocsoError(Exception):
    """A problem the user can fix; the message says where and how."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self):  # keeps subclasses picklable across process pools
        return (self.__class__, (self.message,))

    def __str__(self) -> str:
        return self.message
