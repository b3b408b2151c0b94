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

from .tables import read_processed

TOC_PLACEHOLDER = "<!--report-toc-->"
REPORTED_PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "scikit-learn", "scipy",
                     "krippendorff", "snowballstemmer", "python-docx", "webvtt-py", "helpers")


def make_exporter():
    """The one HTML exporter a process reuses: the report template, inputs and prompts hidden."""
    from nbconvert import HTMLExporter

    from nbconvert.preprocessors import TagRemovePreprocessor

    template_dir = resources.files("helpers").joinpath("resources/templates")
    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(template_dir)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    # Cells tagged "hide-in-report" explain the notebook to its JupyterLab user, not to the report's reader.
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"hide-in-report"}), enabled=True)
    return exporter


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

    def image(self, png: str | Path, caption: str, width: int = 1400) -> "HTMLBlock":
        """A saved PNG (from ``figures/``) embedded inline at screen resolution, numbered, with its caption."""
        from PIL import Image

        self.figures += 1
        with Image.open(png) as img:
            if img.width > width:
                img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
            buffer = io.BytesIO()
            img.save(buffer, format="PNG", optimize=True)
        data = base64.b64encode(buffer.getvalue()).decode()
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
    """Where :func:`finalise_html` puts the table of contents."""
    return HTMLBlock(TOC_PLACEHOLDER)


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


def load_tables(processed: Path, required: list[str], optional: list[str] = ()) -> dict[str, pd.DataFrame | None]:
    """The stage outputs a page uses: a missing required table stops with a clear InputError; a missing
    optional one (no workshop, no codebook) is None and its section says so."""
    tables = {n: read_processed(processed, n) for n in required}
    tables.update({n: read_processed(processed, n) if (processed / f"{n}.parquet").exists() else None
                   for n in optional})
    return tables


def study_facts(participants: pd.DataFrame) -> dict[str, object]:
    """Counts for the title block: interviews, members, roles, dates, words and hours."""
    dates = pd.to_datetime(participants["interview_date"], errors="coerce").dropna()
    minutes = pd.to_numeric(participants["duration_min"], errors="coerce")
    return {
        "interviews": len(participants),
        "members": participants["organisation"].nunique(),
        "roles": participants["role"].nunique(),
        "dates": f"{dates.min():%d %b %Y} – {dates.max():%d %b %Y}" if len(dates) else "not recorded",
        "words": int(participants["n_words"].sum()),
        "hours": round(float(minutes.sum()) / 60, 1) if minutes.notna().any() else None,
    }


def facts_block(facts: dict[str, object]) -> HTMLBlock:
    """The study facts as a grid of figures under the title."""
    items = [("interviews", facts["interviews"]), ("member organisations", facts["members"]),
             ("roles", facts["roles"]), ("interview period", facts["dates"]),
             ("words of interview", f"{facts['words']:,}".replace(",", " ")),
             ("hours of interview", facts["hours"] if facts["hours"] is not None else "not recorded")]
    cells = "".join(f"<div><b>{html.escape(str(v))}</b>{html.escape(k)}</div>" for k, v in items)
    return HTMLBlock(f'<div class="study-facts">{cells}</div>')


def enumerate_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def summary_sentences(themes: pd.DataFrame | None, priorities: pd.DataFrame | None, n_members: int,
                      top: int = 3) -> list[str]:
    """The summary in generated sentences: the most widely shared themes and the top workshop priorities."""
    sentences = []
    if themes is not None and len(themes):
        ranked = themes.sort_values(["n_organisations", "n_participants"], ascending=False).head(top)
        parts = [f"{r.theme_label.lower()} ({r.n_participants} of {r.of_participants} interviewees, "
                 f"{r.n_organisations} of {r.of_organisations} members)" for r in ranked.itertuples()]
        sentences.append(f"The most widely shared themes in the interviews are {enumerate_words(parts)}.")
        universal = themes.loc[themes["n_organisations"] == themes["of_organisations"], "theme_label"].tolist()
        if universal:
            sentences.append(f"{len(universal)} of {len(themes)} themes were raised in every member organisation.")
        absent = themes.loc[themes["n_participants"] == 0, "theme_label"].tolist()
        if absent:
            sentences.append(f"No interviewee raised {enumerate_words([a.lower() for a in absent])}.")
    else:
        sentences.append("No codebook exists yet, so the interviews have not been coded into themes; the inductive "
                         "topics in the thematic-analysis notebook show what they are about.")
    if priorities is not None and len(priorities):
        best = priorities.head(top)
        parts = [f"“{r.challenge}” ({r.votes} votes from {r.share_of_voters:.0%} of the voters)" for r in best.itertuples()]
        sentences.append(f"At the workshop the participants gave the most votes to {enumerate_words(parts)}.")
    else:
        sentences.append("There is no workshop data in this study folder.")
    return sentences


def coreq_checklist(facts: dict[str, object], participants: pd.DataFrame, coders: list[str],
                    has_codebook: bool, saturation: str, n_quotes: int) -> pd.DataFrame:
    """The COREQ items the data can answer, each answered or marked for the researchers to fill in."""
    todo = "For the researchers to fill in."
    minutes = pd.to_numeric(participants["duration_min"], errors="coerce").dropna()
    durations = (f"{minutes.min():.0f}–{minutes.max():.0f} minutes (mean {minutes.mean():.0f})"
                 if len(minutes) else "Not recorded in participants.csv.")
    roles = participants["role"].value_counts()
    rows = [
        ("1–5", "Research team and reflexivity (interviewers, credentials, relationship with participants)", todo),
        ("10", "Sampling: how participants were selected", todo),
        ("12", "Sample size", f"{facts['interviews']} interviewees from {facts['members']} member organisations."),
        ("13", "Non-participation", todo),
        ("16", "Description of sample (characteristics)",
         "Roles: " + "; ".join(f"{r} ({n})" for r, n in roles.items()) + "."),
        ("17", "Interview guide", todo),
        ("19", "Audio/visual recording", "Transcripts in " + ", ".join(sorted(set(participants.get("format", []))))
         + "." if "format" in participants else todo),
        ("21", "Duration", durations),
        ("22", "Data saturation", saturation),
        ("24", "Number of data coders", f"{len(coders)}: " + ", ".join(coders) + "." if coders else "No coding yet."),
        ("25", "Description of the coding tree", "The codebook is in Appendix A." if has_codebook
         else "No codebook exists yet."),
        ("26", "Derivation of themes", "Themes were defined in advance in the codebook and complemented by an "
         "inductive topic model (see Method)." if has_codebook else "Inductive topic model only."),
        ("27", "Software", "This pipeline (see Provenance): Python, pandas, scikit-learn, papermill."),
        ("28", "Participant checking", todo),
        ("29", "Quotations presented", f"{n_quotes} quotations, each identified by participant id, organisation "
         "and role."),
    ]
    return pd.DataFrame(rows, columns=["COREQ item", "topic", "answer"])
