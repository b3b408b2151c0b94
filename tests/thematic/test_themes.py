"""Thematic analysis (helpers.thematic.themes, helpers.thematic.charts) and notebook 03, on small hand-built tables."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from helpers.core import catalog, records
from helpers.core.errors import InputError
from helpers.core.tables import read_table, write_table
from helpers.thematic import charts, themes

from conftest import ROOT, SAMPLE, complete

matplotlib.use("Agg")

MEMBERS = ["Org A", "Org B", "Org C"]  # Org C was not interviewed
LONG = ("Vi har ingen gemensam styrning. Styrgruppen fattar beslut men mandatet saknas helt. "
        "Det blir otydligt för alla. Sedan pratade vi om helt andra saker som lunch och väder och annat. "
        "Det här är en mening utan något av intresse som bara fyller ut texten ordentligt.")


def seg(segment_id: str, text: str, n_words: int | None = None, speaker_role: str = "respondent") -> dict:
    pid = segment_id.split("-")[0]
    org, job, date = {"P1": ("Org A", "chef", "2026-01-10"), "P2": ("Org A", "strateg", "2026-01-05"),
                      "P3": ("Org B", "chef", "2026-01-05")}[pid]
    return {"segment_id": segment_id, "participant_id": pid, "speaker_role": speaker_role, "text": text,
            "n_words": n_words if n_words is not None else len(text.split()), "organisation": org, "role": job,
            "interview_date": date, "language": "sv", "seq": int(segment_id.split("-")[1])}


@pytest.fixture
def segments() -> pd.DataFrame:
    rows = [
        seg("P1-001", "Vad tänker du om styrningen?", speaker_role="interviewer"),
        seg("P1-002", LONG),
        seg("P1-003", "Budgeten räcker inte och resurserna är för små för det vi vill göra i kommunen nu.", 20),
        seg("P2-001", "Styrgruppen har inget mandat att besluta om gemensamma frågor i samverkan alls.", 40),
        seg("P2-002", "Kort svar.", 60),
        seg("P3-001", "Vi saknar pengar och budget för gemensamma satsningar i hela samverkan idag.", 80),
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def codebook() -> pd.DataFrame:
    return pd.DataFrame([
        {"code_id": "T1", "label": "Styrning", "label_en": "Governance", "parent_id": "", "theme_id": "T1", "level": 0},
        {"code_id": "T1.a", "label": "Mandat", "label_en": "Mandate", "parent_id": "T1", "theme_id": "T1", "level": 1},
        {"code_id": "T1.b", "label": "Styrgrupp", "label_en": "", "parent_id": "T1", "theme_id": "T1", "level": 1},
        {"code_id": "T2", "label": "Resurser", "label_en": "Resources", "parent_id": "", "theme_id": "T2", "level": 0},
        {"code_id": "T2.a", "label": "Budget", "label_en": "Budget", "parent_id": "T2", "theme_id": "T2", "level": 1},
        {"code_id": "T3", "label": "Tillit", "label_en": "Trust", "parent_id": "", "theme_id": "T3", "level": 0},
    ])


def coding(segment_id: str, code_id: str, coder: str = "rules", terms: str = "", quote: str = "") -> dict:
    """A rule coding (its ``terms``) or, for another coder, a manual one (from row 2 of sheet.csv, its ``quote``)."""
    manual = coder != "rules"
    return {"segment_id": segment_id, "participant_id": segment_id.split("-")[0], "code_id": code_id,
            "theme_id": code_id.split(".")[0], "coder": coder, "source": "manual" if manual else "rules",
            "terms": terms, "file": "sheet.csv" if manual else "", "where": "row 2" if manual else "", "quote": quote}


@pytest.fixture
def codings() -> pd.DataFrame:
    return pd.DataFrame([
        coding("P1-001", "T1.a", terms="styrning"),  # interviewer segment: never counts
        coding("P1-002", "T1.a", terms="mandat (mandatet)"),
        coding("P1-002", "T1.b", terms="styrgrupp* (styrgruppen)"),
        coding("P1-002", "T1.a", coder="anna", quote="mandatet saknas"),  # same code, 2nd coder
        coding("P1-003", "T2.a", terms="budget (budgeten)"),
        coding("P1-003", "T1.a", coder="anna"),
        coding("P2-001", "T1.b", terms="styrgrupp* (styrgruppen); mandat"),
        coding("P2-002", "T1.a", terms="mandat"),
        coding("P3-001", "T2.a", terms="budget; pengar"),
    ])


# ---------------------------------------------------------------------------------------------- inputs

def write_inputs(folder: Path, **tables: pd.DataFrame) -> None:
    """Write the given stage 01/02 tables (segments=..., codebook=..., codings=...), completed to the catalogue."""
    for name, df in tables.items():
        write_table(complete(df, name), folder, name)


@pytest.mark.parametrize("written", ["codebook", "codings"])
def test_load_inputs_without_codebook_or_codings_names_the_stage_that_writes_them(tmp_path, segments, codebook,
                                                                                   codings, written):
    write_inputs(tmp_path, segments=segments, **{written: {"codebook": codebook, "codings": codings}[written]})
    missing = {"codebook": "codings", "codings": "codebook"}[written]
    with pytest.raises(InputError) as err:
        themes.load_inputs(tmp_path)
    assert f"{missing}.parquet" in err.value.message and "code_segments" in err.value.message


def test_load_inputs_with_empty_codebook_and_codings_gives_empty_tables(tmp_path, segments):
    write_inputs(tmp_path, segments=segments)
    write_table(catalog.empty("codebook"), tmp_path, "codebook")
    write_table(catalog.empty("codings"), tmp_path, "codings")
    data = themes.load_inputs(tmp_path)
    assert len(data.segments) == len(segments)
    assert data.codebook.empty and data.codings.empty and not data.has_codebook
    assert list(data.codings.columns) == catalog.columns("codings")
    assert themes.theme_prevalence(data.segments, data.codings, data.codebook, MEMBERS).empty
    assert themes.exemplar_quotes(data.segments, data.codings, data.codebook).empty


def test_load_inputs_requires_segments(tmp_path):
    with pytest.raises(InputError) as err:
        themes.load_inputs(tmp_path)
    assert "segments.parquet" in err.value.message and "notebook" in err.value.message


def test_load_inputs_fills_theme_ids_from_the_codebook(tmp_path, segments, codebook, codings):
    codings.loc[1, "theme_id"] = ""
    write_inputs(tmp_path, segments=segments, codebook=codebook, codings=codings)
    assert themes.load_inputs(tmp_path).codings.loc[1, "theme_id"] == "T1"


def test_a_coding_of_an_unknown_segment_names_the_file_and_row(tmp_path, segments, codebook, codings):
    codings.loc[3, "segment_id"] = "P9-001"
    write_inputs(tmp_path, segments=segments, codebook=codebook, codings=codings)
    with pytest.raises(InputError) as err:
        themes.load_inputs(tmp_path)
    assert "codings.csv, row 5" in err.value.message and "P9-001" in err.value.message


def test_a_coding_with_neither_theme_nor_codebook_entry_is_an_error(tmp_path, segments, codebook, codings):
    codings.loc[0, ["code_id", "theme_id"]] = ["X.9", ""]
    write_inputs(tmp_path, segments=segments, codebook=codebook, codings=codings)
    with pytest.raises(InputError, match=r"codings\.csv, row 2: code 'X\.9'"):
        themes.load_inputs(tmp_path)


def test_select_coders(codings):
    assert len(themes.select_coders(codings, "all")) == len(codings)
    anna = themes.select_coders(codings, "anna")
    assert set(anna["coder"]) == {"anna"} and len(anna) == 2
    assert len(themes.select_coders(codings, "anna, rules")) == len(codings)
    with pytest.raises(InputError) as err:
        themes.select_coders(codings, "bertil", "data/processed/codings.csv")
    assert "bertil" in err.value.message and "rules, anna" in err.value.message
    assert "codings.csv" in err.value.message


# ---------------------------------------------------------------------------------------------- prevalence

def test_theme_prevalence_counts_respondents_once_per_segment(segments, codings, codebook):
    table = themes.theme_prevalence(segments, codings, codebook, MEMBERS).set_index("theme_id")
    assert list(table.index) == ["T1", "T2", "T3"]  # codebook order, the unraised theme included
    t1 = table.loc["T1"]
    # P1-002 (two codes, two coders), P1-003, P2-001, P2-002; the interviewer's P1-001 does not count
    assert t1["n_segments"] == 4 and t1["n_participants"] == 2
    assert t1["n_organisations"] == 1 and t1["of_organisations"] == 3 and t1["organisations"] == "Org A"
    assert t1["of_participants"] == 3 and t1["pct_participants"] == pytest.approx(66.7)
    assert t1["pct_segments"] == pytest.approx(80.0)  # 4 of 5 respondent segments
    t2 = table.loc["T2"]
    assert (t2["n_participants"], t2["n_organisations"], t2["organisations"]) == (2, 2, "Org A, Org B")
    assert table.loc["T3", ["n_segments", "n_participants", "n_organisations"]].tolist() == [0, 0, 0]
    assert table.loc["T1", "theme_label"] == "Governance"


def test_one_coder_only(segments, codings, codebook):
    anna = themes.select_coders(codings, "anna")
    table = themes.theme_prevalence(segments, anna, codebook, MEMBERS).set_index("theme_id")
    assert table.loc["T1", "n_segments"] == 2 and table.loc["T2", "n_segments"] == 0


def test_code_prevalence_and_labels(segments, codings, codebook):
    table = themes.code_prevalence(segments, codings, codebook, MEMBERS).set_index("code_id")
    assert list(table.index) == ["T1.a", "T1.b", "T2.a"]
    assert table.loc["T1.a", "n_segments"] == 3  # P1-002, P1-003, P2-002
    assert table.loc["T1.b", "code_label"] == "Styrgrupp"  # no English label: the original one
    assert table.loc["T1.a", "code_label"] == "Mandate"
    swedish = themes.code_prevalence(segments, codings, codebook, MEMBERS, english=False)
    assert swedish.set_index("code_id").loc["T1.a", "code_label"] == "Mandat"


def test_codes_outside_the_codebook_and_no_codebook_at_all(segments, codings, codebook):
    extra = pd.concat([codings, pd.DataFrame([coding("P3-001", "T9.x")])], ignore_index=True)
    table = themes.code_prevalence(segments, extra, codebook, MEMBERS).set_index("code_id")
    assert table.loc["T9.x", "n_segments"] == 1 and table.loc["T9.x", "code_label"] == "T9.x"
    no_book = themes.theme_prevalence(segments, codings, codebook.iloc[0:0], MEMBERS)
    assert list(no_book["theme_id"]) == ["T1", "T2"]


def test_empty_codings_give_zero_rows(segments, codebook):
    empty = catalog.empty("codings")
    table = themes.theme_prevalence(segments, empty, codebook, MEMBERS)
    assert list(table["theme_id"]) == ["T1", "T2", "T3"] and table["n_participants"].sum() == 0
    assert themes.exemplar_quotes(segments, empty, codebook).empty
    assert themes.saturation(segments, empty)["new_codes"].sum() == 0


# ---------------------------------------------------------------------------------------------- groups

def test_theme_by_organisation_measures(segments, codings, codebook):
    table = themes.theme_by_group(segments, codings, codebook, "organisation", MEMBERS)
    assert len(table) == 3 * 2  # every theme × each interviewed organisation (Org C has no interviews)
    assert list(dict.fromkeys(table["organisation"])) == ["Org A", "Org B"]
    cell = table.set_index(["theme_id", "organisation"]).loc[("T1", "Org A")]
    respondent_words_a = len(LONG.split()) + 20 + 40 + 60
    assert cell["respondent_words"] == respondent_words_a
    assert cell["coded_words"] == len(LONG.split()) + 20 + 40 + 60
    assert cell["n_participants"] == 2 and cell["participants_in_group"] == 2
    t2_a = table.set_index(["theme_id", "organisation"]).loc[("T2", "Org A")]
    assert t2_a["pct_words"] == pytest.approx(round(100 * 20 / respondent_words_a, 1))
    assert table.set_index(["theme_id", "organisation"]).loc[("T1", "Org B"), "n_participants"] == 0


def test_theme_by_role_orders_largest_first(segments, codings, codebook):
    table = themes.theme_by_group(segments, codings, codebook, "role")
    assert list(dict.fromkeys(table["role"])) == ["chef", "strateg"]  # 2 participants, then 1


# ---------------------------------------------------------------------------------------------- co-occurrence

def test_cooccurrence_matrix(segments, codings, codebook):
    matrix = themes.cooccurrence(codings, segments, "theme_id", ["T1", "T2", "T3"])
    assert matrix.loc["T1", "T2"] == matrix.loc["T2", "T1"] == 1  # only P1-003 carries both
    assert matrix.loc["T1", "T1"] == 4 and matrix.loc["T2", "T2"] == 2 and matrix.loc["T3"].sum() == 0
    codes = themes.cooccurrence(codings, segments, "code_id", ["T1.a", "T1.b", "T2.a"])
    assert codes.loc["T1.a", "T1.b"] == 1  # P1-002; P1-001 is the interviewer's


def test_top_pairs_and_jaccard(segments, codings, codebook):
    matrix = themes.cooccurrence(codings, segments, "code_id", ["T1.a", "T1.b", "T2.a"])
    pairs = themes.top_pairs(matrix, pd.Series({"T1.a": "A", "T1.b": "B", "T2.a": "C"}))
    first = pairs.iloc[0]
    assert first["n_segments"] == 1 and first["jaccard"] == pytest.approx(1 / (3 + 2 - 1), abs=1e-3)
    assert {(r.a, r.b) for r in pairs.itertuples()} == {("T1.a", "T1.b"), ("T1.a", "T2.a")}


# ---------------------------------------------------------------------------------------------- saturation

def test_saturation_order_and_new_codes(segments, codings):
    table = themes.saturation(segments, codings)
    assert list(table["participant_id"]) == ["P2", "P3", "P1"]  # by date, the tie by participant id
    assert list(table["new_codes"]) == [2, 1, 0]  # P2: T1.b, T1.a; P3: T2.a; P1: nothing new
    assert list(table["cumulative_codes"]) == [2, 3, 3]
    assert table.loc[0, "new_code_ids"] == "T1.a; T1.b"


def _new_codes(*counts: int) -> pd.DataFrame:
    return pd.DataFrame({"participant_id": [f"P{i + 1}" for i in range(len(counts))], "new_codes": counts})


def test_saturation_point_rule():
    point = themes.saturation_point(_new_codes(5, 3, 1, 0, 0, 0), window=2)
    assert (point.position, point.participant_id, point.later_new_codes) == (3, "P3", 0)
    assert "after interview 3 of 6" in point.sentence(6)
    late = themes.saturation_point(_new_codes(5, 0, 0, 2, 0), window=2)
    assert late.position == 1 and late.later_new_codes == 2 and late.last_new_position == 4
    assert "still added 2" in late.sentence(5)
    never = themes.saturation_point(_new_codes(4, 2, 1, 1), window=2)
    assert not never.reached and "not reached" in never.sentence(4)
    assert not themes.saturation_point(_new_codes(4, 0), window=2).reached  # too few interviews left
    assert "cannot be judged" in themes.saturation_point(_new_codes(0, 0, 0), 2).sentence(3)
    with pytest.raises(InputError, match="saturation_window"):
        themes.saturation_point(_new_codes(1), window=0)


# ---------------------------------------------------------------------------------------------- quotes

def test_parse_rule_evidence():
    parsed = themes.parse_rule_evidence("styrgrupp* (styrgruppen, styrgrupper); mandat; /it ska (fixa|lösa)/ "
                                        "(it ska fixa)")
    assert parsed == {"styrgrupp*": {"styrgruppen", "styrgrupper"}, "mandat": {"mandat"},
                      "/it ska (fixa|lösa)/": {"it ska fixa"}}
    assert themes.manual_quote("Vi har inte riktigt manda…") == "vi har inte riktigt manda"  # a shortened quote
    assert themes.manual_quote(" Mandatet saknas ") == "mandatet saknas" and themes.manual_quote("") == ""


def test_evidence_scores_weigh_manual_codings_and_terms(codings):
    scores = themes.evidence_scores(codings).set_index(["theme_id", "segment_id"])["score"]
    assert scores[("T1", "P1-002")] == 2.0 + 1.0 + 0.5 * 2  # T1.a by hand, T1.b by rules, 2 rule terms
    assert scores[("T1", "P2-001")] == 1.0 + 0.5 * 2
    assert scores[("T1", "P1-003")] == 2.0  # manual only, no terms


def test_trim_quote_keeps_whole_sentences_around_the_marks():
    text = "Först en inledning om annat. " * 4 + "Här kommer mandatet och styrgruppen. Slut på det hela nu."
    quote = themes.trim_quote(text, max_words=10, min_words=3, marks=frozenset({"mandatet"}))
    assert "mandatet" in quote and quote.startswith("… ")
    assert len(quote.replace("…", "").split()) <= 10
    body = quote.strip("… ")
    assert body[0].isupper() and body.endswith(".")
    assert themes.trim_quote("Kort text.", 10) == "Kort text."
    one_long = " ".join(["ord"] * 30)
    assert themes.trim_quote(one_long, 10, 5) == " ".join(["ord"] * 10) + " …"


def test_exemplar_quotes(segments, codings, codebook):
    quotes = themes.exemplar_quotes(segments, codings, codebook, quotes_per_theme=2, min_words=15, max_words=30)
    t1 = quotes.loc[quotes["theme_id"] == "T1"]
    # P2-002 has 60 words by n_words but is coded by rules only; P1-002 (manual + rules) ranks first
    assert t1.iloc[0]["segment_id"] == "P1-002" and t1.iloc[0]["rank"] == 1
    assert t1.iloc[0]["n_words"] <= 30 and "mandatet" in t1.iloc[0]["quote"]
    assert t1.iloc[0]["attribution"] == "P1, Org A, chef"
    assert len(t1) == 2 and t1.iloc[1]["participant_id"] != "P1"  # a different participant next
    t2 = quotes.loc[quotes["theme_id"] == "T2"]
    assert set(t2["organisation"]) == {"Org A", "Org B"}  # prefers another organisation
    assert "T3" not in set(quotes["theme_id"])
    assert list(quotes.columns[:8]) == ["theme_id", "theme_label", "rank", "participant_id", "organisation", "role",
                                        "segment_id", "quote"]


def test_quotes_prefer_a_new_organisation_over_a_higher_score():
    people = ["P1", "P1", "P2", "P3"]
    orgs = ["A", "A", "A", "B"]
    assert themes._pick_diverse(people, orgs, 3) == [0, 3, 2]
    assert themes._pick_diverse(people, orgs, 9) == [0, 3, 2, 1]


def test_quote_bounds_are_checked(segments, codings, codebook):
    with pytest.raises(InputError, match="quote_min_words"):
        themes.exemplar_quotes(segments, codings, codebook, min_words=50, max_words=20)


# ---------------------------------------------------------------------------------------------- charts

def title(ax) -> str:
    """The axes' title wherever it sits (helpers.core.style puts titles on the left; matplotlib's default is centre)."""
    return "".join(ax.get_title(loc=loc) for loc in ("left", "center", "right"))


def test_charts_have_titles_and_labels(segments, codings, codebook):
    prevalence = themes.theme_prevalence(segments, codings, codebook, MEMBERS)
    fig = charts.prevalence_chart(prevalence)
    ax = fig.axes[0]
    assert title(ax) and ax.get_xlabel() and ax.get_ylabel()
    assert any("1 of 3 members" in t.get_text() for t in ax.texts)
    by_org = themes.theme_by_group(segments, codings, codebook, "organisation", MEMBERS)
    for measure in ("n_participants", "pct_words"):
        ax = charts.group_heatmap(by_org, "organisation", measure).axes[0]
        assert title(ax) and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError):
        charts.group_heatmap(by_org, "organisation", "words")
    matrix = themes.cooccurrence(codings, segments, "theme_id", ["T1", "T2", "T3"])
    labels = pd.Series({"T1": "Governance", "T2": "Resources", "T3": "Trust"})
    network = charts.cooccurrence_network(matrix, labels).axes[0]
    shown = {t.get_text() for t in network.texts}
    assert {"Governance", "Resources"} <= shown and "Trust" not in shown  # nobody raised Trust
    table = themes.saturation(segments, codings)
    assert title(charts.saturation_chart(table, themes.saturation_point(table, 1)).axes[0])


def test_heatmap_shows_the_counts(segments, codings, codebook):
    by_org = themes.theme_by_group(segments, codings, codebook, "organisation", MEMBERS)
    ax = charts.group_heatmap(by_org, "organisation", "n_participants").axes[0]
    cells = [t.get_text() for t in ax.texts]
    assert cells == ["2", "0", "1", "1", "0", "0"]  # T1, T2, T3 × Org A, Org B, row by row


def test_strong_pair_threshold_keeps_two_edges_per_node():
    matrix = pd.DataFrame([[5, 4, 3, 1], [4, 5, 2, 1], [3, 2, 5, 1], [1, 1, 1, 5]],
                          index=list("abcd"), columns=list("abcd"))
    assert charts.strong_pair_threshold(matrix) == 1  # 6 pairs ≤ 8 allowed: keep all
    assert charts.strong_pair_threshold(matrix, max_edges=2) == 3


# ---------------------------------------------------------------------------------------------- notebook

NOTEBOOK = ROOT / "notebooks" / "03_thematic_analysis.ipynb"
VOCABULARY = {
    "budget": "budget pengar kostnader finansiering fördelningsnyckel betala",
    "skola": "skolan lärare elever rektorer undervisning klassrum",
    "moln": "molnet molntjänster lagring servrar integrationer driftsättning",
}


def _processed_study(folder: Path, with_codes: bool) -> None:
    """Processed tables for the sample study's participants, recorded as runs of stages 01 and 02: segments on
    three topics, and a codebook and codings that cover two of them (empty ones without ``with_codes``)."""
    participants = read_table(SAMPLE / "participants.csv")
    rows, codes = [], []
    for i, p in enumerate(participants.itertuples()):
        for j, (topic, words) in enumerate(VOCABULARY.items()):
            text = " ".join(f"{w} {w}" for w in words.split()) + f" och vi pratade om {topic} länge i kommunen."
            sid = f"{p.participant_id}-{j + 1:03d}"
            rows.append({"segment_id": sid, "participant_id": p.participant_id, "speaker_role": "respondent",
                         "text": text, "n_words": len(text.split()), "organisation": p.organisation, "role": p.role,
                         "interview_date": f"2026-02-{i + 1:02d}", "language": "sv", "seq": j + 1})
            if with_codes and topic != "moln":
                codes.append({"segment_id": sid, "participant_id": p.participant_id, "code_id": f"{topic}.1",
                              "theme_id": topic, "coder": "rules", "source": "rules", "terms": topic})
    processed = folder / "data" / "processed"
    run = records.begin("clean_interviews", SAMPLE, folder)
    write_inputs(processed, segments=pd.DataFrame(rows))
    records.finish(run)
    run = records.begin("code_segments", SAMPLE, folder)
    if not with_codes:  # stage 02 writes both, empty
        write_table(catalog.empty("codebook"), processed, "codebook")
        write_table(catalog.empty("codings"), processed, "codings")
    else:
        book = [{"code_id": t, "label": t, "label_en": t.capitalize(), "parent_id": "", "theme_id": t, "level": 0}
                for t in ("budget", "skola")]
        book += [{"code_id": f"{t}.1", "label": f"{t} 1", "label_en": "", "parent_id": t, "theme_id": t, "level": 1}
                 for t in ("budget", "skola")]
        write_inputs(processed, codebook=pd.DataFrame(book), codings=pd.DataFrame(codes))
    records.finish(run)


def _run_notebook(out: Path, tmp_path: Path, **parameters) -> str:
    papermill = pytest.importorskip("papermill")
    executed = tmp_path / "executed.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(executed), cwd=str(NOTEBOOK.parent), progress_bar=False,
                               parameters={"data_dir": str(SAMPLE), "output_dir": str(out), "n_topics": 3,
                                           **parameters})
    nb = json.loads(executed.read_text(encoding="utf-8"))
    return "\n".join("".join(o.get("text", "")) + json.dumps(o.get("data", {}))
                     for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))


@pytest.mark.slow
def test_notebook_runs_with_codings(tmp_path):
    out = tmp_path / "out"
    _processed_study(out, with_codes=True)
    text = _run_notebook(out, tmp_path)
    processed = out / "data" / "processed"
    for name in ("theme_prevalence", "code_prevalence", "theme_by_organisation", "theme_by_role", "cooccurrence",
                 "saturation", "quotes", "topics", "topic_theme_overlap"):
        assert (processed / f"{name}.parquet").exists() and (processed / f"{name}.csv").exists(), name
    for name in ("theme_prevalence", "theme_by_organisation_participants", "theme_by_role_words",
                 "theme_cooccurrence_network", "saturation", "topic_terms", "topic_theme_overlap"):
        assert (out / "figures" / f"{name}.png").exists() and not (out / "figures" / f"{name}.svg").exists(), name
    topics = pd.read_parquet(processed / "topics.parquet")
    uncovered = topics.loc[topics["coverage"] == "not covered by the codebook", "top_terms"].tolist()
    assert len(uncovered) == 1 and "molnet" in uncovered[0]  # the uncoded topic is the one flagged
    assert "Skipped" not in text


@pytest.mark.slow
def test_notebook_runs_without_codebook(tmp_path):
    out = tmp_path / "out"
    _processed_study(out, with_codes=False)
    text = _run_notebook(out, tmp_path, svg=True)
    assert "No codebook exists yet" in text
    assert "Skipped:</strong> Theme and code prevalence because the study has no codebook yet" in text
    processed = out / "data" / "processed"
    assert pd.read_parquet(processed / "theme_prevalence.parquet").empty
    assert len(pd.read_parquet(processed / "topics.parquet")) == 3
    assert (out / "figures" / "topic_terms.png").exists() and (out / "figures" / "topic_terms.svg").exists()
    assert not (out / "figures" / "theme_prevalence.png").exists()


def test_theme_member_chart_shows_each_member_and_the_average():
    from helpers.thematic.charts import theme_member_chart

    table = pd.DataFrame({"theme_id": ["t", "t"], "theme_label": ["Trust", "Trust"], "organisation": ["A", "B"],
                          "n_participants": [1, 0], "participants_in_group": [2, 1], "pct_words": [30.0, 0.0],
                          "coded_words": [30, 0], "respondent_words": [100, 200]})
    fig = theme_member_chart(table, "t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    title = ax.get_title() or ax.get_title(loc="left")  # the house style (set_style) titles on the left
    assert title.startswith("Trust") and ax.get_xlabel() and ax.get_ylabel()
    assert any(t.get_text().strip() == "all members: 10%" for t in ax.texts)  # 30 of 300 words


def test_undated_interviews_are_ordered_by_participant_number():
    segments = pd.DataFrame({"participant_id": ["P10", "P2", "P1"], "interview_date": "", "organisation": "A",
                             "role": "r"})
    assert list(themes.interview_order(segments)["participant_id"]) == ["P1", "P2", "P10"]
