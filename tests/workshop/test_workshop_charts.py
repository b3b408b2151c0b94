"""Tests for helpers.workshop.charts: every chart draws, is labelled, saves, and skips for a stated reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers.core import catalog, records  # noqa: E402
from helpers.core.i18n import messages  # noqa: E402
from helpers.core.outputs import Outputs  # noqa: E402
from helpers.core.config import load_config  # noqa: E402
from helpers.core.study import Study, load_study  # noqa: E402
from helpers.core.style import save_figure, set_style  # noqa: E402
from helpers.core.tables import write_table  # noqa: E402
from helpers.workshop import charts as C  # noqa: E402
from helpers.workshop import outcomes as W  # noqa: E402

from conftest import FIXTURES, SAMPLE, complete  # noqa: E402

FIXTURE = FIXTURES / "workshop" / "study"
CHARTS = {  # chart -> the catalogue's name of its figure, as notebook 04 saves it
    C.priorities_chart: "workshop_priorities", C.member_heatmap: "workshop_member_heatmap",
    C.importance_feasibility_chart: "workshop_importance_feasibility", C.agreement_chart: "workshop_agreement"}


@pytest.fixture(autouse=True)
def style():
    set_style()
    yield
    plt.close("all")


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "study"))


def results_for(root: Path, processed: Path) -> W.WorkshopResults:
    return W.analyse(W.load_workshop(load_study(root)), processed)


@pytest.fixture
def sample_results(tmp_path: Path) -> W.WorkshopResults:
    """The bundled sample study's workshop (15 long Swedish challenge labels, 7 members)."""
    study = Study(root=SAMPLE, config=load_config(SAMPLE), participants=pd.DataFrame({"organisation": []}),
                  participants_file=SAMPLE / "participants.csv")
    return W.analyse(W.load_workshop(study), tmp_path / "processed")


def axes_of(fig: plt.Figure) -> list[plt.Axes]:
    """The data axes of a figure (not colour bars or dendrograms)."""
    return [ax for ax in fig.axes if ax.get_xlabel() and ax.get_ylabel()]


@pytest.mark.parametrize("make", CHARTS, ids=lambda f: f.__name__)
def test_chart_is_titled_labelled_and_saved(make, sample_results: W.WorkshopResults, tmp_path: Path) -> None:
    fig = make(sample_results)
    assert axes_of(fig), "no axes with both axis labels"
    titles = [ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center")]
    assert any(titles) or fig.get_suptitle()
    png = save_figure(fig, CHARTS[make], tmp_path / "figures")
    assert png.stat().st_size > 10_000 and not png.with_suffix(".svg").exists()  # SVG only when asked for
    svg = save_figure(fig, CHARTS[make], tmp_path / "with-svg", svg=True).with_suffix(".svg")
    assert "<text" in svg.read_text(encoding="utf-8")  # text stays text: searchable, and seen by the privacy gate


@pytest.mark.parametrize("make", CHARTS, ids=lambda f: f.__name__)
def test_chart_speaks_the_report_language(make, sample_results: W.WorkshopResults) -> None:
    """The figures go into the report: with Swedish messages no title or axis label is English."""
    sv, en = messages("sv"), messages("en")
    fig = make(sample_results, sv)
    words = [fig.get_suptitle()] + [t for ax in fig.axes for t in (ax.get_title(loc="left"), ax.get_title(),
                                                                 ax.get_xlabel(), ax.get_ylabel())]
    fixed = {k: v for k, v in en.catalogue.items() if k.startswith("charts.") and isinstance(v, str) and "{" not in v}
    english = {v for k, v in fixed.items() if v != sv(k)}  # the English wording, where Swedish has its own
    assert any(words) and not [w for w in words if w in english], words
    plt.close(fig)


def test_challenge_labels_are_wrapped_and_shortened() -> None:
    label = C.challenge_label("C07", "Digitalisering ses som en IT-fråga i stället för verksamhetsutveckling",
                              width=30)
    lines = label.split("\n")
    assert len(lines) == 2 and all(len(line) <= 30 for line in lines)
    assert label.startswith("C07 ") and label.endswith("…")
    assert C.challenge_label("C01", "Kort") == "C01 Kort"


def assert_point_labels_clear(fig: plt.Figure, n_points: int) -> None:
    """Every point has a label; no two labels overlap; no label covers a point or leaves the plot."""
    fig.canvas.draw()
    ax = axes_of(fig)[0]
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text()[:1] in ("C", "K")]
    assert len(labels) == n_points
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two point labels overlap"
        assert ax.bbox.x0 - 1 <= a.x0 and a.x1 <= ax.bbox.x1 + 1, "a label sticks out of the plot"
    points = ax.collections[0]
    centres = ax.transData.transform(points.get_offsets())
    radii = np.sqrt(points.get_sizes()) / 2 * fig.dpi / 72
    for box, label in zip(boxes, labels):
        for (cx, cy), r in zip(centres, radii):
            dx = max(box.x0 - cx, 0, cx - box.x1)
            dy = max(box.y0 - cy, 0, cy - box.y1)
            assert dx * dx + dy * dy >= r * r, f"label {label.get_text()[:3]} covers a point"


