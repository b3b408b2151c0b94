"""Tests for helpers.interviews.pseudonymise: the key, replacing names and identifiers, the review list."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.core.study import load_study
from helpers.interviews.pseudonymise import (
    AMBIGUOUS,
    INTERVIEWER,
    KEY_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_FILE,
    Pseudonymiser,
    build_key,
    extend_key,
    is_common_word,
    is_role_label,
    key_dir,
    label_entries,
    label_name,
    name_forms,
    replace_identifiers,
    review_candidates,
    write_key,
    write_review,
)

from conftest import SHARED
from pseudonymise_fixtures import ORGS, PARTICIPANTS, PSEUDONYMS, key, make_study, pseud, study  # noqa: F401


def replacement_of(key: pd.DataFrame, original: str) -> str:
    rows = key[key["original"].str.lower() == original.lower()]
    assert len(rows) == 1, f"{original!r} should be in the key exactly once, found {len(rows)}"
    return rows.iloc[0]["replacement"]


# --- the key -----------------------------------------------------------------------------------------


def test_key_has_the_documented_columns(key):
    assert list(key.columns) == KEY_COLUMNS
    assert set(key["kind"]) == {"respondent", "interviewer", "other"}


def test_respondent_full_first_and_last_name_map_to_the_participant_id(key):
    for original in ("Kerstin Holmberg", "Kerstin", "Holmberg"):
        assert replacement_of(key, original) == "P01"
    assert replacement_of(key, "Per-Olof Nyström") == "P02"
    assert replacement_of(key, "Per-Olof") == "P02"
    assert replacement_of(key, "Nyström") == "P02"
    assert replacement_of(key, "Olof") == "P02", "a hyphenated given name is keyed whole and in parts"


def test_empty_name_adds_nothing(key):
    assert "P07" not in set(key["replacement"])


def test_interviewer_names_are_keyed_but_labels_are_not(key):
    for original in ("Lina Björk", "Lina", "Björk", "Erik Dahl", "Dahl"):
        assert replacement_of(key, original) == INTERVIEWER
    originals = set(key["original"])
    assert not {"I", "Intervjuare", "LB"} & originals
    assert all(len(o) > 1 for o in originals), "no single letters in the key"


@pytest.mark.parametrize("label, is_label", [("I", True), ("Intervjuare", True), ("LB", True), ("I1", True),
                                             ("Interviewer", True), ("R", True), ("Respondent", True),
                                             ("Speaker 1", True), ("Unknown Speaker", True), ("[id1]", True),
                                             ("lb", True), ("Lina Björk", False), ("Erik", False),
                                             ("lina björk", False)])
def test_role_labels(label, is_label):
    assert is_role_label(label) is is_label


LOWERCASE = [("P01", "Älvby kommun", "IT-chef", "anna svensson", ""),
             ("P02", "Sjömåla kommun", "Controller", "Maria lindqvist", ""),
             ("P03", "Granvik kommun", "Arkitekt", "per strand", "lina björk")]


def test_names_written_in_lowercase_are_keyed_in_full_and_in_parts(tmp_path):
    key = build_key(load_study(make_study(tmp_path / "s", [], LOWERCASE)))
    for original, replacement in [("anna svensson", "P01"), ("Anna", "P01"), ("Svensson", "P01"),
                                  ("Lindqvist", "P02"), ("Maria", "P02"), ("Per", "P03"), ("Strand", "P03"),
                                  ("Lina", INTERVIEWER), ("Björk", INTERVIEWER)]:
        assert replacement_of(key, original) == replacement
    pseud = Pseudonymiser(key)
    assert pseud.apply("Svensson och Anna sa att Lindqvists team ringde Lina.") == \
        "P01 och P01 sa att P02:s team ringde Interviewer."
    # Keyed parts that are everyday words still match only when capitalised in the text.
    assert pseud.apply("100 kronor per timme vid en strand, sa Per Strand till Strand.") == \
        "100 kronor per timme vid en strand, sa P03 till P03."


def test_short_name_shared_by_two_people_becomes_ambiguous(key):
    # "Erik" is both the interviewer Erik Dahl and the respondent Erik Svensson.
    assert replacement_of(key, "Erik") == AMBIGUOUS
    assert replacement_of(key, "Erik Svensson") == "P06"
    assert replacement_of(key, "Erik Dahl") == INTERVIEWER


def test_other_names_from_pseudonyms_with_parts_of_person_like_names(key):
    assert replacement_of(key, "Bengt Axelsson") == "[Politician A]"
    assert replacement_of(key, "Bengt") == "[Politician A]"
    assert replacement_of(key, "Axelsson") == "[Politician A]"
    assert replacement_of(key, "Sjömåla vårdcentral") == "[vårdcentral]"
    assert "Sjömåla" not in set(key["original"]), "a place phrase is not split into a name part"
    assert key.loc[key["original"] == "Bengt Axelsson", "kind"].item() == "other"
    assert key.loc[key["original"] == "Bengt Axelsson", "source"].item() == "pseudonyms.csv row 2"


def test_pseudonyms_csv_wins_over_a_derived_part(tmp_path):
    study = load_study(make_study(tmp_path / "s", [("Kerstin", "[Chef]")]))
    assert replacement_of(build_key(study), "Kerstin") == "[Chef]"
    assert replacement_of(build_key(study), "Holmberg") == "P01"


def test_two_replacements_for_one_name_is_an_input_error(tmp_path):
    study = load_study(make_study(tmp_path / "s", [("Göran", "[A]"), ("Bengt", "[B]"), ("göran", "[C]")]))
    with pytest.raises(InputError) as err:
        build_key(study)
    assert "pseudonyms.csv" in str(err.value) and "row 4" in str(err.value) and "row 2" in str(err.value)


def test_name_forms_handles_comma_initials_and_particles():
    assert name_forms("Holmberg, Kerstin") == ["Holmberg, Kerstin", "Kerstin Holmberg", "Kerstin", "Holmberg"]
    assert name_forms("E. Dahl") == ["E. Dahl", "Dahl"]
    assert name_forms("Ebba von Essen") == ["Ebba von Essen", "Ebba", "Essen"]
    assert name_forms("  ") == []


# --- names in text -----------------------------------------------------------------------------------


def test_full_first_and_last_names_case_insensitive(pseud):
    text = "Kerstin Holmberg sa det. Sen kom KERSTIN och holmberg."
    assert pseud.apply(text) == "P01 sa det. Sen kom P01 och P01."


def test_full_name_across_a_line_break_is_one_name(pseud):
    assert pseud.apply("enligt Kerstin\nHolmberg") == "enligt P01"


def test_genitives_and_inflected_forms(pseud):
    assert pseud.apply("Kerstins idé") == "P01:s idé"
    assert pseud.apply("Per-Olofs förslag") == "P02:s förslag"
    assert pseud.apply("Bengt Axelssons parti") == "[Politician A]s parti"
    assert pseud.apply("Bengts parti") == "[Politician A]s parti"
    assert pseud.apply("Kerstin's idea") == "P01's idea"


def test_hyphenated_names_in_the_key_are_replaced_whole(tmp_path):
    study = load_study(make_study(tmp_path / "s", [("Anna-Karin Lund", "[Colleague D]"), ("Anna", "[E]")]))
    pseud = Pseudonymiser(build_key(study))
    assert pseud.apply("Anna-Karin sa") == "[Colleague D] sa"
    assert pseud.apply("Anna-Karins idé") == "[Colleague D]s idé"
    assert pseud.apply("Anna sa") == "[E] sa"


def test_a_key_name_in_a_compound_is_replaced(pseud):
    assert pseud.apply("Holmberg-utredningen och IT-Kerstin") == "P01-utredningen och IT-P01"


def test_names_inside_other_words_stay(pseud):
    text = "Annalena gjorde en evaluering av Kerstinas Holmbergsgatan-projekt"
    assert pseud.apply(text) == text


def test_names_that_are_common_words_match_only_capitalised(pseud):
    # P05 is Per Granvik: "per" is a preposition, "strand" a beach, "björk" a birch.
    assert is_common_word("Per") and is_common_word("Strand") and not is_common_word("Kerstin")
    assert pseud.apply("100 kronor per timme, sa Per.") == "100 kronor per timme, sa P05."
    assert pseud.apply("vid en strand med en björk, sa Strand") == "vid en strand med en björk, sa P04"
    assert pseud.apply("PER:s idé") == "P05:s idé"


def test_organisation_names_are_kept_even_when_a_surname_is_in_them(pseud, key):
    assert replacement_of(key, "Granvik") == "P05"
    assert pseud.apply("Granvik kommun har 40 000 invånare, sa Granvik.") == \
        "Granvik kommun har 40 000 invånare, sa P05."


def test_every_other_character_is_kept(pseud):
    text = "  Ja…\tså att\u00a0vi — ”citat” (parentes) 12,5 %\n\n– Nej! 😀 evaluering\r"
    assert pseud.apply(text) == text
    assert pseud.apply("«Kerstin»,\tEva;") == "«P01»,\tP03;"


def test_a_pseudonymiser_without_protected_terms(key):
    assert Pseudonymiser(key).apply("Hej Eva Lundgren!") == "Hej P03!"


# --- speaker labels ----------------------------------------------------------------------------------

ROLE_AND_CODE_LABELS = ["I", "R", "Intervjuare", "Respondent", "Speaker 1", "Unknown Speaker", "[id1]", "LB",
                        "Interviewer 2"]


@pytest.mark.parametrize("label, name", [("Lina Björk:", "Lina Björk"), ("Fatima Hassan  0:21", "Fatima Hassan"),
                                         ("[Anna]", "Anna"), ("Statsrådet MEHMET KAPLAN (MP)", "Mehmet Kaplan"),
                                         ("ANETTE ÅKESSON (M)", "Anette Åkesson"), ("INT", "INT"),
                                         ("Lund, Eva   0:09", "Eva Lund")])
def test_label_name_drops_timestamps_titles_and_parties(label, name):
    assert label_name(label) == name


def test_label_entries_key_names_used_as_labels_but_not_roles():
    labels = [("Lina Björk:", INTERVIEWER), ("Fatima Hassan  0:21", "P08")]
    entries = label_entries(labels + [(label, "P01") for label in ROLE_AND_CODE_LABELS])
    assert list(entries.columns) == KEY_COLUMNS
    assert dict(zip(entries["original"], entries["replacement"])) == {
        "Fatima Hassan": "P08", "Fatima": "P08", "Hassan": "P08",
        "Lina Björk": INTERVIEWER, "Lina": INTERVIEWER, "Björk": INTERVIEWER}
    assert set(entries.loc[entries["replacement"] == "P08", "kind"]) == {"respondent"}
    assert set(entries.loc[entries["replacement"] == INTERVIEWER, "kind"]) == {"interviewer"}
    assert entries.loc[entries["original"] == "Hassan", "source"].item() == "speaker label 'Fatima Hassan 0:21'"


def test_label_entries_of_only_roles_is_an_empty_key():
    entries = label_entries([(label, "P01") for label in ROLE_AND_CODE_LABELS])
    assert entries.empty and list(entries.columns) == KEY_COLUMNS


def test_a_part_shared_by_two_labelled_people_is_ambiguous():
    entries = label_entries([("Fatima Hassan", "P08"), ("Fatima Ali", INTERVIEWER)])
    assert replacement_of(entries, "Fatima") == AMBIGUOUS
    assert replacement_of(entries, "Ali") == INTERVIEWER


def test_extend_key_adds_label_names_and_keeps_existing_entries(key):
    more = label_entries([("Fatima Hassan", "P08"), ("Kerstin Holmberg", "P05"), ("Helena Bergqvist", "P09")])
    extended = extend_key(key, more)
    assert list(extended.columns) == KEY_COLUMNS
    assert replacement_of(extended, "Fatima") == "P08"
    assert replacement_of(extended, "Kerstin Holmberg") == "P01", "an existing entry wins"
    assert replacement_of(extended, "Helena") == "P04", "an existing part wins over a label's part"
    assert replacement_of(extended, "Bergqvist") == "P09"
    assert replacement_of(extended, "Erik") == AMBIGUOUS
    assert len(extended) == len(key) + 5  # Fatima Hassan, Fatima, Hassan, Helena Bergqvist, Bergqvist
    pseud = Pseudonymiser(extended)
    assert pseud.apply("Fatima sa till Hassan och Bergqvist") == "P08 sa till P08 och P09"


def test_labels_of_real_transcripts_become_key_entries():
    files = [SHARED / "realdata" / "riksdag_sv", SHARED / "realdata" / "hitsave"]
    transcripts = sorted(p for folder in files if folder.is_dir() for p in folder.glob("*.txt"))
    if not transcripts:
        pytest.skip(f"shared real material not found under {SHARED / 'realdata'}")
    from helpers.interviews.transcripts import read_transcript

    labels = {turn.speaker for path in transcripts for turn in read_transcript(path).turns if turn.speaker}
    originals = set(label_entries([(label, "P01") for label in labels])["original"])
    assert {"Mehmet Kaplan", "Kaplan", "Anette Åkesson", "Jonas Rosland", "Rosland"} <= originals
    assert not {"Statsrådet", "Unknown Speaker", "Unknown", "Speaker", "MP"} & originals


# --- identifiers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["kerstin.holmberg@alvby.se", "p-o.nystrom+test@sjomala.kommun.se",
                                   "info@sexan-it.com"])
def test_email_addresses(email):
    assert replace_identifiers(f"Mejla {email}.") == "Mejla [e-post]."


def test_package_addresses_are_not_email_addresses():
    text = "https://cdn.jsdelivr.net/npm/mathjax@2.7.7/MathJax.js och @jupyter-widgets/html-manager@1.0"
    assert replace_identifiers(text) == text


@pytest.mark.parametrize("number", ["070-123 45 67", "0701234567", "070-1234567", "070 123 45 67",
                                    "08-123 456 78", "08-12 34 56", "031-12 34 56", "0500-12 34 56",
                                    "+46 70 123 45 67", "+46701234567", "+46 (0)70-123 45 67",
                                    "0046 70 123 45 67", "+44 20 7946 0958", "+1 (555) 123-4567"])
def test_phone_numbers(number):
    assert replace_identifiers(f"Ring {number} i morgon") == "Ring [telefon] i morgon"


@pytest.mark.parametrize("text", ["Det var 2026-02-03 kl 08:30.", "[00:12:31] Ja.", "Det kostar 12 000 kronor.",
                                  "Kommunen har 40 000 invånare.", "Budgeten är 1 200 000 000 kr.",
                                  "Det blev 2 075 430 000 kr.",
                                  "Åren 2019-2023 och 2026.", "Segment P01-007 och P12-123456.",
                                  "Andelen är 0,5 procent, 0.25 av 10 000.", "Mellan 10-15 personer, ca 070 st."])
def test_dates_times_money_and_counts_are_not_phone_numbers(text):
    assert replace_identifiers(text) == text


def test_phone_number_followed_by_a_count_keeps_the_count():
    assert replace_identifiers("ring 070-123 45 67 12 gånger") == "ring [telefon] 12 gånger"


def test_phone_numbers_next_to_numbers_are_all_found():
    assert replace_identifiers("0701234567 0707654321") == "[telefon] [telefon]"
    assert replace_identifiers("NIS2 0701234567, 2026-02-03 08-123 456 78") == "NIS2 [telefon], 2026-02-03 [telefon]"


@pytest.mark.parametrize("number", ["19121212-1212", "191212121212", "121212-1212", "1212121212", "121212+1212"])
def test_valid_personnummer(number):
    assert replace_identifiers(f"pnr {number}.") == "pnr [personnummer]."


@pytest.mark.parametrize("number", ["19121212-1213", "121212-1211", "19121332-1212"])
def test_invalid_personnummer_stays(number):
    assert replace_identifiers(f"nr {number}.") == f"nr {number}."


def test_identifiers_and_names_together(pseud):
    text = "Kerstin (kerstin.holmberg@alvby.se, 070-123 45 67, 19121212-1212) ringde."
    assert pseud.apply(text) == "P01 ([e-post], [telefon], [personnummer]) ringde."


def test_big_input_runs(pseud):
    """Speed sanity: 1,200 interviews of ~2,000 words each (no timing assertion)."""
    rng = random.Random(7)
    words = ("och det är så att vi har en ny e-tjänst i kommunen som Kerstin tycker fungerar bra per månad "
             "med 12 000 kronor 2026-02-03 Microsoft Teams NIS2 Holmbergs 0701234567").split()
    texts = [" ".join(rng.choice(words) for _ in range(2000)) for _ in range(30)] * 40
    out = [pseud.apply(t) for t in texts]
    assert len(out) == 1200
    assert not any("Kerstin" in t or "Holmberg" in t or "0701234567" in t for t in out)
    # "Kerstin Holmbergs" side by side is one (full) name, so one P01.
    names = sum(len(re.findall(r"Kerstin Holmbergs|Kerstin|Holmbergs", t)) for t in texts)
    assert sum(t.count("P01") for t in out) == names


# --- review list -------------------------------------------------------------------------------------


def segments(*texts: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"participant_id": [p for p, _ in texts],
                         "segment_id": [f"{p}-{i:03d}" for i, (p, _) in enumerate(texts, 1)],
                         "text": [t for _, t in texts]})


def test_review_lists_capitalised_words_mid_sentence(key, study):
    texts = segments(
        ("P01", "Vi pratade med Margareta om det. Sen ringde Margareta igen."),
        ("P02", "Jag tror att Margaretas chef och Tobias var med."),
    )
    review = review_candidates(texts, key, organisations=study.organisations)
    assert list(review.columns) == REVIEW_COLUMNS
    assert list(review["candidate"]) == ["Margareta", "Tobias"]
    top = review.iloc[0]
    assert top["count"] == 3, "the genitive Margaretas counts with Margareta"
    assert top["participants"] == "P01, P02"
    assert "pratade med Margareta om" in top["example"]


def test_review_skips_sentence_starts_labels_known_and_common_words(key, study):
    text = ("Margareta började. P01: Tobias svarade. I: Det gick bra. Vi använder Microsoft Teams och NIS2, "
            "AI och IT i Älvby kommun och Sexan IT sedan Januari och i Sverige. [Politician A] och Interviewer "
            "och P01 sa att Bengt fick en e-tjänst. ”Hej” sa hon. Vi hör Hans åsikt. We don't know, "
            "Participant Yeah, but O'Brien's team. [skratt] Väldigt bra.")
    review = review_candidates(segments(("P01", text)), key, known_words=["Tobias"],
                               organisations=study.organisations)
    # A stop word that is also a name ("Hans") stays a candidate mid-sentence; so does an Irish name.
    assert list(review["candidate"]) == ["Hans", "O'Brien"]


def test_review_lists_a_double_name_whose_first_part_is_keyed(key):
    review = review_candidates(segments(("P03", "Vi ringde Anna-Karin och Anna.")), key)
    assert list(review["candidate"]) == ["Anna-Karin"]


def test_review_of_pseudonymised_text_is_empty_when_only_keyed_names_occur(pseud, key, study):
    raw = "Vi pratade med Kerstin Holmberg och Per-Olof om Bengt Axelssons förslag i Granvik kommun."
    review = review_candidates(segments(("P01", pseud.apply(raw))), key, organisations=study.organisations)
    assert review.empty


# --- where the key and review list go ----------------------------------------------------------------


def test_key_and_review_are_written_outside_the_output_folders(tmp_path, key):
    out = tmp_path / "out"
    folder = key_dir(out)
    assert folder == out / "keys"
    assert (folder / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    key_path = write_key(key, out)
    review_path = write_review(review_candidates(segments(("P01", "sa Tobias")), key), folder / REVIEW_FILE)
    for path in (key_path, review_path):
        assert path.parent == out / "keys"
    written = pd.read_csv(key_path, encoding="utf-8-sig", dtype=str)
    assert list(written.columns) == KEY_COLUMNS and "Kerstin Holmberg" in set(written["original"])
    assert pd.read_csv(review_path, encoding="utf-8-sig")["candidate"].tolist() == ["Tobias"]


# --- real material -----------------------------------------------------------------------------------

RIKSDAG = SHARED / "realdata" / "riksdag_sv"


def test_real_swedish_debate_is_pseudonymised_and_reviewed():
    files = sorted(RIKSDAG.glob("*.txt")) if RIKSDAG.is_dir() else []
    if not files:
        pytest.skip(f"shared real material not found at {RIKSDAG}")
    text = files[0].read_text(encoding="utf-8")
    key = pd.DataFrame({"original": ["Anette Åkesson", "Anette", "Åkesson", "Mehmet Kaplan", "Mehmet", "Kaplan"],
                        "replacement": ["P01"] * 3 + ["P02"] * 3})
    out = Pseudonymiser(key).apply(text)
    assert not re.search(r"(?i)anette|åkesson|mehmet|kaplan", out)
    assert "Anf. 116 P01 (M):" in out and "Statsrådet P02 (MP):" in out
    for before, after in zip(text.split("\n"), out.split("\n")):
        if not re.search(r"(?i)anette|åkesson|mehmet|kaplan", before):
            assert before == after, "a line without names must come out unchanged"
    paragraphs = [p for p in out.split("\n\n") if p.strip()]
    review = review_candidates(segments(*[("P01", p) for p in paragraphs]), key)
    assert {"Estland", "Schweiz", "Harvard"} <= set(review["candidate"])
    assert review["count"].is_monotonic_decreasing
