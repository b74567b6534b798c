"""The validated, immutable shape of `course.toml` and `framework.toml`.

Every model forbids unknown keys, so a typo is an error that names the key instead of a setting that
silently does nothing. Cross-file rules (a module's competence must exist in the framework, a module
must set a target level for every learner group) live in `Course` because only it sees both files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from hocso.config.base import Strict
from hocso.config.db_url import checked_db_url
from hocso.config.knowledge import AssistantKnowledge

LanguageCode = Literal["vi", "en"]
LANGUAGES: tuple[LanguageCode, ...] = get_args(LanguageCode)
EngineName = Literal["local", "dask"]
AssistantBackend = Literal["offline", "openai"]  # which server answers (AssistantReply.backend: who did)

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
COMPETENCE_CODE = r"^[0-9]\.[0-9]$"
DOMAIN_CODE = r"^[0-9]$"


class Localized(Strict):
    """A learner-facing text in both course languages: the one shape of two-language text, in the
    course's TOML files, the i18n catalog, widgets and apps. `text(language)` is the text to show."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, language: LanguageCode) -> str:
        return self.vi if language == "vi" else self.en

    @classmethod
    def of(cls, text: str | Mapping[str, str] | Localized) -> Localized:
        """What an author writes in a notebook: one string for both languages, or {"vi": ..., "en": ...}
        (a language left out shows the other one rather than nothing; `hocso check` reports it)."""
        if isinstance(text, Localized):
            return text
        if isinstance(text, str):
            return cls.model_construct(vi=text, en=text)
        unknown = sorted(set(text) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"text {dict(text)!r} has languages {unknown}; use {' and '.join(LANGUAGES)}")
        vi, en = text.get("vi", ""), text.get("en", "")
        return cls.model_construct(vi=vi or en, en=en or vi)


class Level(Strict):
    number: int = Field(ge=1, le=8)
    code: str = Field(min_length=1, description="The Circular's short code, e.g. CB1, TC2")
    name: Localized


class Competence(Strict):
    code: str = Field(pattern=COMPETENCE_CODE, description="e.g. '4.2'")
    name: Localized


class Domain(Strict):
    code: str = Field(pattern=DOMAIN_CODE)
    name: Localized
    competences: tuple[Competence, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _competences_belong_to_domain(self) -> Domain:
        for competence in self.competences:
            if not competence.code.startswith(self.code + "."):
                raise ValueError(f"competence {competence.code} is listed under domain {self.code}")
        return self


class LearnerGroup(Strict):
    id: str = Field(pattern=IDENTIFIER)
    name: Localized
    description: Localized
    targets: dict[str, int] = Field(description="target level (1-8) per domain code")

    @field_validator("targets")
    @classmethod
    def _levels_in_range(cls, targets: dict[str, int]) -> dict[str, int]:
        for domain, level in targets.items():
            if not 1 <= level <= 8:
                raise ValueError(f"target level for domain {domain} is {level}; allowed: 1 to 8")
        return targets


class Framework(Strict):
    """The skill framework learners are assessed against (TT 02/2025 + domain 0 of QĐ 757)."""

    name: Localized
    source: str
    levels: tuple[Level, ...] = Field(min_length=8, max_length=8)
    domains: tuple[Domain, ...] = Field(min_length=1)
    groups: tuple[LearnerGroup, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        if [level.number for level in self.levels] != list(range(1, 9)):
            raise ValueError("levels must be numbered 1 to 8 in order")
        _require_unique("domain code", [d.code for d in self.domains])
        _require_unique("competence code", [c.code for d in self.domains for c in d.competences])
        _require_unique("group id", [g.id for g in self.groups])
        domain_codes = {d.code for d in self.domains}
        for group in self.groups:
            if set(group.targets) != domain_codes:
                missing = sorted(domain_codes - set(group.targets))
                extra = sorted(set(group.targets) - domain_codes)
                raise ValueError(
                    f"group {group.id!r} must set a target for every domain; "
                    f"missing: {missing or 'none'}, unknown: {extra or 'none'}"
                )
        return self

    @property
    def competences(self) -> dict[str, Competence]:
        return {c.code: c for d in self.domains for c in d.competences}

    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.groups)

    def group(self, group_id: str) -> LearnerGroup:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)


class Module(Strict):
    """One nbgrader assignment; its source lives in `notebooks/<id>/`."""

    id: str = Field(pattern=IDENTIFIER, description="also the nbgrader assignment id and folder name")
    title: Localized
    notebooks: tuple[str, ...] = Field(min_length=1, description="notebook file names in the folder")
    competences: tuple[str, ...] = Field(min_length=1)
    target_levels: dict[str, int] = Field(description="target level (1-8) per learner group id")
    points: float = Field(gt=0, description="total points of the module's graded cells")
    kind: Literal["module", "pre_test", "post_test"] = "module"

    @field_validator("notebooks")
    @classmethod
    def _notebook_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if "/" in name or "\\" in name or not name.endswith(".ipynb"):
                raise ValueError(f"{name!r} is not a notebook file name like 'm01_welcome.ipynb'")
        _require_unique("notebook", list(names))
        return names

    @field_validator("target_levels")
    @classmethod
    def _levels_in_range(cls, levels: dict[str, int]) -> dict[str, int]:
        for group, level in levels.items():
            if not 1 <= level <= 8:
                raise ValueError(f"target level for group {group} is {level}; allowed: 1 to 8")
        return levels

    @property
    def folder(self) -> str:
        return self.id


