"""The workbench's fast paths give what the straightforward way gives.

keyword in context looks words up in the words of every segment, found once (helpers.workbench.explore._Words),
and skips a regular expression's search in a segment that lacks one of its literal texts; retrieve joins
codes and coders per segment in one pass. Each is compared here with the plain way: every segment tokenised
and every word compared on its own, the regex searched in every segment, a pandas groupby.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import pandas as pd
import pytest

from helpers.coding.rules import parse_keyword
from helpers.core.language import stop_words
from helpers.workbench import explore
from helpers.workbench.explore import KWIC_COLUMNS, WHO, Workbench, kwic, select, stem

from explore_fixtures import segments_table, wb  # noqa: F401  (wb is a fixture)

TRICKY_TURNS = {
    "P01": ["Hur går det?", "Det är İT ska fixa, sa hon. IT ska lösa det; it ska inte.",
            "Berätta mer.", "Vi har ſkolan och ΣΟΦΙΑ-projektet, mandatet och mandaten, 40 procent av budgeten.",
            "Och sen?", "Mandat saknas, vem som bestämmer vet ingen. Vem bestämmer? digitalisering*"],
    "P02": ["Question?", "The IT unit says data is key; the data team owns it. It is digitalisation.",
            "More?", "Decisions about mandates and the mandate of the board: who decides."],
}
TRICKY_PEOPLE = [("P01", "Sjömåla kommun", "IT-chef"), ("P02", "Sexan IT", "kommundirektör")]  # as in wb


@pytest.fixture
def tricky() -> Workbench:
    return Workbench(segments=segments_table(TRICKY_TURNS, TRICKY_PEOPLE, {"P02": "en"}))


def plain_kwic(wb: Workbench, query: str, match: str = "stem", window: int = 8, language: str | None = None,
               **selection) -> pd.DataFrame:
    """Keyword in context the straightforward way: each segment tokenised, each word compared, each regex run."""
    regex = explore._Query(query, "regex").regex if match == "regex" else None
    rows = []
    for rec in select(wb, **selection).to_dict("records"):
        text, lang = rec["text"], language or rec["language"]
        tokens = [m.span() for m in explore._TOKEN.finditer(text)]
        if regex is not None:
            spans = [m.span() for m in regex.finditer(text) if m.end() > m.start()]
        else:
            reduce = (lambda w, lang=lang: stem(w, lang)) if match == "stem" else str
            words, query_words = [text[s:e] for s, e in tokens], parse_keyword(query, reduce, stop_words(lang))
            n = len(query_words)
            spans = [(tokens[i][0], tokens[i + n - 1][1]) for i in range(len(words) - n + 1)
                     if all(w.matches(words[i + j], reduce(words[i + j].lower())) for j, w in enumerate(query_words))]
        starts, ends = [s for s, _ in tokens], [e for _, e in tokens]
        for start, end in spans:
            before, after = bisect_right(ends, start), bisect_left(starts, end)
            cut_left, cut_right = before > window, after + window < len(tokens)
            left = text[starts[before - window] if cut_left else 0:start].strip()
            right = text[end:ends[after + window - 1] if cut_right else len(text)].strip()
            rows.append({**{c: rec[c] for c in WHO + ["speaker_role"]}, "left": ("… " if cut_left else "") + left,
                         "match": text[start:end], "right": right + (" …" if cut_right else "")})
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


QUERIES = [
    ("mandat", {}), ("mandat", {"match": "word"}), ("mandat*", {}), ("IT", {}), ("it", {}), ("IT", {"match": "word"}),
    ("it ska", {}), ("vem som bestämmer", {}), ("data", {}), ("data", {"language": "en"}), ("mandate", {"language": "en"}),
    ("digitali*", {"include_interviewer": True}), ("mandat", {"window": 2}), ("mandat", {"organisation": "sjöm"}),
    ("det", {"role": "kommundirektör"}), (r"\bit ska (fixa|lösa)", {"match": "regex"}), (r"it ska", {"match": "regex"}),
    (r"skolan", {"match": "regex"}), (r"σοφια", {"match": "regex"}), (r"vem (som )?bestämmer", {"match": "regex"}),
    (r"\d+ (procent|kronor)", {"match": "regex"}), (r"(?-i:Mandat)", {"match": "regex"}), ("frågan", {}),
    (r"who|what", {"match": "regex", "include_interviewer": True}), ("the data", {"window": 1}),
    ("inte berätta", {"include_interviewer": True}), ("inte", {"include_interviewer": True, "window": 1}),
]


@pytest.mark.parametrize("query, options", QUERIES)
def test_kwic_finds_what_the_straightforward_way_finds(tricky, wb, query, options):  # noqa: F811
    for bench in (tricky, wb):
        found = kwic(bench, query, **options)
        pd.testing.assert_frame_equal(found, plain_kwic(bench, query, **options), check_exact=True)


def test_the_tricky_cases_are_in_the_fixture(tricky):
    """Case variants IGNORECASE takes as equal are found, though their lowercase differs from the query's."""
    assert list(kwic(tricky, "it ska", match="regex")["match"]) == ["İT ska", "IT ska", "it ska"]
    assert list(kwic(tricky, "skolan", match="regex")["match"]) == ["ſkolan"]
    assert list(kwic(tricky, "σοφια", match="regex")["match"]) == ["ΣΟΦΙΑ"]
    assert kwic(tricky, "inte berätta", include_interviewer=True).empty, "a phrase never runs into the next turn"
    assert list(kwic(tricky, "mandat")["match"]) == ["mandatet", "mandaten", "Mandat", "mandates", "mandate"]


def test_kwic_reads_a_new_segments_table(tricky):
    assert kwic(tricky, "ſkolan", match="word").empty is False
    tricky.segments = tricky.segments.assign(text=tricky.segments["text"].str.replace("ſkolan", "skolan"))
    assert kwic(tricky, "ſkolan", match="word").empty
    assert list(kwic(tricky, "skolan", match="word")["match"]) == ["skolan"]


def test_codes_per_segment_is_the_groupby_join():
    codings = pd.DataFrame({"segment_id": ["s2", "s1", "s2", None, "s1", "s3"], "participant_id": ["p"] * 6,
                            "code_id": ["a", "b", "c", "d", "b", None], "theme_id": ["t"] * 6,
                            "coder": ["rules", "x", "rules", "y", "z", "x"]}).astype("string")
    plain = codings.groupby("segment_id", sort=False).agg(codes=("code_id", explore._join),
                                                         coders=("coder", explore._join))
    pd.testing.assert_frame_equal(explore._codes_per_segment(codings), plain)
    assert list(explore._codes_per_segment(codings)["coders"]) == ["rules", "x, z", "x"]
    empty = codings.iloc[:0]
    pd.testing.assert_frame_equal(explore._codes_per_segment(empty),
                                  empty.groupby("segment_id", sort=False).agg(codes=("code_id", explore._join),
                                                                              coders=("coder", explore._join)))
