"""Build the fictional sample study's transcripts from plain drafts (``I:``/``R:`` turns).

This is how ``data/raw/sample/interviews/`` was made: one draft per interview, written as fiction,
turned into the mixture of formats a real study receives. Run it again only to rebuild the sample:

    python bench/build_sample.py DRAFTS_DIR data/raw/sample
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from writers import Turn, write_docx, write_srt, write_txt_otter, write_txt_timestamped, write_vtt_teams

# id, organisation, role, respondent, interviewer, date, format, interviewer label, respondent label
ROSTER = [
    ("P01", "Älvby kommun", "kommundirektör", "Kerstin Holmberg", "Lina Björk", "2026-02-03", "docx-bold", "Intervjuare", "Kerstin Holmberg"),
    ("P02", "Älvby kommun", "digitaliseringsstrateg", "Jonas Berglund", "Erik Dahl", "2026-02-05", "vtt", "Erik Dahl", "Jonas Berglund"),
    ("P03", "Sjömåla kommun", "IT-chef", "Mikael Sandström", "Lina Björk", "2026-02-10", "txt-cp1252", "I", "R"),
    ("P04", "Sjömåla kommun", "förvaltningschef", "Eva Lundgren", "Erik Dahl", "2026-02-12", "docx-table", "Intervjuare", "Eva Lundgren"),
    ("P05", "Ekhamra kommun", "kommundirektör", "Per-Olof Nyström", "Lina Björk", "2026-02-17", "vtt", "Lina Björk", "Per-Olof Nyström"),
    ("P06", "Ekhamra kommun", "verksamhetsutvecklare", "Sara Ekström", "Erik Dahl", "2026-02-19", "docx-plain", "Intervjuare", "Sara"),
    ("P07", "Lindåsa kommun", "digitaliseringsstrateg", "Fatima Hassan", "Lina Björk", "2026-02-24", "txt-otter-bom", "Lina Björk", "Fatima Hassan"),
    ("P08", "Lindåsa kommun", "förvaltningschef", "Lars Johansson", "Erik Dahl", "2026-02-26", "srt", "Erik Dahl", "Lars Johansson"),
    ("P09", "Granvik kommun", "kommundirektör", "Maria Vikström", "Lina Björk", "2026-03-03", "docx-own-line", "Intervjuare", "Maria Vikström"),
    ("P10", "Bäckeby kommun", "verksamhetsutvecklare", "Anders Karlsson", "Erik Dahl", "2026-03-05", "vtt", "Erik Dahl", "Anders Karlsson"),
    ("P11", "Sexan IT", "chef för IT-organisationen", "Helena Strand", "Lina Björk", "2026-03-10", "vtt", "Lina Björk", "Helena Strand"),
    ("P12", "Sexan IT", "IT-arkitekt", "Johan Öberg", "Erik Dahl", "2026-03-12", "docx-bold", "Erik", "Johan"),
]
# Interviewer column left empty for these, so the pipeline shows how it infers the roles.
INFER_ROLES = {"P03", "P12"}
EXTENSION = {"docx": ".docx", "vtt": ".vtt", "txt": ".txt", "srt": ".srt"}


def read_draft(path: Path, interviewer: str, respondent: str) -> list[Turn]:
    """Turns from a draft: blocks separated by blank lines, starting ``I: `` or ``R: ``."""
    turns: list[Turn] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln.strip() for ln in block.strip().split("\n") if ln.strip() and not ln.startswith("# ")]
        if not lines:
            continue
        code, first = lines[0].split(": ", 1)
        turns.append((interviewer if code == "I" else respondent, [first, *lines[1:]]))
    return turns


def write_interview(turns: list[Turn], folder: Path, pid: str, fmt: str) -> Path:
    """Write one interview in the given format; returns the file path."""
    kind = fmt.split("-")[0]
    path = folder / f"{pid}{EXTENSION[kind]}"
    title = f"Intervju {pid} – fiktiv exempelstudie (påhittade personer)"
    if kind == "docx":
        write_docx(turns, path, title, style=fmt.split("-", 1)[1])
    elif kind == "vtt":
        write_vtt_teams(turns, path, seed=int(pid[1:]))
    elif kind == "srt":
        write_srt(turns, path)
    elif fmt == "txt-cp1252":
        write_txt_timestamped(turns, path, "cp1252", title)
    else:
        write_txt_otter(turns, path, "utf-8-sig", title)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drafts", type=Path)
    parser.add_argument("study", type=Path)
    args = parser.parse_args()
    interviews = args.study / "interviews"
    interviews.mkdir(parents=True, exist_ok=True)
    rows = []
    for pid, org, role, name, interviewer, date, fmt, i_label, r_label in ROSTER:
        turns = read_draft(args.drafts / f"{pid}.txt", i_label, r_label)
        write_interview(turns, interviews, pid, fmt)
        words = sum(len(p.split()) for _, ps in turns for p in ps)
        rows.append({"participant_id": pid, "organisation": org, "role": role, "interview_date": date,
                     "interviewer": "" if pid in INFER_ROLES else i_label, "duration_min": round(words / 2.4 / 60 + 1),
                     "language": "sv", "name": name})
    with open(args.study / "participants.csv", "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
