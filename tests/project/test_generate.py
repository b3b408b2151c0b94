"""The benchmark's study generator (bench/generate.py): valid study folders, in the sample's formats."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from helpers.core.study import load_study
from helpers.core.tables import read_table
from helpers.interviews.pseudonymise import build_key
from helpers.interviews.transcripts import read_transcript

from conftest import ROOT

BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402  (bench/ is not a package)


def merged_turns(path: Path) -> list[tuple[str, list[str]]]:
    """Speaker turns as a reader of the file sees them: subtitle cues of one speaker merged, unlabelled
    cues counted with the speaker before them; each turn with its words."""
    turns: list[tuple[str, list[str]]] = []
    for turn in read_transcript(path).turns:
        if turns and turn.speaker in (None, turns[-1][0]):
            turns[-1][1].extend(turn.text.split())
        else:
            turns.append((turn.speaker, turn.text.split()))
    return turns


@pytest.fixture(scope="module", params=[3, 14])
def generated(request, tmp_path_factory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp(f"gen{request.param}") / "study"
    return out, generate.generate(request.param, out, seed=11)


def test_folder_validates_with_one_participant_per_interview(generated):
    out, interviews = generated
    study = load_study(out)
    assert list(study.participants["participant_id"]) == [iv.pid for iv in interviews]
    assert set(study.participants["organisation"]) <= set(study.config.members)
    assert "GENERATED" in study.config.title
    assert not (out / "codings").exists()
    assert (out / "workshop" / "votes.csv").read_bytes() == (generate.SAMPLE / "workshop" / "votes.csv").read_bytes()


def test_every_transcript_parses_into_the_turns_written(generated):
    _, interviews = generated
    for interview in interviews:
        found = merged_turns(interview.path)
        assert len(found) == len(interview.turns), interview.path.name
        assert [s for s, _ in found] == [s for s, _ in interview.turns], interview.path.name
        for (_, words), (_, paragraphs) in zip(found, interview.turns):
            assert words == " ".join(paragraphs).split()


def test_formats_cycle_through_the_sample_mix(generated):
    out, interviews = generated
    sample_mix = [p.suffix for p in sorted((generate.SAMPLE / "interviews").iterdir())]
    assert [iv.path.suffix for iv in interviews] == [sample_mix[i % len(sample_mix)] for i in range(len(interviews))]
    encodings = {iv.path.name: read_transcript(iv.path).encoding for iv in interviews if iv.path.suffix == ".txt"}
    if len(interviews) >= 7:  # templates P03 (Windows-1252) and P07 (UTF-8 with BOM)
        assert sorted(encodings.values()) == ["cp1252", "utf-8-sig"]


def test_names_are_invented_and_sample_names_are_keyed(generated):
    out, _ = generated
    study = load_study(out)
    names = list(study.participants["name"])
    assert len(set(names)) == len(names)
    first, last = zip(*(n.split() for n in names))
    assert set(first) <= set(generate.FIRST_NAMES) and set(last) <= set(generate.SURNAMES)
    sample = load_study(generate.SAMPLE)
    key = dict(zip(build_key(study)["original"], build_key(study)["replacement"]))
    for name in sample.participants["name"]:
        assert key[name] == generate.SAMPLE_PERSON
    pseudonyms = read_table(out / "pseudonyms.csv")
    assert set(sample.pseudonyms["original"]) <= set(pseudonyms["original"])


def test_participants_file_is_written_as_swedish_excel_does(generated):
    out, _ = generated
    raw = (out / "participants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert raw.split(b"\r\n")[0].count(b";") == len(generate.PARTICIPANT_COLUMNS) - 1


def test_same_seed_same_folder_other_seed_other_text(tmp_path):
    a, b, c = (generate.generate(5, tmp_path / name, seed=seed) for name, seed in (("a", 1), ("b", 1), ("c", 2)))
    assert (tmp_path / "a" / "participants.csv").read_bytes() == (tmp_path / "b" / "participants.csv").read_bytes()
    assert [iv.turns for iv in a] == [iv.turns for iv in b]
    assert [iv.turns for iv in a] != [iv.turns for iv in c]


def test_dates_spread_and_roles_come_from_the_sample(tmp_path):
    generate.generate(24, tmp_path / "s", seed=3)
    study = load_study(tmp_path / "s")
    sample = load_study(generate.SAMPLE)
    assert study.participants["interview_date"].is_monotonic_increasing
    assert study.participants["interview_date"].nunique() == 24
    assert set(study.participants["role"]) <= set(sample.participants["role"])
    assert Counter(study.participants["organisation"]) == Counter({m: 24 // 7 + (i < 24 % 7)
                                                                   for i, m in enumerate(sample.organisations)})


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate.generate(3, tmp_path)
    assert generate.main(["--interviews", "3", "--out", str(tmp_path)]) == 2


def test_no_invented_name_is_a_word_the_report_writes():
    """An invented name that is also a word of the report ("Fiktiva", as in its Swedish banner) would make the
    privacy gate stop a generated study's run, rightly: it cannot tell the word from the name."""
    import re

    from helpers.core.i18n import LANGUAGES, load_catalogue

    words = {w.casefold() for language in LANGUAGES for entry in load_catalogue(language).values()
             for form in (entry.values() if isinstance(entry, dict) else [entry]) for w in re.findall(r"\w+", form)}
    assert not {n.casefold() for n in generate.FIRST_NAMES + generate.SURNAMES} & words
