"""The report's generated text: study facts, summary and method sentences, captions, the COREQ checklist.

Every sentence is computed from the study's tables, so the report never states a number that the data
do not give. Prose that is the same for every study is in the notebooks' Markdown cells; the captions of
figures and tables are here (:data:`CAPTIONS`), because they go inside the numbered figure or table.
"""

from __future__ import annotations

import math

import pandas as pd

from ..coding.codebook_model import Codebook
from ..core.tables import drop_empty_columns
from ..core.text import counted, in_sentence
from ..interviews.transcripts import LAYOUTS
from .run_summary import uncertain_roles


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


def codebook_description(codebook: Codebook | None) -> str:
    """The codebook's shape, in the words the method, Appendix A and COREQ item 25 share.

    Without hierarchy (Taguette, ATLAS.ti) every code is a theme; in a tree (MAXQDA, codebook.yml) the
    themes are the top level and every deeper code counts for the theme it is under.
    """
    if codebook is None:
        return "No codebook exists yet."
    n_themes = len(codebook.themes)
    if codebook.depth == 0:
        return f"The codebook has {counted(n_themes, 'code')} and no hierarchy, so every code is a theme."
    levels = "one level" if codebook.depth == 1 else f"up to {codebook.depth} levels"
    return (f"The codebook has {counted(n_themes, 'theme')} with {counted(len(codebook.codes) - n_themes, 'code')} "
            f"{levels} below them; each code counts for the theme it is under.")


def codebook_appendix(table: pd.DataFrame) -> pd.DataFrame:
    """Appendix A: the ``codebook`` table in the columns that say something about this codebook.

    A tree shows each code's theme and level (how it rolls up); a flat codebook does not need them. English
    labels and definitions are left out when no code has one (Taguette exports no descriptions).
    """
    columns = ["code_id", "label", "label_en"] + (["theme_id", "level"] if (table["level"] != 0).any() else [])
    return drop_empty_columns(table[columns + ["definition"]], ["label_en", "definition"])


NO_WORKSHOP = "there is no workshop data in this study folder"
"""Why a page has no workshop outcomes (a clause, for :func:`helpers.report.page.skipped` and the summary)."""

NO_AGREEMENT = "no two coders (the rule-based coding counts as one) coded the same interview"
"""Why the method has no inter-coder agreement."""

CAPTIONS = {
    "interviews": "Interviews (participants are identified by their pseudonymous id only).",
    "saturation": "Saturation: distinct codes found as interviews accumulate {order}.",
    "agreement": "Inter-coder agreement per theme, on the respondent segments of the interviews both coded.",
    "theme_prevalence": "How many interviewees raised each theme, with the number of member organisations they "
                        "come from.",
    "theme_by_organisation_words": "Share of each member's interview words that concern each theme: darker cells "
                                   "mark what a member talked about most.",
    "theme_member": "{theme}: share of each member's interview words on the theme; the dashed line is the share "
                    "across all members.",
    "workshop_priorities": "Votes per challenge at the workshop, stacked by member organisation; the share is of the "
                           "voters who chose the challenge.",
    "workshop_importance_feasibility": "Mean importance against feasibility per challenge; point size shows votes.",
    "workshop_agreement": "Agreement between members' priority orders (Kendall's W, and rank correlations between "
                          "members).",
    "workshop_evidence": "The ten highest-ranked challenges with their interview evidence.",
    "workshop_actions": "Development efforts agreed for the top challenges.",
    "codebook": "The codebook (version {version}).",
    "coreq": "Items of the COREQ checklist (Tong et al. 2007) the data can answer.",
    "used_quotes": "Every quote the researchers' analysis (findings/) inserts, with the segment it is taken from "
                   "and the file and line that quote it.",
    "provenance": "How this report was made.",
    "file_hashes": "Input files and their SHA-256 (first 16 digits); transcripts are listed by participant id.",
    "package_versions": "Package versions.",
}
"""The findings report's captions, by the figure or table they describe; ``{…}`` is filled in by :func:`caption`."""


def caption(name: str, **values: object) -> str:
    """The caption of figure or table ``name`` (a key of :data:`CAPTIONS`), its blanks filled with ``values``."""
    return CAPTIONS[name].format(**values)


def saturation_caption(facts: dict[str, object]) -> str:
    """The saturation chart's caption: interviews in the order they were held, or by id when undated."""
    order = "in the order they were held" if facts["dates"] != "not recorded" else "in participant-id order"
    return caption("saturation", order=order)


def theme_chart_caption(theme_label: str) -> str:
    """The caption of a theme's chart of each member's share of words on it."""
    return caption("theme_member", theme=theme_label)


def theme_sentence(theme) -> str:
    """Who raised a theme: a row of ``theme_prevalence``."""
    return (f"Raised by {theme.n_participants} of {theme.of_participants} interviewees in {theme.n_organisations} of "
            f"{theme.of_organisations} member organisations ({theme.organisations or 'none'}); {theme.n_segments} "
            "segments.")


