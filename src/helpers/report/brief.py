"""Member briefs (notebook 06): one member organisation against the whole collaboration.

The brief's sentences and captions name the member, so they are made here; a part of the brief without data
is left out with :func:`helpers.report.page.skipped` and the reason from :func:`no_profile_reason`,
:func:`no_votes_reason` or :func:`no_quotes_reason`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.errors import InputError
from ..core.i18n import ENGLISH, Messages
from ..core.study import Study
from ..core.style import FULL_WIDTH, PALETTE
from ..thematic.themes import exemplar_quotes
from ..workshop.charts import challenge_label
from ..core.text import in_sentence
from .attribution import DEFAULT, Level, attribute
from .page import HTMLBlock, quote_block


def check_member(study: Study, organisation: str) -> None:
    """The ``organisation`` parameter must name a member of the study."""
    if organisation not in study.organisations:
        raise InputError("parameter organisation", f"'{organisation}' is not a member of the study",
                         fix=f"use one of: {', '.join(study.organisations)}")


def intro_sentences(participants: pd.DataFrame, organisation: str, level: Level = DEFAULT,
                    m: Messages = ENGLISH) -> list[str]:
    """Who was interviewed in this member organisation; roles are paired with ids only where the study's
    attribution level shows roles under quotes (else the pair would name the person behind every quote)."""
    own = participants[participants["organisation"] == organisation]
    if own.empty:
        return [m("brief.nobody", organisation=organisation)]
    if "role" in level:
        roles = m.list([f"{r.role} ({r.participant_id})" for r in own.itertuples()])
    else:
        roles = m.list(sorted(set(own["role"])))
    sentences = [m.n("brief.interviewees", len(own), of=len(participants), organisation=organisation, roles=roles)]
    if len(own) == 1:
        sentences.append(m("brief.one_person", organisation=organisation))
    return sentences


def theme_profile(by_org: pd.DataFrame, organisation: str) -> pd.DataFrame:
    """Per theme: the member's share of interview words on it, and the collaboration's."""
    totals = by_org.groupby(["theme_id", "theme_label"], sort=False)[["coded_words", "respondent_words"]].sum()
    everyone = (100 * totals["coded_words"] / totals["respondent_words"].replace(0, np.nan)).rename("all_pct")
    own = by_org[by_org["organisation"] == organisation].set_index(["theme_id", "theme_label"])
    table = pd.concat([own["pct_words"].rename("member_pct"), own["n_participants"], everyone], axis=1).reset_index()
    table["difference"] = table["member_pct"] - table["all_pct"]
    return table.sort_values("all_pct", ascending=False, kind="stable").reset_index(drop=True)


def profile_sentences(profile: pd.DataFrame, organisation: str, m: Messages = ENGLISH) -> list[str]:
    """What stands out in the member's theme profile."""
    if profile["member_pct"].isna().all():
        return [m("brief.no_profile_nobody", organisation=organisation)]
    more = profile[profile["difference"] > 2].nlargest(3, "difference")
    less = profile[profile["difference"] < -2].nsmallest(3, "difference")
    sentences = []
    def themes(labels) -> str:
        return m.list([in_sentence(t) for t in labels])

    if len(more):
        sentences.append(m("brief.more", organisation=organisation, themes=themes(more["theme_label"])))
    if len(less):  # "They spent less" only after the sentence it continues
        sentences.append(m("brief.less" if len(more) else "brief.less_alone", organisation=organisation,
                           themes=themes(less["theme_label"])))
    silent = profile.loc[profile["n_participants"] == 0, "theme_label"].tolist()
    if silent:
        sentences.append(m("brief.silent", organisation=organisation, themes=themes(silent)))
    return sentences or [m("brief.close", organisation=organisation)]


def no_profile_reason(profile: pd.DataFrame | None, organisation: str, m: Messages = ENGLISH) -> str:
    """Why the brief has no theme profile, as a clause ("" when it has one): ``profile`` is None when the
    interviews are not coded into themes."""
    if profile is None:
        return m("brief.not_coded")
    if profile["member_pct"].isna().all():
        return m("brief.nobody_interviewed", organisation=organisation)
    return ""


def profile_caption(organisation: str, m: Messages = ENGLISH) -> str:
    """The caption of :func:`profile_chart`."""
    return m("brief.profile_caption", organisation=organisation)


def profile_chart(profile: pd.DataFrame, organisation: str, m: Messages = ENGLISH) -> plt.Figure:
    """Horizontal bars (member) with markers (everyone) per theme."""
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 0.3 * len(profile) + 1.2))
    y = np.arange(len(profile))
    ax.barh(y, profile["member_pct"].fillna(0), color=PALETTE[0], label=organisation)
    ax.scatter(profile["all_pct"], y, color=PALETTE[1], marker="D", zorder=3, label=m("brief.all_members"))
    return _finish(fig, ax, list(profile["theme_label"]), m("brief.profile_title", organisation=organisation),
                   m("brief.profile_x"), m("brief.profile_y"))