class LatePolicy(Strict):
    grace_minutes: int = Field(default=15, ge=0)
    penalty_per_day: float = Field(default=0.1, ge=0, le=1, description="fraction of the score per day")
    max_days_late: int = Field(default=7, ge=0)


class AssistantSettings(Strict):
    """Where the assistant's answers come from; the offline tutor needs no network."""

    backend: AssistantBackend = "offline"
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint; env OPENAI_BASE_URL")
    model: str = "hocso-tutor"
    api_key_env: str = Field(default="OPENAI_API_KEY", pattern=r"^[A-Z_][A-Z0-9_]*$")
    timeout_seconds: float = Field(default=15, gt=0, le=300)
    max_retries: int = Field(default=2, ge=0, le=10)
    fallback_to_offline: bool = True
    daily_quota: int = Field(default=100, ge=0, description="questions per learner per day; 0 = no limit")
    hints_only_on_graded: bool = True
    log_conversations: bool = Field(default=False, description="opt-in local log, redacted text only")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url and not url.startswith(("http://", "https://")):
            raise ValueError(f"{url!r} must start with http:// or https://")
        return url or None


class PresentSettings(Strict):
    """How `hocso present` serves the Voila apps to a classroom."""

    pool_size: int = Field(
        default=2,
        ge=0,
        le=50,
        description="kernels kept warm per app, so the first visitors wait no kernel start",
    )
    refill_delay_seconds: float = Field(
        default=2,
        ge=0,
        le=60,
        description="pause before a used warm kernel is replaced (not while its page loads)",
    )
    # 64 MB per kernel: 30 learners opening 5 apps each would hold ~10 GB for an hour at 60
    cull_idle_minutes: int = Field(
        default=15, ge=0, description="stop a visitor's kernel after this long idle and unwatched; 0 = never"
    )
    class_size: int | None = Field(
        default=None,
        ge=1,
        le=200,
        description="learners who open the presented app at once: `hocso present APP` keeps one warm "
        "kernel per learner for it before the class arrives (~70 MB each)",
    )
    max_visitor_kernels: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="kernels visitors may hold at once; beyond it a 'class is full' page "
        "(default: two per learner of class_size, else 60)",
    )
    kernel_memory_mb: int = Field(
        default=512, ge=256, le=16384, description="address-space limit of each app kernel, in MiB"
    )


class LabSettings(Strict):
    """How `hocso lab` serves a learner's lab."""

    # ~125 MB per kernel, one per open notebook: a morning of 12 modules held 1.5 GB per learner
    cull_idle_minutes: int = Field(
        default=20,
        ge=0,
        le=24 * 60,
        description="stop a learner's kernel after this long without running anything (open tabs too); 0 = never",
    )


class HubSettings(Strict):
    """How `hocso hub` serves a whole unit: accounts from the roster, one lab per learner."""

    ip: str = Field(
        default="127.0.0.1", description="address the hub listens on; 0.0.0.0 opens it to the LAN"
    )
    port: int = Field(default=8000, ge=1, le=65535)
    authenticator: Literal["codes"] = Field(
        default="codes",
        description="codes: one-time codes printed by `hocso hub codes`, each for a learner's first login",
    )
    instructors: tuple[str, ...] = Field(
        default=(), description="hub accounts that grade (formgrader, class log)"
    )
    facilitators: tuple[str, ...] = Field(default=(), description="hub accounts that help in class")
    # measured on a 2-core machine: 207 MB USS per lab with one kernel (bench/hub.py --quick, BENCHMARKS.md)
    memory_mb_per_learner: int = Field(
        default=210, ge=32, le=16384, description="planning figure per learner"
    )
    concurrent_spawns: int = Field(
        default=20, ge=1, le=500, description="labs starting at once; more wait with a clear message"
    )
    cull_idle_minutes: int = Field(
        default=60, ge=0, le=24 * 60, description="stop a learner's lab after this long idle; 0 = never"
    )

    @field_validator("instructors", "facilitators")
    @classmethod
    def _account_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not re.fullmatch(r"[a-z0-9][a-z0-9_.@-]{0,28}", name):
                raise ValueError(
                    f"{name!r} is not a hub account name (lower-case letters, digits, '.', '_', '-', '@')"
                )
        return names


