"""The house style for every figure: one place for fonts, palette and sizes, and one way to save."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns

from . import catalog
from .records import note_rendered, note_written

PALETTE = ["#1b6e8f", "#e07b39", "#4c9a5f", "#b8455a", "#7a5ea8", "#c9a227", "#5a6b7b", "#2fa39a",
           "#8c564b", "#d17fb5"]
GREY = "#9a9a9a"  # secondary marks: guide lines, network edges, hatching
SEQUENTIAL = "crest"
DIVERGING = "vlag"
FULL_WIDTH = 7.0  # inches: fits an A4 page with margins
DPI = 300


def set_style() -> None:
    """Apply the house style to matplotlib and seaborn (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    plt.rcParams.update({
        "figure.figsize": (FULL_WIDTH, 4.0),
        "figure.dpi": 110,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 8.5,
        "legend.title_fontsize": 9,
        "svg.fonttype": "none",  # keep text as text: searchable, and checked by the privacy gate
        "svg.hashsalt": "sexan",  # deterministic SVG ids
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def wrap_label(text: str, width: int = 30, lines: int = 2, break_long_words: bool = False) -> str:
    """Wrap a chart label to ``lines`` lines of about ``width`` characters, shortened with '…' (long words kept
    whole unless ``break_long_words``)."""
    return textwrap.fill(str(text), width=width, max_lines=lines, placeholder=" …",
                         break_long_words=break_long_words)


def height_for_rows(n_rows: int, per_row: float = 0.42, extra: float = 1.6) -> float:
    """Figure height (inches) that keeps ``n_rows`` two-line labels readable at A4 width."""
    return per_row * max(n_rows, 1) + extra


def org_palette(organisations: list[str]) -> dict[str, str]:
    """A fixed colour per organisation, so every chart shows a member in the same colour."""
    return {org: PALETTE[i % len(PALETTE)] for i, org in enumerate(organisations)}


def save_figure(fig: plt.Figure, name: str, figures_dir: str | Path, svg: bool = False) -> Path:
    """Save figure ``name`` of the catalogue as ``name.png`` (300 dpi) in ``figures_dir``, and with ``svg`` also as
    ``name.svg`` (for print layouts and editing: no page needs it, and it takes about as long as the PNG);
    return the PNG path."""
    catalog.figure(name)  # an undeclared figure is a defect of the stage
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"{name}.png", *([folder / f"{name}.svg"] if svg else [])]
    started = time.perf_counter()
    fig.savefig(files[0], dpi=DPI, metadata={"Software": None})
    if svg:
        fig.savefig(files[1], metadata={"Date": None})
    note_rendered(time.perf_counter() - started)
    for path in files:
        note_written(path)
    return files[0]
