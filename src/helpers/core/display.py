"""The one way study data reach HTML: trusted templates, escaped values.

Every page the pipeline writes (the report, the briefs, the audit pages, the index) shows transcripts, labels
and names that came from many hands, so none of them may become markup. Markup is written here, by
construction:

- :func:`html` fills a trusted HTML template with values that are escaped (``markupsafe``, as Jinja2's
  autoescape does): ``html("<p>{}</p>", label)``;
- :func:`md` renders a trusted Markdown template first and substitutes the values afterwards, escaped, so that a
  value is never read as Markdown either (``[x](javascript:…)`` in an interview stays text):
  ``md("**{title}**: {n} interviews", title=..., n=...)``;
- :func:`styled` is a pandas Styler that escapes cells and headers alike;
- :class:`HTMLBlock` holds ``Markup`` only: a plain string given to it is escaped, so forgetting the template
  shows a tag as text instead of running it.

Notebooks and helpers use no other route (``IPython.display.Markdown``/``HTML`` with data, ``html.escape`` in
f-strings): a test in ``tests/project`` keeps it that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import pandas as pd
from markupsafe import Markup, escape

from .i18n import ENGLISH, Messages


@dataclass
class HTMLBlock:
    """HTML that Jupyter displays as such (and nbconvert keeps); a plain ``str`` is escaped on the way in."""

    html: Markup

    def __post_init__(self) -> None:
        self.html = escape(self.html)

    def _repr_html_(self) -> str:
        return str(self.html)


def html(template: str, /, *args: object, **values: object) -> HTMLBlock:
    """``template`` (trusted HTML with ``str.format`` fields) with every value escaped.

    A value that is itself :class:`HTMLBlock` or ``Markup`` (a block built by this module) is kept as markup.
    """
    return HTMLBlock(Markup(template).format(*(_markup(a) for a in args),
                                             **{k: _markup(v) for k, v in values.items()}))


def join(blocks: list[HTMLBlock | Markup], sep: str = "") -> Markup:
    """Several blocks as one piece of markup (for a template field); ``sep`` is trusted HTML."""
    return Markup(sep).join(_markup(b) for b in blocks)


@lru_cache(maxsize=None)
def _markdown():
    import mistune

    return mistune.create_markdown(escape=True)


def md(template: str, /, *args: object, **values: object) -> HTMLBlock:
    """``template`` (trusted Markdown with ``str.format`` fields) rendered, then filled with escaped values.

    Fields survive Markdown unchanged (``**{title}**`` becomes ``<strong>{title}</strong>``); literal braces in the
    template are doubled, as in ``str.format``.
    """
    return html(_markdown()(template).strip(), *args, **values)


def styled(df: pd.DataFrame, index: bool = False, **formats: object):
    """A pandas Styler of ``df`` whose cells and column headers are escaped (a Styler does not escape by default).

    ``formats`` go to ``Styler.format`` (``precision=2``, ``na_rep="–"``); the index is hidden unless ``index``.
    """
    style = df.style.format(escape="html", **formats).format_index(escape="html", axis=1)
    style = style.format_index(escape="html", axis=0)
    return style if index else style.hide(axis="index")


def skipped(section: str, why: str, m: Messages = ENGLISH) -> HTMLBlock:
    """The one way a notebook or page says that a part of it is left out: the part, and the reason (escaped).

    The words around them are those of ``m``, the report language (English for the stage notebooks).
    ``section`` names the part as the reader sees it ("Workshop outcomes"); ``why`` is the reason as a clause
    ("there is no workshop data in this study folder"); a full stop is added. Rendered as
    ``<p class="skipped"><strong>Skipped:</strong> Workshop outcomes because there is no workshop data in this
    study folder.</p>``.
    """
    return html('<p class="skipped"><strong>{}</strong> {}</p>', m("page.skipped"),
                m("page.skipped_because", section=section.strip(), why=why.strip().rstrip(".")))


def _markup(value: object) -> object:
    return value.html if isinstance(value, HTMLBlock) else value
