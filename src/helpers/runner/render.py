"""Rendering an executed notebook into a report page: the report template, the table of contents, the index.

The page itself is built by the notebook (:mod:`helpers.report.page`); this is the runner's half: nbconvert
with the report template (code hidden, images embedded, no external resources), the contents put where the
notebook asked for them, and ``reports/index.html``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from ..core.display import HTMLBlock, html, join
from ..core.i18n import ENGLISH, LANGUAGES, Messages, messages
from ..report.page import TOC_PLACEHOLDER

TEMPLATES = resources.files("helpers").joinpath("report/templates")
# Nothing may load from anywhere, even where escaping missed a spot: images only as data: URLs, styles inline,
# no scripts, no frames, no forms, no <base>. The pages need nothing else.
CONTENT_SECURITY_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
                           "base-uri 'none'; form-action 'none'")
CSP_META = Markup('<meta http-equiv="Content-Security-Policy" content="{}">').format(CONTENT_SECURITY_POLICY)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>')


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
    """The page as published: the Content-Security-Policy first in its head, the report language of its title
    block (:func:`helpers.report.page.title_block`) as the page's ``lang``, and a table of contents of its
    ``h2``/``h3`` sections at the placeholder (if any)."""
    page = page.replace("<head>", f"<head>{CSP_META}", 1)
    language = re.search(r'<h1 class="page-title" lang="([a-z]{2})">', page)
    m = messages(language.group(1) if language and language.group(1) in LANGUAGES else "en")
    page = re.sub(r'<html lang="[^"]*">', f'<html lang="{m.language}">', page, count=1)
    if TOC_PLACEHOLDER not in page:
        return page
    chapters: list[list[HTMLBlock]] = []
    for level, anchor, text in re.findall(r'<h([23]) id="([^"]+)">(.*?)</h\1>', page):
        # The heading's text is already escaped markup from the page; JupyterLab's "¶" anchor link is left out.
        link = html('<a href="#{}">{}</a>', anchor, Markup(_ANCHOR_LINK.sub("", text)))
        if level == "2" or not chapters:
            chapters.append([link])
        else:
            chapters[-1].append(link)
    items = [html("<li>{}{}</li>", c[0], html("<ul>{}</ul>", join([html("<li>{}</li>", s) for s in c[1:]]))
                  if len(c) > 1 else "") for c in chapters]
    toc = html('<nav class="toc"><b>{}</b><ol>{}</ol></nav>', m("page.contents"), join(items))
    return page.replace(TOC_PLACEHOLDER, str(toc.html), 1)


def write_index(reports: Path, title: str, m: Messages = ENGLISH) -> Path:
    """``reports/index.html``: links to the findings report, every member brief and every audit page."""
    def links(paths: list[Path]) -> Markup:
        return join([html('<li><a href="{}">{}</a>{}</li>', href(p), p.stem, pdf_link(p)) for p in paths])

    def href(path: Path) -> str:
        return quote(path.relative_to(reports).as_posix())

    def pdf_link(page: Path) -> Markup:  # the PDF beside a reader-facing page, when this run made one
        pdf = page.with_suffix(".pdf")
        return html(' (<a href="{}">{}</a>)', href(pdf), m("index.pdf")).html if pdf.exists() else Markup("")

    css = TEMPLATES.joinpath("report/report.css").read_text(encoding="utf-8")
    page = html('<!DOCTYPE html><html lang="{lang}"><head>{csp}<meta charset="utf-8"><title>{title}</title>'
                '<style>{css}</style></head><body><main class="jp-Notebook jp-RenderedHTMLCommon">'
                "<h1>{title}</h1>"
                '<h2>{report}</h2><ul><li><a href="findings.html">{report}</a>{report_pdf}</li></ul>'
                "<h2>{briefs_heading}</h2><ul>{briefs}</ul>"
                "<h2>{audit_heading}</h2><ul>{audit}</ul>"
                "</main></body></html>", csp=CSP_META, title=title, css=Markup(css), lang=m.language,
                report=m("index.report"), briefs_heading=m("index.briefs"), audit_heading=m("index.audit"),
                report_pdf=pdf_link(reports / "findings.html"),
                briefs=links(sorted((reports / "briefs").glob("*.html"))),
                audit=links(sorted((reports / "html").glob("*.html"))))
    path = reports / "index.html"
    path.write_text(str(page.html), encoding="utf-8")
    return path
