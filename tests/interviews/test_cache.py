"""Stage 01's per-interview cache (helpers.interviews.cache): the same tables with and without it, only what changed
is read or segmented again, every setting that matters invalidates, bad input is never cached, a corrupt entry is
ignored, and the cache is pruned, git-ignored and kept out of the outputs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from helpers.core.errors import InputError
from helpers.core.study import load_study
from helpers.core.tables import write_table
from helpers.interviews import cache as cache_mod
from helpers.interviews import segments, transcripts
from helpers.interviews.cache import CACHE_FOLDER, InterviewCache, cache_folder
from helpers.interviews.pseudonymise import write_key
from helpers.interviews.segments import CleaningRules, clean_study
from helpers.runner.validate import check_study

TABLES = ("segments", "documents", "participants", "quality")
N = 12  # interviews in the sample study


class Calls:
    """Counts the transcripts parsed (transcripts.read_transcript) and the interviews segmented (segments._built)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read: list[str] = []
        self.built: list[str] = []
        read, built = transcripts.read_transcript, segments._built

        def counting_read(path, *args, **kwargs):
            self.read.append(Path(path).name)
            return read(path, *args, **kwargs)

        def counting_built(transcript, participant, *args, **kwargs):
            self.built.append(participant["participant_id"])
            return built(transcript, participant, *args, **kwargs)

        monkeypatch.setattr(transcripts, "read_transcript", counting_read)
        monkeypatch.setattr(segments, "_built", counting_built)

    def reset(self) -> None:
        self.read.clear()
        self.built.clear()


def _stage01(study_dir: Path, out: Path, cache_dir: Path | None, max_words: int = 150,
             cleaning_file: Path | None = None) -> dict[str, bytes]:
    """Stage 01's tables and key as the notebook writes them, into ``out``: every file's bytes."""
    rules = CleaningRules.load(cleaning_file)
    cache = InterviewCache(cache_dir) if cache_dir is not None else None
    interviews, key = clean_study(load_study(study_dir), rules, max_words, cache)
    for name in TABLES:
        write_table(getattr(interviews, name), out / "data" / "processed", name)
    write_key(key, out)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _entries(cache_dir: Path, kind: str) -> list[Path]:
    return sorted((cache_dir / kind).glob("*.json"))


def _append(path: Path, text: str) -> None:
    with open(path, "ab") as handle:
        handle.write(text.encode("ascii"))


@pytest.fixture
def calls(monkeypatch) -> Calls:
    return Calls(monkeypatch)


def test_the_tables_and_key_are_the_same_bytes_without_a_cache_with_a_cold_one_and_a_warm_one(sample_copy, tmp_path,
                                                                                               calls):
    cache = tmp_path / "cache"
    plain = _stage01(sample_copy, tmp_path / "plain", None)
    calls.reset()
    assert _stage01(sample_copy, tmp_path / "cold", cache) == plain
    assert len(calls.read) == N and len(calls.built) == N
    calls.reset()
    assert _stage01(sample_copy, tmp_path / "warm", cache) == plain
    assert calls.read == [] and calls.built == []
    assert {f for f in plain if f.startswith("data/processed/")} and "keys/pseudonymisation_key.csv" in plain


def test_changing_one_transcript_reads_and_segments_that_one_only(sample_copy, tmp_path, calls):
    cache = tmp_path / "cache"
    _stage01(sample_copy, tmp_path / "first", cache)
    _append(sample_copy / "interviews" / "P03.txt", "\r\n[00:12:00] R: Och en sak till om samarbetet i Sexan.\r\n")
    calls.reset()
    again = _stage01(sample_copy, tmp_path / "again", cache)
    assert calls.read == ["P03.txt"] and calls.built == ["P03"]
    assert again == _stage01(sample_copy, tmp_path / "plain", None)  # and the same as without the cache
    assert b"en sak till om samarbetet" in again["data/processed/documents.csv"]


def _max_words(study: Path) -> dict:
    return {"max_words": 40}


