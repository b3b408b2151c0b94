"""Tables and charts of notebook 02: codings per code and coder, theme coverage, agreement per theme."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.style import FULL_WIDTH, PALETTE, wrap_label
from ..core.tables import respondent_segments
from .codebook import Codebook


def code_counts(codings: pd.DataFrame, codebook: Codebook, english: bool = False) -> pd.DataFrame:
    """Segments coded with each theme and code, one column per coder (source in brackets), in codebook order."""
    counts = (codings.assign(column=codings["coder"] + " (" + codings["source"] + ")")
              .pivot_table(index="code_id", columns="column", values="segment_id", aggfunc="nunique", fill_value=0))
    table = pd.DataFrame({"code_id": list(codebook.codes)})
    table["label"] = [("    " * codebook.codes[c].level) + codebook.codes[c].display_label(english)
                      for c in table["code_id"]]
    table["theme_id"] = [codebook.codes[c].theme_id for c in table["code_id"]]
    table = table.join(counts, on="code_id").fillna(0)
    return table.astype({c: "int64" for c in counts.columns})


def coverage_table(codings: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                   english: bool = False) -> pd.DataFrame:
    """For each theme and coder: the share of respondent segments, in the interviews the coder coded, coded with it.

    A share (not a count) lets a coder of four interviews be compared with the rules that coded them all.
    """
    respondent = respondent_segments(segments)
    rows = []
    for coder, own in codings.groupby("coder", sort=True):
        units = respondent.loc[respondent["participant_id"].isin(set(own["participant_id"])), "segment_id"]
        for theme in codebook.themes:
            coded = own.loc[(own["theme_id"] == theme.id) & own["segment_id"].isin(set(units)), "segment_id"]
            rows.append({"theme_id": theme.id, "theme": theme.display_label(english), "coder": coder,
                         "n_interviews": own["participant_id"].nunique(), "n_units": len(units),
                         "n_segments": coded.nunique(), "pct_segments": 100 * coded.nunique() / max(len(units), 1)})
    return pd.DataFrame(rows, columns=["theme_id", "theme", "coder", "n_interviews", "n_units", "n_segments",
                                       "pct_segments"])


def coverage_chart(coverage: pd.DataFrame) -> plt.Figure:
    """Grouped horizontal bars: per theme, the share of respondent segments each coder coded with it."""
    themes = list(dict.fromkeys(coverage["theme"]))
    coders = list(dict.fromkeys(coverage["coder"]))
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 0.5 * len(themes) * max(len(coders), 2) / 2 + 2.0),
                           layout="constrained")
    height = 0.8 / len(coders)
    y = np.arange(len(themes))
    for i, coder in enumerate(coders):
        rows = coverage[coverage["coder"] == coder].set_index("theme").reindex(themes)
        n = int(rows["n_interviews"].max())
        ax.barh(y + (i - (len(coders) - 1) / 2) * height, rows["pct_segments"], height=height * 0.95,
                color=PALETTE[i % len(PALETTE)], label=f"{coder} ({n} interview{'s' if n != 1 else ''})")
    ax.set_yticks(y, [wrap_label(t, 34) for t in themes])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Respondent segments coded with the theme (% of those in the coder's interviews)")
    ax.set_ylabel("Theme")
    ax.set_title("How much of the interviews each coder coded with each theme")
    fig.legend(title="Coder", loc="outside lower center", ncol=len(coders), frameon=False)
    return fig


def agreement_chart(agreement: pd.DataFrame, labels: dict[str, str]) -> plt.Figure:
    """Kappa (dot) and alpha (cross) per theme for each coder pair, with the usual reading thresholds.

    ``labels`` maps theme ids to the labels shown, in the order the themes are drawn."""
    data = agreement[agreement["level"] == "theme"]
    themes = [t for t in labels if t in set(data["code_id"])]
    pairs = list(dict.fromkeys(data["coder_a"] + " vs " + data["coder_b"]))
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 0.45 * len(themes) + 2.2), layout="constrained")
    y = np.arange(len(themes))
    ax.grid(axis="x", visible=False)
    for bound, text in ((0.4, "moderate"), (0.6, "substantial"), (0.8, "almost perfect")):  # kappa, Landis & Koch
        ax.axvline(bound, color="#888888", lw=0.9, ls="--", zorder=1)
        ax.text(bound + 0.01, -0.75, text, fontsize=7.5, color="#555555", va="bottom")
    for i, pair in enumerate(pairs):
        rows = data[(data["coder_a"] + " vs " + data["coder_b"]) == pair].set_index("code_id").reindex(themes)
        offset = (i - (len(pairs) - 1) / 2) * 0.25
        colour = PALETTE[i % len(PALETTE)]
        ax.scatter(rows["kappa"], y + offset, color=colour, s=36, label=f"{pair}: Cohen's kappa", zorder=3)
        ax.scatter(rows["alpha"], y + offset, color=colour, marker="x", s=36,
                   label=f"{pair}: Krippendorff's alpha", zorder=3)
    ax.set_yticks(y, [wrap_label(labels.get(t, t), 34) for t in themes])
    ax.set_ylim(len(themes) - 0.4, -1.0)
    ax.set_xlim(min(-0.2, float(np.nanmin(data[["kappa", "alpha"]].to_numpy(), initial=0)) - 0.05), 1.05)
    ax.set_xlabel("Agreement beyond chance (1 = perfect, 0 = chance level)")
    ax.set_ylabel("Theme")
    ax.set_title("Agreement between coders per theme")
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    return fig
