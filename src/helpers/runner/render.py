"""Rendering an executed notebook into a report page: the report template, the table of contents, the index.

The page itself is built by the notebook (:mod:`helpers.report.page`); this is the runner's half: nbconvert
with the report template (code hidden, images embedded, no external resources), the contents put where the
notebook asked for them, and ``reports/index.html``.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from pathlib import Path

from ..report.page import TOC_PLACEHOLDER

TEMPLATES = resources.files("helpers").joinpath("report/templates")


def make_exporter():
    """The one HTML exporter a process reuses: the report template, inputs and prompts hidden."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    # Cells tagged "hide-in-report" explain the notebook to its JupyterLab user, not to the report's reader.
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"hide-in-report"}), enabled=True)
    return exporter


def finalise_html(page: str) -> str:
    """Insert a table of contents of the page's ``h2``/``h3`` sections at the placeholder (if any)."""
    if TOC_PLACEHOLDER not in page:
        return page
    chapters: list[list[str]] = []
    for level, anchor, text in re.findall(r'<h([23]) id="([^"]+)">(.*?)</h\1>', page):
        link = f'<a href="#{anchor}">{text}</a>'
        if level == "2" or not chapters:
            chapters.append([link])
        else:
            chapters[-1].append(link)
    items = "".join(f"<li>{c[0]}" + (f"<ul>{''.join(f'<li>{s}</li>' for s in c[1:])}</ul>" if len(c) > 1 else "")
                    + "</li>" for c in chapters)
    toc = f'<nav class="toc"><b>Contents</b><ol>{items}</ol></nav>'
    return page.replace(TOC_PLACEHOLDER, toc, 1)


def write_index(reports: Path, title: str) -> Path:
    """``reports/index.html``: links to the findings report, every member brief and every audit page."""
    def links(paths: list[Path]) -> str:
        return "".join(f'<li><a href="{p.relative_to(reports).as_posix()}">{html.escape(p.stem)}</a></li>' for p in paths)

    css = TEMPLATES.joinpath("report/report.css").read_text(encoding="utf-8")
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{css}</style></head><body><main class="jp-Notebook jp-RenderedHTMLCommon">'
            f"<h1>{html.escape(title)}</h1>"
            f'<h2>Findings report</h2><ul><li><a href="findings.html">Findings report</a></li></ul>'
            f"<h2>Member briefs</h2><ul>{links(sorted((reports / 'briefs').glob('*.html')))}</ul>"
            f"<h2>Audit trail: executed notebooks</h2><ul>{links(sorted((reports / 'html').glob('*.html')))}</ul>"
            "</main></body></html>")
    path = reports / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
