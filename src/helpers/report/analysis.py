"""The researchers' own analysis in the report: ``findings/*.md`` in the study folder, with quotes and numbers by
reference.

A thematic analysis is the researchers' interpretation, so the report has a place for it that survives every
rerun: ``findings/summary.md``, ``findings/method.md``, ``findings/needs.md`` and one ``findings/<theme_id>.md``
per theme (all optional; docs/findings.md describes the format). In them

- ``[[P03-012]]`` on a line of its own is the pseudonymised quote of that segment with its attribution, and
  inside a sentence an inline quote; ``[[P03-012|short]]`` an excerpt of it;
- ``{{theme.governance_mandate.participants}}`` is a number from the tables (:func:`numbers` lists them),

so the text stays true when the data change. A reference to a segment that does not exist, to an interviewer's
turn, or to an unknown number stops the run (exit 2) naming the file, the line and the reference.

The files come from the study folder, so they are untrusted like every other field: raw HTML in them is shown as
text, links may only point inside the page (``#…``) or to a relative address, images become their alt text, and
quotes and numbers are inserted after the Markdown is rendered, escaped (:mod:`helpers.core.display`).
"""

from __future__ import annotations

import difflib
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import mistune
import pandas as pd
from markupsafe import Markup, escape

from ..core.display import HTMLBlock, html
from ..core.errors import InputError
from ..core.i18n import ENGLISH, Messages
from ..core.study import inside
from ..core.tables import RESPONDENT
from ..core.text import trim_quote
from ..core.textio import read_text
from .attribution import DEFAULT, Level, attribute
from .page import quote_block

FOLDER = "findings"
SECTIONS = ("summary", "method", "needs")  # besides one file per theme
SHORT_WORDS = 25  # an excerpt ([[id|short]]) is at most this many words

_REFERENCE = re.compile(r"\[\[\s*([^\]|]*?)\s*(?:\|\s*([^\]]*?)\s*)?\]\]|\{\{\s*([^}]*?)\s*\}\}")
_SAFE_URL = re.compile(r"^(#|(?![a-z][a-z0-9+.\-]*:)(?!//)[^\\\s]*$)", re.IGNORECASE)


@dataclass
class UsedQuote:
    """A quote the analysis text inserted, for the report's appendix of quotes."""

    segment_id: str
    attribution: str
    file: str
    line: int


@dataclass
class References:
    """What references resolve against: respondent segments, the number vocabulary, the attribution level."""

    segments: pd.DataFrame  # data/processed/segments, indexed by segment_id
    numbers: dict[str, str]
    level: Level = DEFAULT
    used: list[UsedQuote] = field(default_factory=list)

    @classmethod
    def build(cls, segments: pd.DataFrame, numbers: dict[str, str], level: Level = DEFAULT) -> "References":
        return cls(segments.drop_duplicates("segment_id").set_index("segment_id"), numbers, level)


class _Renderer(mistune.HTMLRenderer):
    """Markdown from the study folder: HTML escaped, only in-page or relative links, no images."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return super().link(text, url, title) if _SAFE_URL.match(url) else text

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return text

    def heading(self, text: str, level: int, **attrs) -> str:  # below the report's own section headings
        return super().heading(text, min(level + 3, 6), **attrs)


_MARKDOWN = mistune.create_markdown(renderer=_Renderer(), plugins=["strikethrough", "table"])


def numbers(facts: dict[str, object], prevalence: pd.DataFrame | None, priorities: pd.DataFrame | None,
            m: Messages = ENGLISH) -> dict[str, str]:
    """The numbers the analysis text may name, as they are shown.

    ``study.interviews``, ``study.members``, ``study.roles``, ``study.words``; per theme
    ``theme.<theme_id>.participants`` (interviewees who raised it), ``.members`` (member organisations),
    ``.segments`` (coded segments), ``.share`` (per cent of interviewees); per workshop challenge
    ``challenge.<challenge_id>.votes``, ``.rank``, ``.voters`` (participants who gave it a vote).
    """
    names = {f"study.{k}": m.num(facts[k]) for k in ("interviews", "members", "roles", "words")}
    for r in (prevalence if prevalence is not None else pd.DataFrame()).itertuples():
        names |= {f"theme.{r.theme_id}.participants": str(r.n_participants),
                  f"theme.{r.theme_id}.members": str(r.n_organisations),
                  f"theme.{r.theme_id}.segments": str(r.n_segments),
                  f"theme.{r.theme_id}.share": m.pct(r.pct_participants / 100)}
    for r in (priorities if priorities is not None else pd.DataFrame()).itertuples():
        names |= {f"challenge.{r.challenge_id}.votes": str(r.votes), f"challenge.{r.challenge_id}.rank": str(r.rank),
                  f"challenge.{r.challenge_id}.voters": str(r.voters_choosing)}
    return names


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")  # an ATX heading: its level and its text


class Analysis:
    """The analysis files of one study folder, read and checked for names; rendered with :meth:`block`."""

    def __init__(self, study_root: Path, theme_ids: list[str] | None) -> None:
        """``theme_ids`` are the codebook's themes, or None when the study has no codebook: then theme files
        cannot be placed and are listed in :attr:`unplaced` for the report to say so."""
        self.folder = Path(study_root) / FOLDER
        self.texts: dict[str, tuple[Path, str]] = {}
        self.unplaced: list[str] = []
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            inside(Path(study_root), self.folder, path.name, self.folder, f"file {path.name}")
            if path.stem not in SECTIONS and theme_ids is None:
                self.unplaced.append(path.name)
                continue
            if path.stem not in SECTIONS and path.stem not in theme_ids:
                close = difflib.get_close_matches(path.stem, sorted(set(SECTIONS) | set(theme_ids)), n=1)
                raise InputError(path, f"'{path.stem}' is neither a section ({', '.join(SECTIONS)}) nor a theme id "
                                       "of the codebook", fix=(f"did you mean {close[0]}.md? " if close else "")
                                 + "name theme files by theme_id (see docs/findings.md)")
            self.texts[path.stem] = (path, read_text(path)[0])

    def has(self, name: str) -> bool:
        return name in self.texts

    def member_parts(self, organisation: str) -> list[tuple[Path, int, str]]:
        """The parts of the analysis headed by the member's name (a Markdown heading that is exactly the name, up
        to the next heading of the same or a higher level), for the member's brief: (file, first line, text)."""
        parts = []
        for path, text in self.texts.values():
            lines, level = text.split("\n"), None
            for number, line in enumerate(lines, start=1):
                heading = _HEADING.match(line)
                if heading and level is not None and len(heading.group(1)) <= level:
                    level = None
                if heading and level is None and heading.group(2).strip().casefold() == organisation.casefold():
                    level = len(heading.group(1))
                    parts.append([path, number + 1, []])
                elif level is not None:
                    parts[-1][2].append(line)
        return [(path, first, "\n".join(body).rstrip()) for path, first, body in parts]

    def member_blocks(self, organisation: str, refs: References) -> list[HTMLBlock]:
        """The member's parts of the analysis (:meth:`member_parts`) rendered for its brief, references resolved."""
        return [html('<div class="analysis">{}</div>', render(text, path, refs, first))
                for path, first, text in self.member_parts(organisation)]

    def block(self, name: str, refs: References, m: Messages = ENGLISH) -> HTMLBlock:
        """The rendered text of ``findings/<name>.md``, or where the study has no such file a note that the
        researchers' analysis is not written yet (the generated text that follows it stays)."""
        if name not in self.texts:
            return html('<p class="analysis-pending"><em>{}</em></p>',
                        m("page.analysis_pending", file=f"{FOLDER}/{name}.md"))
        path, text = self.texts[name]
        return html('<div class="analysis">{}</div>', render(text, path, refs))


