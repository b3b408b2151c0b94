"""Showing the workbench's tables in JupyterLab: sortable and searchable with itables, or plain pandas.

itables runs in its offline mode (its JavaScript is embedded in the notebook, nothing is fetched from the
internet), so tables work on a machine without a network and in notebooks executed by papermill.

Example::

    use_interactive_tables(True)     # once, at the top of the notebook
    show(kwic(wb, "mandat"))         # a table with a search box and sortable columns
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..core.display import HTMLBlock, html, join, md

# Wrap long texts (the default "nowrap" makes one very wide line), and never drop rows of large tables.
ITABLES_OPTIONS: dict[str, Any] = {"classes": "display compact", "maxBytes": 0, "lengthMenu": [10, 25, 100, -1],
                                  "autoWidth": False}
QUOTE_COLUMNS = {"text": "34%", "excerpt": "34%", "before": "17%",
                 "after": "17%"}  # room for the quotes, by share of the width
_state = {"interactive": False}


def use_interactive_tables(enabled: bool = True) -> bool:
    """Make :func:`show` draw interactive tables (loads itables offline); returns whether they are on.

    Falls back to plain DataFrames when ``enabled`` is false or itables is not installed.
    """
    if enabled:
        try:
            import itables
        except ImportError:
            enabled = False
        else:
            itables.init_notebook_mode(all_interactive=False, connected=False)
    _state["interactive"] = enabled
    return enabled


def _column_defs(df: pd.DataFrame) -> list[dict]:
    """Text columns left-aligned, quotes given room, and a keyword-in-context ``left`` column right-aligned."""
    columns = list(df.columns)
    texts = [i for i, c in enumerate(columns) if not pd.api.types.is_numeric_dtype(df[c]) and c != "left"]
    defs = [{"className": "dt-left", "targets": texts}] if texts else []
    defs += [{"width": QUOTE_COLUMNS[c], "targets": [i]} for i, c in enumerate(columns) if c in QUOTE_COLUMNS]
    return defs + ([{"className": "dt-right", "targets": [columns.index("left")]}] if "left" in columns else [])


def show(df: pd.DataFrame, caption: str | None = None) -> pd.DataFrame | None:
    """Display ``df`` as a sortable, searchable table when interactive tables are on; else return it.

    Returned, the DataFrame is drawn by JupyterLab as the cell's result (the plain fallback).
    """
    if not _state["interactive"]:
        return df
    import itables

    itables.show(df, caption=caption, columnDefs=_column_defs(df), **ITABLES_OPTIONS)
    return None


def _aside(turn: str) -> list[HTMLBlock]:
    """A neighbouring turn in italics on one line (nothing at the start or end of an interview)."""
    return [md("*{}*", " ".join(turn.split()))] if turn else []


def retrieved_quotes(found: pd.DataFrame, limit: int = 5) -> HTMLBlock:
    """The first ``limit`` rows of :func:`helpers.workbench.explore.retrieve` as quotes with their context, to read
    in turn (escaped: a quote shows as it was said).

    The turn before and after are in italics; the retrieved segment is set in a block quote.
    """
    blocks = []
    for rec in found.head(limit).to_dict("records"):
        header = md("**{}** · {}, {} · {}", rec["segment_id"], rec["organisation"], rec["role"], rec["codes"])
        blocks.append(join([header, *_aside(rec["before"]), md("> {}", rec["text"]), *_aside(rec["after"])], "\n"))
    more = md("*… and {} more in the table below.*", len(found) - limit) if len(found) > limit else ""
    return html("{}\n{}", join(blocks, "\n<hr/>\n"), more)
