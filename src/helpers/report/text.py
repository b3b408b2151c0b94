"""The report's generated text: study facts, summary and method sentences, captions, the COREQ checklist.

Every sentence is computed from the study's tables, so the report never states a number that the data
do not give, and is written in the report language from its message catalogue (:mod:`helpers.core.i18n`):
each function takes the :class:`~helpers.core.i18n.Messages` ``m`` of that language (English by default, for
the stage notebooks).
"""

from __future__ import annotations

import math

import pandas as pd

from ..coding.codebook_model import Codebook
from ..core.i18n import ENGLISH, Messages
from ..core.tables import drop_empty_columns
from ..core.text import in_sentence
from ..workshop.outcomes import STATUS
from .run_summary import uncertain_roles


def study_facts(participants: pd.DataFrame, m: Messages = ENGLISH) -> dict[str, object]:
    """Counts for the title block: interviews, members, roles, dates, words and hours (``dates`` as shown, or
    None when no interview is dated)."""
    dates = pd.to_datetime(participants["interview_date"], errors="coerce").dropna()
    minutes = pd.to_numeric(participants["duration_min"], errors="coerce")
    return {
        "interviews": len(participants),
        "members": participants["organisation"].nunique(),
        "roles": participants["role"].nunique(),
        "dates": m("study.dates", first=m.date(dates.min()), last=m.date(dates.max())) if len(dates) else None,
        "first": dates.min() if len(dates) else None,
        "last": dates.max() if len(dates) else None,
        "words": int(participants["n_words"].sum()),
        "hours": round(float(minutes.sum()) / 60, 1) if minutes.notna().any() else None,
    }


def codebook_description(codebook: Codebook | None, m: Messages = ENGLISH) -> str:
    """The codebook's shape, in the words the method, Appendix A and COREQ item 25 share.

    Without hierarchy (Taguette, ATLAS.ti) every code is a theme; in a tree (MAXQDA, codebook.yml) the
    themes are the top level and every deeper code counts for the theme it is under.
    """
    if codebook is None:
        return m("method.codebook_none")
    n_themes = len(codebook.themes)
    if codebook.depth == 0:
        return m("method.codebook_flat", codes=m.n("count.code", n_themes))
    levels = m("method.levels_one") if codebook.depth == 1 else m("method.levels_many", n=codebook.depth)
    return m("method.codebook_tree", themes=m.n("count.theme", n_themes),
             codes=m.n("count.code", len(codebook.codes) - n_themes), levels=levels)


def codebook_appendix(table: pd.DataFrame, m: Messages = ENGLISH) -> pd.DataFrame:
    """Appendix A: the ``codebook`` table in the columns that say something about this codebook.

    A tree shows each code's theme and level (how it rolls up); a flat codebook does not need them. English
    labels are shown in an English report, beside the codebook's own; they and the definitions are left out when
    no code has one (Taguette exports no descriptions).
    """
    labels = ["label", "label_en"] if m.language == "en" else ["label"]
    columns = ["code_id", *labels] + (["theme_id", "level"] if (table["level"] != 0).any() else [])
    columns.append("definition")
    return drop_empty_columns(table[columns], [c for c in ("label_en", "definition") if c in columns])


def caption(name: str, m: Messages = ENGLISH, **values: object) -> str:
    """The caption of figure or table ``name`` (a key under ``captions`` in the catalogue), blanks filled."""
    return m(f"captions.{name}", **values)


def saturation_caption(facts: dict[str, object], m: Messages = ENGLISH) -> str:
    """The saturation chart's caption: interviews in the order they were held, or by id when undated."""
    return caption("saturation", m, order=m("saturation.in_order") if facts["dates"] else m("saturation.by_id"))


def theme_chart_caption(theme_label: str, m: Messages = ENGLISH) -> str:
    """The caption of a theme's chart of each member's share of words on it."""
    return caption("theme_member", m, theme=theme_label)


def theme_sentence(theme, m: Messages = ENGLISH) -> str:
    """Who raised a theme: a row of ``theme_prevalence``."""
    return m("theme.raised", n=theme.n_participants, of=theme.of_participants, orgs=theme.n_organisations,
             of_orgs=theme.of_organisations, names=theme.organisations or m("theme.none"),
             segments=m.n("count.segment", theme.n_segments))