class GradingSettings(Strict):
    """Where `hocso grade autograde` runs its grading jobs (hocso.graders.engines)."""

    engine: EngineName = Field(
        default="local",
        description="local: worker processes on this machine; dask: the workers of a Dask cluster",
    )
    scheduler: str | None = Field(
        default=None,
        description="the Dask scheduler, e.g. tcp://10.0.0.5:8786; without it a Dask engine starts "
        "its own two workers on this machine",
    )
    workers: int | None = Field(
        default=None, ge=1, le=256, description="local worker processes (default: CPU cores + 1)"
    )
    db_url: str | None = Field(
        default=None,
        description="the gradebook: sqlite:////PATH/gradebook.db or postgresql+psycopg://USER@HOST:PORT/DATABASE "
        "(default: SQLite in the course's runtime folder; PostgreSQL without a database: one named after "
        "the course)",
    )

    @field_validator("db_url")
    @classmethod
    def _gradebook_database(cls, url: str | None) -> str | None:
        return checked_db_url(url) if url else None

    @field_validator("scheduler")
    @classmethod
    def _scheduler_address(cls, address: str | None) -> str | None:
        if address and not re.fullmatch(r"(tcp|tls)://[A-Za-z0-9_.\-\[\]:]+:\d{1,5}", address):
            raise ValueError(
                f"{address!r} is not a Dask scheduler address (tcp://HOST:PORT or tls://HOST:PORT)"
            )
        return address or None

    @model_validator(mode="after")
    def _scheduler_needs_dask(self) -> GradingSettings:
        if self.scheduler and self.engine != "dask":
            raise ValueError('scheduler is only used with engine = "dask"')
        return self

    @property
    def worker_count(self) -> int:
        """`workers`, else CPU cores + 1 local processes (no core idles while a submission sleeps or
        times out), else the two workers a Dask engine starts on this machine."""
        if self.workers is not None:
            return self.workers
        return (os.cpu_count() or 1) + 1 if self.engine == "local" else 2


class CourseInfo(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", description="nbgrader course id")
    title: Localized
    languages: tuple[LanguageCode, ...] = Field(min_length=1)
    default_language: LanguageCode
    pass_mark: float = Field(gt=0, le=1, description="fraction of the points needed to pass")

    @model_validator(mode="after")
    def _default_is_offered(self) -> CourseInfo:
        _require_unique("language", list(self.languages))
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        return self


class CourseFile(Strict):
    """The contents of course.toml."""

    course: CourseInfo
    late_policy: LatePolicy = LatePolicy()
    assistant: AssistantSettings = AssistantSettings()
    present: PresentSettings = PresentSettings()
    lab: LabSettings = LabSettings()
    hub: HubSettings = HubSettings()
    grading: GradingSettings = GradingSettings()
    modules: tuple[Module, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_modules(self) -> CourseFile:
        _require_unique("module id", [m.id for m in self.modules])
        return self


class Term(Strict):
    """The course's words for one idea; `avoid` lists other words for it that `hocso check` reports."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)
    avoid: tuple[str, ...] = ()


class Glossary(Strict):
    """course_config/glossary.toml: one spelling and one term list for notebooks and widgets."""

    spelling: dict[str, str] = Field(
        default_factory=dict, description="discouraged spelling -> the course's spelling (hocso check)"
    )
    terms: dict[str, Term] = Field(default_factory=dict, description="the course's words for an idea")

    def discouraged(self) -> dict[str, str]:
        """Every word `hocso check` reports, with the course's word to use instead."""
        words = dict(self.spelling)
        for term in self.terms.values():
            words |= {avoid: f"{term.vi} / {term.en}" for avoid in term.avoid}
        return words

    @field_validator("spelling")
    @classmethod
    def _no_identity(cls, spelling: dict[str, str]) -> dict[str, str]:
        for wrong, right in spelling.items():
            if not wrong.strip() or wrong == right:
                raise ValueError(f"spelling {wrong!r} -> {right!r} changes nothing")
        return spelling


class Course(Strict):
    """A loaded course: both files validated together, plus where it lives on disk."""

    root: Path
    info: CourseInfo
    late_policy: LatePolicy
    assistant: AssistantSettings
    present: PresentSettings = PresentSettings()
    lab: LabSettings = LabSettings()
    hub: HubSettings = HubSettings()
    grading: GradingSettings = GradingSettings()
    modules: tuple[Module, ...]
    framework: Framework
    glossary: Glossary = Glossary()
    knowledge: AssistantKnowledge = AssistantKnowledge()  # course_config/assistant.toml

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def config_dir(self) -> Path:
        return self.root / "course_config"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def apps_dir(self) -> Path:
        return self.notebooks_dir / "apps"

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        known = ", ".join(m.id for m in self.modules)
        from hocso.config.errors import CourseConfigError

        raise CourseConfigError(f"unknown module {module_id!r}; the course has: {known}")

    def notebook_paths(self, module: Module) -> list[Path]:
        return [self.notebooks_dir / module.folder / name for name in module.notebooks]


def _require_unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} appears more than once")
        seen.add(value)
