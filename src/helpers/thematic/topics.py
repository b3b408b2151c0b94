"""Inductive exploration: topics found from the respondents' words alone (TF-IDF + NMF), and how they line
up with the codebook's themes, so researchers see what the codebook misses.

Words are lower-cased, Swedish and English stop words (the ``stop-words`` package) and interview fillers are
dropped, and each word is reduced to its Snowball stem in the segment's language; terms are shown as the most
frequent word form of each stem. The text is vectorised once (``max_features`` caps the vocabulary), so the
exploration stays fast on ~100 000 segments. Fixed seeds make two runs identical.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from ..core import language
from ..core.tables import respondent_segments
from ..core.text import trim_quote

# Spoken-language fillers, hedges, transcription marks and pseudonymisation placeholders ("[namn]",
# "Interviewer") that the stop-word lists lack (three letters or more: shorter words never become terms).
FILLER_WORDS = frozenset("""
    ehm öhm hmm mhm asså liksom typ alltså okej okey precis absolut jaha nja
    nån nåt nånting nånstans nåra dom sen sån sånt såna sånna såhär sådär väl tror tycker tänker menar
    känns känner säger vet bli blir gör göra går faktiskt egentligen ganska
    skratt ohörbart paus namn interviewer intervjuare
    erm yeah yep okay like really actually basically kind sort think know mean guess thing things
    stuff lot lots gonna wanna laughs laughter inaudible pause
