"""`PrivacyCheckup`: choose safe profile settings, and see the location hidden in a photo's EXIF.

Two things beginners rarely see: who can find them by phone number or read their birthday, and
that a photo they post tells where it was taken. The photo part reads and strips EXIF through
`hocso.safety.photos`. Choices are saved as `{setting: option}`.
"""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w

from hocso.config.models import LanguageCode
from hocso.i18n import t
from hocso.safety.errors import SafetyError
from hocso.safety.photos import PhotoMetadata, read_photo_metadata, strip_metadata
from hocso.widgets.graded import PerItemChoices
from hocso.widgets.look import (
    FONT,
    Tone,
    banner,
    big_button,
    escape,
    full_width,
    heading,
    paragraph,
)

#: setting -> {option: tone}; "good" is the safest choice, "warn" acceptable, "bad" risky
SETTINGS: dict[str, dict[str, Tone]] = {
    "phone_visible": {"everyone": "bad", "friends": "warn", "only_me": "good"},
    "find_by_phone": {"on": "bad", "off": "good"},
    "birthday_visible": {"everyone": "bad", "friends": "warn", "only_me": "good"},
    "location_in_posts": {"on": "bad", "off": "good"},
    "stranger_messages": {"everyone": "bad", "friends": "good"},
}


class PrivacyCheckup(PerItemChoices):
    """Settings to choose, then Check; with `photo` (a path or bytes) also its location and a Remove button.

    `result` is `{setting: True if the choice is safe}` after Check; `photo_metadata` and
    `clean_metadata` hold what the photo (and its stripped copy) reveal. `settings=False` shows the
    photo part only: practice beside a graded settings screen, whose answers its Check would give away.
    """

    def __init__(
        self,
        question_id: str = "privacy",
        *,
        photo: str | os.PathLike[str] | bytes | None = None,
        clean_path: str | os.PathLike[str] | None = None,
        settings: bool = True,
        language: LanguageCode | None = None,
        answers_file: str | os.PathLike[str] | None = None,
        save: bool = True,
    ) -> None:
        super().__init__(question_id, language=language, answers_file=answers_file, save=save)
        lang = self.lang
        self.result: dict[str, bool] | None = None
        self.photo: Path | bytes | None = photo if photo is None or isinstance(photo, bytes) else Path(photo)
        self.clean_path = Path(clean_path) if clean_path else _clean_path_for(photo)
        self.photo_metadata: PhotoMetadata | None = None
        self.clean_metadata: PhotoMetadata | None = None
        self.choices: dict[str, w.ToggleButtons] = {}
        self.item_controls = self.choices
        rows: list[w.Widget] = []
        for setting, options in SETTINGS.items() if settings else ():
            labels = [(t(f"widgets.privacy.option.{option}", lang), option) for option in options]
            self.choices[setting] = toggle = w.ToggleButtons(
                options=labels, value=None, style={"button_width": "9em"}
            )
            rows.append(
                w.HTML(
                    f'<div style="{FONT};margin-top:8px">{escape(t(f"widgets.privacy.setting.{setting}", lang))}</div>'
                )
            )
            rows.append(toggle)
        self.check_button = big_button(t("widgets.privacy.check", lang), "primary")
        self.check_button.on_click(lambda _: self.check())
        self.advice = w.HTML(layout=full_width())
        children: list[w.Widget] = (
            [w.HTML(heading(t("widgets.privacy.title", lang))), *rows, self.check_button, self.advice]
            if settings
            else []
        )
        self.photo_view = w.Image(format="jpeg", layout=w.Layout(width="14em"))
        self.photo_info = w.HTML(layout=full_width())
        self.strip_button = big_button(t("widgets.privacy.strip", lang), "warning")
        self.strip_button.on_click(lambda _: self.strip())
        if photo is not None:
            children += [
                w.HTML(heading(t("widgets.privacy.photo_title", lang))),
                self.photo_view,
                self.photo_info,
                self.strip_button,
            ]
        self._finish(children, list(self.choices.values()))
        if photo is not None:
            self._show_photo()

    def check(self) -> dict[str, bool]:
        lang = self.lang
        chosen = self.value
        self.result = {s: SETTINGS[s].get(chosen.get(s, ""), "bad") == "good" for s in SETTINGS}
        lines = []
        for setting, safe in self.result.items():
            tone: Tone = (
                "good" if safe else ("info" if setting not in chosen else SETTINGS[setting][chosen[setting]])
            )
            lines.append(banner(t(f"widgets.privacy.why.{setting}", lang), tone))
        safe_count = sum(self.result.values())
        summary_tone: Tone = "good" if safe_count == len(SETTINGS) else "warn"
        self.advice.value = banner(
            t("widgets.privacy.score", lang, safe=safe_count, total=len(SETTINGS)), summary_tone
        ) + "".join(lines)
        return self.result

    def strip(self) -> PhotoMetadata | None:
        """Save a copy without EXIF next to the photo and show that the location is gone."""
        if self.photo is None:
            return None
        try:
            clean = strip_metadata(self.photo, self.clean_path)
            self.clean_metadata = read_photo_metadata(clean)
        except (SafetyError, OSError) as error:
            self.photo_info.value += banner(str(error), "bad")
            return None
        self.photo_info.value = self._metadata_html(self.clean_metadata) + banner(
            t("widgets.privacy.stripped", self.lang, path=clean.name), "good"
        )
        return self.clean_metadata

    def _show_photo(self) -> None:
        if self.photo is None:
            return
        try:
            data = self.photo if isinstance(self.photo, bytes) else Path(self.photo).read_bytes()
            self.photo_metadata = read_photo_metadata(data)
        except (SafetyError, OSError) as error:
            self.photo_info.value = banner(str(error), "bad")
            self.strip_button.disabled = True
            return
        self.photo_view.value = data
        self.photo_info.value = self._metadata_html(self.photo_metadata)

    def _metadata_html(self, meta: PhotoMetadata) -> str:
        lang = self.lang
        if meta.has_location:
            where = banner(
                t("widgets.privacy.located", lang, lat=f"{meta.latitude:.5f}", lon=f"{meta.longitude:.5f}"),
                "bad",
            )
        else:
            where = banner(t("widgets.privacy.no_location", lang), "good")
        details = []
        if meta.taken:
            details.append(t("widgets.privacy.taken", lang, when=meta.taken.strftime("%d/%m/%Y %H:%M")))
        if meta.make or meta.model:
            details.append(
                t("widgets.privacy.camera", lang, camera=" ".join(filter(None, (meta.make, meta.model))))
            )
        return where + "".join(paragraph(line) for line in details)


def _clean_path_for(photo: str | os.PathLike[str] | bytes | None) -> Path:
    if photo is None or isinstance(photo, bytes):
        return Path("photo.clean.jpg")
    source = Path(photo)
    return source.with_name(f"{source.stem}.clean{source.suffix}")
