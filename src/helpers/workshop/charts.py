"""Charts of the workshop results (notebook 04), in the house style.

Each chart function takes :class:`helpers.workshop.outcomes.WorkshopResults` and returns a figure, or raises
:class:`ChartSkipped` with a sentence saying why the chart cannot be drawn from this study's files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from adjustText import adjust_text
from IPython.display import display
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform

from ..core.display import html, skipped
from ..core.i18n import ENGLISH, Messages
from ..core.display import styled as escaped_table
from ..core.style import DIVERGING, FULL_WIDTH, GREY, PALETTE, height_for_rows, org_palette, save_figure, wrap_label
from .outcomes import QUADRANTS, WorkshopResults, agreement_strength, spearman_matrix, votes_per_voter_matrix

NO_WORKSHOP = "the study has no workshop folder"
QUADRANT_COLOURS = dict(zip(QUADRANTS.values(), (PALETTE[2], PALETTE[0], PALETTE[5], GREY)))


class ChartSkipped(Exception):
    """A chart that this study's files cannot support; the message says why, for the reader."""


def challenge_label(challenge_id: str, text: str, width: int = 36, lines: int = 2) -> str:
    """``C01 Challenge text`` wrapped by :func:`helpers.core.style.wrap_label` (long words may break)."""
    return wrap_label(f"{challenge_id} {text}", width, lines, break_long_words=True)


def _labels(ranked: pd.DataFrame) -> list[str]:
    return [challenge_label(c, t) for c, t in zip(ranked["challenge_id"], ranked["challenge"])]


def _member_label(org: str, n_voters: int, m: Messages) -> str:
    return m("charts.member_no_voters", organisation=org) if n_voters == 0 else m("charts.member_voters",
                                                                                   organisation=org, n=n_voters)


def priorities_chart(results: WorkshopResults, m: Messages = ENGLISH) -> plt.Figure:
    """Total votes per challenge, stacked by member, annotated with the share of voters who chose it."""
    ranked, ws = results.priorities, results.workshop
    voters = ws.voters_per_member()
    votes = (results.members.pivot(index="challenge_id", columns="organisation", values="votes")
             .reindex(index=ranked["challenge_id"], columns=ws.organisations))
    colours = org_palette(ws.organisations)
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, height_for_rows(len(ranked), extra=1.8) + 0.6),
                           layout="constrained")
    y, left = np.arange(len(ranked)), np.zeros(len(ranked))
    for org in ws.organisations:
        ax.barh(y, votes[org].to_numpy(), left=left, height=0.7, color=colours[org], edgecolor="white",
                linewidth=0.6, label=_member_label(org, int(voters[org]), m))
        left += votes[org].to_numpy()
    top = max(float(left.max()), 1.0)
    for yi, total, share in zip(y, ranked["votes"], ranked["share_of_voters"]):
        ax.text(total + top * 0.015, yi, m("charts.priorities_bar", votes=total, share=m.pct(share)), va="center",
                fontsize=8)
    ax.set_yticks(y, _labels(ranked))
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.35)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(m("charts.priorities_x"))
    ax.set_ylabel(m("charts.priorities_y"))
    ax.set_title(m("charts.priorities_title"))
    fig.legend(title=m("charts.members_legend"), loc="outside lower center", ncol=3, frameon=False)
    return fig


def member_heatmap(results: WorkshopResults, m: Messages = ENGLISH) -> plt.Figure:
    """Challenges by members, coloured by votes per voter, so small members count as much as large ones."""
    ranked, ws = results.priorities, results.workshop
    voters = ws.voters_per_member()
    matrix = votes_per_voter_matrix(results.members, with_voters_only=False)
    annot = matrix.map(lambda v: "" if pd.isna(v) or v == 0 else m.decimal(v))
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, height_for_rows(len(ranked), extra=1.8) + 0.6))
    sns.heatmap(matrix, cmap=sns.light_palette(PALETTE[0], as_cmap=True), annot=annot.to_numpy(), fmt="",
                annot_kws={"fontsize": 7.5}, linewidths=0.6, linecolor="white", vmin=0, ax=ax,
                cbar_kws={"label": m("charts.heatmap_votes_bar"), "shrink": 0.6, "pad": 0.02})
    ax.set_yticks(np.arange(len(ranked)) + 0.5, _labels(ranked), rotation=0)
    ax.set_xticks(np.arange(len(ws.organisations)) + 0.5,
                  [_member_label(o, int(voters[o]), m) for o in ws.organisations], rotation=40, ha="right",
                  rotation_mode="anchor")
    for col, org in enumerate(ws.organisations):
        if voters[org] == 0:  # hatched, so that a member without voters is visibly there, not missing
            ax.add_patch(Rectangle((col, 0), 1, len(ranked), facecolor="white", edgecolor=GREY, hatch="///",
                                   linewidth=0))
    ax.set_xlabel(m("charts.members_legend"))
    ax.set_ylabel(m("charts.member_heatmap_y"))
    ax.set_title(m("charts.member_heatmap_title"))
    ax.grid(False)
    return fig


