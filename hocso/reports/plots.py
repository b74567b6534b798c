"""The report's pictures: matplotlib figures rendered to SVG, so the HTML stays one offline file.

Heat maps answer "which unit is weak where" at a glance, where a 20 x 24 table would be read cell by
cell. Figures are built on `matplotlib.figure.Figure` (no pyplot global state) so they are safe to
draw from a Voila kernel or a thread. Each figure has a `*_caption` that says in words what it shows
and its most telling value (the page's figcaption and the image's alt text), for a reader who
cannot see the colours, prints in black and white, or reads the page aloud.
"""

from __future__ import annotations

import base64
import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from matplotlib.typing import RcKeyType

from hocso.config import LanguageCode
from hocso.i18n import t

__all__ = [
    "below_target_caption",
    "below_target_heatmap",
    "data_uri",
    "exercises_caption",
    "gain_by_competence_chart",
    "gain_caption",
    "gain_competence_caption",
    "gain_histogram",
    "hardest_exercises_chart",
    "level_distribution_chart",
    "levels_caption",
    "unit_score_caption",
    "unit_score_heatmap",
]

STYLE: dict[RcKeyType, object] = {
    "svg.fonttype": "none",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def data_uri(figure: Figure) -> str:
    """The figure as an SVG data URI: an <img> keeps each SVG's internal ids apart from the others'."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _heatmap(
    table: pd.DataFrame, *, colorbar: str, cmap: str, language: LanguageCode, percent: bool
) -> Figure:
    rows, cols = table.shape
    with matplotlib.rc_context(STYLE):
        figure = Figure(
            figsize=(max(5.0, 0.42 * cols + 2.5), max(2.2, 0.3 * rows + 1.4)), layout="constrained"
        )
        axes = figure.add_subplot()
        image = axes.imshow(table.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=0, vmax=1)
        axes.set_xticks(range(cols), [str(c) for c in table.columns], rotation=90)
        axes.set_yticks(range(rows), [str(r) for r in table.index])
        axes.set_xlabel(t("reports.columns.competence", language))
        if rows * cols <= 150:
            for (i, j), value in np.ndenumerate(table.to_numpy(dtype=float)):
                if not np.isnan(value):
                    red, green, blue, _ = image.cmap(image.norm(value))
                    dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
                    text = f"{value:.0%}" if percent else f"{value:.2f}"
                    axes.text(
                        j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black"
                    )
        figure.colorbar(image, ax=axes, label=colorbar, shrink=0.8)
    return figure


def unit_score_heatmap(by_unit: pd.DataFrame, language: LanguageCode) -> Figure:
    table = by_unit.pivot(index="unit", columns="competence", values="mean_score")
    return _heatmap(
        table,
        colorbar=t("reports.columns.mean_score", language),
        cmap="viridis",
        language=language,
        percent=True,
    )


def below_target_heatmap(
    by_group: pd.DataFrame, language: LanguageCode, group_names: dict[str, str] | None = None
) -> Figure:
    table = by_group.pivot(index="group", columns="competence", values="below_target_share")
    table.index = [(group_names or {}).get(str(g), str(g)) for g in table.index]
    return _heatmap(
        table,
        colorbar=t("reports.columns.below_target_share", language),
        cmap="magma_r",
        language=language,
        percent=True,
    )


def level_distribution_chart(profile: pd.DataFrame, language: LanguageCode) -> Figure:
    """Stacked bars: how many learners reached each level (0 = none) in each competence."""
    counts = profile.groupby(["competence", "level"]).size().unstack("level", fill_value=0)
    counts = counts.reindex(columns=range(0, 9), fill_value=0)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(max(5.0, 0.4 * len(counts) + 2.5), 3.4), layout="constrained")
        axes = figure.add_subplot()
        bottom = np.zeros(len(counts))
        colors = matplotlib.colormaps["YlGnBu"](np.linspace(0.1, 0.95, 9))
        x = np.arange(len(counts))
        for level in range(9):
            values = counts[level].to_numpy()
            if values.any():
                label = t("reports.html.level_none", language) if level == 0 else str(level)
                axes.bar(x, values, bottom=bottom, color=colors[level], label=label, width=0.8)
                bottom += values
        axes.set_xticks(x, [str(c) for c in counts.index], rotation=90)
        axes.set_xlabel(t("reports.columns.competence", language))
        axes.set_ylabel(t("reports.html.learners_axis", language))
        axes.legend(
            title=t("reports.columns.level", language), fontsize=7, loc="upper left", bbox_to_anchor=(1, 1)
        )
    return figure


def hardest_exercises_chart(exercises: pd.DataFrame, language: LanguageCode, count: int = 12) -> Figure:
    """The cells most failed, among those with results (a grade awaiting a person is no failure)."""
    top = exercises[exercises["attempts"] > 0].head(count).iloc[::-1]
    labels = [
        f"{m}/{g} ({c})" for m, g, c in zip(top["module"], top["grade_id"], top["competence"], strict=True)
    ]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.0, 0.28 * len(top) + 1.0), layout="constrained")
        axes = figure.add_subplot()
        axes.barh(range(len(top)), top["fail_rate"].to_numpy(dtype=float), color="#c0392b")
        axes.set_yticks(range(len(top)), labels)
        axes.set_xlim(0, 1)
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_xlabel(t("reports.columns.fail_rate", language))
    return figure


def gain_histogram(gains: pd.DataFrame, language: LanguageCode) -> Figure:
    """Pre-test and post-test scores side by side: the whole shift, not just its mean."""
    bins = [float(edge) for edge in np.linspace(0, 1, 11)]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.0, 2.8), layout="constrained")
        axes = figure.add_subplot()
        axes.hist(
            [gains["pre"].to_numpy(dtype=float), gains["post"].to_numpy(dtype=float)],
            bins=bins,
            label=[t("reports.html.pre", language), t("reports.html.post", language)],
            color=["#95a5a6", "#2980b9"],
        )
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_xlabel(t("reports.columns.score", language))
        axes.set_ylabel(t("reports.html.learners_axis", language))
        axes.legend()
    return figure


def overall_gains(table: pd.DataFrame) -> pd.DataFrame:
    """`competence_gains`' unit rows pooled per competence, each unit weighted by its learners."""
    weighted = (
        table.assign(pre=table["pre"] * table["learners"], post=table["post"] * table["learners"])
        .groupby("competence", sort=False)[["learners", "pre", "post"]]
        .sum()
    )
    pooled = pd.DataFrame(
        {"pre": weighted["pre"] / weighted["learners"], "post": weighted["post"] / weighted["learners"]}
    )
    pooled["gain"] = pooled["post"] - pooled["pre"]
    return pooled


def gain_by_competence_chart(table: pd.DataFrame, language: LanguageCode) -> Figure:
    """Pre-test and post-test score per competence, side by side bars: where the course moved people."""
    pooled = overall_gains(table)
    positions = np.arange(len(pooled))
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.4, 3.0), layout="constrained")
        axes = figure.add_subplot()
        axes.bar(
            positions - 0.2,
            pooled["pre"].to_numpy(dtype=float),
            0.4,
            label=t("reports.html.pre", language),
            color="#95a5a6",
        )
        axes.bar(
            positions + 0.2,
            pooled["post"].to_numpy(dtype=float),
            0.4,
            label=t("reports.html.post", language),
            color="#2980b9",
        )
        axes.set_xticks(positions, list(pooled.index))
        axes.set_ylim(0, 1)
        axes.yaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_xlabel(t("reports.columns.competence", language))
        axes.set_ylabel(t("reports.columns.score", language))
        axes.legend()
    return figure