def topics_only_sentence(codebook: Codebook | None) -> str:
    """The method's coding paragraph when nothing is coded with a codebook: the codebook (if any), and that the
    interviews were explored with an inductive topic model only."""
    return codebook_description(codebook) + " The interviews were explored with an inductive topic model only."


def segments_sentence(n_segments: int) -> str:
    """How many segments the cleaning gave (after the Markdown paragraph on cleaning and pseudonymisation)."""
    return f"The interviews gave {n_segments:,} segments."


def no_themes_reason(codebook: Codebook | None) -> str:
    """Why there are no themes, as a clause: there is no codebook, or nothing is coded with it yet."""
    if codebook is None:
        return "no codebook exists yet"
    why = ("neither its rules nor a manual coding marked one" if codebook.has_rules
           else "its codes carry no rules, and there is no manual coding")
    return f"no respondent segment is coded with the codebook yet ({why})"


def _sentence_case(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def no_themes_sentence(codebook: Codebook | None) -> str:
    """Why the report has no themes (the summary's sentence): :func:`no_themes_reason`, and where to look instead."""
    if codebook is None:
        return (f"{_sentence_case(no_themes_reason(None))}, so the interviews have not been coded into themes; the "
                "inductive topics in the thematic-analysis notebook show what they are about.")
    return (f"{_sentence_case(no_themes_reason(codebook))}, so there are no themes to report; the inductive topics in "
            "the thematic-analysis notebook show what the interviews are about.")


def summary_sentences(themes: pd.DataFrame | None, priorities: pd.DataFrame | None, codebook: Codebook | None,
                      top: int = 3) -> list[str]:
    """The summary in generated sentences: the most widely shared themes and the top workshop priorities.

    ``themes`` is the theme prevalence, None when nothing is coded (then ``codebook`` says why).
    """
    sentences = []
    if themes is not None and len(themes):
        ranked = themes.sort_values(["n_organisations", "n_participants"], ascending=False).head(top)
        parts = [f"{in_sentence(r.theme_label)} ({r.n_participants} of {r.of_participants} interviewees, "
                 f"{r.n_organisations} of {r.of_organisations} members)" for r in ranked.itertuples()]
        sentences.append(f"The most widely shared themes in the interviews are {enumerate_words(parts)}.")
        universal = themes.loc[themes["n_organisations"] == themes["of_organisations"], "theme_label"].tolist()
        if universal:
            sentences.append(f"{len(universal)} of {len(themes)} themes were raised in every member organisation.")
        absent = themes.loc[themes["n_participants"] == 0, "theme_label"].tolist()
        if absent:
            sentences.append(f"No interviewee raised {enumerate_words([in_sentence(a).rstrip('.') for a in absent])}.")
    else:
        sentences.append(no_themes_sentence(codebook))
    if priorities is not None and len(priorities):
        best = priorities.head(top)
        parts = [f"“{r.challenge}” ({r.votes} votes from {r.share_of_voters:.0%} of the voters)"
                 for r in best.itertuples()]
        sentences.append(f"At the workshop the participants gave the most votes to {enumerate_words(parts)}.")
    else:
        sentences.append(f"{_sentence_case(NO_WORKSHOP)}.")
    return sentences


def coreq_checklist(facts: dict[str, object], participants: pd.DataFrame, codings: pd.DataFrame,
                    codebook: Codebook | None, saturation: str | None, n_quotes: int) -> pd.DataFrame:
    """The COREQ items the data can answer, each answered or marked for the researchers to fill in.

    ``saturation`` is the saturation sentence of the method, None when nothing is coded (not assessed).
    """
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
        ("22", "Data saturation", "Not assessed (no coding)." if saturation is None else saturation),
        *_coding_items(codings, codebook),
        ("27", "Software", "This pipeline (see Provenance): Python, pandas, scikit-learn, papermill."),
        ("28", "Participant checking", todo),
        ("29", "Quotations presented", f"{n_quotes} quotations, each identified by participant id, organisation "
         "and role."),
    ]
    return pd.DataFrame(rows, columns=["COREQ item", "topic", "answer"])


def _coding_items(codings: pd.DataFrame, codebook: Codebook | None) -> list[tuple[str, str, str]]:
    """COREQ items 24-26 from the codings and the codebook, which they describe as the method and Appendix A do."""
    coders = sorted(codings.loc[codings["source"] != "rules", "coder"].unique())
    by_rules = bool((codings["source"] == "rules").any())
    if coders:
        answer = f"{len(coders)}: {', '.join(coders)} ({'plus' if by_rules else 'no'} rule-based coding)."
    else:
        answer = "No manual coding: " + ("rule-based coding only." if by_rules else "nothing is coded yet.")
    if codebook is None or codings.empty:
        derivation = "Inductive topic model only" + (
            "." if codebook is None else ": no respondent segment is coded with the codebook yet.")
    else:
        themes = "the codebook's top level" if codebook.depth else "every code of the codebook (it has no hierarchy)"
        derivation = f"Themes are {themes}, complemented by an inductive topic model (see Method)."
    tree = codebook_description(codebook) + (" It is listed in Appendix A." if codebook is not None else "")
    return [("24", "Number of data coders", answer), ("25", "Description of the coding tree", tree),
            ("26", "Derivation of themes", derivation)]


