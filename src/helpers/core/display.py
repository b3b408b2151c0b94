"""What notebooks show besides tables and figures: raw HTML blocks and the one way to say a part is skipped."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass
class HTMLBlock:
    """Raw HTML that Jupyter displays as such (and nbconvert keeps)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def skipped(section: str, why: str) -> HTMLBlock:
    """The one way a notebook or page says that a part of it is left out: the part, and the reason (escaped).

    ``section`` names the part as the reader sees it ("Workshop outcomes"); ``why`` is the reason as a clause
    ("there is no workshop data in this study folder"); a full stop is added. Rendered as
    ``<p class="skipped"><strong>Skipped:</strong> Workshop outcomes because there is no workshop data in this
    study folder.</p>``.
    """
    return HTMLBlock(f'<p class="skipped"><strong>Skipped:</strong> {html.escape(section.strip())} because '
                     f'{html.escape(why.strip().rstrip("."))}.</p>')