def gain_competence_caption(table: pd.DataFrame, gains: pd.DataFrame, language: LanguageCode) -> str:
    gain = overall_gains(table)["gain"]
    best = int(gain.argmax())  # by position: the competence is the index label
    return t(
        "reports.html.gain_competence_text",
        language,
        count=len(gains),
        best=gain.index[best],
        gain=f"{float(gain.iloc[best]) * 100:+.1f}",
    )


def _percent(value: float) -> str:
    return f"{value:.0%}"


def unit_score_caption(by_unit: pd.DataFrame, language: LanguageCode) -> str:
    scored = by_unit.dropna(subset=["mean_score"])
    if scored.empty:
        return t("reports.html.heatmap_caption_empty", language)
    low = scored.iloc[int(scored["mean_score"].argmin())]
    high = scored.iloc[int(scored["mean_score"].argmax())]
    return t(
        "reports.html.heatmap_caption",
        language,
        unit=low["unit"],
        competence=low["competence"],
        score=_percent(low["mean_score"]),
        best_unit=high["unit"],
        best_competence=high["competence"],
        best_score=_percent(high["mean_score"]),
    )


def below_target_caption(
    by_group: pd.DataFrame, language: LanguageCode, group_names: dict[str, str] | None = None
) -> str:
    if by_group.empty or not (by_group["below_target"] > 0).any():
        return t("reports.html.below_caption_none", language)
    top = by_group.iloc[int(by_group["below_target_share"].argmax())]
    return t(
        "reports.html.below_caption",
        language,
        group=(group_names or {}).get(str(top["group"]), str(top["group"])),
        competence=top["competence"],
        share=_percent(top["below_target_share"]),
        count=int(top["below_target"]),
        learners=int(top["learners"]),
    )


def levels_caption(profile: pd.DataFrame, language: LanguageCode) -> str:
    none = int((profile["level"] == 0).sum())
    return t(
        "reports.html.levels_caption",
        language,
        none=none,
        total=len(profile),
        top=int(profile["level"].max()) if len(profile) else 0,
    )


def exercises_caption(exercises: pd.DataFrame, language: LanguageCode, pass_mark: float) -> str:
    graded = exercises[exercises["attempts"] > 0]
    waiting = int((exercises["awaiting"] > 0).sum())
    text = t("reports.html.exercises_caption_empty", language)
    if not graded.empty:
        top = graded.iloc[0]
        text = t(
            "reports.html.exercises_caption",
            language,
            pass_mark=round(pass_mark * 100),
            exercise=f"{top['module']}/{top['grade_id']}",
            rate=_percent(top["fail_rate"]),
        )
    if waiting:
        text += " " + t("reports.html.exercises_caption_awaiting", language, count=waiting)
    return text


def gain_caption(gains: pd.DataFrame, language: LanguageCode) -> str:
    return t(
        "reports.html.gain_text",
        language,
        count=len(gains),
        mean=f"{gains['gain'].mean() * 100:+.1f}",
        normalized=f"{gains['normalized_gain'].median():.2f}",
    )
