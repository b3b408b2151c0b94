"""Stage 01's quality table for the sample study and for every real transcript in ../shared/realdata/.

Reads each file as stage 01 does (no pseudonymisation: the real files are public) and prints, per file,
the layout found, turns, words, the respondent's share, how the roles were decided and the words per
role. Use it to compare the reader before and after a change:

    .venv/bin/python bench/quality_table.py --csv /tmp/quality-after.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from helpers.core.study import load_study
from helpers.interviews.segments import CleaningRules, build_segments
from helpers.interviews.transcripts import read_transcript

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
SUFFIXES = (".txt", ".docx", ".vtt", ".srt")
COLUMNS = ["file", "format", "layout", "turns", "segments", "words", "respondent_share", "speakers",
           "role_confidence", "roles_confident", "roles", "words_per_role"]


def _row(path: Path, participant: dict, rules: CleaningRules) -> dict:
    segments, _, quality = build_segments(read_transcript(path), participant, lambda text: text, rules)
    per_role = segments.groupby("speaker_role")["n_words"].sum()
    return {**quality, "file": path.name, "speakers": segments["speaker"].nunique(),
            "words_per_role": "; ".join(f"{role}={words}" for role, words in per_role.items())}


def quality_table(sample: Path, realdata: Path) -> pd.DataFrame:
    """One row per transcript: the sample's (with its participants file) and the real files'."""
    rules = CleaningRules.load()
    study = load_study(sample)
    rows = [_row(Path(rec["transcript_path"]), rec, rules) for rec in study.participants.to_dict("records")]
    for path in sorted(realdata.rglob("*")) if realdata.is_dir() else []:
        if path.suffix.lower() in SUFFIXES and "maxqda" not in path.name and not path.name.startswith("LICENSE"):
            rows.append(_row(path, {"participant_id": "X", "language": "sv" if "riksdag" in path.name else "en"},
                             rules))
    return pd.DataFrame(rows)[COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=Path, default=ROOT / "data" / "raw" / "sample")
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    parser.add_argument("--csv", type=Path, help="also write the table here")
    args = parser.parse_args()
    table = quality_table(args.sample, args.realdata)
    if args.csv:
        table.to_csv(args.csv, index=False)
    with pd.option_context("display.width", 250, "display.max_colwidth", 48):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
