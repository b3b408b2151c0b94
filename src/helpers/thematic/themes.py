"""Thematic analysis of the coded interviews: how widespread each theme and code is, where it comes up
(organisations, roles), which themes appear together, whether new interviews still add codes (saturation),
and which quotes illustrate each theme best.

Everything is computed over *respondent* segments: a question the interviewer asks is not the participant
raising a theme. A segment counts for a theme when any selected coder coded any code under that theme.
The inputs are the stage-02 tables ``segments``, ``codebook`` and ``codings`` (see docs/architecture.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ..core.errors import InputError
from ..core.i18n import ENGLISH, Messages
from ..core.tables import read_processed, respondent_segments
from ..core.text import ELLIPSIS, trim_quote

ALL_CODERS = "all"

# Evidence strength of a segment for a theme (see ``evidence_scores``): a code a person applied by hand
# is stronger evidence than a keyword rule, and each further matched term adds a little.
MANUAL_WEIGHT = 2.0
RULES_WEIGHT = 1.0
TERM_WEIGHT = 0.5
_EVIDENCE_PART = re.compile(r"^(?P<term>.+?)(?:\s+\((?P<forms>[^()]*)\))?$")  # term (form, form)


@dataclass
class ThemeInputs:
    """The stage-02 tables this stage reads; codebook and codings are empty when the study has none yet.
    ``codings_path`` is the CSV copy of the codings, which error messages name (a researcher can open it)."""

    segments: pd.DataFrame
    codebook: pd.DataFrame
    codings: pd.DataFrame
    codings_path: Path

    @property
    def has_codebook(self) -> bool:
        return not self.codebook.empty


# ---------------------------------------------------------------------------------------------- inputs

def load_inputs(processed_dir: str | Path) -> ThemeInputs:
    """Load segments, codebook and codings (stages 01 and 02) and check that they fit together."""
    segments = read_processed(processed_dir, "segments")
    segments["n_words"] = pd.to_numeric(segments["n_words"], errors="coerce").fillna(0).astype(int)
    codebook = read_processed(processed_dir, "codebook")
    codebook["level"] = pd.to_numeric(codebook["level"], errors="coerce")
    codings_path = Path(processed_dir) / "codings.csv"
    codings = read_processed(processed_dir, "codings")
    codings = complete_theme_ids(codings, codebook, codings_path)
    check_segment_ids(codings, segments, codings_path)
    return ThemeInputs(segments=segments, codebook=codebook, codings=codings, codings_path=codings_path)


def complete_theme_ids(codings: pd.DataFrame, codebook: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Fill an empty ``theme_id`` from the codebook; a coding whose theme cannot be known is an error."""
    codings = codings.copy()
    theme_of = dict(zip(codebook["code_id"], codebook["theme_id"]))
    blank = codings["theme_id"].isna() | (codings["theme_id"].astype(str).str.strip() == "")
    codings.loc[blank, "theme_id"] = codings.loc[blank, "code_id"].map(theme_of)
    unknown = codings["theme_id"].isna() | (codings["theme_id"].astype(str).str.strip() == "")
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(path, f"code '{codings['code_id'].iloc[row]}' has no theme_id and is not in the codebook",
                         where=f"row {row + 2}", fix="re-run notebook 02 with the current codebook")
    return codings


def check_segment_ids(codings: pd.DataFrame, segments: pd.DataFrame, path: Path) -> None:
    """Every coding must point at a segment of the current ``segments`` table."""
    missing = ~codings["segment_id"].isin(segments["segment_id"])
    if missing.any():
        row = int(np.flatnonzero(missing.to_numpy())[0])
        raise InputError(path, f"segment '{codings['segment_id'].iloc[row]}' is not in the segments table",
                         where=f"row {row + 2}",
                         fix="the codings are older than the segments: re-run notebook 02 after notebook 01")


