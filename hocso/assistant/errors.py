"""The assistant's exception family.

    HocsoError
    └── AssistantError              anything the assistant reports to the learner or instructor
        ├── AssistantSettingsError  course.toml [assistant] or the environment cannot work (names the key)
        └── AssistantUnavailable    no backend could answer

Inside a notebook these never surface as tracebacks: `Assistant.ask` turns an unavailable backend, a
used-up quota or a remote failure into a friendly reply, and `ask()` does the same for settings.
"""

from __future__ import annotations

from hocso.errors import HocsoError


class AssistantError(HocsoError):
    """A problem with the assistant that the message explains."""


class AssistantSettingsError(AssistantError):
    """The assistant settings cannot work; the message names the setting or variable to change."""

    exit_code = 2


class AssistantUnavailable(AssistantError):
    """No backend answered: the remote failed and falling back to the offline tutor is switched off."""
