"""The findings report and member briefs: numbered figures and tables, provenance, and the HTML around them.

Notebooks 05 and 06 build their pages with a :class:`Report`, which numbers figures and tables, embeds
every image inline and records the sections for the table of contents. :func:`make_exporter` renders an
executed notebook with the report template (code hidden, no external resources), and
:func:`finalise_html` puts the table of contents where the notebook asked for it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
import platform
import re
import subprocess
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import pandas as pd

TOC_PLACEHOLDER = "<!--report-toc-->"
REPORTED_PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "scikit-learn", "scipy",
                     "krippendorff", "snowballstemmer", "python-docx", "webvtt-py", "helpers")


def make_exporter():
    """The one HTML exporter a process reuses: the report template, inputs and prompts hidden."""
    from nbconvert import HTMLExporter

    template_dir = resources.files("helpers").joinpath("resources/templates")
    return HTMLExporter(template_name="report", extra_template_basedirs=[str(template_dir)],
                        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                        embed_images=True)


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
        self.figures += 1
        data = base64.b64encode(buffer.getvalue()).decode()
        return HTMLBlock(f'<figure><img alt="Figure {self.figures}" src="data:image/png;base64,{data}"/>'
                         f'<figcaption class="caption"><b>Figure {self.figures}.</b> {caption}</figcaption></figure>')

    def image(self, png: str | Path, caption: str) -> "HTMLBlock":
        """A saved PNG (from ``figures/``) embedded inline, numbered, with its caption."""
        self.figures += 1
        data = base64.b64encode(Path(png).read_bytes()).decode()
        return HTMLBlock(f'<figure><img alt="Figure {self.figures}" src="data:image/png;base64,{data}"/>'
                         f'<figcaption class="caption"><b>Figure {self.figures}.</b> {caption}</figcaption></figure>')

    def table(self, df: pd.DataFrame, caption: str, index: bool = False) -> "HTMLBlock":
        """A numbered table with its caption above it."""
        self.tables += 1
        body = df.to_html(index=index, border=0, escape=True, na_rep="–", classes="report-table")
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


def quote_block(text: str, attribution: str) -> HTMLBlock:
    """A quote in its original language with its pseudonymous attribution."""
    return HTMLBlock(f"<blockquote>{html.escape(text)}<br/><small>— {html.escape(attribution)}</small></blockquote>")


def banner(fictional: bool, title: str) -> HTMLBlock:
    """The banner that tells every page of a fictional study's report that its data are invented."""
    if not fictional:
        return HTMLBlock("")
    return HTMLBlock('<div class="fictional-banner">FICTIONAL SAMPLE DATA: invented municipalities and people — '
                     f'not research findings ({html.escape(title)})</div>')


def toc_placeholder() -> HTMLBlock:
    """Where :func:`finalise_html` puts the table of contents."""
    return HTMLBlock(TOC_PLACEHOLDER)


def finalise_html(page: str) -> str:
    """Insert a table of contents of the page's ``h2``/``h3`` sections at the placeholder (if any)."""
    if TOC_PLACEHOLDER not in page:
        return page
    items = []
    for level, anchor, text in re.findall(r'<h([23]) id="([^"]+)">(.*?)</h\1>', page):
        items.append(f'<li class="toc-{level}"><a href="#{anchor}">{text}</a></li>')
    toc = f'<nav class="toc"><b>Contents</b><ol>{"".join(items)}</ol></nav>'
    return page.replace(TOC_PLACEHOLDER, toc, 1)


def file_hashes(folder: str | Path) -> pd.DataFrame:
    """SHA-256 (first 16 hex digits) of every input file, so a reader can tell which data made the report."""
    folder = Path(folder)
    rows = [{"file": str(p.relative_to(folder)), "bytes": p.stat().st_size,
             "sha256": hashlib.sha256(p.read_bytes()).hexdigest()[:16]}
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]
    return pd.DataFrame(rows, columns=["file", "bytes", "sha256"])


def git_commit(project: Path) -> str:
    """The project's git commit (with '+changes' when the work tree differs), or 'unknown'."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=project, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=project,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return commit + (" +uncommitted changes" if dirty else "")


def package_versions() -> pd.DataFrame:
    """Versions of the packages that shape the results."""
    rows = []
    for name in REPORTED_PACKAGES:
        try:
            rows.append({"package": name, "version": metadata.version(name)})
        except metadata.PackageNotFoundError:
            rows.append({"package": name, "version": "not installed"})
    rows.append({"package": "python", "version": platform.python_version()})
    return pd.DataFrame(rows)


def provenance(project: Path, parameters: dict) -> pd.DataFrame:
    """Commit, run date and parameters as a two-column table."""
    rows = [("git commit", git_commit(project)), ("run date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"))]
    rows += [(f"parameter {k}", str(v)) for k, v in parameters.items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def write_index(reports: Path, title: str) -> Path:
    """``reports/index.html``: links to the findings report, every member brief and every audit page."""
    def links(paths: list[Path]) -> str:
        return "".join(f'<li><a href="{p.relative_to(reports).as_posix()}">{html.escape(p.stem)}</a></li>' for p in paths)

    css = resources.files("helpers").joinpath("resources/templates/report/report.css").read_text(encoding="utf-8")
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
