"""hocso's own pages in the present server: the app gallery and the facilitator's control page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import segno
import tornado.web

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.present.apps import App
from hocso.present.classroom import Classroom
from hocso.present.session import is_facilitator

PAGES_DIR = Path(__file__).parent / "pages"


@dataclass(frozen=True)
class PageContext:
    """What every page shows: the course, its apps and the address phones should open."""

    course_title: str
    language: LanguageCode
    apps: tuple[App, ...]
    public_url: str
    base_url: str = "/"
    facilitator_key: str = ""  # set only on the facilitator's page: links to facilitator-only apps

    @property
    def other_language(self) -> str:
        return "en" if self.language == "vi" else "vi"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(PAGES_DIR), autoescape=True)
    env.globals["t"] = t
    return env


@cache
def qr_svg(url: str) -> str:
    """The address as an inline SVG QR code (no image request on a slow classroom network)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")


def render_page(name: str, context: PageContext, **extra: object) -> str:
    return (
        _environment()
        .get_template(name)
        .render(
            course_title=context.course_title,
            lang=context.language,
            other=context.other_language,
            apps=context.apps,
            public_url=context.public_url,
            qr_svg=qr_svg(context.public_url) if context.public_url else "",
            base_url=context.base_url,
            **extra,
        )
    )


def render_refusal(reason: str, language: LanguageCode, retry_after_seconds: int) -> str:
    """The page a visitor gets instead of what they asked for: not found, facilitator only, or the
    class is full (try again in a minute). Course language only, no detail of the server."""
    return (
        _environment()
        .get_template("refused.html")
        .render(reason=reason, lang=language, retry_after_seconds=retry_after_seconds)
    )


class GalleryHandler(tornado.web.RequestHandler):
    """`/`: the gallery of every app, or straight to the one app `hocso present APP` was given."""

    def initialize(self, context: PageContext, single_app: App | None) -> None:
        self.context = context
        self.single_app = single_app

    def get(self) -> None:
        if self.single_app is not None and self.single_app.facilitator_only:
            # `hocso present instructor`: nothing here for a learner's phone, and no link onwards
            self.finish(render_refusal("facilitator", self.context.language, 0))
            return
        if self.single_app is not None:
            self.redirect(f"{self.context.base_url}voila/render/{self.single_app.file_name}")
            return
        self.set_header("Cache-Control", "no-store")
        self.finish(render_page("gallery.html", self.context))


class FacilitatorHandler(tornado.web.RequestHandler):
    """`/hocso/facilitator?key=...`: the gallery plus next/previous/reveal; 403 without the key."""

    def initialize(self, context: PageContext, classroom: Classroom, facilitator_key: str) -> None:
        self.context = context
        self.classroom = classroom
        self.facilitator_key = facilitator_key

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        if not is_facilitator(self.request, self.facilitator_key):
            self.set_status(403)
            self.finish(render_refusal("facilitator", self.context.language, 0))
            return
        self.finish(
            render_page(
                "facilitator.html", self.context, key=self.facilitator_key, state=self.classroom.state
            )
        )
