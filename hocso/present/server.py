"""The present server: Voila on `notebooks/apps/`, warm kernels, hocso's template and pages, locked down.

What a visitor can reach (and the tests in tests/present/ check each line):

* the gallery `/`, app pages `/voila/render/<app>.ipynb` (only the presented app in single-app mode),
  Voila's static files and images of the apps folder; nothing outside `notebooks/apps/` (module
  notebooks hold nbgrader solutions), no listing of apps or files, facilitator-only apps only with the
  facilitator's key or session. Decided on the decoded, normalised path of every request
  (`hocso.present.access`), before any route;
* their own kernel's websocket, which forwards only widget traffic (comm messages) and kernel info:
  `execute_request`, `inspect_request`, `complete_request`, `history_request` and every other type
  are dropped by the server before they reach the kernel (`VISITOR_MESSAGE_TYPES`); messages are
  size-capped, the browser may not create widgets and kernels run under a memory limit
  (`hocso.present.limits`);
* at most `max_visitor_kernels` kernels for visitors; then a "class is full" page (HTTP 503);
* no kernel listing, kernel start, sessions, contents, terminals or Jupyter API beyond that;
* the classroom state, read-only. Changing it needs the facilitator key;
* the course assistant only through their app's kernel: it answers in this server and counts each
  visitor's (browser's) questions, never one quota for the server's OS user
  (`hocso.present.assistant`, `hocso.present.visitors`);
* hocso's template and theme only (`?template=` and `?theme=` are ignored), so every page runs
  hocso's own widget front end and nothing from the address is written into the page.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
import tornado.ioloop
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from hocso.assistant.service import AssistantService
from hocso.assistant.tokens import LearnerTokens
from hocso.assistant.web import assistant_handlers
from hocso.config.models import Course, LanguageCode
from hocso.i18n import t
from hocso.jupyter_server_compat import tolerate_early_websocket_close
from hocso.present import with_present_templates
from hocso.present.access import AccessPolicy, app_names, gate, install_gate
from hocso.present.apps import App
from hocso.present.assistant import ROUTE as ASSISTANT_ROUTE
from hocso.present.assistant import give_kernels_tokens, start_assistant, visitor_identify
from hocso.present.caching import AssetCaching, CompressedResponses
from hocso.present.capacity import ClassWarmth, VisitorKernels, announce_when_ready, visitor_kernel_cap
from hocso.present.classroom import KERNEL_KEY_ENV, Classroom, classroom_handlers
from hocso.present.limits import MAX_MESSAGE_BYTES, LimitedKernelSpecManager, VisitorConnection
from hocso.present.live import PRESENT_URL_ENV
from hocso.present.pages import FacilitatorHandler, GalleryHandler, PageContext
from hocso.present.visitors import VisitorCookies, current_visitor
from hocso.present.warm_pool import hand_out_working_kernels

TEMPLATE_NAME = "hocso"


# Widgets need comm messages and kernel info; nothing here runs code a visitor sends.
VISITOR_MESSAGE_TYPES: tuple[str, ...] = (
    "comm_open",
    "comm_close",
    "comm_msg",
    "comm_info_request",
    "kernel_info_request",
)


FRONTEND_EXTENSIONS: tuple[str, ...] = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "@voila-dashboards/widgets-manager7",
)


@dataclass(frozen=True)
class PresentOptions:
    """Everything one `hocso present` run needs, decided by the CLI from course.toml and flags."""

    apps_dir: Path
    apps: tuple[App, ...]
    course_title: str
    language: LanguageCode
    host: str = "127.0.0.1"
    port: int = 8866
    public_url: str = ""
    single_app: App | None = None
    pool_size: int = 2
    refill_delay_seconds: float = 2.0
    cull_idle_minutes: int = 15
    class_size: int | None = None
    max_visitor_kernels: int | None = None
    kernel_memory_mb: int = 512
    fork_kernels: bool = True  # a class's kernels from one pre-imported zygote (hocso.present.kernel_zygote)
    facilitator_key: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    course: Course | None = None  # the assistant's settings (daily quota, backend) and knowledge

    @property
    def loopback_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "localhost") else self.host
        host = "[::1]" if host == "::" else (f"[{host}]" if ":" in host else host)
        return f"http://{host}:{self.port}/"

    @property
    def preheated_apps(self) -> tuple[App, ...]:
        """Apps that get warm kernels: the one being presented, or all of them for the gallery."""
        chosen = (self.single_app,) if self.single_app else self.apps
        return tuple(app for app in chosen if _declares_kernel(app.path) and not app.facilitator_only)

    @property
    def class_app(self) -> App | None:
        """The app a class of `class_size` will open at once: the one being presented."""
        if self.class_size and self.single_app in self.preheated_apps:
            return self.single_app
        return None

    def warm_kernels(self, app: App) -> int:
        return max(self.pool_size, self.class_size or 0) if app == self.class_app else self.pool_size

    @property
    def visitor_kernel_cap(self) -> int:
        return visitor_kernel_cap(self.class_size, self.max_visitor_kernels)

    def access_policy(self) -> AccessPolicy:
        """Visitors open the presented app (single-app mode) or every learner app; facilitator-only
        apps need the key either way."""
        shown = (self.single_app,) if self.single_app else self.apps
        return AccessPolicy(
            public_apps=app_names([app.file_name for app in shown if not app.facilitator_only]),
            facilitator_apps=app_names([app.file_name for app in self.apps if app.facilitator_only]),
        )


def voila_config(options: PresentOptions) -> Config:
    """Voila's settings for a classroom: no sources, no tracebacks, warm pools, gzip, idle culling."""
    config = Config()
    config.Voila.ip = options.host
    config.Voila.port = options.port
    config.Voila.port_retries = 0
    config.Voila.open_browser = False
    config.Voila.log_level = "WARN"
    config.VoilaConfiguration.template = TEMPLATE_NAME
    config.VoilaConfiguration.allow_template_override = "NO"
    config.VoilaConfiguration.allow_theme_override = "NO"  # Voila wrote ?theme= into the page unescaped
    config.VoilaConfiguration.strip_sources = True
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.theme = "light"
    # Voila's exporter is an nbconvert HTMLExporter: its language_code becomes <html lang>, which
    # screen readers and the phone's translate prompt use.
    config.HTMLExporter.language_code = options.language
    # hocso's template loads its own front end (frontend/), none of these; the allowlist keeps the
    # page's config from listing every installed lab extension (nbgrader, notebook).
    config.VoilaConfiguration.extension_allowlist = list(FRONTEND_EXTENSIONS)
    config.VoilaConfiguration.extension_denylist = []  # voila 0.5.13 fails on None with an allowlist
    pools = {"default": {"pool_size": 0}}
    pools.update({app.file_name: {"pool_size": options.warm_kernels(app)} for app in options.preheated_apps})
    config.VoilaConfiguration.preheat_kernel = options.pool_size > 0 or options.class_app is not None
    config.VoilaConfiguration.default_pool_size = 0
    config.VoilaKernelManager.kernel_pools_config = pools
    config.VoilaKernelManager.fill_delay = options.refill_delay_seconds
    if options.cull_idle_minutes:
        config.MappingKernelManager.cull_idle_timeout = options.cull_idle_minutes * 60
        config.MappingKernelManager.cull_interval = 60
        config.MappingKernelManager.cull_connected = False
    config.VoilaConfiguration.kernel_spec_manager_class = LimitedKernelSpecManager
    config.LimitedKernelSpecManager.memory_mb = options.kernel_memory_mb
    # a class's kernels share the zygote's pages (PSS 64 -> ~34 MB each); other servers start them plainly
    config.LimitedKernelSpecManager.fork_from_zygote = options.fork_kernels and options.class_app is not None
    # a restarted app kernel has not run its app (its page's widgets are gone): dead stays dead,
    # and hocso.present.warm_pool never hands it out
    config.KernelManager.autorestart = False
    config.Voila.kernel_websocket_connection_class = VisitorConnection
    return config


