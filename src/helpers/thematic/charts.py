"""Charts of the thematic analysis and the topic exploration (notebook 03), in the house style.

Every function takes the tables of :mod:`helpers.thematic.themes` / :mod:`helpers.thematic.topics` and returns a figure
sized for the full width of an A4 page; the notebook saves it with :func:`helpers.core.style.save_figure`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns

from ..core.i18n import ENGLISH, Messages
from ..core.style import FULL_WIDTH, GREY, PALETTE, SEQUENTIAL, height_for_rows, wrap_label
from .themes import SaturationPoint
from .topics import NO_THEME


def prevalence_chart(prevalence: pd.DataFrame, m: Messages = ENGLISH) -> plt.Figure:
    """Themes by the number of participants who raise them, annotated with how many members raise them."""
    data = prevalence.sort_values(["n_participants", "n_segments"], ascending=False, kind="stable")
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, height_for_rows(len(data))))
    y = np.arange(len(data))
    ax.barh(y, data["n_participants"], height=0.7, color=PALETTE[0])
    top = max(float(data["n_participants"].max()), 1.0)
    for yi, n, orgs, of in zip(y, data["n_participants"], data["n_organisations"], data["of_organisations"]):
        ax.text(n + top * 0.015, yi, m("charts.prevalence_bar", n=n, orgs=orgs, of=of), va="center", fontsize=8)
    ax.set_yticks(y, [wrap_label(label, 34) for label in data["theme_label"]])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.4)
    ax.grid(axis="y", visible=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(m("charts.prevalence_x", n=data["of_participants"].max()))
    ax.set_ylabel(m("charts.prevalence_y"))
    ax.set_title(m("charts.prevalence_title"))
    return fig


def _heatmap(matrix: pd.DataFrame, annot: pd.DataFrame, title: str, xlabel: str, ylabel: str,
             cbar_label: str, vmax: float | None = None) -> plt.Figure:
    """A labelled heatmap with the values written in the cells (empty cells shown in light grey).

    Column labels are drawn as given (vertical), so callers wrap them."""
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, height_for_rows(len(matrix), 0.4, 2.6)))
    sns.heatmap(matrix.astype(float), annot=annot, fmt="", cmap=SEQUENTIAL, vmin=0, vmax=vmax, linewidths=0.5,
                linecolor="white", cbar_kws={"label": cbar_label, "shrink": 0.8}, annot_kws={"fontsize": 8}, ax=ax)
    ax.set_facecolor("#eeeeee")
    ax.set_yticks(np.arange(len(matrix)) + 0.5, [wrap_label(r, 34) for r in matrix.index], rotation=0)
    ax.set_xticks(np.arange(len(matrix.columns)) + 0.5, matrix.columns, rotation=90)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return fig


def group_heatmap(table: pd.DataFrame, group: str, measure: str, max_groups: int = 15,
                  m: Messages = ENGLISH) -> plt.Figure:
    """Theme × organisation/role from :func:`helpers.thematic.themes.theme_by_group`.

    ``measure`` is ``"n_participants"`` (participants of the group raising the theme, coloured by their share
    of the group) or ``"pct_words"`` (share of the group's respondent words spent on the theme). At most
    ``max_groups`` groups are drawn: those with most participants.
    """
    sizes = table.drop_duplicates(group).set_index(group)["participants_in_group"]
    keep = list(sizes.sort_values(ascending=False, kind="stable").index[:max_groups])
    keep = [g for g in sizes.index if g in keep]
    data = table.loc[table[group].isin(keep)]
    if len(keep) <= 10:  # room for a two-line name above the count
        columns = [f"{wrap_label(g, 24, 2)}\n(n = {sizes[g]})" for g in keep]
    else:  # narrow columns: one line each
        columns = [f"{wrap_label(g, 30, 1)} (n = {sizes[g]})" for g in keep]

    labels = dict(zip(data["theme_id"], data["theme_label"]))

    def grid(values: str) -> pd.DataFrame:
        wide = data.pivot(index="theme_id", columns=group, values=values)
        wide = wide.reindex(index=list(labels), columns=keep)
        wide.index, wide.columns = [labels[t] for t in wide.index], columns
        return wide

    shown = m("charts.heatmap_shown", n=len(keep)) if len(sizes) > max_groups else None
    name = m.word(f"charts.group_{group}", group)
    axis = m("charts.heatmap_x", group=m.word(f"charts.group_title_{group}", group.capitalize()))
    if measure == "n_participants":
        counts = grid("n_participants")
        fig = _heatmap(grid("pct_participants"), counts.astype(int).astype(str),
                       m("charts.heatmap_participants_title", group=name), axis, m("charts.heatmap_y"),
                       m("charts.heatmap_participants_bar"), vmax=100)
    elif measure == "pct_words":
        shares = grid("pct_words")
        fig = _heatmap(shares, shares.map(lambda v: "" if pd.isna(v) else m.pct(v / 100)),
                       m("charts.heatmap_words_title", group=name), axis, m("charts.heatmap_y"),
                       m("charts.heatmap_words_bar"))
    else:
        raise ValueError(f"unknown measure {measure!r}: use 'n_participants' or 'pct_words'")
    if shown:
        fig.axes[0].set_title(fig.axes[0].get_title(loc="left") + f"\n({shown})")
    return fig


def strong_pair_threshold(matrix: pd.DataFrame, max_edges: int | None = None) -> int:
    """The smallest co-occurrence count among the ``max_edges`` strongest pairs (default: two per node),
    so a network shows its backbone instead of a hairball."""
    values = matrix.to_numpy()
    pairs = np.sort(values[np.triu_indices(len(values), k=1)])[::-1]
    pairs = pairs[pairs > 0]
    if not len(pairs):
        return 1
    keep = max_edges if max_edges is not None else 2 * int((np.diag(values) > 0).sum())
    return int(pairs[min(keep, len(pairs)) - 1])


LABEL_GAP = 0.3  # vertical room per two-line label beside the ring, in units of the ring's radius


def _ring_layout(nodes: list[str]) -> dict[str, np.ndarray]:
    """Nodes on a circle in the given order, the first at the top, going clockwise."""
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(nodes)) / max(len(nodes), 1)
    return {node: np.array([np.cos(a), np.sin(a)]) for node, a in zip(nodes, angles)}


def _spread(heights: list[float], gap: float, top: float) -> list[float]:
    """Label heights as close to ``heights`` (sorted top down) as a ``gap`` between labels allows, within ±top."""
    placed: list[float] = []
    for h in heights:
        placed.append(min(h, top) if not placed else min(h, placed[-1] - gap))
    overflow = -top - placed[-1]
    return [h + overflow for h in placed] if overflow > 0 else placed


def _label_columns(ax: plt.Axes, pos: dict[str, np.ndarray], labels: pd.Series, top: float) -> None:
    """Labels in a column left and right of the ring, each joined to its circle by a thin line, spaced so that
    they never overlap however many themes there are."""
    for side in (1, -1):
        nodes = sorted((n for n, (x, _) in pos.items() if (x >= -1e-9) == (side == 1)), key=lambda n: -pos[n][1])
        if not nodes:
            continue
        heights = _spread([pos[n][1] for n in nodes], LABEL_GAP, top)
        for node, h in zip(nodes, heights):
            x, y = pos[node]
            ax.plot([x, side * 1.22], [y, h], color=GREY, linewidth=0.6, zorder=0)
            ax.text(side * 1.25, h, wrap_label(labels.get(node, node), 24),
                    ha="left" if side == 1 else "right", va="center", fontsize=8)


def cooccurrence_network(matrix: pd.DataFrame, labels: pd.Series, min_count: int | None = None) -> plt.Figure:
    """Themes (or codes) as circles sized by how many segments carry them, joined by lines as wide as the
    number of segments carrying both. Only pairs sharing ``min_count`` segments or more are drawn (default:
    :func:`strong_pair_threshold`).

    The circles sit on a ring in codebook order (first at the top, clockwise) with their labels in columns beside
    it: every label stays readable and linked to its circle, which a force-directed layout's crowded centre does
    not allow, and the picture is the same every run.
    """
    min_count = strong_pair_threshold(matrix) if min_count is None else min_count
    graph = nx.Graph()
    for node, n in zip(matrix.index, np.diag(matrix.to_numpy())):
        if n > 0:
            graph.add_node(node, size=int(n))
    for i, a in enumerate(matrix.index):
        for b in matrix.index[i + 1:]:
            if a in graph and b in graph and matrix.loc[a, b] >= min_count:
                graph.add_edge(a, b, weight=int(matrix.loc[a, b]))
    top = max(1.2, LABEL_GAP * (graph.number_of_nodes() + 1) / 4)  # half the height the label columns need
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, FULL_WIDTH * (2 * top + 0.3) / 4.8 + 0.9))
    if graph.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "No coded segments", ha="center", va="center", transform=ax.transAxes)
    else:
        pos = _ring_layout(list(graph.nodes))
        widths = np.array([d["weight"] for _, _, d in graph.edges(data=True)], dtype=float)
        sizes = np.array([d["size"] for _, d in graph.nodes(data=True)], dtype=float)
        nx.draw_networkx_edges(graph, pos, ax=ax, width=0.8 + 7 * widths / max(widths.max(initial=1), 1),
                               edge_color=GREY, alpha=0.5)
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=60 + 700 * sizes / sizes.max(), node_color=PALETTE[0],
                               alpha=0.9, linewidths=0)
        _label_columns(ax, pos, labels, top)
        ax.set_xlim(-2.4, 2.4)
        ax.set_ylim(-top - 0.15, top + 0.15)
        ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title("Themes that come up in the same segments")
    ax.text(0, -0.01, f"Circle area: segments with the theme. Line width: segments with both "
            f"(drawn for pairs sharing {min_count} or more segments).", transform=ax.transAxes, fontsize=8, va="top")
    return fig


def saturation_chart(table: pd.DataFrame, point: SaturationPoint, m: Messages = ENGLISH) -> plt.Figure:
    """Distinct codes found so far (line) and new codes per interview (bars), in interview order."""
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 4.2))
    x = table["position"].to_numpy()
    ax.bar(x, table["new_codes"], color=PALETTE[1], width=0.7, label=m("charts.saturation_new"))
    ax.step(x, table["cumulative_codes"], where="mid", color=PALETTE[0], linewidth=2,
            label=m("charts.saturation_total"))
    if point.reached:
        ax.axvline(point.position + 0.5, color=GREY, linestyle="--", linewidth=1.2,
                   label=m("charts.saturation_line", window=point.window))
    if len(x) <= 30:
        ax.set_xticks(x, table["participant_id"], rotation=90 if len(x) > 12 else 0)
    ax.set_xlim(0.3, len(x) + 0.7)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(m("charts.saturation_x_ids") if len(x) <= 30 else m("charts.saturation_x_numbers"))
    ax.set_ylabel(m("charts.saturation_y"))
    ax.set_title(m("charts.saturation_title"))
    # Between the bars (low, late interviews add few codes) and the curve (high): the empty middle.
    ax.legend(loc="center right", frameon=True, framealpha=0.95)
    return fig


def topic_terms_chart(terms: pd.DataFrame, n_terms: int = 8, columns: int = 4) -> plt.Figure:
    """The heaviest terms of each topic, one small bar chart per topic."""
    topics = sorted(terms["topic"].unique())
    rows = int(np.ceil(len(topics) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(FULL_WIDTH, 2.1 * rows + 0.6), squeeze=False)
    for ax, topic in zip(axes.flat, topics):
        top = terms.loc[terms["topic"] == topic].nsmallest(n_terms, "rank")
        ax.barh(np.arange(len(top)), top["weight"], color=PALETTE[(topic - 1) % len(PALETTE)], height=0.7)
        ax.set_yticks(np.arange(len(top)), top["term"], fontsize=8)
        ax.invert_yaxis()
        ax.set_xticks([])
        ax.grid(False)
        ax.set_title(f"Topic {topic}", fontsize=9, loc="left")
    for ax in axes.flat[len(topics):]:
        ax.set_axis_off()
    fig.suptitle("Topics found in the interviews: their heaviest terms", x=0.01, ha="left", fontweight="bold")
    fig.supxlabel("Weight of the term in the topic (longer bar = more typical)", fontsize=9)
    fig.tight_layout()
    return fig


def topic_theme_heatmap(overlap: pd.DataFrame) -> plt.Figure:
    """Topic × theme from :func:`helpers.thematic.topics.topic_theme_overlap`: % of each topic's segments per theme."""
    wide = overlap.pivot(index="topic_label", columns="theme_id", values="pct_segments")
    themes = list(dict.fromkeys(overlap["theme_id"]))
    wide = wide.reindex(index=list(dict.fromkeys(overlap["topic_label"])), columns=themes)
    labels = dict(zip(overlap["theme_id"], overlap["theme_label"]))
    wide.columns = [wrap_label(labels[t], 24, 3) if t != NO_THEME else "No theme" for t in themes]
    fig = _heatmap(wide, wide.map(lambda v: f"{v:.0f}"), "How the topics line up with the codebook's themes",
                   "Theme (last column: segments with no theme)", "Topic (number: top terms)",
                   "% of the topic's segments", vmax=100)
    fig.axes[0].axvline(len(themes) - 1, color="black", linewidth=1.5)  # set "No theme" apart
    fig.set_figheight(fig.get_figheight() + 0.8)
    return fig


def theme_member_chart(by_organisation: pd.DataFrame, theme_id: str, m: Messages = ENGLISH) -> plt.Figure:
    """One theme across the members: share of each member's interview words on it, with the average.

    ``by_organisation`` is the long table of :func:`helpers.thematic.themes.theme_by_group` for organisations.
    """
    rows = by_organisation.loc[by_organisation["theme_id"] == theme_id]
    label = rows["theme_label"].iloc[0]
    overall = 100 * rows["coded_words"].sum() / max(rows["respondent_words"].sum(), 1)
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 0.32 * len(rows) + 1.3))
    y = np.arange(len(rows))
    ax.barh(y, rows["pct_words"].fillna(0), height=0.65, color=PALETTE[0])
    for yi, pct, n, of in zip(y, rows["pct_words"].fillna(0), rows["n_participants"], rows["participants_in_group"]):
        ax.text(pct + 0.6, yi, m("charts.theme_member_bar", pct=m.pct(pct / 100), n=n, of=of), va="center", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85})
    ax.axvline(overall, color=PALETTE[1], linestyle="--", linewidth=1.2, zorder=0)
    ax.text(overall, -0.85, m("charts.theme_member_all", pct=m.pct(overall / 100)), color=PALETTE[1], fontsize=8,
            va="center")
    ax.set_yticks(y, rows["organisation"])
    ax.set_ylim(len(rows) - 0.4, -1.3)  # top to bottom, with a row of room above for the average's label
    ax.set_xlim(0, max(float(rows["pct_words"].max() or 0), overall) * 1.45 + 1)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(m("charts.theme_member_x"))
    ax.set_ylabel(m("charts.theme_member_y"))
    ax.set_title(m("charts.theme_member_title", theme=label))
    fig.tight_layout()
    return fig