def render(text: str, path: Path, refs: References, first_line: int = 1) -> Markup:
    """``text`` (Markdown with references) as HTML; every reference resolved or an InputError naming the line
    (``first_line`` is the line of ``path`` that ``text`` starts on)."""
    token = f"ref{secrets.token_hex(6)}x"
    inserts: list[tuple[Markup, Markup]] = []  # per reference: (inline form, form on its own paragraph)

    def resolve(match: re.Match) -> str:
        line = text.count("\n", 0, match.start()) + first_line
        inserts.append(_resolve(match, path, line, refs))
        return f"{token}{len(inserts) - 1}z"

    rendered = _MARKDOWN(_REFERENCE.sub(resolve, text))
    own_paragraph = re.compile(rf"<p>{token}(\d+)z</p>")
    rendered = own_paragraph.sub(lambda m: str(inserts[int(m.group(1))][1]), rendered)
    return Markup(re.sub(rf"{token}(\d+)z", lambda m: str(inserts[int(m.group(1))][0]), rendered))


def _resolve(match: re.Match, path: Path, line: int, refs: References) -> tuple[Markup, Markup]:
    """One reference as (inline HTML, block HTML)."""
    segment_id, option, number = match.group(1), match.group(2), match.group(3)
    where, reference = f"line {line}", match.group(0)
    if number is not None:
        if number not in refs.numbers:
            close = difflib.get_close_matches(number, list(refs.numbers), n=3)
            raise InputError(path, f"{reference} names no number", where=where,
                             fix=(f"did you mean {', '.join(close)}? " if close else "")
                             + "the names are listed in docs/findings.md")
        value = escape(refs.numbers[number])
        return value, Markup("<p>{}</p>").format(value)
    if option is not None and option != "short":
        raise InputError(path, f"{reference}: '{option}' is not an option of a quote", where=where,
                         fix=f"write [[{segment_id}]] for the whole quote or [[{segment_id}|short]] for an excerpt")
    if segment_id not in refs.segments.index:
        raise InputError(path, f"{reference}: there is no segment {segment_id!r}", where=where,
                         fix="segment ids are in data/processed/segments.csv and in the explore notebook")
    seg = refs.segments.loc[segment_id]
    if seg["speaker_role"] != RESPONDENT:
        raise InputError(path, f"{reference} is the interviewer's turn, not an interviewee's", where=where,
                         fix="quote a respondent's segment (speaker_role 'respondent' in data/processed/segments.csv)")
    quote = trim_quote(seg["text"], SHORT_WORDS) if option == "short" else seg["text"]
    by = attribute(seg["participant_id"], seg["organisation"], seg["role"], refs.level)
    refs.used.append(UsedQuote(segment_id, by, path.name, line))
    return Markup("<q>{}</q> ({})").format(quote, by), quote_block(quote, by).html


def used_quotes_table(refs: References) -> pd.DataFrame:
    """The appendix of quotes: every quote the analysis text used, with its segment id and where it was used."""
    return pd.DataFrame([{"segment": u.segment_id, "attribution": u.attribution, "used_in": f"{FOLDER}/{u.file}",
                          "line": u.line} for u in refs.used], columns=["segment", "attribution", "used_in", "line"])
