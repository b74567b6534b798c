"""The Jupyter configuration of each lab mode, written to a folder of its own outside the repository.

Nothing here edits the user's ~/.jupyter or the environment's config: the lab runs with
`JUPYTER_CONFIG_DIR`, JupyterLab's `app_settings_dir`, `user_settings_dir` and `workspaces_dir`
pointed at the mode's folder, so a learner's lab and an author's lab never share settings.

Learner mode: JupyterLab in the course language (the language pack), no news or update checks, no
instructor tools (nbgrader's lab extension and server extensions off), simple mode with the file
browser collapsed (fits 390 px), widget state not stored in notebooks, a 10-second autosave, the
Vietnamese-capable webfont, idle kernels culled, and a kernel spec whose kernels show a friendly
line instead of a traceback. Author mode keeps tracebacks and nbgrader's tools, and says it is the
author's lab on every page.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hocso.config import Course, LanguageCode
from hocso.i18n import t

Mode = Literal["learner", "author"]
STATIC_DIR = Path(__file__).parent / "static"
LABEXTENSIONS_DIR = Path(__file__).parent / "labextension"
LOCALES: dict[LanguageCode, str] = {"vi": "vi_VN", "en": "en"}
#: instructor tools and links a learner has no use for (nbgrader's Formgrader, Create Assignment,
#: Course List and Assignment List; the extension manager; the Voila preview; "open in Notebook")
LEARNER_DISABLED_LAB = (
    "@jupyter/nbgrader",
    "@jupyterlab/extensionmanager-extension",
    "@jupyterlab/apputils-extension:announcements",
    "@jupyter-notebook/lab-extension",
    "@voila-dashboards/jupyterlab-preview",
)
NBGRADER_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
AUTOSAVE_SECONDS = 10
HIDDEN_SUBMENUS = [
    {"id": menu, "items": [{"type": "submenu", "submenu": {"id": sub}, "disabled": True} for sub in submenus]}
    for menu, submenus in (
        ("jp-mainmenu-file", ("jp-mainmenu-file-workspaces", "jp-mainmenu-file-notebookexport")),
        ("jp-mainmenu-view", ("jp-mainmenu-view-appearance", "jp-mainmenu-codefold")),
    )
]


@dataclass(frozen=True)
class LabConfig:
    """Folders of one mode's configuration, and what the lab process needs to use them."""

    mode: Mode
    language: LanguageCode
    home: Path  # the mode's folder

    @property
    def config_dir(self) -> Path:  # JUPYTER_CONFIG_DIR: server config, custom/custom.css
        return self.home / "config"

    @property
    def settings_dir(self) -> Path:  # LabApp.app_settings_dir: overrides.json, page_config.json
        return self.home / "settings"

    @property
    def data_dir(self) -> Path:  # first on JUPYTER_PATH: the learner kernel spec
        return self.home / "data"

    @property
    def user_settings_dir(self) -> Path:
        return self.home / "user-settings"

    @property
    def workspaces_dir(self) -> Path:
        return self.home / "workspaces"

    @property
    def kernel_log(self) -> Path:
        return self.home / "logs" / "kernel.log"


def overrides(mode: Mode, language: LanguageCode) -> dict[str, dict[str, object]]:
    """JupyterLab settings defaults for the mode (the learner can still change them in Settings)."""
    settings: dict[str, dict[str, object]] = {
        "@jupyterlab/translation-extension:plugin": {"locale": LOCALES[language]},
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
        # a widget's state saved in a notebook shows "model not found" after a restart
        "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": False},
    }
    if mode == "learner":
        settings["@jupyterlab/docmanager-extension:plugin"] = {"autosaveInterval": AUTOSAVE_SECONDS}
        settings["@jupyterlab/application-extension:shell"] = {"startMode": "single"}
        # every cell in the page: JupyterLab 4.6's default ("contentVisibility") throws "Cannot read
        # properties of null (reading 'observe')" after a kernel restart; modules are ~40 cells
        settings["@jupyterlab/notebook-extension:tracker"] = {"windowingMode": "none"}
        # submenus a learner has no use for, whose labels come untranslated from JupyterLab 4.6's schemas
        settings["@jupyterlab/mainmenu-extension:plugin"] = {"menus": HIDDEN_SUBMENUS}
        # the Submit button (frontend/lab) first on the notebook toolbar, before Save (rank 10)
        settings["@jupyterlab/notebook-extension:panel"] = {"toolbar": [{"name": "hocso-submit", "rank": 1}]}
    return settings