class VisitorPageHandler(TornadoVoilaHandler):
    """Voila's app page, with the visitor's cookie set (or read) before the page takes its kernel, so
    the kernel is recorded as this visitor's (`VisitorKernels.owners`)."""

    async def prepare(self) -> None:
        await super().prepare()
        cookies: VisitorCookies = self.settings["hocso_visitor_cookies"]
        current_visitor.set(cookies.identify(self))


class PresentServer(Voila):
    """Voila with hocso's pages in front and the visitor message filter pinned, not assumed."""

    options: PresentOptions
    classroom: Classroom
    assistant: AssistantService

    def init_settings(self) -> dict:
        settings = super().init_settings()
        self.kernel_manager.allowed_message_types = list(VISITOR_MESSAGE_TYPES)
        if hasattr(self.kernel_manager, "get_rendered_notebook"):
            hand_out_working_kernels(self.kernel_manager)  # before VisitorKernels wraps it
        self.visitor_kernels = VisitorKernels(self.kernel_manager, self.options.visitor_kernel_cap)
        self.visitor_kernels.install()
        self.kernel_tokens = LearnerTokens()  # names kernels; a fresh secret at each start
        give_kernels_tokens(self.kernel_manager, self.kernel_tokens)
        settings["hocso_visitor_cookies"] = VisitorCookies.of_this_machine()
        self.class_warmth: ClassWarmth | None = None
        class_app = self.options.class_app
        if class_app is not None and hasattr(self.kernel_manager, "fill_if_needed"):
            self.class_warmth = ClassWarmth(
                self.kernel_manager,
                class_app.file_name,
                self.options.class_size or 0,
                self.options.pool_size,
                self.visitor_kernels,
            )
            self.class_warmth.install()
        return settings

    def init_handlers(self) -> list:
        context = PageContext(
            course_title=self.options.course_title,
            language=self.options.language,
            apps=tuple(app for app in self.options.apps if not app.facilitator_only),
            public_url=self.options.public_url,
        )
        facilitator_context = replace(
            context, apps=self.options.apps, facilitator_key=self.options.facilitator_key
        )
        key = self.options.facilitator_key
        ours = [
            (r"/", GalleryHandler, {"context": context, "single_app": self.options.single_app}),
            *classroom_handlers(self.classroom, key),
            (
                r"/hocso/facilitator",
                FacilitatorHandler,
                {"context": facilitator_context, "classroom": self.classroom, "facilitator_key": key},
            ),
            *assistant_handlers(
                self.assistant, visitor_identify(self.kernel_tokens, self.visitor_kernels), ASSISTANT_ROUTE
            ),
        ]
        voila = [_with_visitor_pages(rule) for rule in super().init_handlers()]
        return ours + voila

    def listen(self) -> None:
        # Voila builds its tornado Application before applying settings, so `compress_response`
        # would not take; add gzip directly. Voila's scripts shrink ~4x for a slow classroom Wi-Fi.
        self.app.transforms.append(CompressedResponses)
        self.app.transforms.append(AssetCaching)
        self.app.settings["websocket_max_message_size"] = MAX_MESSAGE_BYTES
        options = self.options
        policy = replace(options.access_policy(), visitor_kernels_full=self.visitor_kernels.full)
        install_gate(self.app, gate(policy, options.facilitator_key, options.language))
        if self.class_warmth is not None:
            self._announce_when_ready(self.class_warmth)
        super().listen()

    def _announce_when_ready(self, warmth: ClassWarmth) -> None:
        """Tell the facilitator's terminal once the class's kernels are all warm."""
        options = self.options

        def say(warm: int, seconds: float) -> None:
            app = options.class_app
            title = app.title(options.language) if app else ""
            text = t("present.cli.ready", options.language, count=warm, title=title, seconds=round(seconds))
            print(text, flush=True)  # the facilitator's terminal, where the address was printed

        check = announce_when_ready(warmth, say)

        def check_until_said() -> None:
            if check():
                callback.stop()

        callback = tornado.ioloop.PeriodicCallback(check_until_said, 500)
        callback.start()

    def stop(self) -> None:
        """Stop every kernel (warm ones too) before the server goes, so none outlives it."""
        loop = getattr(self, "ioloop", None)
        if loop is not None:
            try:
                loop.run_sync(lambda: self.kernel_manager.shutdown_all(now=True), timeout=20)
            except (RuntimeError, TimeoutError):
                self.log.warning("some kernels did not stop in time")
        super().stop()