def unplaced_analysis_sentence(files: list[str]) -> str:
    """Why the researchers' theme files are not in the report when the study has no codebook."""
    return (f"The analysis files {enumerate_words([f'findings/{f}' for f in files])} are not shown: they are "
            "named by theme, and this study has no codebook to find the themes in (see docs/findings.md).")


def collection_sentence(facts: dict[str, object], formats: pd.Series, workshop_date: object = None) -> str:
    """Who was interviewed when, and in what file formats the transcripts came."""
    when = f" between {facts['dates']}" if facts["dates"] != "not recorded" else " (interview dates not recorded)"
    files = enumerate_words([f"{n} {fmt.upper()}" for fmt, n in formats.items()])
    held = "was" if facts["interviews"] == 1 else "were"
    text = (f"{counted(facts['interviews'], 'semi-structured interview')} {held} held with people in "
            f"{counted(facts['roles'], 'role')} across {counted(facts['members'], 'member organisation')}{when}. "
            f"The transcripts came as {files} {'file' if len(formats) == 1 and formats.iloc[0] == 1 else 'files'}.")
    if workshop_date:
        text += f" The joint workshop was held on {workshop_date:%d %B %Y}."
    return text


def coding_sentence(codebook: Codebook, codings: pd.DataFrame) -> str:
    """How the interviews were coded: the codebook, the rule-based and the manual coding."""
    segments = codings.groupby("source")["segment_id"].nunique()
    people = sorted(codings.loc[codings["source"] != "rules", "coder"].unique())
    manual = (f"manual coding by {counted(len(people), 'coder')} ({', '.join(people)}) marked "
              f"{segments.get('manual', 0)}" if people else "there was no manual coding")
    rules = (f"rule-based coding (stemmed keywords, phrases and patterns, each match recorded for audit) marked "
             f"{counted(segments.get('rules', 0), 'segment')}" if codebook.has_rules
             else "its codes carry no rules, so there was no rule-based coding")
    return (f"{codebook_description(codebook)} Respondent segments were coded with it (version {codebook.version}): "
            f"{rules}; {manual}. Themes are counted per interviewee and per member organisation.")


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




def speaker_roles_text(quality: pd.DataFrame) -> tuple[str, str]:
    """How the speaker turns and roles were found (a paragraph), and a note naming the interviews whose roles
    are uncertain ("" when there are none): those are left out of coding and quotes, which the reader must see.
    """
    sentences = []
    layouts = quality["layout"].value_counts() if "layout" in quality.columns else pd.Series(dtype=int)
    if len(layouts):
        parts = [f"{LAYOUTS.get(layout, layout)} ({n})" for layout, n in layouts.items()]
        sentences.append(f"Speaker turns were found in each transcript by the layout that explained it best: "
                         f"{enumerate_words(parts)}.")
    if "roles" in quality.columns:
        inferred = quality.loc[quality["roles"].str.startswith("inferred") & quality["roles_confident"].astype(bool),
                               "participant_id"].astype(str).tolist()
        if inferred:
            sentences.append("Interviewer and respondent were inferred from who speaks most and who asks the questions "
                             f"in {counted(len(inferred), 'interview')} ({enumerate_words(inferred)}).")
    uncertain = uncertain_roles(quality)
    note = (f"In {counted(len(uncertain), 'interview')} ({enumerate_words(uncertain)}) the speakers' roles could not be "
            f"established with confidence, so nothing from {'it' if len(uncertain) == 1 else 'them'} is quoted or "
            "coded as a respondent's words." if uncertain else "")
    return " ".join(sentences), note


SOURCE_KINDS = {"sheet": "coding sheet", "taguette": "Taguette export", "maxqda": "MAXQDA export",
                "qdpx": "REFI-QDA project"}


def placement_sentence(sources: pd.DataFrame) -> str:
    """How many of the researchers' own codings were placed on the segments, per coding file (``codings_sources``).

    Empty when there is no manual coding. The codings not placed are in ``codings_unplaced``, with their reasons.
    """
    if sources is None or sources.empty:
        return ""
    files = sources.groupby(["file", "kind"], sort=False)[["quotes", "placed"]].sum().reset_index()
    parts = [f"{r.placed} of {r.quotes} from {r.file} ({SOURCE_KINDS.get(r.kind, r.kind)}, "
             f"{f'{r.placed / r.quotes:.1%}'.replace('.0%', '%')})" for r in files.itertuples()]
    missing = int(files["quotes"].sum() - files["placed"].sum())
    rest = (f"; the {counted(missing, 'coding')} not placed (a quote not found in the interview, found equally well in "
            f"two answers, or not in a respondent's answer) {'is' if missing == 1 else 'are'} listed with the "
            "reason in the table codings_unplaced" if missing else "")
    return (f"Of the researchers' own codings, {enumerate_words(parts)} were placed on the interview segments by "
            f"aligning each quote with the pseudonymised text{rest}.")
