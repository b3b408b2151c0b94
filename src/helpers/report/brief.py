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
from ..core.study import Study
from ..core.style import FULL_WIDTH, PALETTE
from ..thematic.themes import exemplar_quotes
from ..workshop.charts import challenge_label
from ..core.text import in_sentence
from .attribution import DEFAULT, Level, attribute
from .page import HTMLBlock, quote_block
from .text import NO_WORKSHOP, enumerate_words


def check_member(study: Study, organisation: str) -> None:
    """The ``organisation`` parameter must name a member of the study."""
    if organisation not in study.organisations:
        raise InputError("parameter organisation", f"'{organisation}' is not a member of the study",
                         fix=f"use one of: {', '.join(study.organisations)}")


def intro_sentences(participants: pd.DataFrame, organisation: str, level: Level = DEFAULT) -> list[str]:
    """Who was interviewed in this member organisation; roles are paired with ids only where the study's
    attribution level shows roles under quotes (else the pair would name the person behind every quote)."""
    own = participants[participants["organisation"] == organisation]
    if own.empty:
        return [f"Nobody from {organisation} was interviewed; the brief shows its workshop votes only."]
    if "role" in level:
        roles = enumerate_words([f"{r.role} ({r.participant_id})" for r in own.itertuples()])
    else:
        roles = enumerate_words(sorted(set(own["role"])))
    works = "works" if len(own) == 1 else "work"
    sentences = [f"{len(own)} of the study's {len(participants)} interviewees {works} in {organisation}: {roles}."]
    if len(own) == 1:
        sentences.append(f"The theme profile and the quotes below are therefore one person's view, not "
                         f"necessarily {organisation}'s.")
    return sentences


def theme_profile(by_org: pd.DataFrame, organisation: str) -> pd.DataFrame:
    """Per theme: the member's share of interview words on it, and the collaboration's."""
    totals = by_org.groupby(["theme_id", "theme_label"], sort=False)[["coded_words", "respondent_words"]].sum()
    everyone = (100 * totals["coded_words"] / totals["respondent_words"].replace(0, np.nan)).rename("all_pct")
    own = by_org[by_org["organisation"] == organisation].set_index(["theme_id", "theme_label"])
    table = pd.concat([own["pct_words"].rename("member_pct"), own["n_participants"], everyone], axis=1).reset_index()
    table["difference"] = table["member_pct"] - table["all_pct"]
    return table.sort_values("all_pct", ascending=False, kind="stable").reset_index(drop=True)


def profile_sentences(profile: pd.DataFrame, organisation: str) -> list[str]:
    """What stands out in the member's theme profile."""
    if profile["member_pct"].isna().all():
        return [f"Nobody from {organisation} was interviewed, so there is no theme profile."]
    more = profile[profile["difference"] > 2].nlargest(3, "difference")
    less = profile[profile["difference"] < -2].nsmallest(3, "difference")
    sentences = []
    if len(more):
        sentences.append(f"Compared with the collaboration as a whole, {organisation}'s interviewees spent more of the "
                         f"interview on {enumerate_words([in_sentence(t) for t in more['theme_label']])}.")
    if len(less):
        sentences.append(f"They spent less on {enumerate_words([in_sentence(t) for t in less['theme_label']])}.")
    silent = profile.loc[profile["n_participants"] == 0, "theme_label"].tolist()
    if silent:
        sentences.append(f"No interviewee from {organisation} raised {enumerate_words([in_sentence(s) for s in silent])}.")
    return sentences or [f"{organisation}'s theme profile is close to the collaboration's."]


def no_profile_reason(profile: pd.DataFrame | None, organisation: str) -> str:
    """Why the brief has no theme profile, as a clause ("" when it has one): ``profile`` is None when the
    interviews are not coded into themes."""
    if profile is None:
        return "the interviews have not been coded into themes yet"
    if profile["member_pct"].isna().all():
        return f"nobody from {organisation} was interviewed"
    return ""


def profile_caption(organisation: str) -> str:
    """The caption of :func:`profile_chart`."""
    return (f"Share of interview words on each theme: {organisation} (bars) against all members (markers). A bar "
            "beyond its marker means the member talked more about the theme than the collaboration did.")


