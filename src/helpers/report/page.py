"""The findings report and member briefs: numbered figures and tables, provenance, and the HTML around them.

Notebooks 05 and 06 build their pages with a :class:`Report`, which numbers figures and tables, embeds
every image inline and records the sections for the table of contents; the runner renders the executed
notebook into HTML (:mod:`helpers.runner.render`).
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.tables import read_processed

TOC_PLACEHOLDER = "<!--report-toc-->"


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


@dataclass
class Report:
    """Numbers figures and tables and emits them as HTML that survives nbconvert unchanged."""

    figures: int = 0
    tables: int = 0
    sections: list[tuple[int, str, str]] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> "HTMLBlock":
        """A section heading with a stable anchor, recorded for the table of contents."""
        anchor = _slug(text)
        self.sections.append((level, text, anchor))
        return HTMLBlock(f'<h{level} id="{anchor}">{html.escape(text)}</h{level}>')

    def figure(self, fig, caption: str, dpi: int = 150) -> "HTMLBlock":
        """A matplotlib figure embedded as PNG, numbered, with its caption."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        plt.close(fig)
        return self._figure(buffer.getvalue(), caption)

    def image(self, png: str | Path, caption: str, width: int = 1400) -> "HTMLBlock":
        """A saved PNG (from ``figures/``) embedded inline at screen resolution, numbered, with its caption."""
        from PIL import Image

        with Image.open(png) as img:
            if img.width > width:
                img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
            buffer = io.BytesIO()
            img.save(buffer, format="PNG", optimize=True)
        return self._figure(buffer.getvalue(), caption)

    def _figure(self, png: bytes, caption: str) -> "HTMLBlock":
        self.figures += 1
        data = base64.b64encode(png).decode()
        return HTMLBlock(f'<figure><img alt="Figure {self.figures}" src="data:image/png;base64,{data}"/>'
                         f'<figcaption class="caption"><b>Figure {self.figures}.</b> {caption}</figcaption></figure>')

    def table(self, df: pd.DataFrame, caption: str, index: bool = False) -> "HTMLBlock":
        """A numbered table with its caption above it."""
        self.tables += 1
        body = df.to_html(index=index, border=0, escape=True, na_rep="–", classes="report-table", justify="left")
        return HTMLBlock(f'<div class="caption"><b>Table {self.tables}.</b> {caption}</div>{body}')


@dataclass
class HTMLBlock:
    """Raw HTML that Jupyter displays as such (and nbconvert keeps)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def paragraph(text: str) -> HTMLBlock:
    """A paragraph of generated text (escaped)."""
    return HTMLBlock(f"<p>{html.escape(text)}</p>")


def note(text: str) -> HTMLBlock:
    """A paragraph the reader must not miss (escaped): a limit of the data that changes how to read the report."""
    return HTMLBlock(f'<p class="note"><strong>Note.</strong> {html.escape(text)}</p>')


def quote_block(text: str, attribution: str) -> HTMLBlock:
    """A quote in its original language with its pseudonymous attribution."""
    return HTMLBlock(f"<blockquote>{html.escape(text)}<br/><small>— {html.escape(attribution)}</small></blockquote>")


def banner(fictional: bool, title: str) -> HTMLBlock:
    """The banner that tells every page of a fictional study's report that its data are invented.

    On screen it stays at the top of the window; in print it sits in the top margin of every A4 page
    (a CSS page-margin box), where it cannot cover the text.
    """
    if not fictional:
        return HTMLBlock("")
    text = f"FICTIONAL SAMPLE DATA: invented municipalities and people — not research findings ({title})"
    css_text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return HTMLBlock(f'<style>@page {{ @top-center {{ content: "{css_text}"; }} }}</style>'
                     f'<div class="fictional-banner">{html.escape(text)}</div>')


def toc_placeholder() -> HTMLBlock:
    """Where the renderer (:func:`helpers.runner.render.finalise_html`) puts the table of contents."""
    return HTMLBlock(TOC_PLACEHOLDER)


def load_tables(processed: Path, required: list[str], optional: list[str] = ()) -> dict[str, pd.DataFrame | None]:
    """The stage outputs a page uses: a missing required table stops with a clear InputError; a missing
    optional one (no workshop, no codebook) is None and its section says so."""
    tables = {n: read_processed(processed, n) for n in required}
    tables.update({n: read_processed(processed, n) if (processed / f"{n}.parquet").exists() else None
                   for n in optional})
    return tables


def facts_block(facts: dict[str, object]) -> HTMLBlock:
    """The study facts as a grid of figures under the title."""
    items = [("interviews", facts["interviews"]), ("member organisations", facts["members"]),
             ("roles", facts["roles"]), ("interview period", facts["dates"]),
             ("words of interview", f"{facts['words']:,}".replace(",", " ")),
             ("hours of interview", facts["hours"] if facts["hours"] is not None else "not recorded")]
    cells = "".join(f"<div><b>{html.escape(str(v))}</b>{html.escape(k)}</div>" for k, v in items)
    return HTMLBlock(f'<div class="study-facts">{cells}</div>')


