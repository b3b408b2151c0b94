"""The report's generated text: study facts, summary and method sentences, the COREQ checklist.

Every sentence is computed from the study's tables, so the report never states a number that the data
do not give.
"""

from __future__ import annotations

import math

import pandas as pd


def study_facts(participants: pd.DataFrame) -> dict[str, object]:
    """Counts for the title block: interviews, members, roles, dates, words and hours."""
    dates = pd.to_datetime(participants["interview_date"], errors="coerce").dropna()
    minutes = pd.to_numeric(participants["duration_min"], errors="coerce")
    return {
        "interviews": len(participants),
        "members": participants["organisation"].nunique(),
        "roles": participants["role"].nunique(),
        "dates": f"{dates.min():%d %b %Y} – {dates.max():%d %b %Y}" if len(dates) else "not recorded",
        "words": int(participants["n_words"].sum()),
        "hours": round(float(minutes.sum()) / 60, 1) if minutes.notna().any() else None,
    }


def enumerate_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def summary_sentences(themes: pd.DataFrame | None, priorities: pd.DataFrame | None, top: int = 3) -> list[str]:
    """The summary in generated sentences: the most widely shared themes and the top workshop priorities."""
    sentences = []
    if themes is not None and len(themes):
        ranked = themes.sort_values(["n_organisations", "n_participants"], ascending=False).head(top)
        parts = [f"{r.theme_label.lower()} ({r.n_participants} of {r.of_participants} interviewees, "
                 f"{r.n_organisations} of {r.of_organisations} members)" for r in ranked.itertuples()]
        sentences.append(f"The most widely shared themes in the interviews are {enumerate_words(parts)}.")
        universal = themes.loc[themes["n_organisations"] == themes["of_organisations"], "theme_label"].tolist()
        if universal:
            sentences.append(f"{len(universal)} of {len(themes)} themes were raised in every member organisation.")
        absent = themes.loc[themes["n_participants"] == 0, "theme_label"].tolist()
        if absent:
            sentences.append(f"No interviewee raised {enumerate_words([a.lower() for a in absent])}.")
    else:
        sentences.append("No codebook exists yet, so the interviews have not been coded into themes; the inductive "
                         "topics in the thematic-analysis notebook show what they are about.")
    if priorities is not None and len(priorities):
        best = priorities.head(top)
        parts = [f"“{r.challenge}” ({r.votes} votes from {r.share_of_voters:.0%} of the voters)"
                 for r in best.itertuples()]
        sentences.append(f"At the workshop the participants gave the most votes to {enumerate_words(parts)}.")
    else:
        sentences.append("There is no workshop data in this study folder.")
    return sentences


def coreq_checklist(facts: dict[str, object], participants: pd.DataFrame, coders: list[str],
                    has_codebook: bool, saturation: str, n_quotes: int) -> pd.DataFrame:
    """The COREQ items the data can answer, each answered or marked for the researchers to fill in."""
    todo = "For the researchers to fill in."
    minutes = pd.to_numeric(participants["duration_min"], errors="coerce").dropna()
    durations = (f"{minutes.min():.0f}–{minutes.max():.0f} minutes (mean {minutes.mean():.0f})"
                 if len(minutes) else "Not recorded in participants.csv.")
    roles = participants["role"].value_counts()
    rows = [
        ("1–5", "Research team and reflexivity (interviewers, credentials, relationship with participants)", todo),
        ("10", "Sampling: how participants were selected", todo),
        ("12", "Sample size", f"{facts['interviews']} interviewees from {facts['members']} member organisations."),
        ("13", "Non-participation", todo),
        ("16", "Description of sample (characteristics)",
         "Roles: " + "; ".join(f"{r} ({n})" for r, n in roles.items()) + "."),
        ("17", "Interview guide", todo),
        ("19", "Audio/visual recording", "Transcripts in " + ", ".join(sorted(set(participants.get("format", []))))
         + "." if "format" in participants else todo),
        ("21", "Duration", durations),
        ("22", "Data saturation", saturation),
        ("24", "Number of data coders", f"{len(coders)}: " + ", ".join(coders) + " (plus the rule-based coding)."
         if coders else "No manual coding: rule-based coding only, or none."),
        ("25", "Description of the coding tree", "The codebook is in Appendix A." if has_codebook
         else "No codebook exists yet."),
        ("26", "Derivation of themes", "Themes were defined in advance in the codebook and complemented by an "
         "inductive topic model (see Method)." if has_codebook else "Inductive topic model only."),
        ("27", "Software", "This pipeline (see Provenance): Python, pandas, scikit-learn, papermill."),
        ("28", "Participant checking", todo),
        ("29", "Quotations presented", f"{n_quotes} quotations, each identified by participant id, organisation "
         "and role."),
    ]
    return pd.DataFrame(rows, columns=["COREQ item", "topic", "answer"])