def importance_feasibility_chart(results: WorkshopResults, m: Messages = ENGLISH) -> plt.Figure:
    """Mean importance against mean feasibility, one labelled point per challenge, sized by votes."""
    ws, ranked = results.workshop, results.priorities
    if not ws.has_ratings:
        raise ChartSkipped("the votes file has no importance and feasibility ratings (the vote charts above do not "
                           "need them)")
    rated = ranked.dropna(subset=["mean_importance", "mean_feasibility"])
    x, y = rated["mean_feasibility"].to_numpy(), rated["mean_importance"].to_numpy()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 6.2))
    sizes = _point_size(rated["votes"])
    ax.scatter(x, y, s=sizes, c=[QUADRANT_COLOURS[q] for q in rated["quadrant"]],
               alpha=0.85, edgecolor="white", linewidth=0.8, zorder=3)
    x_cut, y_cut = ranked["mean_feasibility"].median(), ranked["mean_importance"].median()
    ax.axvline(x_cut, color=GREY, lw=0.9, ls="--", zorder=1)
    ax.axhline(y_cut, color=GREY, lw=0.9, ls="--", zorder=1)
    pad = 0.35
    ax.set_xlim(max(0.6, x.min() - pad), min(5.4, x.max() + pad))
    ax.set_ylim(max(0.6, y.min() - pad), min(5.4, y.max() + pad))
    corners = _name_quadrants(ax, m)
    labels = [challenge_label(c, t, width=24, lines=3) for c, t in zip(rated["challenge_id"], rated["challenge"])]
    _label_points(ax, x, y, sizes, labels, list(rated["challenge_id"]), avoid=corners)
    ax.legend(handles=_size_handles(ranked["votes"]), title=m("charts.votes_legend"), loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=False, labelspacing=1.3, borderpad=1.0)
    ax.set_xlabel(m("charts.feasibility_x"))
    ax.set_ylabel(m("charts.importance_y"))
    ax.set_title(m("charts.importance_title"))
    unrated = ranked.loc[~ranked.index.isin(rated.index), "challenge_id"].tolist()
    if unrated:
        _footnote(fig, ax, m("charts.not_rated", ids=", ".join(unrated)))
    return fig


def _label_points(ax: plt.Axes, x: np.ndarray, y: np.ndarray, sizes: np.ndarray, labels: list[str],
                  short_labels: list[str], avoid: list) -> list:
    """Label every point without overlaps: place each label greedily (largest points first) in the nearest
    free spot around its marker, falling back to the short label where the long one does not fit; adjustText
    then resolves anything left and draws leader lines to labels set apart from their point."""
    renderer = ax.figure.canvas.get_renderer()
    to_data = ax.transData.inverted()
    centres = ax.transData.transform(np.column_stack([x, y]))
    radii = np.sqrt(sizes) / 2 * ax.figure.dpi / 72
    obstacles = [Bbox([[cx - r, cy - r], [cx + r, cy + r]]) for (cx, cy), r in zip(centres, radii)]
    obstacles += [a.get_window_extent(renderer) for a in avoid]
    taken = list(obstacles)
    texts = [ax.text(xi, yi, label, fontsize=7.2, ha="center", va="center", zorder=4,
                     bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})
             for xi, yi, label in zip(x, y, labels)]
    for i in np.argsort(-sizes, kind="stable"):
        for label in (labels[i], short_labels[i]):
            texts[i].set_text(label)
            box = texts[i].get_window_extent(renderer)
            spot = _free_spot(centres[i], radii[i], box.width, box.height, taken, ax.bbox)
            if spot is not None:
                texts[i].set_position(to_data.transform(spot))
                taken.append(Bbox.from_bounds(spot[0] - box.width / 2, spot[1] - box.height / 2,
                                              box.width, box.height))
                break
    # expand=1 and no pull, explosion or crossing swaps: adjustText keeps the free spots found above and only
    # moves labels that found none
    adjust_text(texts, x=x, y=y, target_x=x, target_y=y, avoid_self=False, ax=ax, iter_lim=500, expand=(1.0, 1.0),
                force_pull=0, force_explode=0, prevent_crossings=False,
                objects=[Bbox(to_data.transform(b.get_points())) for b in obstacles],
                min_arrow_len=4, arrowprops={"arrowstyle": "-", "color": GREY, "lw": 0.6})
    return texts


