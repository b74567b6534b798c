"""The learner lab's server part: the texts of the Submit button, and submitting through the exchange.

The button (frontend/lab) saves the notebook, then posts its path here; this handler sends
the notebook's module folder (notebook and widget answers file) through nbgrader's `ExchangeSubmit`
and answers with a receipt. It stores nothing itself. Loaded only in learner mode (settings.py).

    GET  /hocso/lab/texts    the button's texts in the course language
    GET  /lab/api/translations/<locale>   JupyterLab's, plus hocso's supplement (locale/<locale>.json)
    POST /hocso/lab/submit   {"path": "<notebook path in the lab>"} -> {"lines": [...], "files": [...]}
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from hocso.config.models import LanguageCode
from hocso.errors import HocsoError
from hocso.i18n import normalize_language, t

COURSE_ENV, LEARNER_ENV, GROUP_ENV, LANG_ENV = "HOCSO_COURSE", "HOCSO_LEARNER", "HOCSO_GROUP", "HOCSO_LANG"
LOCALE_DIR = Path(__file__).parent / "locale"
TEXT_KEYS = ("submit", "tooltip", "receipt_title", "failed_title", "failed", "ok")


def _language() -> LanguageCode:
    return normalize_language(os.environ.get(LANG_ENV, "vi"))


class TextsHandler(APIHandler):
    @web.authenticated
    def get(self) -> None:
        language = _language()
        self.finish(json.dumps({key: t(f"lab.submit.{key}", language) for key in TEXT_KEYS}))


class TranslationsHandler(APIHandler):
    """JupyterLab's translations (same answer as jupyterlab_server's handler), with hocso's
    supplement on top: the Vietnamese pack for JupyterLab 4.5 leaves about half of 4.6's menu items
    in English ("Run All Cells", "Cut Cell"), and a learner must not meet an English menu."""

    @web.authenticated
    async def get(self, locale: str) -> None:
        from jupyterlab_server.translation_utils import get_language_pack, translator

        data, message = await asyncio.get_running_loop().run_in_executor(None, get_language_pack, locale)
        supplement = LOCALE_DIR / f"{locale}.json"
        if data and supplement.is_file():
            # {domain: {msgid: text, or [singular, plural] for a msgid JupyterLab asks with _n()}}
            for name, entries in json.loads(supplement.read_text(encoding="utf-8")).items():
                domain = dict(data.get(name, {}))
                domain.update({k: v if isinstance(v, list) else [v] for k, v in entries.items()})
                data[name] = domain
        if data:
            translator.set_locale(locale)
        self.finish(json.dumps({"data": data, "message": message}, ensure_ascii=False))


class SubmitHandler(APIHandler):
    @web.authenticated
    async def post(self) -> None:
        language = _language()
        try:
            path = str(json.loads(self.request.body or b"{}")["path"])
        except (ValueError, KeyError, TypeError):
            self.set_status(400)
            self.finish(json.dumps({"message": t("lab.submit.bad_request", language)}))
            return
        try:
            course = self.settings["hocso_course"]
            receipt = await asyncio.get_running_loop().run_in_executor(None, submit_notebook, course, path)
        except HocsoError as error:
            self.log.warning("hocso submit of %s failed: %s", path, error)
            self.set_status(400)
            self.finish(json.dumps({"message": t("lab.submit.failed_because", language, reason=error)}))
            return
        self.finish(json.dumps(receipt_json(receipt, language), ensure_ascii=False))


def submit_notebook(course: Any, path: str) -> Any:
    """Submit the module that holds `path` for this lab's learner (from the lab's environment)."""
    from hocso.lab.exchange import submit
    from hocso.lab.workspace import Learner, open_workspace

    learner = Learner(os.environ[LEARNER_ENV], _language(), os.environ.get(GROUP_ENV) or None)
    space = open_workspace(course, learner)
    module_id, folder = space.module_of(path)
    return submit(course, module_id, learner.id, folder, space.cache_dir)


def receipt_json(receipt: Any, language: LanguageCode) -> dict[str, Any]:
    local = receipt.submitted_at.astimezone()
    when = local.strftime("%H:%M:%S %d/%m/%Y")
    return {
        "module": receipt.module_id,
        "submitted_at": receipt.submitted_at.isoformat(),
        "files": list(receipt.files),
        "lines": [
            t("lab.submit.receipt_when", language, time=when),
            t("lab.submit.receipt_files", language, files=", ".join(receipt.files)),
            t("lab.submit.receipt_again", language),
        ],
    }


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "hocso.lab.server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from hocso.config import load_course
    from hocso.jupyter_server_compat import tolerate_early_websocket_close

    tolerate_early_websocket_close()  # no traceback in the learner's terminal when a tab closes early

    # the course as the lab started with it: an author editing course.toml meanwhile cannot break
    # a learner's submission halfway through
    serverapp.web_app.settings["hocso_course"] = load_course(os.environ.get(COURSE_ENV))
    # the Submit button's texts travel in the page (read synchronously by the front end)
    page_config = serverapp.web_app.settings.setdefault("page_config_data", {})
    page_config["hocsoLabTexts"] = json.dumps({key: t(f"lab.submit.{key}", _language()) for key in TEXT_KEYS})
    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "hocso/lab/texts"), TextsHandler),
            (url_path_join(base, "hocso/lab/submit"), SubmitHandler),
            # before JupyterLab's own route (this extension loads first; tornado takes the first match)
            (
                url_path_join(base, "lab/api/translations", r"(?P<locale>[A-Za-z]{2}_[A-Za-z]{2})"),
                TranslationsHandler,
            ),
        ],
    )