def serve(options: PresentOptions) -> None:
    """Run the present server until Ctrl+C or SIGTERM (blocking)."""
    tolerate_early_websocket_close()  # a phone leaving mid-handshake prints no traceback
    os.environ["JUPYTER_PATH"] = with_present_templates(os.environ.get("JUPYTER_PATH"))
    os.environ[PRESENT_URL_ENV] = options.loopback_url
    os.environ["HOCSO_LANG"] = options.language
    server = PresentServer(config=voila_config(options))
    server.options = options
    server.classroom = Classroom()
    # before any kernel starts: they inherit the service's address, never the remote key
    server.assistant = start_assistant(options.course, options.loopback_url)
    os.environ[KERNEL_KEY_ENV] = server.classroom.kernel_key  # app kernels inherit it; browsers never
    server.initialize([str(options.apps_dir)])
    server.start()


def _with_visitor_pages(rule: tuple) -> tuple:
    """Voila's app page route, answered by `VisitorPageHandler` instead of Voila's own handler."""
    if isinstance(rule, tuple) and len(rule) > 1 and rule[1] is TornadoVoilaHandler:
        return (rule[0], VisitorPageHandler, *rule[2:])
    return rule


def _declares_kernel(path: Path) -> bool:
    """Voila's warm pool needs the notebook's kernelspec; apps without one start kernels on request."""
    try:
        return bool(nbformat.read(path, as_version=4).metadata.get("kernelspec", {}).get("name"))
    except Exception:  # unreadable apps are served (and fail politely) but never preheated
        return False