def select_coders(codings: pd.DataFrame, coders: str = ALL_CODERS, path: str | Path = "codings") -> pd.DataFrame:
    """Keep the codings of ``coders``: "all", one coder, or several separated by commas."""
    if coders.strip().lower() == ALL_CODERS:
        return codings
    wanted = [c.strip() for c in coders.split(",") if c.strip()]
    present = list(dict.fromkeys(codings["coder"]))
    unknown = [c for c in wanted if c not in present]
    if unknown:
        raise InputError(path, f"has no codings by coder {', '.join(repr(c) for c in unknown)}",
                         fix=f"set coders to 'all' or to one of: {', '.join(present) or 'no coders yet'}")
    return codings.loc[codings["coder"].isin(wanted)].reset_index(drop=True)


def coded_segments(codings: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """One row per (respondent segment, code) with the segment's participant, organisation, role and words.

    Several coders coding the same code on a segment count once; interviewer segments are dropped.
    """
    columns = ["segment_id", "participant_id", "organisation", "role", "n_words"]
    pairs = codings[["segment_id", "code_id", "theme_id"]].drop_duplicates()
    return pairs.merge(respondent_segments(segments, columns), on="segment_id", how="inner")


# ---------------------------------------------------------------------------------------------- labels

def display_label(row: pd.Series, english: bool) -> str:
    """``label_en`` (for English report text) when present and wanted, else ``label``, else the id."""
    for column in (("label_en", "label") if english else ("label", "label_en")):
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return str(row["code_id"])


def theme_table(codebook: pd.DataFrame, codings: pd.DataFrame, english: bool = True) -> pd.DataFrame:
    """The themes in codebook order (then any theme only the codings know): ``theme_id``, ``theme_label``."""
    themes = codebook.loc[(codebook["level"] == 0) | (codebook["code_id"] == codebook["theme_id"])]
    table = pd.DataFrame({"theme_id": themes["code_id"].astype(str),
                          "theme_label": [display_label(r, english) for _, r in themes.iterrows()]})
    extra = [t for t in dict.fromkeys(codings["theme_id"].astype(str)) if t not in set(table["theme_id"])]
    table = pd.concat([table, pd.DataFrame({"theme_id": extra, "theme_label": extra})], ignore_index=True)
    return table.drop_duplicates("theme_id").reset_index(drop=True)


def code_table(codebook: pd.DataFrame, codings: pd.DataFrame, english: bool = True) -> pd.DataFrame:
    """The codes below the themes in codebook order, plus any code only the codings use (e.g. a theme
    coded directly): ``code_id``, ``code_label``, ``theme_id``, ``theme_label``, ``level``."""
    codes = codebook.loc[codebook["level"] != 0]
    table = pd.DataFrame({"code_id": codes["code_id"].astype(str),
                          "code_label": [display_label(r, english) for _, r in codes.iterrows()],
                          "theme_id": codes["theme_id"].astype(str),
                          "level": codes["level"]})
    used = codings[["code_id", "theme_id"]].astype(str).drop_duplicates("code_id")
    extra = used.loc[~used["code_id"].isin(table["code_id"])]
    labels = {r["code_id"]: display_label(r, english) for _, r in codebook.iterrows()}
    levels = dict(zip(codebook["code_id"], codebook["level"]))
    extra = extra.assign(code_label=extra["code_id"].map(lambda c: labels.get(c, c)),
                         level=extra["code_id"].map(levels))
    table = pd.concat([table, extra[table.columns]], ignore_index=True)
    themes = theme_table(codebook, codings, english)
    return table.merge(themes, on="theme_id", how="left")


# ---------------------------------------------------------------------------------------------- prevalence

def _member_list(organisations: set[str], members: list[str]) -> str:
    """The organisations in member order (any non-member last), as one readable string."""
    ordered = [m for m in members if m in organisations] + sorted(organisations - set(members))
    return ", ".join(ordered)


def _coverage(coded: pd.DataFrame, key: str, segments: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """Segments, participants and member organisations per ``key`` (theme_id or code_id)."""
    respondents = respondent_segments(segments, ["segment_id", "participant_id"])
    per_key = coded.drop_duplicates(["segment_id", key]).groupby(key)
    table = pd.DataFrame({
        "n_segments": per_key["segment_id"].nunique(),
        "n_participants": per_key["participant_id"].nunique(),
        "n_organisations": per_key["organisation"].agg(lambda s: len(set(s) & set(members))),
        "organisations": per_key["organisation"].agg(lambda s: _member_list(set(s), members)),
    })
    n_people = max(respondents["participant_id"].nunique(), 1)
    table["pct_segments"] = (100 * table["n_segments"] / max(len(respondents), 1)).round(1)
    table["pct_participants"] = (100 * table["n_participants"] / n_people).round(1)
    return table.reset_index()


def _fill_zero(table: pd.DataFrame, segments: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """Rows of themes/codes nobody raised get 0 (not missing): absence is a finding."""
    for column in ("n_segments", "n_participants", "n_organisations", "pct_segments", "pct_participants"):
        table[column] = pd.to_numeric(table[column]).fillna(0)
    table["organisations"] = table["organisations"].fillna("")
    table["of_participants"] = respondent_segments(segments, ["participant_id"])["participant_id"].nunique()
    table["of_organisations"] = len(members)
    return table.astype({c: int for c in ("n_segments", "n_participants", "n_organisations")})


PREVALENCE_COLUMNS = ["n_segments", "pct_segments", "n_participants", "of_participants", "pct_participants",
                      "n_organisations", "of_organisations", "organisations"]


def theme_prevalence(segments: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame,
                     members: list[str], english: bool = True) -> pd.DataFrame:
    """How many segments, participants and member organisations raise each theme (all themes, in codebook
    order, zero when nobody raised it)."""
    coverage = _coverage(coded_segments(codings, segments), "theme_id", segments, members)
    table = theme_table(codebook, codings, english).merge(coverage, on="theme_id", how="left")
    return _fill_zero(table, segments, members)[["theme_id", "theme_label", *PREVALENCE_COLUMNS]]


def code_prevalence(segments: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame,
                    members: list[str], english: bool = True) -> pd.DataFrame:
    """The same counts per code, as coded (a code's count does not include its sub-codes)."""
    coverage = _coverage(coded_segments(codings, segments), "code_id", segments, members)
    table = code_table(codebook, codings, english).merge(coverage, on="code_id", how="left")
    columns = ["code_id", "code_label", "theme_id", "theme_label", "level", *PREVALENCE_COLUMNS]
    return _fill_zero(table, segments, members)[columns]


# ---------------------------------------------------------------------------------------------- by group

def theme_by_group(segments: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame, group: str,
                   order: list[str] | None = None, english: bool = True) -> pd.DataFrame:
    """Theme × ``group`` ("organisation" or "role") in long format, with two measures:

    * ``n_participants`` of the group raising the theme (of ``participants_in_group``), and
    * ``pct_words``: words in the group's respondent segments coded with the theme, as a share of all
      the group's respondent words -- how much of the interviews the theme takes up.

    Groups come in ``order`` (e.g. member order), then any other interviewed group, largest first.
    """
    respondents = respondent_segments(segments, ["participant_id", group, "n_words"])
    totals = respondents.groupby(group).agg(participants_in_group=("participant_id", "nunique"),
                                            respondent_words=("n_words", "sum"))
    by_size = sorted(totals.index, key=lambda g: (-totals.loc[g, "participants_in_group"], str(g).casefold()))
    groups = [g for g in (order or []) if g in totals.index] + [g for g in by_size if g not in (order or [])]
    theme_segments = coded_segments(codings, segments).drop_duplicates(["segment_id", "theme_id"])
    counts = theme_segments.groupby(["theme_id", group]).agg(n_participants=("participant_id", "nunique"),
                                                             coded_words=("n_words", "sum"))
    themes = theme_table(codebook, codings, english)
    grid = pd.MultiIndex.from_product([themes["theme_id"], groups], names=["theme_id", group])
    table = counts.reindex(grid, fill_value=0).reset_index().merge(totals.reset_index(), on=group, how="left")
    table["pct_participants"] = (100 * table["n_participants"] / table["participants_in_group"]).round(1)
    table["pct_words"] = (100 * table["coded_words"] / table["respondent_words"].replace(0, np.nan)).round(1)
    table = table.merge(themes, on="theme_id", how="left")
    return table[["theme_id", "theme_label", group, "n_participants", "participants_in_group", "pct_participants",
                  "coded_words", "respondent_words", "pct_words"]]


# ---------------------------------------------------------------------------------------------- co-occurrence

def cooccurrence(codings: pd.DataFrame, segments: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """Square matrix: how many respondent segments carry both ``key`` values (``theme_id`` or ``code_id``).

    The diagonal holds the number of segments with that theme/code at all.
    """
    pairs = coded_segments(codings, segments)[["segment_id", key]].drop_duplicates()
    rows, _ = pd.factorize(pairs["segment_id"])
    cols = pd.Categorical(pairs[key], categories=order).codes
    keep = cols >= 0
    incidence = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.int64), (rows[keep], cols[keep])),
                                  shape=(max(len(set(rows)), 1), len(order)))
    counts = (incidence.T @ incidence).toarray()
    return pd.DataFrame(counts, index=pd.Index(order, name=key), columns=order)


def cooccurrence_table(matrix: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """The matrix as a table to save: id and label columns, then one column per id."""
    table = matrix.reset_index()
    table.insert(1, "label", table.iloc[:, 0].map(labels))
    return table


def top_pairs(matrix: pd.DataFrame, labels: pd.Series, n: int = 15) -> pd.DataFrame:
    """The ``n`` pairs that co-occur in most segments, with the Jaccard index (overlap / union) beside the count."""
    ids = list(matrix.index)
    values = matrix.to_numpy()
    first, second = np.triu_indices(len(ids), k=1)
    both = values[first, second]
    union = np.diag(values)[first] + np.diag(values)[second] - both
    table = pd.DataFrame({"a": [ids[i] for i in first], "b": [ids[j] for j in second], "n_segments": both,
                          "jaccard": np.round(np.divide(both, union, out=np.zeros(len(both)), where=union > 0), 3)})
    table = table.loc[table["n_segments"] > 0]
    table.insert(1, "label_a", table["a"].map(labels))
    table.insert(3, "label_b", table["b"].map(labels))
    return table.sort_values(["n_segments", "a", "b"], ascending=[False, True, True]).head(n).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- saturation

@dataclass
class SaturationPoint:
    """Where new codes stop appearing, by the rule "no new codes in the next ``window`` interviews"."""

    window: int
    position: int | None  # 1-based position of the interview after which `window` interviews add nothing
    participant_id: str | None
    last_new_position: int | None  # the last interview that added any code at all
    later_new_codes: int  # codes that still turned up after `position`

    @property
    def reached(self) -> bool:
        return self.position is not None

    def sentence(self, n_interviews: int, m: Messages = ENGLISH) -> str:
        """One plain-language sentence for the notebook and the report (in the language of ``m``)."""
        rule = m("saturation.rule", window=self.window)
        if self.last_new_position is None:
            return m("saturation.none")
        if not self.reached:
            return m("saturation.not_reached", rule=rule, last=self.last_new_position, n=n_interviews)
        text = m("saturation.reached", rule=rule, position=self.position, n=n_interviews,
                 participant=self.participant_id)
        if self.later_new_codes:
            text += m.n("saturation.later", self.later_new_codes, last=self.last_new_position)
        return text


def natural_key(participant_id: str) -> str:
    """A sort key that puts P2 before P10 (numbers zero-padded)."""
    return re.sub(r"\d+", lambda m: m.group().zfill(8), str(participant_id))


def interview_order(segments: pd.DataFrame) -> pd.DataFrame:
    """One row per interview in the order they were held (interview_date; undated last; ties by participant_id,
    its numbers compared as numbers)."""
    interviews = segments.groupby("participant_id", sort=True).agg(
        interview_date=("interview_date", "first"), organisation=("organisation", "first"), role=("role", "first"))
    interviews = interviews.reset_index()
    interviews["_date"] = pd.to_datetime(interviews["interview_date"].astype(str), errors="coerce", format="mixed")
    interviews["_id"] = interviews["participant_id"].map(natural_key)
    interviews = interviews.sort_values(["_date", "_id"], na_position="last").drop(columns=["_date", "_id"])
    interviews.insert(0, "position", range(1, len(interviews) + 1))
    return interviews.reset_index(drop=True)


def saturation(segments: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """Distinct codes found as interviews accumulate in date order, with the new codes each interview adds."""
    order = interview_order(segments)
    coded = coded_segments(codings, segments)[["participant_id", "code_id"]].drop_duplicates()
    coded = coded.merge(order[["participant_id", "position"]], on="participant_id")
    first_seen = coded.groupby("code_id")["position"].min()
    new_ids = first_seen.reset_index().sort_values("code_id").groupby("position")["code_id"].agg("; ".join)
    order["n_codes"] = order["position"].map(coded.groupby("position")["code_id"].nunique()).fillna(0).astype(int)
    order["new_codes"] = order["position"].map(first_seen.value_counts()).fillna(0).astype(int)
    order["new_code_ids"] = [new_ids.get(position, "") for position in order["position"]]
    order["cumulative_codes"] = order["new_codes"].cumsum()
    total = max(int(order["new_codes"].sum()), 1)
    order["pct_of_codes_found"] = (100 * order["cumulative_codes"] / total).round(1)
    order["interview_date"] = order["interview_date"].astype(str).replace({"nan": "", "NaT": "", "None": ""})
    return order


def saturation_point(table: pd.DataFrame, window: int = 2) -> SaturationPoint:
    """The first interview after which the next ``window`` interviews add no new code (None if there is none)."""
    if window < 1:
        raise InputError("parameters", f"saturation window {window} must be at least 1",
                         fix="set saturation_window to 1 or more in the parameters cell")
    new = table["new_codes"].to_numpy()
    adding = np.flatnonzero(new > 0)
    if not len(adding):
        return SaturationPoint(window, None, None, None, 0)
    last_new = int(adding[-1]) + 1
    for i in range(int(adding[0]), len(new) - window):
        if not new[i + 1: i + 1 + window].any():
            later = int(new[i + 1:].sum())
            return SaturationPoint(window, i + 1, str(table["participant_id"].iloc[i]), last_new, later)
    return SaturationPoint(window, None, None, last_new, 0)


# ---------------------------------------------------------------------------------------------- quotes

@lru_cache(maxsize=None)
def _parse_rule_evidence(evidence: str) -> tuple[tuple[str, frozenset[str]], ...]:
    parsed: dict[str, frozenset[str]] = {}
    for part in evidence.split(";"):
        match = _EVIDENCE_PART.match(part.strip())
        if not match:
            continue
        term = match["term"].strip().lower()
        forms = {f.strip().lower() for f in (match["forms"] or "").split(",") if f.strip()}
        if not forms and not term.startswith("/"):
            forms = {term.rstrip("*")}
        parsed[term] = frozenset(forms)
    return tuple(parsed.items())


def parse_rule_evidence(evidence: str) -> dict[str, frozenset[str]]:
    """A rule coding's evidence, ``styrgrupp (styrgruppen, styrgrupper); mandat*; /regex/ (match)``, as
    {rule term: the words it matched in the text}. A term listed without forms matched as written."""
    return dict(_parse_rule_evidence(str(evidence or "")))


def manual_quote(quote: str) -> str:
    """The passage a coder marked (a manual coding's ``quote``), lower-case, without a shortening's ellipsis."""
    return str(quote or "").rstrip(ELLIPSIS).strip().lower()


def evidence_scores(codings: pd.DataFrame) -> pd.DataFrame:
    """Evidence strength per (theme, segment): ``MANUAL_WEIGHT`` per distinct code coded by hand,
    ``RULES_WEIGHT`` per distinct code found only by rules, ``TERM_WEIGHT`` per distinct rule term matched."""
    keys = ["theme_id", "segment_id"]
    rows = codings[[*keys, "code_id"]].assign(manual=codings["source"].eq("manual").to_numpy())
    per_code = rows.groupby([*keys, "code_id"])["manual"].any().reset_index()
    per_code["weight"] = np.where(per_code["manual"], MANUAL_WEIGHT, RULES_WEIGHT)
    table = per_code.groupby(keys)["weight"].sum().rename("score").to_frame()
    terms = rows.assign(term=[() if manual else tuple(parse_rule_evidence(evidence))
                              for manual, evidence in zip(rows["manual"], codings["terms"])])
    terms = terms.explode("term").dropna(subset=["term"]).drop_duplicates([*keys, "term"])
    table["n_terms"] = terms.groupby(keys).size().reindex(table.index, fill_value=0)
    table["score"] = table["score"] + TERM_WEIGHT * table["n_terms"]
    return table.reset_index()


def evidence_marks(codings: pd.DataFrame, theme_id: str, segment_id: str) -> frozenset[str]:
    """What the codings of a theme on a segment point at: the words rules matched and passages coders marked
    (a quote is trimmed to keep them)."""
    rows = codings.loc[codings["segment_id"].eq(segment_id).to_numpy() & codings["theme_id"].eq(theme_id).to_numpy()]
    marks: set[str] = set()
    for source, terms, quote in zip(rows["source"], rows["terms"], rows["quote"]):
        if source == "manual":
            marks |= {manual_quote(quote)} - {""}
        else:
            marks = marks.union(*parse_rule_evidence(terms).values())
    return frozenset(marks)


def _pick_diverse(people: list[str], orgs: list[str], n: int) -> list[int]:
    """Positions of ``n`` candidates (given best first), preferring a new organisation, then a new participant."""
    chosen: list[int] = []
    for _ in range(n):
        used_people, used_orgs = {people[j] for j in chosen}, {orgs[j] for j in chosen}
        best: tuple[int, int] | None = None
        for i, (person, org) in enumerate(zip(people, orgs)):
            if i in chosen:
                continue
            rank = (person in used_people) + (org in used_orgs)  # 0: new organisation, 1: new participant, 2: neither
            if best is None or rank < best[0]:
                best = (rank, i)
            if rank == 0:
                break
        if best is None:
            break
        chosen.append(best[1])
    return chosen


QUOTE_COLUMNS = ["theme_id", "theme_label", "rank", "participant_id", "organisation", "role", "segment_id", "quote",
                 "n_words", "score", "attribution"]


def exemplar_quotes(segments: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame,
                    quotes_per_theme: int = 3, min_words: int = 15, max_words: int = 80,
                    english: bool = True) -> pd.DataFrame:
    """Up to ``quotes_per_theme`` quotes per theme: the respondent segments with the strongest evidence
    (``evidence_scores``) of at least ``min_words`` words, from different organisations and participants where
    possible, trimmed to ``max_words`` at sentence boundaries. Attributed by participant id, organisation and
    role only -- never by name.
    """
    if min_words > max_words:
        raise InputError("parameters", f"quote_min_words ({min_words}) is larger than quote_max_words ({max_words})",
                         fix="set quote_min_words below quote_max_words in the parameters cell")
    columns = ["segment_id", "participant_id", "organisation", "role", "text", "n_words"]
    scores = evidence_scores(codings).merge(respondent_segments(segments, columns), on="segment_id")
    scores = scores.loc[scores["n_words"] >= min_words].sort_values(["score", "segment_id"], ascending=[False, True])
    themes = theme_table(codebook, codings, english)
    rows = []
    for theme_id, label in zip(themes["theme_id"], themes["theme_label"]):
        candidates = scores.loc[scores["theme_id"].eq(theme_id).to_numpy()]
        picks = _pick_diverse(candidates["participant_id"].tolist(), candidates["organisation"].tolist(),
                              quotes_per_theme)
        for rank, pick in enumerate(candidates.iloc[picks].to_dict("records"), start=1):
            marks = evidence_marks(codings, theme_id, pick["segment_id"])
            quote = trim_quote(pick["text"], max_words, min_words, marks)
            rows.append({**pick, "theme_label": label, "rank": rank, "quote": quote,
                         "n_words": len(quote.replace(ELLIPSIS, "").split()),
                         "attribution": f"{pick['participant_id']}, {pick['organisation']}, {pick['role']}"})
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)