def _cleaning_rules(study: Path) -> dict:
    rules = study / "cleaning.yml"
    default = (Path(segments.__file__).parent / "cleaning.yml").read_text(encoding="utf-8")
    rules.write_text(default.replace("marks:", "marks:\n  - samarbetet", 1), encoding="utf-8")
    return {"cleaning_file": rules}


def _pseudonyms(study: Path) -> dict:
    _append(study / "pseudonyms.csv", "Sexan;[samarbetet]\n")  # the key changes: every text may read otherwise
    return {}


@pytest.mark.parametrize("change", [_max_words, _cleaning_rules, _pseudonyms])
def test_a_setting_the_segments_depend_on_segments_every_interview_again_without_reading_again(
        change, sample_copy, tmp_path, calls):
    cache = tmp_path / "cache"
    _stage01(sample_copy, tmp_path / "first", cache)
    settings = change(sample_copy)
    calls.reset()
    changed = _stage01(sample_copy, tmp_path / "changed", cache, **settings)
    assert calls.read == [] and sorted(calls.built) == [f"P{i:02d}" for i in range(1, N + 1)]
    assert changed == _stage01(sample_copy, tmp_path / "plain", None, **settings)
    assert len(_entries(cache, "segments")) == N  # the entries of the old setting were pruned


def test_a_changed_participant_row_segments_that_interview_again(sample_copy, tmp_path, calls):
    cache = tmp_path / "cache"
    _stage01(sample_copy, tmp_path / "first", cache)
    participants = sample_copy / "participants.csv"
    text = participants.read_text(encoding="utf-8-sig")
    participants.write_text(text.replace("P03;Sjömåla kommun;IT-chef;2026-02-10;;12;",
                                         "P03;Sjömåla kommun;IT-chef;2026-02-10;I;12;"), encoding="utf-8")
    calls.reset()
    changed = _stage01(sample_copy, tmp_path / "changed", cache)
    assert calls.read == [] and calls.built == ["P03"]
    assert changed == _stage01(sample_copy, tmp_path / "plain", None)


def test_new_code_reads_every_transcript_again(sample_copy, tmp_path, calls, monkeypatch):
    cache = tmp_path / "cache"
    _stage01(sample_copy, tmp_path / "first", cache)
    monkeypatch.setattr(cache_mod, "code_version", lambda: "another version of the helpers")
    calls.reset()
    _stage01(sample_copy, tmp_path / "again", cache)
    assert len(calls.read) == N and len(calls.built) == N
    assert len(_entries(cache, "transcripts")) == N and len(_entries(cache, "segments")) == N


def test_the_code_version_covers_the_interview_helpers():
    package = Path(cache_mod.__file__).parent
    assert all(len(cache_mod.code_version()) == 64 for _ in range(2))
    assert {p.name for p in package.glob("*.py")} >= {"transcripts.py", "segments.py", "pseudonymise.py", "roles.py"}


def test_validation_reads_each_transcript_and_stage01_takes_them_from_the_cache(sample_copy, tmp_path, calls):
    cache = tmp_path / "out" / CACHE_FOLDER
    check_study(sample_copy, cache)
    assert len(calls.read) == N
    calls.reset()
    _stage01(sample_copy, tmp_path / "out", cache)
    assert calls.read == [] and len(calls.built) == N  # read once per run


def _broken_vtt(study: Path) -> Path:
    path = study / "interviews" / "P02.vtt"
    path.write_text("00:00:01.000 --> 00:00:03.000\nHur började det?\n", encoding="utf-8")
    return path


def test_bad_input_stops_validation_with_the_same_message_and_is_never_cached(sample_copy, tmp_path):
    cache = tmp_path / "cache"
    check_study(sample_copy, cache)  # every transcript is cached, P02 among them
    _broken_vtt(sample_copy)
    with pytest.raises(InputError) as plain:
        check_study(sample_copy)
    for _ in range(2):
        with pytest.raises(InputError) as cached:
            check_study(sample_copy, cache)
        assert cached.value.message == plain.value.message
    assert "P02.vtt" in plain.value.message and "WEBVTT" in plain.value.message
    assert len(_entries(cache, "transcripts")) == N  # the earlier parse of P02, not the broken file's


