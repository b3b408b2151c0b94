"""Are two output folders the same apart from provenance? The benchmark's check that the runner's shortcuts (warm
kernels, papermill without progress saves) change nothing a reader sees.

The naive chain's executed notebooks are rendered with the runner's own exporter (:func:`render_naive`), and then
every report page, audit page, table and figure is compared byte for byte (:func:`differences`), after blanking
what differs from one run to the next by design: the report's commit and run date (its provenance table), the
random ids papermill gives the cell it injects and pandas gives each styled table, and the stage records in ``data/processed/runs/``.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.core.i18n import LANGUAGES, messages
from helpers.runner.jobs import Job
from helpers.runner.render import finalise_html, make_exporter

COMPARED = ("reports/findings.html", "reports/briefs", "reports/html", "data/processed", "figures")
SKIPPED = ("data/processed/runs",)  # stage records: run ids and times
# papermill's id for the cell it injects, and pandas' random id for each styled table
_RANDOM_IDS = re.compile(r'id="cell-id=[0-9a-f-]+"|T_[0-9a-f]{5}(?![0-9a-f])')


def _provenance_rows() -> re.Pattern:
    labels = {messages(lang)(key) for lang in LANGUAGES for key in ("provenance.commit", "provenance.run_date")}
    alternatives = "|".join(re.escape(label) for label in sorted(labels))
    return re.compile(rf"(<td>(?:{alternatives})</td>\s*<td>)[^<]*(</td>)")


def normalise(page: str) -> str:
    """A rendered page without what differs by design between two runs of the same study."""
    return _provenance_rows().sub(r"\1…\2", _RANDOM_IDS.sub("…", page))


def render_naive(jobs: list[Job]) -> None:
    """Render each job's executed notebook as the runner does, into its audit page and its report page."""
    import nbformat

    exporter = make_exporter()
    for job in jobs:
        body = finalise_html(exporter.from_notebook_node(nbformat.read(job.executed, as_version=4))[0])
        for path in (job.audit_html, job.report_html):
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(body, encoding="utf-8")


def _files(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for name in COMPARED:
        path = root / name
        for file in ([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())):
            relative = file.relative_to(root).as_posix()
            if not relative.startswith(SKIPPED) and file.name != ".gitkeep":
                found[relative] = file
    return found


def differences(first: Path, second: Path) -> dict[str, list[str] | int]:
    """What differs between output folders ``first`` and ``second``: files only in one, and files whose bytes
    differ (HTML pages after :func:`normalise`); plus how many files are the same."""
    a, b = _files(first), _files(second)
    changed = []
    for name in sorted(a.keys() & b.keys()):
        if name.endswith(".html"):
            same = normalise(a[name].read_text(encoding="utf-8")) == normalise(b[name].read_text(encoding="utf-8"))
        else:
            same = a[name].read_bytes() == b[name].read_bytes()
        if not same:
            changed.append(name)
    return {"only_in_first": sorted(a.keys() - b.keys()), "only_in_second": sorted(b.keys() - a.keys()),
            "different": changed, "same": len(a.keys() & b.keys()) - len(changed)}
