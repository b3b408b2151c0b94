"""Tests for helpers.workshop.outcomes: reading and validating the workshop files, priorities, agreement, evidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.core.errors import InputError
from helpers.core.config import load_config
from helpers.core.study import Study, load_study
from helpers.core.tables import write_table
from helpers.workshop import outcomes as W

from conftest import FIXTURES, SAMPLE, complete

FIXTURE = FIXTURES / "workshop" / "study"


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    """A copy of the small fixture study that a test may edit."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "study"))


def load(root: Path) -> W.Workshop | None:
    return W.load_workshop(load_study(root))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture line {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def results(root: Path, processed: Path) -> W.WorkshopResults:
    return W.analyse(load(root), processed)


# ----------------------------------------------------------------------------------------------- reading


def test_study_without_workshop_folder_gives_none(study_dir: Path) -> None:
    shutil.rmtree(study_dir / "workshop")
    assert load(study_dir) is None


def test_reads_the_fixture(study_dir: Path) -> None:
    ws = load(study_dir)
    assert list(ws.challenges["challenge_id"]) == ["K1", "K2", "K3", "K4"]
    assert ws.challenges.loc[3, "theme_id"] == ""
    assert ws.votes["votes"].sum() == 20
    assert ws.organisations == ["A kommun", "B kommun", "C kommun", "D kommun"]
    assert ws.voters_per_member().to_dict() == {"A kommun": 2, "B kommun": 1, "C kommun": 1, "D kommun": 0}
    assert ws.voter_unit == "participants"
    assert ws.has_ratings and ws.has_theme_links
    assert list(ws.actions["action_id"]) == ["A2", "A1", "A3"]


def test_reads_xlsx_as_well_as_csv(study_dir: Path) -> None:
    votes = pd.read_csv(study_dir / "workshop" / "votes.csv", sep=";")
    (study_dir / "workshop" / "votes.csv").unlink()
    votes.to_excel(study_dir / "workshop" / "votes.xlsx", index=False)
    ws = load(study_dir)
    assert ws.votes["votes"].sum() == 20
    assert ws.votes["importance"].notna().all()


def test_empty_votes_cell_counts_as_zero_and_excel_decimals_are_accepted(study_dir: Path) -> None:
    path = study_dir / "workshop" / "votes.csv"
    edit(path, "V3;B kommun;K4;0;2;5", "V3;B kommun;K4;;2,5;5")
    edit(path, "V4;C kommun;K1;2;5;5", "V4;C kommun;K1;2,0;5;5")
    votes = load(study_dir).votes.set_index(["voter", "challenge_id"])
    assert votes.loc[("V3", "K4"), "votes"] == 0
    assert votes.loc[("V3", "K4"), "importance"] == 2.5
    assert votes.loc[("V4", "K1"), "votes"] == 2


def test_votes_without_ratings_or_participant_ids(study_dir: Path) -> None:
    path = study_dir / "workshop" / "votes.csv"
    rows = [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(";".join(r[1:4]) for r in rows) + "\n", encoding="utf-8")
    ws = load(study_dir)
    assert not ws.has_ratings
    assert ws.voter_unit == "organisations"
    # without participant ids each member's rows are pooled: one voter per member
    assert ws.voters_per_member().to_dict() == {"A kommun": 1, "B kommun": 1, "C kommun": 1, "D kommun": 0}
    ranked = W.priorities(ws)
    assert ranked["mean_importance"].isna().all()
    assert (ranked["quadrant"] == "").all()


def test_without_members_in_study_yml_any_organisation_may_vote(study_dir: Path) -> None:
    (study_dir / "study.yml").write_text("title: t\n", encoding="utf-8")
    ws = load(study_dir)
    # the participants' organisation first, then the voting organisations in file order
    assert ws.organisations == ["A kommun", "B kommun", "C kommun"]


# ----------------------------------------------------------------------------------------------- bad input


def assert_input_error(root: Path, file_name: str, where: str, *words: str) -> None:
    with pytest.raises(InputError) as info:
        load(root)
    message = str(info.value)
    assert file_name in message and where in message, message
    for word in words:
        assert word in message, message


VOTE_ERRORS = [
    ("V2;A kommun;K3;4;3;1", "V2;A kommun;K9;4;3;1", "row 5", ["K9", "challenges.csv"]),
    ("V3;B kommun;K2;5;5;2", "V3;B kommun;K2;-1;5;2", "row 6", ["negative"]),
    ("V3;B kommun;K2;5;5;2", "V3;B kommun;K2;2.5;5;2", "row 6", ["whole number"]),
    ("V3;B kommun;K2;5;5;2", "V3;B kommun;K2;fem;5;2", "row 6", ["whole number"]),
    ("V1;A kommun;K2;2;4;2", "V1;A kommun;K2;2;6;2", "row 3", ["importance", "1 to 5"]),
    ("V1;A kommun;K2;2;4;2", "V1;A kommun;K2;2;4;0", "row 3", ["feasibility", "1 to 5"]),
    ("V1;A kommun;K2;2;4;2", "V1;A kommun;K2;2;hög;2", "row 3", ["importance"]),
    ("V4;C kommun;K4;1;1;4", "V4;E kommun;K4;1;1;4", "row 10", ["E kommun", "not a member"]),
    ("V4;C kommun;K4;1;1;4", "V4;;K4;1;1;4", "row 10", ["organisation is empty"]),
    ("V4;C kommun;K4;1;1;4", "V1;C kommun;K4;1;1;4", "row 10", ["V1", "row 2"]),
    ("V4;C kommun;K4;1;1;4", "V4;C kommun;K1;1;1;4", "row 10", ["second row", "row 8"]),
]


@pytest.mark.parametrize(("old", "new", "where", "words"), VOTE_ERRORS)
def test_bad_vote_rows_name_file_and_row(study_dir: Path, old: str, new: str, where: str, words: list) -> None:
    edit(study_dir / "workshop" / "votes.csv", old, new)
    assert_input_error(study_dir, "votes.csv", where, *words)


def test_bad_row_in_xlsx_names_the_excel_row(study_dir: Path) -> None:
    votes = pd.read_csv(study_dir / "workshop" / "votes.csv", sep=";", dtype=str)
    votes.loc[4, "votes"] = "-2"  # the fifth data row is Excel row 6
    (study_dir / "workshop" / "votes.csv").unlink()
    votes.to_excel(study_dir / "workshop" / "votes.xlsx", index=False)
    assert_input_error(study_dir, "votes.xlsx", "row 6", "negative")


def test_duplicate_challenge_id(study_dir: Path) -> None:
    edit(study_dir / "workshop" / "challenges.csv", "K3,Gamla system", "K2,Gamla system")
    assert_input_error(study_dir, "challenges.csv", "row 4", "duplicate", "K2", "row 3")


def test_challenge_without_text(study_dir: Path) -> None:
    edit(study_dir / "workshop" / "challenges.csv", "K3,Gamla system", "K3,")
    assert_input_error(study_dir, "challenges.csv", "row 4", "challenge is empty")


@pytest.mark.parametrize(("file_name", "header", "missing"), [
    ("votes.csv", "participant_id;organisation;challenge_id;votes;", "votes"),
    ("challenges.csv", "challenge_id,challenge,", "challenge"),
    ("actions.csv", "action_id,action,challenge_id,", "challenge_id"),
])
def test_missing_required_column(study_dir: Path, file_name: str, header: str, missing: str) -> None:
    path = study_dir / "workshop" / file_name
    lines = path.read_text(encoding="utf-8").splitlines()
    sep = ";" if file_name == "votes.csv" else ","
    columns = lines[0].split(sep)
    drop = columns.index(missing)
    rows = [sep.join(c for i, c in enumerate(line.split(sep)) if i != drop) for line in lines]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert_input_error(study_dir, file_name, "header row", missing)


def test_missing_votes_file(study_dir: Path) -> None:
    (study_dir / "workshop" / "votes.csv").unlink()
    assert_input_error(study_dir, "votes.csv", "", "missing")


def test_votes_file_without_rows(study_dir: Path) -> None:
    path = study_dir / "workshop" / "votes.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert_input_error(study_dir, "votes.csv", "", "no rows")


def test_action_for_unknown_challenge(study_dir: Path) -> None:
    edit(study_dir / "workshop" / "actions.csv", "A1,Beslutsordning,K1", "A1,Beslutsordning,K7")
    assert_input_error(study_dir, "actions.csv", "row 3", "K7")


def test_duplicate_action_id(study_dir: Path) -> None:
    edit(study_dir / "workshop" / "actions.csv", "A3,Ny mandatmodell", "A1,Ny mandatmodell")
    assert_input_error(study_dir, "actions.csv", "row 4", "duplicate", "A1")


def test_actions_file_is_optional(study_dir: Path) -> None:
    (study_dir / "workshop" / "actions.csv").unlink()
    ws = load(study_dir)
    assert ws.actions is None
    assert W.actions_table(ws, W.priorities(ws)).empty


# ----------------------------------------------------------------------------------------------- priorities


def test_priorities_by_hand(study_dir: Path) -> None:
    ranked = W.priorities(load(study_dir)).set_index("challenge_id")
    # K2 has most votes; K1 and K3 tie on 6 and K1 comes first because more voters chose it
    assert list(ranked.index) == ["K2", "K1", "K3", "K4"]
    assert ranked["rank"].to_dict() == {"K2": 1, "K1": 2, "K3": 2, "K4": 4}
    assert ranked["votes"].to_dict() == {"K2": 7, "K1": 6, "K3": 6, "K4": 1}
    # 4 voters; V3 rated K4 but gave it no dot, so only V4 chose K4
    assert ranked["share_of_voters"].to_dict() == {"K2": 0.5, "K1": 0.75, "K3": 0.5, "K4": 0.25}
    assert ranked["share_of_votes"].sum() == pytest.approx(1.0)
    assert ranked.loc["K1", "mean_importance"] == pytest.approx(14 / 3)
    assert ranked.loc["K3", "mean_feasibility"] == pytest.approx(1.5)
    assert ranked["quadrant"].to_dict() == {"K2": "Strategic bets", "K1": "Quick wins", "K3": "Reconsider",
                                            "K4": "Fill-ins (low-hanging)"}


def test_member_priorities_per_voter_and_no_voters_kept(study_dir: Path) -> None:
    ws = load(study_dir)
    members = W.member_priorities(ws, W.priorities(ws))
    assert len(members) == 4 * 4  # every member, every challenge
    a = members.loc[members["organisation"] == "A kommun"].set_index("challenge_id")
    assert a["votes_per_voter"].to_dict() == {"K2": 1.0, "K1": 2.0, "K3": 2.0, "K4": 0.0}
    assert a.loc["K1", "member_rank"] == 1.5  # K1 and K3 tie at the top for A
    d = members.loc[members["organisation"] == "D kommun"]
    assert (d["n_voters"] == 0).all() and (d["note"] == W.NO_VOTERS).all()
    assert d["votes_per_voter"].isna().all() and d["member_rank"].isna().all()


# ----------------------------------------------------------------------------------------------- agreement


def test_kendalls_w_is_one_for_identical_orders_and_zero_for_opposite() -> None:
    same = pd.DataFrame({"a": [4, 3, 2, 1], "b": [8, 6, 4, 2], "c": [3, 2, 1, 0]})
    assert W.kendalls_w(same)["w"] == pytest.approx(1.0)
    opposite = pd.DataFrame({"a": [4, 3, 2, 1], "b": [1, 2, 3, 4]})
    assert W.kendalls_w(opposite)["w"] == pytest.approx(0.0)


def test_kendalls_w_with_ties_matches_friedmans_test() -> None:
    # members as columns; zeros make ties, which the tie correction must handle like Friedman's test does
    scores = pd.DataFrame({"a": [2, 1, 2, 0, 0], "b": [5, 0, 0, 0, 1], "c": [2, 0, 2, 1, 0], "d": [1, 1, 0, 0, 3]})
    w = W.kendalls_w(scores)
    friedman = stats.friedmanchisquare(*[scores.loc[i].to_numpy() for i in scores.index])
    assert w["chi2"] == pytest.approx(friedman.statistic)
    assert w["p_value"] == pytest.approx(friedman.pvalue)
    assert w["w"] == pytest.approx(friedman.statistic / (4 * (5 - 1)))


def test_kendalls_w_needs_two_members() -> None:
    assert np.isnan(W.kendalls_w(pd.DataFrame({"a": [1, 2, 3]}))["w"])


def test_spearman_matrix_matches_scipy_and_flags_constant_members() -> None:
    scores = pd.DataFrame({"a": [3, 1, 2, 0], "b": [2, 0, 3, 1], "flat": [1, 1, 1, 1]})
    rho, p = W.spearman_matrix(scores)
    expected = stats.spearmanr(scores["a"], scores["b"])
    assert rho.loc["a", "b"] == pytest.approx(expected.statistic)
    assert p.loc["b", "a"] == pytest.approx(expected.pvalue)
    assert np.isnan(rho.loc["a", "flat"])
    assert rho.loc["a", "a"] == 1.0


def test_agreement_table_uses_only_members_with_voters(study_dir: Path) -> None:
    ws = load(study_dir)
    table = W.agreement(W.member_priorities(ws, W.priorities(ws)))
    w = table.iloc[0]
    assert w["measure"] == "kendall_w" and w["n_members"] == 3 and w["n_challenges"] == 4
    pairs = table.loc[table["measure"] == "spearman_rho"]
    assert len(pairs) == 3  # A-B, A-C, B-C; D has no voters
    assert "D kommun" not in set(pairs["member_a"]) | set(pairs["member_b"])


@pytest.mark.parametrize(("w", "words"), [(0.05, "very weak"), (0.2, "weak"), (0.4, "moderate"),
                                           (0.6, "strong"), (0.95, "very strong"),
                                           (np.nan, "cannot be computed")])
def test_agreement_strength_words(w: float, words: str) -> None:
    assert W.agreement_strength(w) == words


# ----------------------------------------------------------------------------------------------- evidence


def write_interview_tables(processed: Path, extra: tuple[str, ...] = ()) -> None:
    """Stage 01's segments and stage 02's codings of three interviews (and the ``extra`` respondent segment of P03,
    coded t_gov_mandate), with the columns the fixture needs; the rest empty."""
    segments = pd.DataFrame([
        ("P01-001", "P01", "A kommun", "strateg", "Hur ser mandatet ut för styrgruppen?", "interviewer"),
        ("P01-002", "P01", "A kommun", "strateg", "Styrgruppen har inget mandat att besluta, det blir ett glapp.",
         "respondent"),
        ("P02-001", "P02", "B kommun", "IT-chef", "Vi kan inte rekrytera specialister och mandatet är oklart.",
         "respondent"),
        ("P03-001", "P03", "B kommun", "rektor", "Skolan har sina egna frågor.", "respondent"),
        *[("P03-002", "P03", "B kommun", "rektor", text, "respondent") for text in extra],
    ], columns=["segment_id", "participant_id", "organisation", "role", "text", "speaker_role"]).assign(language="sv")
    codings = pd.DataFrame([
        ("P01-001", "P01", "t_gov_mandate", "t_gov"),  # interviewer question: never evidence
        ("P01-002", "P01", "t_gov_mandate", "t_gov"),
        ("P02-001", "P02", "t_gov_mandate", "t_gov"),
        ("P02-001", "P02", "t_comp_recruit", "t_comp"),
        *[("P03-002", "P03", "t_gov_mandate", "t_gov") for _ in extra],
    ], columns=["segment_id", "participant_id", "code_id", "theme_id"]).assign(coder="rules", source="rules")
    write_table(complete(segments, "segments"), processed, "segments")
    write_table(complete(codings, "codings"), processed, "codings")


def test_evidence_without_interview_tables_says_not_available(study_dir: Path, tmp_path: Path) -> None:
    res = results(study_dir, tmp_path / "processed")
    ev = res.evidence.set_index("challenge_id")
    assert res.n_interviews is None
    assert ev.loc["K1", "status"] == "interview evidence not available yet"
    assert ev.loc["K4", "status"].startswith("no theme link")
    assert "isn't available yet" in W.evidence_sentence(res)


def test_evidence_counts_interviews_members_and_picks_a_respondent_quote(study_dir: Path, tmp_path: Path) -> None:
    write_interview_tables(tmp_path / "processed")
    res = results(study_dir, tmp_path / "processed")
    ev = res.evidence.set_index("challenge_id")
    assert res.n_interviews == 3
    assert ev.loc["K1", "n_interviews"] == 2 and ev.loc["K1", "n_members"] == 2
    assert ev.loc["K1", "members"] == "A kommun, B kommun"
    # the respondent segment that shares most words with "Otydligt mandat ... Styrgruppen saknar mandat att besluta"
    assert ev.loc["K1", "quote_segment_id"] == "P01-002"
    assert ev.loc["K1", "quote_by"] == "P01, A kommun, strateg"
    assert ev.loc["K1", "quote"].startswith("Styrgruppen har inget mandat")
    assert ev.loc["K2", "n_interviews"] == 1 and ev.loc["K2", "quote_by"] == "P02, B kommun, IT-chef"
    assert ev.loc["K3", "status"] == "no interview support" and ev.loc["K3", "n_interviews"] == 0
    assert ev.loc["K4", "status"].startswith("no theme link")
    sentence = W.evidence_sentence(res)
    assert "No interview support: K3" in sentence and "K4" in sentence


def test_evidence_without_theme_links(study_dir: Path, tmp_path: Path) -> None:
    path = study_dir / "workshop" / "challenges.csv"
    for theme in ("t_gov", "t_comp", "t_plat"):
        edit(path, f",{theme},", ",,")
    write_interview_tables(tmp_path / "processed")
    res = results(study_dir, tmp_path / "processed")
    assert not res.workshop.has_theme_links
    assert res.evidence["status"].str.startswith("no theme link").all()
    assert "theme_id" in W.evidence_sentence(res)


def test_a_long_quote_is_shortened_to_whole_sentences_and_marks_the_cut(study_dir: Path, tmp_path: Path) -> None:
    filler = "Vi pratade länge om helt andra saker på mötet den dagen. " * 6  # 66 words
    long = ("Styrgruppen saknar mandat att besluta om det gemensamma, och det märks i allt vi gör här. "  # 17 words
            + filler)
    write_interview_tables(tmp_path / "processed", extra=(long,))
    ev = results(study_dir, tmp_path / "processed").evidence.set_index("challenge_id")
    assert ev.loc["K1", "quote_segment_id"] == "P03-002"  # shares most words with K1's description
    quote = ev.loc["K1", "quote"]
    assert len(long.split()) > W.QUOTE_MAX_WORDS >= len(quote.replace("…", "").split())
    assert quote.startswith("… ") or quote.endswith(" …")  # the cut is marked
    body = quote.strip("… ")
    assert body in " ".join(long.split()) and body[0].isupper() and body.endswith(".")  # whole sentences


# ----------------------------------------------------------------------------------------------- outputs


def test_actions_are_ordered_by_priority(study_dir: Path) -> None:
    ws = load(study_dir)
    table = W.actions_table(ws, W.priorities(ws))
    assert list(table["action_id"]) == ["A2", "A1", "A3"]  # K2 (rank 1) before K1 (rank 2)
    assert list(table["rank"]) == [1, 2, 2]


def test_write_tables(study_dir: Path, tmp_path: Path) -> None:
    processed = tmp_path / "processed"
    written = W.write_tables(results(study_dir, processed), processed)
    names = {p.stem for p in written}
    assert names == {"workshop_priorities", "member_priorities", "workshop_agreement", "workshop_evidence",
                     "workshop_actions"}
    for name in names:
        assert (processed / f"{name}.csv").exists()
    back = pd.read_parquet(processed / "member_priorities.parquet")
    assert "D kommun" in set(back["organisation"])


def test_summary_names_members_without_voters(study_dir: Path, tmp_path: Path) -> None:
    res = results(study_dir, tmp_path / "processed")
    text = W.summary(res)
    assert "4 challenges" in text and "3 of 4 members" in text and "D kommun" in text
    assert "K2" in text.split("top three")[1]
    assert "Kendall's W" in W.agreement_sentence(res)


# ----------------------------------------------------------------------------------------------- the sample study


def test_sample_workshop_is_valid_and_plausible() -> None:
    config = load_config(SAMPLE)
    study = Study(root=SAMPLE, config=config, participants=pd.DataFrame({"organisation": []}),
                  participants_file=SAMPLE / "participants.csv")
    ws = W.load_workshop(study)
    assert config.fictional and len(config.members) == 7
    assert (ws.voters_per_member() > 0).all()
    assert 12 <= len(ws.challenges) <= 18
    assert 1 <= (ws.challenges["theme_id"] == "").sum() <= 2
    assert ws.votes["voter"].nunique() >= 15
    # every voter distributed the same number of dots
    assert ws.votes.groupby("voter")["votes"].sum().nunique() == 1
    assert ws.has_ratings and ws.actions is not None
    votes_bytes = (SAMPLE / "workshop" / "votes.csv").read_bytes()
    assert votes_bytes.startswith(b"\xef\xbb\xbf") and b";" in votes_bytes.split(b"\n")[0]


def test_theme_ids_must_be_codebook_themes(sample_copy):
    from helpers.core.study import load_study
    from helpers.workshop.outcomes import load_workshop

    path = sample_copy / "workshop" / "challenges.csv"
    text = path.read_text(encoding="utf-8-sig")
    first_theme = text.split("\n")[1].split(",")[2]
    path.write_text(text.replace(first_theme, "governance", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"challenges.csv, row 2: theme_id 'governance' is not a theme"):
        load_workshop(load_study(sample_copy), theme_ids={"governance_mandate", "trust"})


def test_pseudonymised_workshop_hides_names_in_free_text():
    from helpers.workshop.outcomes import Workshop

    ws = Workshop(challenges=pd.DataFrame({"challenge_id": ["C1"], "challenge": ["Görans mandat"], "theme_id": [""],
                                           "description": ["Som Göran sa"]}),
                  votes=pd.DataFrame(), actions=pd.DataFrame({"action_id": ["A1"], "action": ["Fråga Göran"],
                                                              "challenge_id": ["C1"], "owner": ["Göran"],
                                                              "horizon": ["2027"]}),
                  organisations=["A"], voter_unit="participants")
    hidden = ws.pseudonymised(lambda t: t.replace("Göran", "[KD]"))
    assert hidden.challenges.loc[0, "challenge"] == "[KD]s mandat" and hidden.actions.loc[0, "owner"] == "[KD]"
    assert ws.challenges.loc[0, "challenge"] == "Görans mandat"  # the original is left as it was