def test_importance_feasibility_labels_do_not_overlap(sample_results: W.WorkshopResults) -> None:
    fig = C.importance_feasibility_chart(sample_results)
    assert_point_labels_clear(fig, len(sample_results.priorities))


def test_labels_stay_clear_with_many_crowded_challenges(study_dir: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    words = "mandat styrning kompetens system integration finansiering nytta tillit politik plattform".split()
    n = 30
    challenges = ["challenge_id,challenge"] + [f"K{i:02d},{' '.join(rng.choice(words, rng.integers(2, 9)))}"
                                                for i in range(n)]
    (study_dir / "workshop" / "challenges.csv").write_text("\n".join(challenges) + "\n", encoding="utf-8")
    (study_dir / "workshop" / "actions.csv").unlink()
    rows = ["participant_id;organisation;challenge_id;votes;importance;feasibility"]
    for voter in range(20):
        org = ("A kommun", "B kommun", "C kommun")[voter % 3]
        for c in rng.choice(n, 10, replace=False):
            rows.append(f"V{voter};{org};K{c:02d};{rng.choice([0, 0, 1, 2])};{rng.integers(1, 6)};{rng.integers(1, 6)}")
    (study_dir / "workshop" / "votes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = results_for(study_dir, tmp_path / "processed")
    rated = res.priorities["mean_importance"].notna().sum()
    assert_point_labels_clear(C.importance_feasibility_chart(res), rated)


def test_members_without_voters_are_shown_not_dropped(study_dir: Path, tmp_path: Path) -> None:
    res = results_for(study_dir, tmp_path / "processed")
    heat = C.member_heatmap(res)
    ticks = [t.get_text() for t in axes_of(heat)[0].get_xticklabels()]
    assert "D kommun (no voters)" in ticks and "A kommun (n = 2)" in ticks
    bars = C.priorities_chart(res)
    legend = [t.get_text() for t in bars.legends[0].get_texts()]
    assert "D kommun (no voters)" in legend
    cluster = C.agreement_chart(res)
    notes = " ".join(t.get_text() for t in cluster.texts)
    assert "D kommun (no voters)" in notes


def test_priorities_chart_bars_add_up_to_the_votes(study_dir: Path, tmp_path: Path) -> None:
    res = results_for(study_dir, tmp_path / "processed")
    ax = axes_of(C.priorities_chart(res))[0]
    ends = {}
    for bar in ax.patches:
        y = round(bar.get_y() + bar.get_height() / 2)
        ends[y] = max(ends.get(y, 0), bar.get_x() + bar.get_width())
    assert [ends[i] for i in range(4)] == list(res.priorities["votes"])


def test_without_ratings_only_the_rating_chart_is_skipped(study_dir: Path, tmp_path: Path) -> None:
    path = study_dir / "workshop" / "votes.csv"
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(";".join(r[:4]) for r in rows) + "\n", encoding="utf-8")
    res = results_for(study_dir, tmp_path / "processed")
    with pytest.raises(C.ChartSkipped, match="no importance and feasibility ratings"):
        C.importance_feasibility_chart(res)
    for make in (C.priorities_chart, C.member_heatmap):
        assert axes_of(make(res))


def test_evidence_chart_waits_for_interview_tables(study_dir: Path, tmp_path: Path) -> None:
    res = results_for(study_dir, tmp_path / "processed")
    with pytest.raises(C.ChartSkipped, match="notebooks 01 and 02"):
        C.evidence_chart(res)


def test_evidence_chart_flags_unsupported_challenges(study_dir: Path, tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    write_table(complete(pd.DataFrame({"segment_id": ["P01-002"], "participant_id": ["P01"],
                                       "organisation": ["A kommun"], "role": ["strateg"],
                                       "text": ["Styrgruppen saknar mandat."], "speaker_role": ["respondent"],
                                       "language": ["sv"]}), "segments"), processed, "segments")
    write_table(complete(pd.DataFrame({"segment_id": ["P01-002"], "participant_id": ["P01"], "code_id": ["t_gov"],
                                       "theme_id": ["t_gov"], "coder": ["rules"], "source": ["rules"]}), "codings"),
                processed, "codings")
    fig = C.evidence_chart(results_for(study_dir, processed))
    notes = [t.get_text() for t in axes_of(fig)[0].texts]
    assert "1 interview · 1 member" in notes
    assert notes.count("no interview support") == 2  # K2 and K3: themes nobody raised
    assert any(n.startswith("no theme link") for n in notes)  # K4


def test_agreement_chart_needs_three_members_who_differ(study_dir: Path, tmp_path: Path) -> None:
    path = study_dir / "workshop" / "votes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if "C kommun" not in line) + "\n", encoding="utf-8")
    with pytest.raises(C.ChartSkipped, match="fewer than three"):
        C.agreement_chart(results_for(study_dir, tmp_path / "processed"))


def _run_upstream_stages(out: Path) -> None:
    """Stand-ins for notebooks 01 and 02 into ``out``: begin, write the stage's tables (one row each), finish."""
    for stage in ("clean_interviews", "code_segments"):
        run = records.begin(stage, SAMPLE, out)
        for entry in catalog.outputs(stage):
            if isinstance(entry, catalog.Table):
                write_table(complete(pd.DataFrame(index=[0]), entry.name), Outputs.at(out).processed, entry.name)
        records.finish(run)


def test_show_saves_or_explains(study_dir: Path, tmp_path: Path, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(C, "display", lambda obj: shown.append(obj))
    out = tmp_path / "out"
    _run_upstream_stages(out)
    figures = Outputs.at(out).figures
    save_figure(plt.figure(), "workshop_evidence", figures, svg=True)  # an earlier run's figure
    res = results_for(study_dir, tmp_path / "processed")  # no interview tables: no evidence chart
    run = records.begin("workshop_outcomes", SAMPLE, out)
    C.show(C.priorities_chart, res, "workshop_priorities", figures, svg=True)
    assert (figures / "workshop_priorities.png").exists() and (figures / "workshop_priorities.svg").exists()
    # a skipped chart explains itself; its figure from an earlier run is removed when the run finishes
    C.show(C.evidence_chart, res, "workshop_evidence", figures)
    assert shown[-1].html == ('<p class="skipped"><strong>Skipped:</strong> This chart because the chart needs the '
                              "segments and codings tables of notebooks 01 and 02.</p>")
    C.show(C.priorities_chart, None, "workshop_priorities", figures)
    assert "Skipped:" in shown[-1].html and "no workshop folder" in shown[-1].html
    records.finish(run)
    assert not (figures / "workshop_evidence.png").exists() and not (figures / "workshop_evidence.svg").exists()
    assert (figures / "workshop_priorities.png").exists() and (figures / "workshop_priorities.svg").exists()


def test_show_table_and_text_without_a_workshop(monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(C, "display", lambda obj: shown.append(obj))
    C.show_table(None, "priorities")
    C.show_text(None, W.summary)
    assert [obj.html for obj in shown] == [
        '<p class="skipped"><strong>Skipped:</strong> This table because the study has no workshop folder.</p>',
        '<p class="skipped"><strong>Skipped:</strong> The workshop analysis because the study has no workshop folder.</p>']


def test_show_table_formats_shares_and_notes_empty_tables(study_dir: Path, tmp_path: Path, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(C, "display", lambda obj: shown.append(obj))
    (study_dir / "workshop" / "actions.csv").unlink()
    res = results_for(study_dir, tmp_path / "processed")
    C.show_table(res, "priorities", ["challenge_id", "share_of_voters"])
    assert "75%" in shown[-1].to_html()
    C.show_table(res, "actions", empty="the study has no actions.csv")
    assert shown[-1].html.endswith("This table because the study has no actions.csv.</p>")


def test_evidence_chart_needs_theme_links(study_dir: Path, tmp_path: Path) -> None:
    path = study_dir / "workshop" / "challenges.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.split(",")[0] + "," + line.split(",")[1] for line in lines) + "\n", encoding="utf-8")
    with pytest.raises(C.ChartSkipped, match="theme_id"):
        C.evidence_chart(results_for(study_dir, tmp_path / "processed"))
