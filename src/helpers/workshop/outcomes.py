"""The workshop: challenges, dot votes and ratings, development efforts, and what they tell us.

Files in ``workshop/`` (each .csv or .xlsx; see docs/data.md):

- ``challenges``: ``challenge_id``, ``challenge``, optional ``theme_id`` (a theme of the codebook) and ``description``;
- ``votes``: ``challenge_id``, ``organisation``, ``votes`` (dots, integer >= 0; empty = 0), optional
  ``importance`` and ``feasibility`` (1-5), optional ``participant_id``;
- ``actions`` (optional): ``action_id``, ``action``, ``challenge_id``, optional ``owner`` and ``horizon``.

An optional column that is present but wholly empty counts as absent (:func:`helpers.core.tables.read_table`).

A *voter* is a ``participant_id``; without that column each organisation's rows are pooled and the
organisation counts as one voter. Members vote with different numbers of people, so comparisons between
members use votes per voter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..core.errors import InputError
from ..core.language import content_stems
from ..core.limits import MAX_VOTES
from ..core.study import Study
from ..core.tables import ROW, find_table, read_processed, read_table, require_columns, respondent_segments, write_table
from ..core.text import trim_quote

CHALLENGE_COLUMNS = (("challenge_id", "challenge"), ("theme_id", "description"))
VOTE_COLUMNS = (("challenge_id", "organisation", "votes"), ("importance", "feasibility", "participant_id"))
ACTION_COLUMNS = (("action_id", "action", "challenge_id"), ("owner", "horizon"))
RATINGS = ("importance", "feasibility")
NO_VOTERS = "no voters"
QUADRANTS = {(True, True): "Quick wins", (True, False): "Strategic bets",
             (False, True): "Fill-ins (low-hanging)", (False, False): "Reconsider"}


@dataclass
class Workshop:
    """The validated workshop files of a study."""

    challenges: pd.DataFrame  # challenge_id, challenge, theme_id, description (file order)
    votes: pd.DataFrame  # challenge_id, organisation, voter, votes (int), importance, feasibility (NaN = not rated)
    actions: pd.DataFrame | None  # action_id, action, challenge_id, owner, horizon; None without actions file
    organisations: list[str]  # the members in study order, then any other voting organisation
    voter_unit: str  # "participants", or "organisations" when votes has no participant_id

    @property
    def has_ratings(self) -> bool:
        return bool(self.votes["importance"].notna().any() and self.votes["feasibility"].notna().any())

    @property
    def has_theme_links(self) -> bool:
        return bool((self.challenges["theme_id"] != "").any())

    def pseudonymised(self, apply: Callable[[str], str]) -> "Workshop":
        """The same workshop with its free text (challenges, descriptions, actions, owners) pseudonymised:
        a workshop file may name people, and what it says reaches the report."""
        challenges = self.challenges.assign(**{c: self.challenges[c].map(apply) for c in ("challenge", "description")})
        actions = None if self.actions is None else self.actions.assign(
            **{c: self.actions[c].map(apply) for c in ("action", "owner")})
        return replace(self, challenges=challenges, actions=actions)

    def voters_per_member(self) -> pd.Series:
        """Number of voters per organisation, 0 for a member nobody voted for."""
        counts = self.votes.groupby("organisation")["voter"].nunique()
        return counts.reindex(self.organisations, fill_value=0).astype(int)


# ---------------------------------------------------------------------------------------------- reading


def load_workshop(study: Study, theme_ids: set[str] | None = None) -> Workshop | None:
    """Read and validate ``workshop/`` of ``study``; None when the study has no workshop folder.

    With ``theme_ids`` (the codebook's themes), a challenge's ``theme_id`` must be one of them.
    """
    folder = study.workshop_dir
    if folder is None:
        return None
    challenges, c_path = _read(folder, "challenges", CHALLENGE_COLUMNS, required_file=True)
    _check_challenges(challenges, c_path, theme_ids)
    known = set(challenges["challenge_id"])
    votes, v_path = _read(folder, "votes", VOTE_COLUMNS, required_file=True)
    members = list(study.config.members)
    has_ids = "participant_id" in votes.columns
    votes = _parse_votes(votes, v_path, known, c_path.name, members)
    actions, a_path = _read(folder, "actions", ACTION_COLUMNS, required_file=False)
    if actions is not None:
        _check_actions(actions, a_path, known, c_path.name)
        actions = _all_columns(actions, ACTION_COLUMNS)
    organisations = members or list(study.organisations)
    organisations += [o for o in dict.fromkeys(votes["organisation"]) if o not in organisations]
    return Workshop(_all_columns(challenges, CHALLENGE_COLUMNS), votes, actions, organisations,
                    "participants" if has_ids else "organisations")


def _read(folder: Path, stem: str, columns: tuple, required_file: bool) -> tuple[pd.DataFrame | None, Path]:
    """Read ``folder/stem`` (.csv/.xlsx) and check its required columns; None when optional and absent."""
    path = find_table(folder, stem)
    if path is None:
        if required_file:
            raise InputError(folder / f"{stem}.csv", "is missing",
                             fix=f"a workshop folder needs {stem}.csv (or .xlsx); see docs/data.md")
        return None, folder / f"{stem}.csv"
    df = read_table(path, optional=columns[1])
    require_columns(df, path, columns[0])
    if df.empty and required_file:
        raise InputError(path, "has a header but no rows", fix=f"add the {stem}, or remove the workshop folder")
    return df, path


def _all_columns(df: pd.DataFrame, columns: tuple) -> pd.DataFrame:
    """The required then the optional ``columns`` of a workshop file, an absent optional one as empty cells."""
    return df.reindex(columns=[*columns[0], *columns[1]], fill_value="")


def _require_cells(rec: dict, path: Path, columns: tuple[str, ...]) -> None:
    for col in columns:
        if not rec[col]:
            raise InputError(path, f"{col} is empty", where=f"row {rec[ROW]}", fix=f"fill in {col}")


def _check_unique(values: pd.Series, rows: pd.Series, path: Path, what: str) -> None:
    seen: dict[str, int] = {}
    for value, row in zip(values, rows):
        if value in seen:
            raise InputError(path, f"duplicate {what} '{value}' (also on row {seen[value]})",
                             where=f"row {row}", fix=f"give every {what.split('_')[0]} its own id")
        seen[value] = row


def _check_challenges(df: pd.DataFrame, path: Path, theme_ids: set[str] | None) -> None:
    for rec in df.to_dict("records"):
        _require_cells(rec, path, CHALLENGE_COLUMNS[0])
        theme = rec.get("theme_id", "")
        if theme_ids is not None and theme and theme not in theme_ids:
            raise InputError(path, f"theme_id '{theme}' is not a theme of the codebook", where=f"row {rec[ROW]}",
                             fix=f"use one of: {', '.join(sorted(theme_ids))}, or leave it empty")
    _check_unique(df["challenge_id"], df[ROW], path, "challenge_id")


def _check_known(rec: dict, path: Path, known: set[str], challenges_file: str) -> None:
    if rec["challenge_id"] not in known:
        raise InputError(path, f"challenge_id '{rec['challenge_id']}' is not in {challenges_file}",
                         where=f"row {rec[ROW]}", fix=f"use an id listed in {challenges_file} or add the challenge")


def _number(text: str) -> float:
    """``text`` as a number, with a decimal comma as Excel may write it; NaN when it is not a number."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return float("nan")


def _parse_count(text: str, path: Path, row: int) -> int:
    """Dots: an integer >= 0 ('3', '3.0' and '3,0' as Excel may write it); empty means 0."""
    if not text:
        return 0
    value, where = _number(text), f"row {row}, column votes"
    if not np.isfinite(value) or value != int(value):
        raise InputError(path, f"votes '{text}' is not a whole number", where=where,
                         fix="write the number of dots as 0, 1, 2 ...")
    if value < 0:
        raise InputError(path, f"votes '{text}' is negative", where=where, fix="votes are 0 or more")
    if value > MAX_VOTES:
        raise InputError(path, f"votes '{text}' is more than the {MAX_VOTES:,} dots one row may hold",
                         where=where, fix="write the number of dots this voter gave this challenge")
    return int(value)


def _parse_rating(text: str, column: str, path: Path, row: int) -> float:
    """A rating from 1 to 5 (decimal comma allowed); empty means not rated."""
    if not text:
        return float("nan")
    value = _number(text)
    if not 1 <= value <= 5:
        raise InputError(path, f"{column} '{text}' is not a rating from 1 to 5", where=f"row {row}, column {column}",
                         fix=f"write {column} as a number from 1 to 5, or leave it empty")
    return value


def _parse_votes(df: pd.DataFrame, path: Path, known: set[str], challenges_file: str,
                 members: list[str]) -> pd.DataFrame:
    """Validate every vote row and return the typed votes table."""
    has_ids = "participant_id" in df.columns
    org_of: dict[str, tuple[str, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    records = []
    for rec in df.to_dict("records"):
        row = rec[ROW]
        _require_cells(rec, path, VOTE_COLUMNS[0][:2] + (("participant_id",) if has_ids else ()))
        _check_known(rec, path, known, challenges_file)
        org = rec["organisation"]
        if members and org not in members:
            raise InputError(path, f"organisation '{org}' is not a member listed in study.yml", where=f"row {row}",
                             fix=f"use one of: {', '.join(members)}")
        voter = rec["participant_id"] if has_ids else org
        if has_ids:
            first_org, first_row = org_of.setdefault(voter, (org, row))
            if first_org != org:
                raise InputError(path, f"participant '{voter}' is listed for '{org}' here but for "
                                 f"'{first_org}' on row {first_row}", where=f"row {row}",
                                 fix="a participant belongs to one organisation")
            key = (voter, rec["challenge_id"])
            if key in seen:
                raise InputError(path, f"participant '{voter}' has a second row for challenge "
                                 f"'{rec['challenge_id']}' (also on row {seen[key]})", where=f"row {row}",
                                 fix="put each participant's dots and ratings for a challenge on one row")
            seen[key] = row
        records.append({"challenge_id": rec["challenge_id"], "organisation": org, "voter": voter,
                        "votes": _parse_count(rec["votes"], path, row),
                        **{c: _parse_rating(rec.get(c, ""), c, path, row) for c in RATINGS}})
    votes = pd.DataFrame.from_records(records)
    votes["votes"] = votes["votes"].astype("int64")
    return votes


def _check_actions(df: pd.DataFrame, path: Path, known: set[str], challenges_file: str) -> None:
    for rec in df.to_dict("records"):
        _require_cells(rec, path, ACTION_COLUMNS[0])
        _check_known(rec, path, known, challenges_file)
    _check_unique(df["action_id"], df[ROW], path, "action_id")


# ---------------------------------------------------------------------------------------------- priorities


def priorities(ws: Workshop) -> pd.DataFrame:
    """One row per challenge, highest total votes first: votes, who chose it, mean ratings and quadrant."""
    v = ws.votes
    n_voters = v["voter"].nunique()
    grouped = v.groupby("challenge_id")
    table = ws.challenges[["challenge_id", "challenge", "theme_id"]].set_index("challenge_id").assign(
        votes=grouped["votes"].sum(),
        voters_choosing=v.loc[v["votes"] > 0].groupby("challenge_id")["voter"].nunique(),
        mean_importance=grouped["importance"].mean(),
        mean_feasibility=grouped["feasibility"].mean(),
        n_ratings=v[list(RATINGS)].notna().any(axis=1).groupby(v["challenge_id"]).sum(),
    )
    counts = ["votes", "voters_choosing", "n_ratings"]
    table[counts] = table[counts].fillna(0).astype("int64")
    table["share_of_votes"] = table["votes"] / max(int(table["votes"].sum()), 1)
    table["share_of_voters"] = table["voters_choosing"] / max(n_voters, 1)
    table["quadrant"] = quadrants(table["mean_importance"], table["mean_feasibility"])
    table = table.reset_index().sort_values(["votes", "voters_choosing", "challenge_id"],
                                            ascending=[False, False, True], kind="stable")
    table.insert(0, "rank", table["votes"].rank(method="min", ascending=False).astype("int64"))
    return table.reset_index(drop=True)


def quadrants(importance: pd.Series, feasibility: pd.Series) -> pd.Series:
    """Name each challenge's quadrant, split at the median of the challenges' mean ratings ('' when unrated)."""
    imp_cut, feas_cut = importance.median(), feasibility.median()
    names = [QUADRANTS[(i >= imp_cut, f >= feas_cut)] if pd.notna(i) and pd.notna(f) else ""
             for i, f in zip(importance, feasibility)]
    return pd.Series(names, index=importance.index, dtype="string")


def member_priorities(ws: Workshop, ranked: pd.DataFrame) -> pd.DataFrame:
    """One row per (member, challenge): votes, votes per voter and the member's own rank (1 = top).

    A member without voters keeps its rows, with ``n_voters`` 0, empty ranks and the note 'no voters'.
    """
    voters = ws.voters_per_member()
    votes = ws.votes.pivot_table(index="organisation", columns="challenge_id", values="votes", aggfunc="sum")
    votes = votes.reindex(index=ws.organisations, columns=ranked["challenge_id"]).fillna(0).astype("int64")
    per_voter = votes.div(voters.replace(0, np.nan), axis=0)
    member_rank = per_voter.rank(axis=1, ascending=False, method="average")
    long = pd.DataFrame({
        "votes": votes.stack(), "votes_per_voter": per_voter.stack(),
        "member_rank": member_rank.stack()}).rename_axis(["organisation", "challenge_id"]).reset_index()
    long.insert(1, "n_voters", long["organisation"].map(voters).astype("int64"))
    long.insert(3, "challenge", long["challenge_id"].map(dict(zip(ranked["challenge_id"], ranked["challenge"]))))
    long["note"] = np.where(long["n_voters"] == 0, NO_VOTERS, "")
    return long


def votes_per_voter_matrix(members: pd.DataFrame, with_voters_only: bool = True) -> pd.DataFrame:
    """Challenges (rows, priority order) by members (columns): votes per voter."""
    if with_voters_only:
        members = members.loc[members["n_voters"] > 0]
    matrix = members.pivot(index="challenge_id", columns="organisation", values="votes_per_voter")
    return matrix.reindex(index=list(dict.fromkeys(members["challenge_id"])),
                          columns=list(dict.fromkeys(members["organisation"])))


# ---------------------------------------------------------------------------------------------- agreement


def kendalls_w(matrix: pd.DataFrame) -> dict[str, float]:
    """Kendall's W with tie correction: members (columns) as raters ranking challenges (rows) by their scores.

    The chi-square statistic m(n-1)W with n-1 degrees of freedom tests W = 0 (Friedman's test).
    """
    m, n = matrix.shape[1], matrix.shape[0]
    result = {"w": np.nan, "chi2": np.nan, "df": float(n - 1), "p_value": np.nan, "n_members": float(m),
              "n_challenges": float(n)}
    if m < 2 or n < 2:
        return result
    ranks = matrix.rank(axis=0, ascending=False, method="average")
    spread = float(((ranks.sum(axis=1) - m * (n + 1) / 2) ** 2).sum())
    ties = sum(float((counts ** 3 - counts).sum()) for counts in (matrix[c].value_counts() for c in matrix))
    denominator = m ** 2 * (n ** 3 - n) - m * ties
    if denominator <= 0:
        return result
    w = 12 * spread / denominator
    chi2 = m * (n - 1) * w
    result.update(w=w, chi2=chi2, p_value=float(stats.chi2.sf(chi2, n - 1)))
    return result


def spearman_matrix(matrix: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spearman rank correlations (and p-values) between every pair of members' columns."""
    cols = list(matrix.columns)
    rho = pd.DataFrame(np.eye(len(cols)), index=cols, columns=cols)
    p = pd.DataFrame(np.zeros((len(cols), len(cols))), index=cols, columns=cols)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            if matrix[a].nunique() < 2 or matrix[b].nunique() < 2:
                r, pv = np.nan, np.nan
            else:
                r, pv = stats.spearmanr(matrix[a], matrix[b])
            rho.loc[a, b] = rho.loc[b, a] = r
            p.loc[a, b] = p.loc[b, a] = pv
    return rho, p


def agreement(members: pd.DataFrame) -> pd.DataFrame:
    """Kendall's W over all members with voters, then Spearman's rho for every pair of them."""
    matrix = votes_per_voter_matrix(members)
    w = kendalls_w(matrix)
    rows = [{"measure": "kendall_w", "member_a": "all members with voters", "member_b": "", "value": w["w"],
             "chi2": w["chi2"], "df": w["df"], "p_value": w["p_value"], "n_members": w["n_members"],
             "n_challenges": w["n_challenges"]}]
    rho, p = spearman_matrix(matrix)
    for i, a in enumerate(rho.columns):
        for b in rho.columns[i + 1:]:
            rows.append({"measure": "spearman_rho", "member_a": a, "member_b": b, "value": rho.loc[a, b],
                         "chi2": np.nan, "df": np.nan, "p_value": p.loc[a, b], "n_members": 2.0,
                         "n_challenges": float(len(matrix))})
    return pd.DataFrame(rows)


def agreement_strength(w: float) -> str:
    """Words for Kendall's W, after Schmidt's (1997) guideline."""
    if pd.isna(w):
        return "cannot be computed"
    for limit, words in ((0.1, "very weak"), (0.3, "weak"), (0.5, "moderate"), (0.7, "strong")):
        if w < limit:
            return words
    return "very strong"


# ---------------------------------------------------------------------------------------------- evidence

EVIDENCE_COLUMNS = ["rank", "challenge_id", "challenge", "theme_id", "votes", "n_interviews", "n_members",
                    "members", "quote", "quote_by", "quote_segment_id", "status"]
QUOTE_WORDS = 45  # the preferred length of a quote (words)
QUOTE_MAX_WORDS = 70  # longer segments are shortened to whole sentences (core.text.trim_quote), with "…"


def load_interview_codings(processed_dir: str | Path) -> tuple[pd.DataFrame, int] | None:
    """Coded respondent segments (codings joined to segments, one row per theme and segment) and the number
    of interviews, from stages 01-02; None until both tables exist."""
    codings = read_processed(processed_dir, "codings", optional=True)
    segments = read_processed(processed_dir, "segments", optional=True)
    if codings is None or segments is None:
        return None
    keep = ["segment_id", "participant_id", "organisation", "role", "text", "language"]
    coded = codings[["segment_id", "theme_id"]].merge(respondent_segments(segments, keep), on="segment_id")
    # several codes or coders on one segment make it a stronger example of the theme
    coded = (coded.groupby(["theme_id", "segment_id"], as_index=False)
             .agg(n_codings=("text", "size"), **{c: (c, "first") for c in keep if c != "segment_id"}))
    return coded, int(segments["participant_id"].nunique())


STATUS = {"no_theme_link": "no theme link (raised at the workshop)",
          "not_available": "interview evidence not available yet",
          "supported": "supported by interviews", "unsupported": "no interview support"}
"""The ``status`` of a challenge's interview evidence; the report shows it in its language (``status.<key>``)."""


def evidence(ws: Workshop, ranked: pd.DataFrame, coded: pd.DataFrame | None) -> pd.DataFrame:
    """For each challenge (priority order): how many interviews and members raised its theme, and one quote."""
    rows, used = [], set()
    descriptions = dict(zip(ws.challenges["challenge_id"], ws.challenges["description"]))
    for rec in ranked.to_dict("records"):
        row = {c: rec.get(c) for c in ("rank", "challenge_id", "challenge", "theme_id", "votes")}
        row.update(n_interviews=pd.NA, n_members=pd.NA, members="", quote="", quote_by="", quote_segment_id="")
        if not rec["theme_id"]:
            row["status"] = STATUS["no_theme_link"]
        elif coded is None:
            row["status"] = STATUS["not_available"]
        else:
            hits = coded.loc[coded["theme_id"] == rec["theme_id"]]
            orgs = set(hits["organisation"])
            row.update(n_interviews=hits["participant_id"].nunique(), n_members=len(orgs),
                       members=", ".join(o for o in ws.organisations if o in orgs))
            row["status"] = STATUS["supported" if len(hits) else "unsupported"]
            if len(hits):
                challenge = f"{rec['challenge']} {descriptions[rec['challenge_id']]}"
                best = _best_quote(hits, challenge, used)
                used.add(best["segment_id"])
                marks = content_stems(challenge, best["language"])  # the sentences that speak of the challenge
                row.update(quote=trim_quote(best["text"], QUOTE_MAX_WORDS, marks=marks),
                           quote_segment_id=best["segment_id"],
                           quote_by=", ".join(str(best[c]) for c in ("participant_id", "organisation", "role")))
        rows.append(row)
    table = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    return table.astype({"n_interviews": "Int64", "n_members": "Int64"})




def _best_quote(hits: pd.DataFrame, challenge: str, used: set[str]) -> dict:
    """The segment that best illustrates the challenge: not yet used as a quote, sharing most words (Snowball
    stems, stop words left out) with the challenge, coded most often, and closest to a readable length."""
    def score(rec: dict) -> tuple:
        shared = content_stems(rec["text"], rec["language"]) & content_stems(challenge, rec["language"])
        return (rec["segment_id"] in used, -len(shared), -rec["n_codings"],
                abs(len(rec["text"].split()) - QUOTE_WORDS), rec["segment_id"])
    return min(hits.to_dict("records"), key=score)


def actions_table(ws: Workshop, ranked: pd.DataFrame) -> pd.DataFrame:
    """The development efforts with their challenge's priority, ordered by priority (empty without actions)."""
    columns = ["rank", "challenge_id", "challenge", "votes", "action_id", "action", "owner", "horizon"]
    if ws.actions is None:
        return pd.DataFrame(columns=columns)
    table = ws.actions.merge(ranked[["rank", "challenge_id", "challenge", "votes"]], on="challenge_id")
    order = {cid: i for i, cid in enumerate(ranked["challenge_id"])}
    table = table.assign(_order=table["challenge_id"].map(order)).sort_values(["_order", "action_id"])
    return table[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- results


@dataclass
class WorkshopResults:
    """Everything notebook 04 shows, computed once."""

    workshop: Workshop
    priorities: pd.DataFrame
    members: pd.DataFrame
    agreement: pd.DataFrame
    evidence: pd.DataFrame
    actions: pd.DataFrame
    n_interviews: int | None  # interviews in the segments table; None before stages 01-02 have run


def analyse(ws: Workshop, processed_dir: str | Path) -> WorkshopResults:
    """Compute the priorities, member priorities, agreement, evidence and actions tables."""
    ranked = priorities(ws)
    members = member_priorities(ws, ranked)
    coded, n_interviews = load_interview_codings(processed_dir) or (None, None)
    return WorkshopResults(ws, ranked, members, agreement(members), evidence(ws, ranked, coded),
                           actions_table(ws, ranked), n_interviews)


TABLES = ("workshop_priorities", "member_priorities", "workshop_agreement", "workshop_evidence", "workshop_actions")


def write_tables(results: WorkshopResults, processed_dir: str | Path) -> list[Path]:
    """Write the stage-04 tables to ``processed_dir``."""
    frames = (results.priorities, results.members, results.agreement, results.evidence, results.actions)
    return [write_table(df, processed_dir, name) for name, df in zip(TABLES, frames)]


# ---------------------------------------------------------------------------------------------- sentences


def summary(results: WorkshopResults) -> str:
    """A short paragraph (plain text): what was voted on, by whom, and the top three."""
    ws, ranked = results.workshop, results.priorities
    voters = ws.voters_per_member()
    unit = ("voters" if ws.voter_unit == "participants"
            else "organisations (no participant_id: each member's rows pooled)")
    text = (f"The workshop discussed {len(ranked)} challenges. {ws.votes['voter'].nunique()} {unit} "
            f"from {int((voters > 0).sum())} of {len(voters)} members placed {int(ranked['votes'].sum())} votes.")
    silent = [org for org, n in voters.items() if n == 0]
    if silent:
        text += f" No voters from {', '.join(silent)}: shown as 'no voters' below, not left out."
    top = ", ".join(f"{r.challenge_id} “{r.challenge}” ({r.votes} votes)" for r in ranked.head(3).itertuples())
    text += f" The top three: {top}."
    if not ws.has_ratings:
        text += " The votes file has no importance/feasibility ratings, so the rating chart is skipped."
    return text


def agreement_sentence(results: WorkshopResults) -> str:
    """Kendall's W, its test and what it means, in one sentence."""
    w = results.agreement.iloc[0]
    if pd.isna(w["value"]):
        return ("Kendall's W cannot be computed: it needs at least two members with voters and two challenges "
                "with differing votes.")
    verdict = ("the members' priority orders agree more than chance would give" if w["p_value"] < 0.05
               else "the members' priority orders are not more alike than chance would give")
    return (f"Kendall's W = {w['value']:.2f} over {int(w['n_members'])} members and {int(w['n_challenges'])} "
            f"challenges ({agreement_strength(w['value'])} agreement; chi-square({int(w['df'])}) = {w['chi2']:.1f}, "
            f"p = {w['p_value']:.3f}): {verdict}.")


def evidence_sentence(results: WorkshopResults) -> str:
    """How well the interviews support the workshop's challenges, or why that cannot be said yet."""
    ev = results.evidence
    if not results.workshop.has_theme_links:
        return ("No challenge in challenges.csv has a theme_id, so the workshop cannot be linked to the interviews; "
                "add the codebook theme each challenge belongs to.")
    if results.n_interviews is None:
        return ("Interview evidence isn't available yet: it needs the segments and codings tables from "
                "notebooks 01 and 02.")
    linked = ev.loc[ev["theme_id"] != ""]
    unsupported = linked.loc[linked["n_interviews"] == 0, "challenge_id"].tolist()
    text = (f"{int((linked['n_interviews'] > 0).sum())} of {len(linked)} challenges linked to a theme were also "
            f"raised in the interviews (of {results.n_interviews} interviews in all).")
    if unsupported:
        text += f" No interview support: {', '.join(unsupported)}."
    unlinked = ev.loc[ev["theme_id"] == "", "challenge_id"].tolist()
    if unlinked:
        text += f" Raised only at the workshop (no theme_id): {', '.join(unlinked)}."
    return text
