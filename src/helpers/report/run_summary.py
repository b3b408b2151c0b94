"""What the end of a run must say out loud: problems in the study that did not stop it.

The runner prints these lines after the new outputs are in place; notebooks 01 and 05 show the same
facts in the quality table and the report's method section.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def _table(processed: Path, name: str) -> pd.DataFrame | None:
    """A table the run wrote, or None when its stage did not write it."""
    path = processed / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else None


def uncertain_roles(quality: pd.DataFrame) -> list[str]:
    """The participants whose speaker roles could not be established with confidence."""
    if "roles_confident" not in quality.columns:
        return []
    return quality.loc[~quality["roles_confident"].astype(bool), "participant_id"].astype(str).tolist()


def run_warnings(processed: Path) -> list[str]:
    """One line per problem found in ``processed`` (the run's tables), for the end of the run."""
    lines = []
    quality = _table(processed, "quality")
    if quality is not None and (uncertain := uncertain_roles(quality)):
        lines.append(f"Warning: speaker roles uncertain in {len(uncertain)} interview(s) ({', '.join(uncertain)}): "
                     "nothing in them is quoted or coded as a respondent's words. How to settle each: its warning "
                     "in the quality table (reports/html/01_clean_interviews.html)")
    sources = _table(processed, "codings_sources")  # stage 02: the manual codings placed per coding file
    if sources is not None and (unplaced := int(sources["unplaced"].sum())):
        lines.append(f"Warning: {unplaced} of {int(sources['quotes'].sum())} manual codings could not be placed "
                     f"(see {processed / 'codings_unplaced.csv'})")
    return lines
