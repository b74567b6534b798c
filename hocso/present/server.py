"""The present server: Voila on `notebooks/apps/`, warm kernels, hocso's template and pages, locked down.

What a visitor can reach (and the tests in tests/present/ check each line):

* the gallery `/`, app pages `/voila/render/<app>.ipynb`, Voila's static files and images of the apps
  folder; nothing outside `notebooks/apps/` (module notebooks hold nbgrader solutions);
* their own kernel's websocket, which forwards only widget traffic (comm messages) and kernel info:
  `execute_request`, `inspect_request`, `complete_request`, `history_request` and every other type
  are dropped by the server before they reach the kernel (`VISITOR_MESSAGE_TYPES`);
* no kernel listing, kernel start, sessions, contents, terminals or Jupyter API beyond that;
* the classroom state, read-only. Changing it needs the facilitator key;
* hocso's template only (`?template=` is ignored), so every page runs hocso's own widget front end.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
import tornado.web
from traitlets.config import Config
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from hocso.present import with_present_templates
from hocso.present.apps import App
from hocso.present.caching import AssetCaching, CompressedResponses
from hocso.present.classroom import KERNEL_KEY_ENV, Classroom, classroom_handlers
from hocso.present.live import PRESENT_URL_ENV
from hocso.present.pages import FacilitatorHandler, GalleryHandler, PageContext

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
    language: str
    host: str = "127.0.0.1"
    port: int = 8866
    public_url: str = ""
    single_app: App | None = None
    pool_size: int = 2
    refill_delay_seconds: float = 2.0
    cull_idle_minutes: int = 15
    facilitator_key: str = field(default_factory=lambda: secrets.token_urlsafe(18))

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
    pools.update({app.file_name: {"pool_size": options.pool_size} for app in options.preheated_apps})
    config.VoilaConfiguration.preheat_kernel = options.pool_size > 0
    config.VoilaConfiguration.default_pool_size = 0
    config.VoilaKernelManager.kernel_pools_config = pools
    config.VoilaKernelManager.fill_delay = options.refill_delay_seconds
    if options.cull_idle_minutes:
        config.MappingKernelManager.cull_idle_timeout = options.cull_idle_minutes * 60
        config.MappingKernelManager.cull_interval = 60
        config.MappingKernelManager.cull_connected = False
    return config


class FacilitatorVoilaHandler(TornadoVoilaHandler):
    """A facilitator-only app (learners' data): 403 unless the request carries the facilitator key."""

    def initialize(self, **kwargs: object) -> None:
        self.facilitator_key = str(kwargs.pop("facilitator_key"))
        super().initialize(**kwargs)

    async def prepare(self) -> None:
        given = self.get_argument("key", "")
        if not hmac.compare_digest(given.encode(), self.facilitator_key.encode()):
            raise tornado.web.HTTPError(403)
        await super().prepare()


class PresentServer(Voila):
    """Voila with hocso's pages in front and the visitor message filter pinned, not assumed."""

    options: PresentOptions
    classroom: Classroom

    def init_settings(self) -> dict:
        settings = super().init_settings()
        self.kernel_manager.allowed_message_types = list(VISITOR_MESSAGE_TYPES)
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
        ]
        voila_handlers = super().init_handlers()
        private = [re.escape(app.file_name) for app in self.options.apps if app.facilitator_only]
        render = next((h for h in voila_handlers if h[0].endswith("/voila/render/(.*)")), None)
        if private and render is not None:
            kwargs = {**render[2], "facilitator_key": key}
            ours.append((rf"/voila/render/({'|'.join(private)})", FacilitatorVoilaHandler, kwargs))
        return ours + voila_handlers

    def listen(self) -> None:
        # Voila builds its tornado Application before applying settings, so `compress_response`
        # would not take; add gzip directly. Voila's scripts shrink ~4x for a slow classroom Wi-Fi.
        self.app.transforms.append(CompressedResponses)
        self.app.transforms.append(AssetCaching)
        super().listen()

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
    os.environ["JUPYTER_PATH"] = with_present_templates(os.environ.get("JUPYTER_PATH"))
    os.environ[PRESENT_URL_ENV] = options.loopback_url
    os.environ["HOCSO_LANG"] = options.language
    server = PresentServer(config=voila_config(options))
    server.options = options
    server.classroom = Classroom()
    os.environ[KERNEL_KEY_ENV] = server.classroom.kernel_key  # app kernels inherit it; browsers never
    server.initialize([str(options.apps_dir)])
    server.start()


def _declares_kernel(path: Path) -> bool:
    """Voila's warm pool needs the notebook's kernelspec; apps without one start kernels on request."""
    try:
        return bool(nbformat.read(path, as_version=4).metadata.get("kernelspec", {}).get("name"))
    except Exception:  # unreadable apps are served (and fail politely) but never preheated
        return False