def profile_chart(profile: pd.DataFrame, organisation: str) -> plt.Figure:
    """Horizontal bars (member) with markers (everyone) per theme."""
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 0.3 * len(profile) + 1.2))
    y = np.arange(len(profile))
    ax.barh(y, profile["member_pct"].fillna(0), color=PALETTE[0], label=organisation)
    ax.scatter(profile["all_pct"], y, color=PALETTE[1], marker="D", zorder=3, label="All members")
    return _finish(fig, ax, list(profile["theme_label"]), f"Theme profile: {organisation}",
                   "Share of respondent words on the theme (%)", "Theme")


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


def vote_sentences(votes: pd.DataFrame, organisation: str) -> list[str]:
    """The member's top choices and where they differ from the collaboration's."""
    chosen = votes[votes["member_votes"] > 0]
    if chosen.empty:
        return [f"Nobody from {organisation} voted at the workshop."]
    top = chosen.nsmallest(3, "member_rank")
    sentences = [f"{organisation}'s workshop participants gave most votes to "
                 f"{enumerate_words(['“' + c + '”' for c in top['challenge']])}."]
    shared = top[top["rank"] <= 3]
    sentences.append("None of these is among the collaboration's top three." if shared.empty else
                     "This one is also among the collaboration's top three." if len(top) == 1 else
                     f"{len(shared)} of these {'is' if len(shared) == 1 else 'are'} also among the collaboration's "
                     "top three.")
    return sentences


def no_votes_reason(votes: pd.DataFrame | None, organisation: str) -> str:
    """Why the brief has no vote comparison, as a clause ("" when it has one): ``votes`` is None when the study
    has no workshop."""
    if votes is None:
        return NO_WORKSHOP
    if not (votes["member_votes"] > 0).any():
        return f"nobody from {organisation} voted at the workshop"
    return ""


def vote_caption(organisation: str) -> str:
    """The caption of :func:`vote_chart`."""
    return (f"Votes per voter for each challenge: {organisation} against all participants. The collaboration's ten "
            "highest-ranked challenges, in its priority order.")


def vote_chart(votes: pd.DataFrame, organisation: str, top: int = 10) -> plt.Figure:
    """Grouped bars: votes per voter, member against everyone, for the collaboration's top challenges."""
    shown = votes.head(top)
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, 0.36 * len(shown) + 1.2))
    y = np.arange(len(shown))
    ax.barh(y - 0.2, shown["member_votes_per_voter"].fillna(0), height=0.4, color=PALETTE[0], label=organisation)
    ax.barh(y + 0.2, shown["all_votes_per_voter"], height=0.4, color=PALETTE[6], label="All participants")
    labels = [challenge_label(r.challenge_id, r.challenge, width=34) for r in shown.itertuples()]
    return _finish(fig, ax, labels, f"Workshop votes: {organisation} against all participants", "Votes per voter",
                   "Challenge (collaboration's priority order)")


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
                  n: int, max_words: int = 45) -> pd.DataFrame:
    """The member's own strongest quotes, one per theme, short enough for a two-page brief."""
    own = segments[segments["organisation"] == organisation]
    if own.empty or codings is None or codebook is None:
        return pd.DataFrame(columns=["quote", "participant_id", "organisation", "role", "theme_label"])
    quotes = exemplar_quotes(own, codings, codebook, quotes_per_theme=1, min_words=12, max_words=max_words)
    return quotes.head(n)


def no_quotes_reason(organisation: str) -> str:
    """Why the brief shows none of the member's quotes, as a clause."""
    return f"no coded quotes from {organisation} are available"


def quote_blocks(quotes: pd.DataFrame, level: Level = DEFAULT) -> list[HTMLBlock]:
    """The member's quotes (:func:`member_quotes`), each attributed at the study's level and to its theme."""
    return [quote_block(q.quote, f"{attribute(q.participant_id, q.organisation, q.role, level)} — on "
                                 f"{in_sentence(q.theme_label)}") for q in quotes.itertuples()]