def test_a_file_that_cannot_be_read_is_said_as_without_the_cache(tmp_path):
    for path in (tmp_path / "P05.vtt", tmp_path / "P05.doc"):
        with pytest.raises(InputError) as plain:
            transcripts.read_transcript(path)
        with pytest.raises(InputError) as cached:
            InterviewCache(tmp_path / "cache").read(path)
        assert cached.value.message == plain.value.message
    assert not (tmp_path / "cache" / "transcripts").exists()


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # cut short (a crash without the atomic rename would leave this)
    lambda data: data.replace(b"a", b"e", 1) if b"a" in data[65:] else data + b"x",  # one letter changed
    lambda data: b"",
    lambda data: b"\xff\xfe not an entry",
])
def test_a_corrupt_entry_is_ignored_and_computed_again(damage, sample_copy, tmp_path, calls):
    cache = tmp_path / "cache"
    plain = _stage01(sample_copy, tmp_path / "first", cache)
    study = load_study(sample_copy)
    p03 = study.participants.set_index("participant_id").loc["P03", "transcript_path"]
    transcript_entry = cache / "transcripts" / f"{InterviewCache(cache).transcript_key(p03)}.json"
    segment_entry = _entries(cache, "segments")[0]
    for entry in (transcript_entry, segment_entry):
        entry.write_bytes(damage(entry.read_bytes()))
    calls.reset()
    assert _stage01(sample_copy, tmp_path / "again", cache) == plain
    assert calls.read == ["P03.txt"] and len(calls.built) == 1
    calls.reset()
    _stage01(sample_copy, tmp_path / "third", cache)  # the entries were written anew
    assert calls.read == [] and calls.built == []


def test_a_temporary_file_left_by_a_crash_is_never_read_and_is_removed_once_stale(sample_copy, tmp_path, calls):
    cache = tmp_path / "cache"
    _stage01(sample_copy, tmp_path / "first", cache)
    fresh, stale = cache / "transcripts" / ".tmp-fresh.json", cache / "transcripts" / ".tmp-stale.json"
    for temp in (fresh, stale):
        temp.write_bytes(b"half an entr")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    _stage01(sample_copy, tmp_path / "again", cache)
    assert fresh.exists() and not stale.exists()  # a fresh one may be another writer's, still writing


def test_entries_of_transcripts_no_longer_in_the_study_are_removed(sample_copy, tmp_path):
    cache = tmp_path / "cache"
    _stage01(sample_copy, tmp_path / "first", cache)
    assert len(_entries(cache, "transcripts")) == N and len(_entries(cache, "segments")) == N
    participants = sample_copy / "participants.csv"
    rows = participants.read_text(encoding="utf-8-sig").splitlines()
    participants.write_text("\n".join(row for row in rows if not row.startswith("P12;")) + "\n", encoding="utf-8")
    (sample_copy / "interviews" / "P12.docx").unlink()
    _stage01(sample_copy, tmp_path / "again", cache)
    assert len(_entries(cache, "transcripts")) == N - 1 and len(_entries(cache, "segments")) == N - 1


def test_the_cache_is_next_to_the_key_git_ignored_and_private(sample_copy, tmp_path):
    out = tmp_path / "out"
    folder = cache_folder(out)
    assert folder == out / ".pipeline-cache" / "interviews"
    assert cache_folder(tmp_path / "staging", folder) == folder  # the runner's, whatever the notebook writes to
    _stage01(sample_copy, out, folder)
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    if os.name == "posix":
        assert all((path.stat().st_mode & 0o077) == 0 for path in (folder, folder / "transcripts"))
    assert sorted(p.name for p in out.iterdir()) == [".pipeline-cache", "data", "keys"]
