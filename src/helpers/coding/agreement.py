"""Inter-coder agreement: Cohen's kappa, Krippendorff's alpha and percent agreement per code and theme.

Any two coders (people, or the rule coder and a person) are compared on the interviews both coded.
The units are the respondent segments of those interviews; for each code, each coder's judgement
of a unit is 1 (coded) or 0 (not coded). The disagreements table lists every segment and code on
which coders of the same interview differ, for the team to discuss.
"""

from __future__ import annotations

import itertools
import math

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from ..core.tables import respondent_segments
from ..core.text import excerpt
from .codebook import Codebook

AGREEMENT_COLUMNS = ["coder_a", "coder_b", "level", "code_id", "theme_id", "label", "n_interviews", "n_units",
                     "n_a", "n_b", "n_both", "percent_agreement", "kappa", "alpha"]
DISAGREEMENT_COLUMNS = ["segment_id", "participant_id", "code_id", "theme_id", "label", "coded_by",
                        "not_coded_by", "evidence", "excerpt"]
ALL_CODES = "(all codes)"
# Landis & Koch (1977): the usual words for kappa ranges (upper bounds; below 0 is "poor").
_KAPPA_WORDS = [(0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"), (1.0, "almost perfect")]


def _scores(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Percent agreement, kappa and alpha of two 0/1 vectors; kappa and alpha are undefined (NaN) when
    both coders gave every unit the same value, since there is no variation to agree on."""
    percent = float(np.mean(a == b)) if len(a) else math.nan
    if len(a) == 0 or (a.min() == a.max() == b.min() == b.max()):
        return percent, math.nan, math.nan
    kappa = float(cohen_kappa_score(a, b, labels=[0, 1]))
    alpha = float(krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float),
                                     level_of_measurement="nominal"))
    return percent, kappa, alpha


def _coded_sets(codings: pd.DataFrame, key: str) -> dict[tuple[str, str], set[str]]:
    """For each (coder, code or theme): the segments coded with it."""
    return {k: set(g["segment_id"]) for k, g in codings.groupby(["coder", key], sort=False)}


def _labels(codebook: Codebook | None) -> dict[str, str]:
    return {c.id: c.label for c in codebook.codes.values()} if codebook else {}


def _pair_rows(a: str, b: str, codings: pd.DataFrame, units: list[str], n_interviews: int,
               labels: dict[str, str]) -> list[dict]:
    rows, pooled_a, pooled_b = [], [], []
    unit_set = set(units)
    coded = codings[codings["coder"].isin([a, b]) & codings["segment_id"].isin(unit_set)]
    for level, key in (("code", "code_id"), ("theme", "theme_id")):
        sets = _coded_sets(coded, key)
        theme_of = dict(zip(coded[key], coded["theme_id"]))
        for code in dict.fromkeys(coded[key]):
            va = np.array([u in sets.get((a, code), ()) for u in units], dtype=int)
            vb = np.array([u in sets.get((b, code), ()) for u in units], dtype=int)
            if level == "code":
                pooled_a.append(va)
                pooled_b.append(vb)
            rows.append(_row(a, b, level, code, theme_of[code], labels.get(code, code), n_interviews, va, vb))
    if pooled_a:  # every segment x code decision; n_units stays the number of segments
        pooled = _row(a, b, "all", ALL_CODES, "", ALL_CODES, n_interviews,
                      np.concatenate(pooled_a), np.concatenate(pooled_b))
        rows.append(pooled | {"n_units": len(units)})
    return rows


def _row(a: str, b: str, level: str, code: str, theme: str, label: str, n_interviews: int,
         va: np.ndarray, vb: np.ndarray) -> dict:
    percent, kappa, alpha = _scores(va, vb)
    return {"coder_a": a, "coder_b": b, "level": level, "code_id": code, "theme_id": theme, "label": label,
            "n_interviews": n_interviews, "n_units": len(va), "n_a": int(va.sum()), "n_b": int(vb.sum()),
            "n_both": int((va & vb).sum()), "percent_agreement": percent, "kappa": kappa, "alpha": alpha}


def _interviews_by_coder(codings: pd.DataFrame) -> dict[str, set[str]]:
    return {coder: set(g["participant_id"]) for coder, g in codings.groupby("coder", sort=True)}


def _respondent_units(segments: pd.DataFrame) -> pd.DataFrame:
    return respondent_segments(segments, ["segment_id", "participant_id", "text"])


def agreement_table(codings: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Agreement of every pair of coders who coded at least one interview in common, per code, per theme
    and pooled over all codes (``level`` = code / theme / all)."""
    respondent = _respondent_units(segments)
    interviews = _interviews_by_coder(codings)
    labels = _labels(codebook)
    rows: list[dict] = []
    for a, b in itertools.combinations(sorted(interviews), 2):
        shared = interviews[a] & interviews[b]
        if shared:
            units = list(respondent.loc[respondent["participant_id"].isin(shared), "segment_id"])
            rows += _pair_rows(a, b, codings, units, len(shared), labels)
    table = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return table.astype({c: "float64" for c in ("percent_agreement", "kappa", "alpha")})


def disagreement_table(codings: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook | None = None,
                       excerpt_chars: int = 200) -> pd.DataFrame:
    """Each respondent segment and code that some coders of its interview coded and others did not."""
    respondent = _respondent_units(segments).set_index("segment_id")
    interviews = _interviews_by_coder(codings)
    labels = _labels(codebook)
    coders_of = {pid: sorted(c for c, pids in interviews.items() if pid in pids)
                 for pid in respondent["participant_id"].unique()}
    coded = codings[codings["segment_id"].isin(respondent.index)]
    rows = []
    for (segment_id, code_id), group in coded.groupby(["segment_id", "code_id"], sort=True):
        pid = group["participant_id"].iloc[0]
        coded_by = sorted(set(group["coder"]))
        missing = [c for c in coders_of.get(pid, []) if c not in coded_by]
        if missing:
            evidence = "; ".join(f"{r['coder']}: {evidence_text(r)}" for r in group.to_dict("records")
                                 if evidence_text(r))
            rows.append({"segment_id": segment_id, "participant_id": pid, "code_id": code_id,
                         "theme_id": group["theme_id"].iloc[0], "label": labels.get(code_id, code_id),
                         "coded_by": ", ".join(coded_by), "not_coded_by": ", ".join(missing), "evidence": evidence,
                         "excerpt": excerpt(respondent.at[segment_id, "text"], excerpt_chars)})
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def evidence_text(coding: dict) -> str:
    """A coding's evidence in words: the rule terms that fired, or the coding file, where in it and the quote."""
    if coding["source"] != "manual":
        return str(coding["terms"] or "")
    quote = f': "{coding["quote"]}"' if coding["quote"] else ""
    return f"{coding['file']}, {coding['where']}{quote}"


def kappa_words(kappa: float) -> str:
    """Landis & Koch's words for a kappa value (e.g. 0.65 -> "substantial")."""
    if math.isnan(kappa):
        return "undefined"
    if kappa < 0:
        return "poor"
    return next(word for bound, word in _KAPPA_WORDS if kappa <= bound)


def summarise_agreement(agreement: pd.DataFrame) -> list[str]:
    """One sentence per coder pair about their pooled agreement, for the notebook and the report."""
    sentences = []
    for rec in agreement.loc[agreement["level"] == "all"].to_dict("records"):
        sentences.append(
            f"{rec['coder_a']} and {rec['coder_b']} coded {rec['n_interviews']} interview(s) in common "
            f"({rec['n_units']} respondent segments): they agreed on {rec['percent_agreement']:.0%} of segment-code "
            f"decisions; Cohen's kappa {rec['kappa']:.2f} ({kappa_words(rec['kappa'])}), "
            f"Krippendorff's alpha {rec['alpha']:.2f}.")
    return sentences
