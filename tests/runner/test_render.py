"""The runner's rendering: the table of contents put where the page asked for it."""

from helpers.report import page as rp
from helpers.report.page import TOC_PLACEHOLDER
from helpers.runner.render import finalise_html


def test_toc_nests_subsections_under_their_section():
    rep = rp.Report()
    body = "".join(b.html for b in (rp.toc_placeholder(), rep.heading("Method"), rep.heading("Data", 3),
                                    rep.heading("Findings"), rep.heading("Trust & mandate", 3)))
    page = finalise_html(body)
    toc = page[page.index("<nav"):page.index("</nav>")]
    assert toc.count("<li>") == 4 and toc.index("Data") < toc.index("Findings")
    assert '<a href="#method">Method</a><ul><li><a href="#data">Data</a>' in toc
    assert TOC_PLACEHOLDER not in page