def _free_spot(centre: np.ndarray, radius: float, width: float, height: float, taken: list[Bbox],
               frame: Bbox, gap: float = 4.0) -> tuple[float, float] | None:
    """The centre (display units) of the nearest label box around a marker that overlaps nothing taken."""
    for distance in gap * np.array([1, 3, 6, 10, 16, 24, 34]):
        for angle in (90, 270, 0, 180, 30, 150, 210, 330, 60, 120, 240, 300):
            dx, dy = np.cos(np.radians(angle)), np.sin(np.radians(angle))
            cx = centre[0] + dx * (radius + distance + width / 2) if abs(dx) > 1e-9 else centre[0]
            cy = centre[1] + dy * (radius + distance + height / 2) if abs(dy) > 1e-9 else centre[1]
            # slide a box that sticks out of the plot back inside it
            cx = float(np.clip(cx, frame.x0 + (width + gap) / 2, frame.x1 - (width + gap) / 2))
            cy = float(np.clip(cy, frame.y0 + (height + gap) / 2, frame.y1 - (height + gap) / 2))
            box = Bbox.from_bounds(cx - width / 2 - gap / 2, cy - height / 2 - gap / 2, width + gap, height + gap)
            if not any(box.overlaps(other) for other in taken):
                return cx, cy
    return None


def _point_size(votes: pd.Series) -> np.ndarray:
    return 30 + 18 * np.asarray(votes, dtype=float)


def _size_handles(votes: pd.Series) -> list[Line2D]:
    """Legend entries for a few round numbers of votes up to the maximum."""
    top = max(int(votes.max()), 1)
    steps = [v for v in (1, 2, 5, 10, 20, 50, 100, 200) if v <= top][-3:]
    return [plt.scatter([], [], s=float(_point_size(pd.Series([v]))[0]), color=GREY, label=str(v)) for v in steps]


def _name_quadrants(ax: plt.Axes, m: Messages) -> list:
    """Write the quadrant names in the corners; return them so that point labels can avoid them."""
    spots = {"Strategic bets": (0.01, 0.99, "left", "top"), "Quick wins": (0.99, 0.99, "right", "top"),
             "Reconsider": (0.01, 0.01, "left", "bottom"), "Fill-ins (low-hanging)": (0.99, 0.01, "right", "bottom")}
    return [ax.text(x, y, m(f"quadrant.{name}"), transform=ax.transAxes, ha=ha, va=va, fontsize=9, fontweight="bold",
                    color=QUADRANT_COLOURS[name], alpha=0.9) for name, (x, y, ha, va) in spots.items()]