def collection_sentence(facts: dict[str, object], formats: pd.Series, workshop_date: object = None) -> str:
    """Who was interviewed when, and in what file formats the transcripts came."""
    when = f" between {facts['dates']}" if facts["dates"] != "not recorded" else " (interview dates not recorded)"
    files = enumerate_words([f"{n} {fmt.upper()}" for fmt, n in formats.items()])
    text = (f"{facts['interviews']} semi-structured interviews were held with people in {facts['roles']} roles across "
            f"{facts['members']} member organisations{when}. The transcripts came as {files} files.")
    if workshop_date:
        text += f" The joint workshop was held on {workshop_date:%d %B %Y}."
    return text


def coding_sentence(n_themes: int, n_codes: int, version: str, codings: pd.DataFrame) -> str:
    """How the interviews were coded: the codebook, the rule-based and the manual coding."""
    segments = codings.groupby("source")["segment_id"].nunique()
    people = sorted(codings.loc[codings["source"] != "rules", "coder"].unique())
    manual = (f"manual coding by {len(people)} coder{'s' if len(people) != 1 else ''} ({', '.join(people)}) marked "
              f"{segments.get('manual', 0)}" if people else "there was no manual coding")
    return (f"Respondent segments were coded with a codebook of {n_themes} themes and {n_codes} codes (version "
            f"{version}). Rule-based coding (stemmed keywords, phrases and patterns, each match recorded for audit) "
            f"marked {segments.get('rules', 0)} segments; {manual}. Themes are counted per interviewee and per member "
            "organisation.")


def _fmt(value: float) -> str:
    return "undefined" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def agreement_summary(agreement: pd.DataFrame, english_labels: dict[str, str]) -> tuple[list[str], pd.DataFrame]:
    """One sentence per pair of coders (overall kappa and alpha), and the per-theme table with the pair named.

    Kappa is undefined for a theme that neither coder used in the shared interviews; that is said, not hidden.
    """
    sentences = []
    for (a, b), rows in agreement.groupby(["coder_a", "coder_b"], sort=False):
        overall = rows[rows["level"] == "all"]
        if len(overall):
            r = overall.iloc[0]
            sentences.append(f"{b} and {a} both coded {int(r['n_interviews'])} interviews "
                             f"({int(r['n_units'])} respondent segments): overall Cohen's kappa {_fmt(r['kappa'])}, "
                             f"Krippendorff's alpha {_fmt(r['alpha'])}, raw agreement {r['percent_agreement']:.0%}.")
    themes = agreement[agreement["level"] == "theme"].copy()
    themes["theme"] = themes["theme_id"].map(english_labels).fillna(themes["label"])
    themes["coders"] = themes["coder_b"] + " / " + themes["coder_a"]
    table = themes[["theme", "coders", "n_units", "n_both", "percent_agreement", "kappa", "alpha"]].rename(
        columns={"n_units": "segments", "n_both": "coded by both", "percent_agreement": "agreement"})
    return sentences, table.round(2)
