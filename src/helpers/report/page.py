"""The findings report and member briefs: numbered figures and tables, provenance, and the HTML around them.

Notebooks 05 and 06 build their pages with a :class:`Report`, which numbers figures and tables, embeds
every image inline and records the sections for the table of contents; the runner renders the executed
notebook into HTML (:mod:`helpers.runner.render`). The notebooks' fixed prose is in their Markdown cells; what
the data decide is built here (blocks) and in :mod:`helpers.report.text` (sentences). A section without data
says so with :func:`skipped`, the one idiom every notebook uses (:func:`helpers.core.display.skipped`, re-exported
here with :class:`HTMLBlock` so that a page needs one import).

Functions that make many blocks (a theme section, a list of paragraphs) return them as a list, for one
``display(*blocks)``: each block stays its own output, spaced as Jupyter spaces outputs.
"""

from __future__ import annotations

import base64
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pandas as pd
from markupsafe import Markup

from ..core.display import HTMLBlock, html, join, skipped  # noqa: F401  (re-exported for the notebooks)
from ..core.i18n import ENGLISH, Messages
from ..core.records import note_rendered
from ..core.tables import read_processed
from ..core.text import slug
from .attribution import attribute

if TYPE_CHECKING:  # analysis builds on this module's quote_block
    from .analysis import Analysis, References

TOC_PLACEHOLDER = "<!--report-toc-->"
MAX_COLUMNS = 7  # a table with more columns than this is shown as a list of records (one per row)