def agreement_chart(results: WorkshopResults, m: Messages = ENGLISH) -> plt.Figure:
    """Clustered heatmap of Spearman rank correlations between the members' priority orders."""
    matrix = votes_per_voter_matrix(results.members)
    flat = [c for c in matrix.columns if matrix[c].nunique() < 2]
    silent = results.members.loc[results.members["n_voters"] == 0, "organisation"].unique().tolist()
    rho, _ = spearman_matrix(matrix.drop(columns=flat))
    if len(rho) < 3:
        raise ChartSkipped("fewer than three members ranked the challenges differently, so there is nothing "
                           "to cluster")
    order = linkage(squareform(1 - rho.to_numpy(), checks=False), method="average")
    grid = sns.clustermap(rho, row_linkage=order, col_linkage=order, cmap=DIVERGING, vmin=-1, vmax=1, center=0,
                          annot=rho.map(lambda v: m.num(v, 2)).to_numpy(), fmt="", annot_kws={"fontsize": 8},
                          linewidths=0.6, linecolor="white",
                          figsize=(FULL_WIDTH, 6.2), dendrogram_ratio=0.14, cbar_pos=(0.03, 0.93, 0.1, 0.022),
                          cbar_kws={"orientation": "horizontal", "ticks": [-1, 0, 1]})
    grid.ax_cbar.set_title(m("charts.rho"), fontsize=8, loc="left")
    grid.ax_cbar.tick_params(labelsize=7.5)
    heat = grid.ax_heatmap
    heat.set_xlabel(m("charts.member"))
    heat.set_ylabel(m("charts.member"))
    plt.setp(heat.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
    plt.setp(heat.get_yticklabels(), rotation=0)
    w = results.agreement.iloc[0]
    grid.figure.suptitle(m("charts.agreement_title"), x=0.02, ha="left", y=1.06, fontsize=12, fontweight="bold")
    grid.figure.text(0.02, 1.015, m("charts.agreement_w", w=m.num(w["value"], 2),
                                    strength=m(f"strength.{agreement_strength(w['value'])}"),
                                    p=m.num(w["p_value"], 3), n=int(w["n_members"])), fontsize=9.5)
    left_out = ([m("charts.left_out_no_voters", organisation=o) for o in silent]
                + [m("charts.left_out_same_votes", organisation=o) for o in flat])
    if left_out:
        _footnote(grid.figure, heat, m("charts.left_out", members="; ".join(left_out)))
    return grid.figure


def _footnote(fig: plt.Figure, ax: plt.Axes, text: str) -> None:
    """Write ``text`` at the left edge, just below everything drawn for ``ax`` (tick labels included)."""
    fig.canvas.draw()
    bottom = ax.get_tightbbox(fig.canvas.get_renderer()).transformed(fig.transFigure.inverted()).y0
    fig.text(0.02, bottom - 0.015, text, fontsize=8, color="#555555", va="top")


def evidence_chart(results: WorkshopResults, m: Messages = ENGLISH) -> plt.Figure:
    """Per challenge, in priority order: in how many interviews its theme was coded."""
    ev = results.evidence
    if not results.workshop.has_theme_links:
        raise ChartSkipped("no challenge has a theme_id, so none can be compared with the interviews")
    if results.n_interviews is None:
        raise ChartSkipped("the chart needs the segments and codings tables of notebooks 01 and 02")
    counts = ev["n_interviews"].fillna(0).astype(float).to_numpy()
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, height_for_rows(len(ev), extra=1.8)))
    y = np.arange(len(ev))
    ax.barh(y, counts, height=0.65, color=PALETTE[0])
    for yi, rec in zip(y, ev.to_dict("records")):
        if not rec["theme_id"]:
            note, colour = m("charts.evidence_none"), GREY
        elif rec["n_interviews"] == 0:
            note, colour = m("charts.evidence_unsupported"), PALETTE[3]
        else:
            note = m("charts.evidence_note", interviews=m.n("count.interview", int(rec["n_interviews"])),
                     members=m.n("count.member", int(rec["n_members"])))
            colour = "#222222"
        ax.text(counts[yi] + results.n_interviews * 0.015, yi, note, va="center", fontsize=8, color=colour)
    ax.set_yticks(y, _labels(ev))
    ax.invert_yaxis()
    ax.set_xlim(0, results.n_interviews * 1.45)
    ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= results.n_interviews])
    ax.axvline(results.n_interviews, color=GREY, lw=0.9, ls=":")  # all interviews
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(m("charts.evidence_x", n=results.n_interviews))
    ax.set_ylabel(m("charts.evidence_y"))
    ax.set_title(m("charts.evidence_title"))
    return fig


def show(make: Callable[[WorkshopResults, Messages], plt.Figure], results: WorkshopResults | None, name: str,
         figures_dir: str | Path, m: Messages = ENGLISH, svg: bool = False) -> None:
    """Notebook helper: draw, save (PNG, and with ``svg`` SVG too) and display a chart, or display why it was
    skipped.

    A skipped chart's files from an earlier run are removed when the notebook's run finishes
    (:func:`helpers.core.records.finish`), so that no stale figure reaches the report.
    """
    try:
        if results is None:
            raise ChartSkipped(NO_WORKSHOP)
        fig = make(results, m)
    except ChartSkipped as why:
        display(skipped("This chart", str(why)))
        return
    save_figure(fig, name, figures_dir, svg=svg)
    display(fig)
    plt.close(fig)


def show_text(results: WorkshopResults | None, sentence: Callable[[WorkshopResults], str]) -> None:
    """Notebook helper: display a generated paragraph (escaped), or why the workshop analysis is skipped."""
    display(skipped("The workshop analysis", NO_WORKSHOP) if results is None else html("<p>{}</p>", sentence(results)))


def show_table(results: WorkshopResults | None, table: str, columns: list[str] | None = None,
               empty: str = "it is empty") -> None:
    """Notebook helper: display one of the results' tables (optionally some columns), formatted for reading, or
    why it is skipped (``empty``: the reason, as a clause)."""
    if results is None:
        display(skipped("This table", NO_WORKSHOP))
        return
    df = getattr(results, table)
    if df.empty:
        display(skipped("This table", empty))
        return
    display(styled(df[columns] if columns else df))


def styled(df: pd.DataFrame):
    """A table for display (escaped): shares as percentages, means with two decimals, no index."""
    formats = {c: "{:.0%}" for c in df.columns if c.startswith("share_")}
    formats |= {c: "{:.2f}" for c in df.select_dtypes("float").columns if c not in formats}
    return escaped_table(df, formatter=formats, na_rep="–")