def write_lab_config(
    home: Path, mode: Mode, language: LanguageCode, start_page: str | None = None
) -> LabConfig:
    """Write (or refresh) the mode's folder; a learner's own later settings and layout are kept."""
    lab = LabConfig(mode, language, home)
    for folder in (lab.config_dir, lab.settings_dir, lab.user_settings_dir, lab.workspaces_dir):
        folder.mkdir(parents=True, exist_ok=True)
    lab.kernel_log.parent.mkdir(parents=True, exist_ok=True)
    _write_json(lab.settings_dir / "overrides.json", overrides(mode, language))
    disabled = list(LEARNER_DISABLED_LAB) if mode == "learner" else []
    _write_json(lab.settings_dir / "page_config.json", {"disabledExtensions": disabled})
    extensions = {name: mode == "author" for name in NBGRADER_SERVER_EXTENSIONS}
    extensions["hocso.lab.server"] = mode == "learner"
    extensions["hocso.assistant.jupyter"] = mode == "learner"  # the assistant's guardrails, server-side
    _write_json(
        lab.config_dir / "jupyter_server_config.json", {"ServerApp": {"jpserver_extensions": extensions}}
    )
    custom = lab.config_dir / "custom"
    shutil.rmtree(custom, ignore_errors=True)
    shutil.copytree(STATIC_DIR, custom)
    if mode == "author":
        banner = t("lab.author.banner", language).replace("\\", "").replace('"', "'")
        with (custom / "custom.css").open("a", encoding="utf-8") as css:
            css.write(
                f'\n#jp-top-panel::after {{ content: "{banner}"; display: block; padding: 2px 8px;'
                " background: #b45309; color: white; font-weight: 600; }\n"
            )
    if mode == "learner":
        write_kernel_spec(lab)
        _write_default_layout(lab, start_page)
    return lab


def write_kernel_spec(lab: LabConfig) -> Path:
    """`python3` on the learner's JUPYTER_PATH: the same Python, with hocso.lab.kernel loaded and the
    kernel process's own output in the kernel log (hocso.lab.launch)."""
    folder = lab.data_dir / "kernels" / "python3"
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "hocso.lab.launch",
            "-f",
            "{connection_file}",
            "--ext",
            "hocso.lab.kernel",
        ],
        "display_name": t("lab.kernel.name", lab.language),
        "language": "python",
        "env": {"HOCSO_LANG": lab.language, "HOCSO_LAB_LOG": str(lab.kernel_log)},
        "metadata": {"debugger": False},
    }
    _write_json(folder / "kernel.json", spec)
    return folder


def _write_default_layout(lab: LabConfig, start_page: str | None) -> None:
    """First open: the file browser collapsed (it covered 3/4 of a phone) and the start page shown."""
    path = lab.workspaces_dir / "default-37a8.jupyterlab-workspace"
    if path.exists():
        return
    main: dict[str, object] = {}
    data: dict[str, object] = {}
    if start_page:
        widget = f"markdownviewer-widget:{start_page}"
        main = {"dock": {"type": "tab-area", "currentIndex": 0, "widgets": [widget]}, "current": widget}
        data[widget] = {"data": {"path": start_page, "factory": "Markdown Preview"}}
    layout = {
        "main": main,
        "left": {
            "collapsed": True,
            "visible": True,
            "widgets": ["filebrowser", "running-sessions", "table-of-contents"],
        },
        "right": {"collapsed": True, "visible": True, "widgets": []},
    }
    data["layout-restorer:data"] = layout
    _write_json(path, {"data": data, "metadata": {"id": "default"}})


def lab_environment(lab: LabConfig, environ: dict[str, str]) -> dict[str, str]:
    """The variables the lab process runs with (a copy of `environ`, changed)."""
    env = dict(environ)
    env["JUPYTER_CONFIG_DIR"] = str(lab.config_dir)
    env["HOCSO_LANG"] = lab.language
    env["HOCSO_LAB_MODE"] = lab.mode
    if lab.mode == "learner":
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(lab.data_dir), environ.get("JUPYTER_PATH")]))
    return env


def lab_arguments(
    lab: LabConfig,
    root_dir: Path,
    ip: str,
    port: int,
    token: str,
    open_browser: bool,
    course: Course,
) -> list[str]:
    """LabApp's command line for the mode."""
    as_root = ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    arguments = [
        *as_root,
        # <html lang> of HTML exports and Voila pages; hocso's Voila template shows the
        # language-tagged markdown of this language only
        f"--HTMLExporter.language_code={lab.language}",
        f"--ServerApp.root_dir={root_dir}",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
        "--LabApp.news_url=",  # offline: no news feed fetched from the internet
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.custom_css=True",
        f"--LabApp.app_settings_dir={lab.settings_dir}",
        f"--LabApp.user_settings_dir={lab.user_settings_dir}",
        f"--LabApp.workspaces_dir={lab.workspaces_dir}",
    ]
    if lab.mode == "learner":
        minutes = course.lab.cull_idle_minutes
        arguments += [
            f"--LabApp.extra_labextensions_path={LABEXTENSIONS_DIR}",
            f"--MappingKernelManager.cull_idle_timeout={minutes * 60}",
            f"--MappingKernelManager.cull_interval={min(60, max(1, minutes * 60 // 2)) if minutes else 300}",
            # an open tab keeps no kernel alive: answers are on disk, rerunning the cell restores them
            "--MappingKernelManager.cull_connected=True",
        ]
    return arguments


def _write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