def topics_only_sentence(codebook: Codebook | None, m: Messages = ENGLISH) -> str:
    """The method's coding paragraph when nothing is coded with a codebook: the codebook (if any), and that the
    interviews were explored with an inductive topic model only."""
    return codebook_description(codebook, m) + " " + m("method.topics_only")


def segments_sentence(n_segments: int, m: Messages = ENGLISH) -> str:
    """How many segments the cleaning gave (after the paragraph on cleaning and pseudonymisation)."""
    return m.n("method.segments", n_segments)


def no_themes_reason(codebook: Codebook | None, m: Messages = ENGLISH) -> str:
    """Why there are no themes, as a clause: there is no codebook, or nothing is coded with it yet."""
    if codebook is None:
        return m("reasons.no_codebook")
    why = m("reasons.not_coded_rules") if codebook.has_rules else m("reasons.not_coded_no_rules")
    return m("reasons.not_coded", why=why)


def _sentence_case(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def no_themes_sentence(codebook: Codebook | None, m: Messages = ENGLISH) -> str:
    """Why the report has no themes (the summary's sentence): :func:`no_themes_reason`, and where to look instead."""
    key = "reasons.no_codebook_sentence" if codebook is None else "reasons.not_coded_sentence"
    return _sentence_case(m(key, reason=no_themes_reason(codebook, m)))


def summary_sentences(themes: pd.DataFrame | None, priorities: pd.DataFrame | None, codebook: Codebook | None,
                      top: int = 3, m: Messages = ENGLISH) -> list[str]:
    """The summary in generated sentences: the most widely shared themes and the top workshop priorities.

    ``themes`` is the theme prevalence, None when nothing is coded (then ``codebook`` says why).
    """
    sentences = []
    if themes is not None and len(themes):
        ranked = themes.sort_values(["n_organisations", "n_participants"], ascending=False).head(top)
        parts = [m("summary.theme_part", theme=in_sentence(r.theme_label), n=r.n_participants, of=r.of_participants,
                   orgs=r.n_organisations, of_orgs=r.of_organisations) for r in ranked.itertuples()]
        sentences.append(m("summary.themes", themes=m.list(parts)))
        universal = themes.loc[themes["n_organisations"] == themes["of_organisations"], "theme_label"].tolist()
        if universal:
            sentences.append(m("summary.universal", n=len(universal), of=len(themes)))
        absent = themes.loc[themes["n_participants"] == 0, "theme_label"].tolist()
        if absent:
            sentences.append(m("summary.absent", themes=m.list([in_sentence(a).rstrip(".") for a in absent])))
    else:
        sentences.append(no_themes_sentence(codebook, m))
    if priorities is not None and len(priorities):
        parts = [m.n("summary.priority_part", r.votes, challenge=r.challenge, share=m.pct(r.share_of_voters))
                 for r in priorities.head(top).itertuples()]
        sentences.append(m("summary.priorities", priorities=m.list(parts)))
    else:
        sentences.append(_sentence_case(m("reasons.no_workshop")) + ".")
    return sentences


def coreq_checklist(facts: dict[str, object], participants: pd.DataFrame, codings: pd.DataFrame,
                    codebook: Codebook | None, saturation: str | None, n_quotes: int, shown: str = "",
                    m: Messages = ENGLISH) -> pd.DataFrame:
    """The COREQ items the data can answer, each answered or marked for the researchers to fill in.

    ``saturation`` is the saturation sentence of the method, None when nothing is coded (not assessed);
    ``shown`` says what identifies a quote (the attribution level in words, :func:`attribution.shown_words`).
    """
    todo = m("coreq.todo")
    minutes = pd.to_numeric(participants["duration_min"], errors="coerce").dropna()
    durations = (m("coreq.duration_answer", min=m.num(minutes.min()), max=m.num(minutes.max()),
                   mean=m.num(minutes.mean())) if len(minutes) else m("coreq.duration_missing"))
    roles = participants["role"].value_counts()
    formats = sorted(set(participants["format"])) if "format" in participants else []
    rows = [
        ("1–5", m("coreq.team"), todo),
        ("10", m("coreq.sampling"), todo),
        ("12", m("coreq.sample_size"), m("coreq.sample_size_answer", interviews=facts["interviews"],
                                          members=facts["members"])),
        ("13", m("coreq.non_participation"), todo),
        ("16", m("coreq.sample"), m("coreq.roles_answer", roles="; ".join(f"{r} ({n})" for r, n in roles.items()))),
        ("17", m("coreq.guide"), todo),
        ("19", m("coreq.recording"), m("coreq.recording_answer", formats=", ".join(formats)) if formats else todo),
        ("21", m("coreq.duration"), durations),
        ("22", m("coreq.saturation"), m("coreq.saturation_missing") if saturation is None else saturation),
        *_coding_items(codings, codebook, m),
        ("27", m("coreq.software"), m("coreq.software_answer")),
        ("28", m("coreq.checking"), todo),
        ("29", m("coreq.quotations"), m.n("coreq.quotations_answer", n_quotes, shown=shown)),
    ]
    return pd.DataFrame(rows, columns=["coreq_item", "topic", "answer"])


def _coding_items(codings: pd.DataFrame, codebook: Codebook | None, m: Messages) -> list[tuple[str, str, str]]:
    """COREQ items 24-26 from the codings and the codebook, which they describe as the method and Appendix A do."""
    coders = sorted(codings.loc[codings["source"] != "rules", "coder"].unique())
    by_rules = bool((codings["source"] == "rules").any())
    if coders:
        answer = m("coreq.coders_answer", n=len(coders), names=", ".join(coders),
                   rules=m("coreq.plus_rules") if by_rules else m("coreq.no_rules"))
    else:
        answer = m("coreq.no_manual_rules") if by_rules else m("coreq.no_manual_nothing")
    if codebook is None or codings.empty:
        derivation = m("coreq.derivation_topics") if codebook is None else m("coreq.derivation_topics_not_coded")
    else:
        derivation = m("coreq.derivation_themes",
                       themes=m("coreq.themes_top") if codebook.depth else m("coreq.themes_flat"))
    tree = codebook_description(codebook, m) + (m("coreq.tree_appendix") if codebook is not None else "")
    return [("24", m("coreq.coders"), answer), ("25", m("coreq.tree"), tree), ("26", m("coreq.derivation"), derivation)]


def unplaced_analysis_sentence(files: list[str], m: Messages = ENGLISH) -> str:
    """Why the researchers' theme files are not in the report when the study has no codebook."""
    return m("method.unplaced_analysis", files=m.list([f"findings/{f}" for f in files]))


def collection_sentence(facts: dict[str, object], formats: pd.Series, workshop_date: object = None,
                        m: Messages = ENGLISH) -> str:
    """Who was interviewed when, and in what file formats the transcripts came."""
    when = (m("method.collection_when", first=m.date(facts["first"]), last=m.date(facts["last"])) if facts["dates"]
            else m("method.collection_undated"))
    files = m.list([m.n("count.file", n, kind=fmt.upper()) for fmt, n in formats.items()])
    text = m.n("method.collection", facts["interviews"],
               interviews=_sentence_case(m.n("count.semi_structured_interview", facts["interviews"])),
               roles=m.n("count.role", facts["roles"]), members=m.n("count.member_organisation", facts["members"]),
               when=when) + " " + m("method.transcripts", files=files)
    if workshop_date:
        text += " " + m("method.workshop_held", date=m.date(workshop_date, long=True))
    return text


def coding_sentence(codebook: Codebook, codings: pd.DataFrame, m: Messages = ENGLISH) -> str:
    """How the interviews were coded: the codebook, the rule-based and the manual coding."""
    segments = codings.groupby("source")["segment_id"].nunique()
    people = sorted(codings.loc[codings["source"] != "rules", "coder"].unique())
    manual = (m("method.manual", coders=m.n("count.coder", len(people)), names=", ".join(people),
                n=int(segments.get("manual", 0))) if people else m("method.no_manual"))
    rules = (m("method.rules", segments=m.n("count.segment", int(segments.get("rules", 0)))) if codebook.has_rules
             else m("method.no_rules"))
    return m("method.coding", codebook=codebook_description(codebook, m), version=codebook.version, rules=rules,
             manual=manual)


def _fmt(value: float, m: Messages) -> str:
    return m("method.undefined") if value is None or (isinstance(value, float) and math.isnan(value)) else m.num(value, 2)


def agreement_summary(agreement: pd.DataFrame, labels: dict[str, str], m: Messages = ENGLISH
                      ) -> tuple[list[str], pd.DataFrame]:
    """One sentence per pair of coders (overall kappa and alpha), and the per-theme table with the pair named.

    ``labels`` are the theme labels to show (the English ones in an English report, where a code has one).
    Kappa is undefined for a theme that neither coder used in the shared interviews; that is said, not hidden.
    """
    def coder(name: str) -> str:  # the rule-based coding, by its name in the report language
        return m("method.rules_coder") if name == "rules" else name

    sentences = []
    for (a, b), rows in agreement.groupby(["coder_a", "coder_b"], sort=False):
        overall = rows[rows["level"] == "all"]
        if len(overall):
            r = overall.iloc[0]
            sentences.append(_sentence_case(m("method.agreement_pair", a=coder(a), b=coder(b), interviews=m.n("count.interview", int(r["n_interviews"])),
                               units=int(r["n_units"]), kappa=_fmt(r["kappa"], m), alpha=_fmt(r["alpha"], m),
                               agreement=m.pct(r["percent_agreement"]))))
    themes = agreement[agreement["level"] == "theme"].copy()
    themes["theme"] = themes["theme_id"].map(labels).fillna(themes["label"])
    themes["coders"] = themes["coder_b"].map(coder) + " / " + themes["coder_a"].map(coder)
    table = themes[["theme", "coders", "n_units", "n_both", "percent_agreement", "kappa", "alpha"]]
    return sentences, table.round(2)


def speaker_roles_text(quality: pd.DataFrame, m: Messages = ENGLISH) -> tuple[str, str]:
    """How the speaker turns and roles were found (a paragraph), and a note naming the interviews whose roles
    are uncertain ("" when there are none): those are left out of coding and quotes, which the reader must see.
    """
    sentences = []
    layouts = quality["layout"].value_counts() if "layout" in quality.columns else pd.Series(dtype=int)
    if len(layouts):
        parts = [f"{m.word(f'layout.{layout}', layout)} ({m.num(n)})"
                 for layout, n in layouts.items()]
        sentences.append(m("method.layouts", layouts=m.list(parts)))
    if "roles" in quality.columns:
        inferred = quality.loc[quality["roles"].str.startswith("inferred") & quality["roles_confident"].astype(bool),
                               "participant_id"].astype(str).tolist()
        if inferred:
            sentences.append(m("method.inferred", interviews=m.n("count.interview", len(inferred)),
                               ids=m.list(inferred)))
    uncertain = uncertain_roles(quality)
    note = (m.n("method.uncertain", len(uncertain), interviews=m.n("count.interview", len(uncertain)),
                ids=m.list(uncertain)) if uncertain else "")
    return " ".join(sentences), note


def _share(share: float, m: Messages) -> str:
    """A share to one decimal, or none when it is whole: 98.4 %, 100 %."""
    return m.pct(share, 0 if round(share * 1000) % 10 == 0 else 1)


def placement_sentence(sources: pd.DataFrame, m: Messages = ENGLISH) -> str:
    """How many of the researchers' own codings were placed on the segments, per coding file (``codings_sources``).

    Empty when there is no manual coding. The codings not placed are in ``codings_unplaced``, with their reasons.
    """
    if sources is None or sources.empty:
        return ""
    files = sources.groupby(["file", "kind"], sort=False)[["quotes", "placed"]].sum().reset_index()
    parts = [m("method.placement_part", placed=int(r.placed), quotes=int(r.quotes), file=r.file,
               kind=m.word(f"source_kind.{r.kind}", r.kind),
               share=_share(r.placed / r.quotes, m)) for r in files.itertuples()]
    missing = int(files["quotes"].sum() - files["placed"].sum())
    rest = m.n("method.placement_rest", missing, codings=m.n("count.coding", missing)) if missing else ""
    return m("method.placement", parts=m.list(parts), rest=rest)


def evidence_table(evidence: pd.DataFrame, m: Messages = ENGLISH) -> pd.DataFrame:
    """The development needs' table: each challenge with its votes and interview evidence (``workshop_evidence``),
    its status in the report language."""
    words = {english: m(f"status.{key}") for key, english in STATUS.items()}
    table = evidence[["rank", "challenge", "votes", "n_interviews", "n_members", "status"]].copy()
    table["status"] = table["status"].map(lambda s: words.get(s, s))
    return table


def actions_table(actions: pd.DataFrame) -> pd.DataFrame:
    """The agreed development efforts for readers (``workshop_actions``): each with its challenge's rank and
    text, the effort, and its owner and horizon where the study gives them (ids are left to the tables)."""
    return actions[[c for c in ("rank", "challenge", "action", "owner", "horizon") if c in actions.columns]]