def vote_profile(members: pd.DataFrame, ranked: pd.DataFrame, organisation: str) -> pd.DataFrame:
    """Per challenge (collaboration order): the member's votes per voter and everyone's."""
    voters = members.drop_duplicates("organisation")["n_voters"].sum()
    own = members[members["organisation"] == organisation].set_index("challenge_id")
    table = ranked[["rank", "challenge_id", "challenge", "votes"]].copy()
    table["all_votes_per_voter"] = table["votes"] / max(int(voters), 1)
    table["member_votes"] = table["challenge_id"].map(own["votes"])
    table["member_votes_per_voter"] = table["challenge_id"].map(own["votes_per_voter"])
    table["member_rank"] = table["challenge_id"].map(own["member_rank"])
    return table


def vote_sentences(votes: pd.DataFrame, organisation: str, m: Messages = ENGLISH) -> list[str]:
    """The member's top choices and where they differ from the collaboration's."""
    chosen = votes[votes["member_votes"] > 0]
    if chosen.empty:
        return [m("brief.no_votes", organisation=organisation)]
    top = chosen.nsmallest(3, "member_rank")
    quoted = m.list([m("brief.quoted", challenge=c) for c in top["challenge"]])
    sentences = [m("brief.top_votes", organisation=organisation, challenges=quoted)]
    shared = top[top["rank"] <= 3]
    sentences.append(m("brief.shared_none") if shared.empty else m("brief.shared_one_of_one") if len(top) == 1 else
                     m.n("brief.shared", len(shared)))
    return sentences


def no_votes_reason(votes: pd.DataFrame | None, organisation: str, m: Messages = ENGLISH) -> str:
    """Why the brief has no vote comparison, as a clause ("" when it has one): ``votes`` is None when the study
    has no workshop."""
    if votes is None:
        return m("reasons.no_workshop")
    if not (votes["member_votes"] > 0).any():
        return m("brief.nobody_voted", organisation=organisation)
    return ""


def vote_caption(organisation: str, m: Messages = ENGLISH) -> str:
    """The caption of :func:`vote_chart`."""
    return m("brief.vote_caption", organisation=organisation)


def vote_chart(votes: pd.DataFrame, organisation: str, top: int = 10, m: Messages = ENGLISH) -> plt.Figure:
    """Grouped bars: votes per voter, member against everyone, for the collaboration's top challenges."""
    shown = votes.head(top)
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 0.36 * len(shown) + 1.2))
    y = np.arange(len(shown))
    ax.barh(y - 0.2, shown["member_votes_per_voter"].fillna(0), height=0.4, color=PALETTE[0], label=organisation)
    ax.barh(y + 0.2, shown["all_votes_per_voter"], height=0.4, color=PALETTE[6], label=m("brief.all_participants"))
    labels = [challenge_label(r.challenge_id, r.challenge, width=34) for r in shown.itertuples()]
    return _finish(fig, ax, labels, m("brief.vote_title", organisation=organisation), m("brief.vote_x"),
                   m("brief.vote_y"))


def _finish(fig: plt.Figure, ax: plt.Axes, labels: list[str], title: str, xlabel: str, ylabel: str) -> plt.Figure:
    """Row labels top to bottom, title, axis labels and legend: the layout both brief charts share."""
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout()
    return fig


def member_quotes(segments: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame, organisation: str,
                  n: int, max_words: int = 45, english: bool = True) -> pd.DataFrame:
    """The member's own strongest quotes, one per theme, short enough for a two-page brief (themes by their
    English labels when ``english``, as in an English report)."""
    own = segments[segments["organisation"] == organisation]
    if own.empty or codings is None or codebook is None:
        return pd.DataFrame(columns=["quote", "participant_id", "organisation", "role", "theme_label"])
    quotes = exemplar_quotes(own, codings, codebook, quotes_per_theme=1, min_words=12, max_words=max_words,
                             english=english)
    return quotes.head(n)


def no_quotes_reason(organisation: str, m: Messages = ENGLISH) -> str:
    """Why the brief shows none of the member's quotes, as a clause."""
    return m("brief.no_quotes", organisation=organisation)


def quote_blocks(quotes: pd.DataFrame, level: Level = DEFAULT, m: Messages = ENGLISH) -> list[HTMLBlock]:
    """The member's quotes (:func:`member_quotes`), each attributed at the study's level and to its theme."""
    return [quote_block(q.quote, m("brief.quote_on", attribution=attribute(q.participant_id, q.organisation, q.role,
                                                                            level), theme=in_sentence(q.theme_label)))
            for q in quotes.itertuples()]