""".split())
TOKEN = re.compile(r"[^\W\d_]{3,}")  # words of three or more letters; numbers and ids (P03) are not topics
DEFAULT_LANGUAGE = "sv"
NO_THEME = "(no theme)"
NOT_COVERED = "not covered by the codebook"
NOT_ASSESSED = "not assessed (no codings)"


def stop_words() -> frozenset[str]:
    """Swedish and English stop words (:func:`helpers.core.language.stop_words`) plus ``FILLER_WORDS``."""
    return language.stop_words() | FILLER_WORDS


def tokenize(texts: Sequence[str], languages: Sequence[str],
             stop: frozenset[str]) -> tuple[list[list[str]], dict[str, str]]:
    """Turn each text into its list of stems (stemmed in its own language) and map each stem to its most
    frequent surface form, for readable terms. Each distinct word is stemmed once, which keeps this fast."""
    words = [[w for w in TOKEN.findall(str(t).lower()) if w not in stop] for t in texts]
    langs = [lang if lang in language.STEMMERS else DEFAULT_LANGUAGE for lang in languages]
    stem_of: dict[str, dict[str, str]] = {}
    forms: Counter = Counter()  # (stem, word) -> how often the word occurs
    for lang in sorted(set(langs)):
        counts = Counter(chain.from_iterable(ws for ws, l in zip(words, langs) if l == lang))
        vocabulary = sorted(counts)
        stem_of[lang] = dict(zip(vocabulary, language.stemmer(lang).stemWords(vocabulary)))
        forms.update({(stem_of[lang][w], w): n for w, n in counts.items()})
    docs = [[stem_of[lang][w] for w in ws] for ws, lang in zip(words, langs)]
    surface: dict[str, str] = {}
    for (stem, word), _ in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0])):
        surface.setdefault(stem, word)
    return docs, surface


def _identity(tokens: list[str]) -> list[str]:
    """The analyzer for already tokenised documents."""
    return tokens


@dataclass
class TopicModel:
    """The result of :func:`explore_topics`."""

    topics: pd.DataFrame  # one row per topic: label, top terms, size, representative segments
    terms: pd.DataFrame  # topic, rank, term, weight
    assignments: pd.DataFrame  # segment_id, participant_id, topic (dominant), weight
    notes: list[str] = field(default_factory=list)  # what was adjusted and why, for the notebook to show

    @property
    def empty(self) -> bool:
        return self.topics.empty


TOPIC_COLUMNS = ["topic", "topic_label", "top_terms", "n_segments", "pct_segments"]
OVERLAP_COLUMNS = ["topic", "topic_label", "theme_id", "theme_label", "n_segments", "pct_segments"]


def _empty_model(note: str) -> TopicModel:
    return TopicModel(topics=pd.DataFrame(columns=TOPIC_COLUMNS),
                      terms=pd.DataFrame(columns=["topic", "rank", "term", "weight"]),
                      assignments=pd.DataFrame(columns=["segment_id", "participant_id", "topic", "weight"]),
                      notes=[note])


def _vectorise(docs: list[list[str]], max_features: int) -> tuple[sparse.csr_matrix, TfidfVectorizer]:
    """TF-IDF over the stems; terms in over half the segments say nothing about topics (in corpora of 20+)."""
    many = len(docs) >= 20
    vectoriser = TfidfVectorizer(analyzer=_identity, max_features=max_features, min_df=2 if many else 1,
                                 max_df=0.5 if many else 1.0, sublinear_tf=True)
    return vectoriser.fit_transform(docs), vectoriser


def _examples(weights: np.ndarray, dominant: np.ndarray, segments: pd.DataFrame, topic: int, n: int,
              max_words: int, terms: frozenset[str]) -> list[dict]:
    """The ``n`` segments that belong most to ``topic``, from different participants, trimmed around its ``terms``."""
    order = np.lexsort((np.arange(len(dominant)), -weights[:, topic]))
    picked: list[dict] = []
    people: set[str] = set()
    for i in order:
        if len(picked) == n:
            break
        if dominant[i] != topic:
            continue
        row = segments.iloc[i]
        if row["participant_id"] in people:
            continue
        people.add(row["participant_id"])
        picked.append({"segment_id": row["segment_id"],
                       "quote": f"{trim_quote(row['text'], max_words, marks=terms)} ({row['participant_id']}, "
                                f"{row['organisation']}, {row['role']})"})
    return picked


def explore_topics(segments: pd.DataFrame, n_topics: int = 8, n_terms: int = 10, n_examples: int = 2,
                   min_words: int = 10, max_features: int = 5000, example_words: int = 60,
                   extra_stop_words: Sequence[str] = (), seed: int = 42) -> TopicModel:
    """Find ``n_topics`` topics in the respondent segments of at least ``min_words`` words.

    Each segment belongs to the topic with the largest NMF weight (segments with no weight belong to none).
    ``extra_stop_words`` (e.g. the member organisations' names) are left out as well: every interview
    mentions them, so they would make topics about who speaks rather than what is said.
    """
    docs_frame = respondent_segments(segments)
    docs_frame = docs_frame.loc[docs_frame["n_words"] >= min_words].reset_index(drop=True)
    if docs_frame.empty:
        return _empty_model(f"No respondent segment has {min_words} words or more: no topics to explore.")
    languages = docs_frame["language"] if "language" in docs_frame else [DEFAULT_LANGUAGE] * len(docs_frame)
    stop = stop_words() | {w for phrase in extra_stop_words for w in TOKEN.findall(str(phrase).lower())}
    docs, surface = tokenize(docs_frame["text"].tolist(), list(languages), stop)
    try:
        matrix, vectoriser = _vectorise(docs, max_features)
    except ValueError:  # scikit-learn: no terms left after removing stop words
        return _empty_model("The segments hold no words besides stop words: no topics to explore.")
    notes = []
    possible = min(matrix.shape)
    if n_topics > possible:
        notes.append(f"Only {possible} topics could be fitted ({matrix.shape[0]} segments, {matrix.shape[1]} "
                     f"terms); n_topics was {n_topics}.")
        n_topics = possible
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=1000)
    weights = model.fit_transform(matrix)
    stems = vectoriser.get_feature_names_out()
    dominant = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    terms = _top_terms(model.components_, stems, surface, n_terms)
    topics = _topic_table(terms, dominant, weights, docs_frame, n_examples, example_words)
    assignments = pd.DataFrame({"segment_id": docs_frame["segment_id"], "participant_id": docs_frame["participant_id"],
                                "topic": dominant + 1, "weight": weights.max(axis=1).round(4)})
    assignments = assignments.loc[assignments["topic"] > 0].reset_index(drop=True)
    return TopicModel(topics=topics, terms=terms, assignments=assignments, notes=notes)


def _top_terms(components: np.ndarray, stems: np.ndarray, surface: dict[str, str], n_terms: int) -> pd.DataFrame:
    """The ``n_terms`` heaviest terms of each topic, as readable words."""
    rows = []
    for k, row in enumerate(components):
        top = np.lexsort((np.arange(len(row)), -row))[:n_terms]
        rows += [{"topic": k + 1, "rank": r + 1, "term": surface.get(stems[j], stems[j]),
                  "weight": round(float(row[j]), 4)} for r, j in enumerate(top) if row[j] > 0]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def _topic_table(terms: pd.DataFrame, dominant: np.ndarray, weights: np.ndarray, segments: pd.DataFrame,
                 n_examples: int, example_words: int) -> pd.DataFrame:
    """One row per topic: label (number and three terms), top terms, segments, representative segments."""
    rows = []
    for k in range(weights.shape[1]):
        words = terms.loc[terms["topic"] == k + 1, "term"].tolist()
        n = int((dominant == k).sum())
        row = {"topic": k + 1, "topic_label": f"{k + 1}: {', '.join(words[:3])}", "top_terms": ", ".join(words),
               "n_segments": n, "pct_segments": round(100 * n / len(dominant), 1)}
        examples = _examples(weights, dominant, segments, k, n_examples, example_words, frozenset(words))
        for i, example in enumerate(examples, start=1):
            row[f"example_{i}_segment_id"] = example["segment_id"]
            row[f"example_{i}"] = example["quote"]
        rows.append(row)
    return pd.DataFrame(rows)


def topic_theme_overlap(model: TopicModel, codings: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """Topic × theme (long): the share of each topic's segments coded with the theme by the selected coders,
    plus the share coded with no theme at all (``theme_id`` = ``NO_THEME``)."""
    assigned = model.assignments[["segment_id", "topic"]]
    pairs = codings[["segment_id", "theme_id"]].drop_duplicates()
    per_topic = assigned.groupby("topic").size()
    counts = assigned.merge(pairs, on="segment_id").groupby(["topic", "theme_id"]).size()
    uncoded = assigned.loc[~assigned["segment_id"].isin(pairs["segment_id"])].groupby("topic").size()
    theme_ids = [*themes["theme_id"], NO_THEME]
    grid = pd.MultiIndex.from_product([model.topics["topic"], theme_ids], names=["topic", "theme_id"])
    table = counts.reindex(grid, fill_value=0).rename("n_segments").reset_index()
    no_theme = table["theme_id"] == NO_THEME
    table.loc[no_theme, "n_segments"] = table.loc[no_theme, "topic"].map(uncoded).fillna(0).astype(int)
    table["pct_segments"] = (100 * table["n_segments"] / table["topic"].map(per_topic)).round(1).fillna(0.0)
    labels = dict(zip(themes["theme_id"], themes["theme_label"])) | {NO_THEME: "No theme"}
    table["theme_label"] = table["theme_id"].map(labels)
    table["topic_label"] = table["topic"].map(dict(zip(model.topics["topic"], model.topics["topic_label"])))
    return table[OVERLAP_COLUMNS]


def flag_coverage(topics: pd.DataFrame, overlap: pd.DataFrame, threshold: float = 50.0) -> pd.DataFrame:
    """Add to each topic its closest theme and ``coverage``: "not covered by the codebook" when at least
    ``threshold`` percent of its segments carry no theme; "not assessed" without codings (an empty ``overlap``)."""
    themed = overlap.loc[overlap["theme_id"] != NO_THEME].sort_values(["topic", "pct_segments"],
                                                                      ascending=[True, False], kind="stable")
    closest = themed.groupby("topic").first()
    none = overlap.loc[overlap["theme_id"] == NO_THEME].set_index("topic")["pct_segments"]
    topics = topics.copy()
    topics["pct_no_theme"] = topics["topic"].map(none)
    topics["closest_theme"] = topics["topic"].map(closest["theme_label"].where(closest["pct_segments"] > 0))
    topics["pct_closest_theme"] = topics["topic"].map(closest["pct_segments"])
    topics["coverage"] = np.where(topics["pct_no_theme"] >= threshold, NOT_COVERED, "covered")
    if overlap.empty:
        topics["coverage"] = NOT_ASSESSED
    return topics