@dataclass
class Report:
    """Numbers figures and tables and emits them as HTML that survives nbconvert unchanged, in the report
    language of ``m`` (figure and table labels, table headers, numbers in tables)."""

    m: Messages = ENGLISH
    figures: int = 0
    tables: int = 0
    sections: list[tuple[int, str, str]] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> "HTMLBlock":
        """A section heading with a stable anchor, recorded for the table of contents."""
        anchor = slug(text, "section")
        self.sections.append((level, text, anchor))
        return html('<h{0} id="{1}">{2}</h{0}>', level, anchor, text)

    def figure(self, fig, caption: str, dpi: int = 150) -> "HTMLBlock":
        """A matplotlib figure embedded as PNG, numbered, with its caption."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        started = time.perf_counter()
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        note_rendered(time.perf_counter() - started)
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
        return html('<figure><img alt="{alt}" src="data:image/png;base64,{data}"/>'
                    '<figcaption class="caption"><b>{label}</b> {caption}</figcaption></figure>',
                    alt=self.m("page.figure_alt", n=self.figures, caption=caption), data=data,
                    label=self.m("page.figure", n=self.figures), caption=caption)

    def table(self, df: pd.DataFrame, caption: str, index: bool = False) -> "HTMLBlock":
        """A numbered table with its caption above it, headers in words of the report language
        (:meth:`Messages.header`) and decimals in its notation."""
        self.tables += 1
        shown = df.rename(columns=self.m.header)
        if shown.columns.has_duplicates:  # two columns a reader could not tell apart
            raise ValueError(f"table '{caption}': columns {list(df.columns)} have the same headers {list(shown.columns)}")
        for column in shown.columns[[pd.api.types.is_float_dtype(t) for t in shown.dtypes]]:
            shown[column] = shown[column].map(lambda v: v if pd.isna(v) else self.m.decimal(v))
        missing = self.m("page.missing_value")
        if len(shown.columns) > MAX_COLUMNS:  # too wide to read as a table on a page: one record per row
            body = join([html('<dl class="record">{}</dl>', join([html("<dt>{}</dt><dd>{}</dd>", k, missing if
                                                                      pd.isna(v) else v) for k, v in row.items()]))
                         for row in shown.to_dict("records")])
        else:
            body = Markup(shown.to_html(index=index, border=0, escape=True, na_rep=missing, classes="report-table",
                                        justify="left"))
        return html('<div class="caption"><b>{}</b> {}</div>{}', self.m("page.table", n=self.tables), caption, body)


def paragraph(text: str) -> HTMLBlock:
    """A paragraph of generated text (escaped)."""
    return html("<p>{}</p>", text)


def paragraphs(sentences: Iterable[str]) -> list[HTMLBlock]:
    """One paragraph per sentence (escaped), leaving out empty ones (a sentence that does not apply)."""
    return [paragraph(s) for s in sentences if s]


def title_block(text: str, subtitle: str = "", m: Messages = ENGLISH) -> HTMLBlock:
    """The page title (escaped), with an italic subtitle under it when one is given.

    Its class marks the page as a report page for the style sheet (report.css), which then spaces the page as one
    text rather than as notebook cells; its ``lang`` is the report language, which the renderer gives the whole
    page (:func:`helpers.runner.render.finalise_html`), and the printed page numbers are written in it.
    """
    numbers = Markup('@page {{ @bottom-right {{ content: "{}" counter(page) "{}" counter(pages); }} }}').format(
        Markup(css_string(m("page.page_number_before"))), Markup(css_string(m("page.page_number_between"))))
    return html('<style>{}</style><h1 class="page-title" lang="{}">{}</h1>' + ("<p><i>{}</i></p>" if subtitle else ""),
                numbers, m.language, text, subtitle)


def note(text: str, m: Messages = ENGLISH) -> HTMLBlock:
    """A paragraph the reader must not miss (escaped): a limit of the data that changes how to read the report."""
    return html('<p class="note"><strong>{}</strong> {}</p>', m("page.note"), text)


def quote_block(text: str, attribution: str) -> HTMLBlock:
    """A quote in its original language with its pseudonymous attribution."""
    return html("<blockquote>{}<br/><small>— {}</small></blockquote>", text, attribution)


def theme_sections(rep: Report, prevalence: pd.DataFrame, by_organisation: pd.DataFrame, codebook: pd.DataFrame,
                   quotes: pd.DataFrame, quotes_per_theme: int, analysis: Analysis, refs: References
                   ) -> tuple[list[HTMLBlock], int]:
    """Notebook 05's "Findings by theme": a section per theme, the most widely shared first, and the number
    of quotes they show (COREQ item 29).

    Each section is the theme's heading, the researchers' analysis of it (``findings/<theme_id>.md``, or a note
    that it is not written yet), its codebook definition (when it has one), who raised it, the chart of each
    member's share of words on it (numbered in ``rep``) and its first ``quotes_per_theme`` quotes that the
    analysis does not already show, attributed at the study's level.
    """
    from ..thematic.charts import theme_member_chart
    from .text import theme_chart_caption, theme_sentence

    definitions = dict(zip(codebook["code_id"], codebook["definition"]))
    blocks, n_quotes = [], 0
    for theme in prevalence.sort_values(["n_organisations", "n_participants"], ascending=False).itertuples():
        blocks.append(rep.heading(theme.theme_label, 3))
        blocks.append(analysis.block(theme.theme_id, refs, rep.m))
        if definitions.get(theme.theme_id):
            blocks.append(html("<p><i>{}</i> {}</p>", rep.m("page.definition"), definitions[theme.theme_id]))
        blocks.append(paragraph(theme_sentence(theme, rep.m)))
        blocks.append(rep.figure(theme_member_chart(by_organisation, theme.theme_id, rep.m),
                                 theme_chart_caption(theme.theme_label, rep.m)))
        quoted = {u.segment_id for u in refs.used}  # a quote the researchers' text already shows is not repeated
        shown = quotes[(quotes["theme_id"] == theme.theme_id) & ~quotes["segment_id"].isin(quoted)].head(quotes_per_theme)
        blocks += [quote_block(q.quote, attribute(q.participant_id, q.organisation, q.role, refs.level))
                   for q in shown.itertuples()]
        n_quotes += len(shown)
    return blocks, n_quotes


def banner(fictional: bool, title: str, m: Messages = ENGLISH) -> HTMLBlock:
    """The banner that tells every page of a fictional study's report that its data are invented.

    On screen it stays at the top of the window; in print it sits in the top margin of every A4 page
    (a CSS page-margin box), where it cannot cover the text.
    """
    if not fictional:
        return HTMLBlock("")
    text = m("page.banner", title=title)
    return html('<style>@page {{ @top-center {{ content: "{css}"; }} }}</style><div class="fictional-banner">{text}'
                '</div>', css=Markup(css_string(text)), text=text)


def toc_placeholder() -> HTMLBlock:
    """Where the renderer (:func:`helpers.runner.render.finalise_html`) puts the table of contents."""
    return HTMLBlock(Markup(TOC_PLACEHOLDER))


def load_tables(processed: Path, required: list[str], optional: list[str] = ()) -> dict[str, pd.DataFrame | None]:
    """The stage outputs a page uses: a missing required table stops with a clear InputError; a missing
    optional one (no workshop, no codebook) is None and its section says so."""
    tables = {n: read_processed(processed, n) for n in required}
    tables.update({n: read_processed(processed, n) if (processed / f"{n}.parquet").exists() else None
                   for n in optional})
    return tables


def facts_block(facts: dict[str, object], m: Messages = ENGLISH) -> HTMLBlock:
    """The study facts as a grid of figures under the title."""
    missing = m("page.not_recorded")
    items = [(m("facts.interviews"), m.num(facts["interviews"])), (m("facts.members"), m.num(facts["members"])),
             (m("facts.roles"), m.num(facts["roles"])), (m("facts.period"), facts["dates"] or missing),
             (m("facts.words"), m.num(facts["words"])),
             (m("facts.hours"), m.num(facts["hours"], 1) if facts["hours"] is not None else missing)]
    return html('<div class="study-facts">{}</div>', join([html("<div><b>{}</b>{}</div>", v, k) for k, v in items]))


def css_string(text: str) -> str:
    """``text`` as the inside of a CSS string: every character that could end the string, the rule or the style
    element (quotes, backslashes, angle brackets, braces, line breaks) written as a CSS hex escape."""
    return "".join(ch if ch.isalnum() or ch in " .,:()–—-_" else f"\\{ord(ch):x} " for ch in text)
