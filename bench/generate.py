"""Generate a larger synthetic study folder by recombining the fictional sample study's speaker turns.

    python bench/generate.py --interviews 1200 --out /tmp/study-1200 [--seed 7]

Interview ``i`` takes sample interview ``i mod 12`` as its template: the template's file format and
speaker labels (so the mix of Word, WebVTT, SRT and text files is the sample's), its opening and closing
exchange, and in between as many question-and-answer exchanges as the template has, drawn at random from
all sample interviews. Respondents get invented names from a fixed list of obviously made-up names; the
sample's own respondent names, which the recombined text still mentions, go into ``pseudonyms.csv``.
``study.yml`` (titled GENERATED), the codebook, ``pseudonyms.csv`` and the workshop folder are copied;
no ``codings/`` folder is written (its quotes would not be found in recombined interviews).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from build_sample import INFER_ROLES, ROSTER, write_interview
from writers import Turn

from helpers.core.study import Study, load_study
from helpers.interviews.transcripts import read_transcript

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "sample"
# Obviously invented names: 36 x 36 = 1,296 distinct full names (beyond that, full names repeat).
FIRST_NAMES = (
    "Fiktora", "Fiktoro", "Påhitta", "Påhitto", "Låtsina", "Låtsino", "Exemplia", "Exemplio", "Testina",
    "Testino", "Mockina", "Mockino", "Synteta", "Synteto", "Simulina", "Simulino", "Generika", "Generiko",
    "Fabulina", "Fabulino", "Imagina", "Imagino", "Dummina", "Dummino", "Prototia", "Prototio", "Skissina",
    "Skissino", "Utkastia", "Utkastio", "Attrappa", "Attrappo", "Sagolina", "Sagolino", "Fantasina", "Fantasino",
)
SURNAMES = (
    "Påhittsson", "Låtsasberg", "Fiktivsson", "Exempelström", "Testlund", "Provdal", "Modellgren", "Skissholm",
    "Utkastvik", "Fabelbäck", "Fantasiby", "Diktström", "Sagoberg", "Mockåker", "Simulund", "Syntesson",
    "Genererud", "Slumpqvist", "Kopiagård", "Attrappsson", "Låtsaslid", "Påhittfors", "Fiktivgren", "Exempelbo",
    "Testhed", "Provsjö", "Modellqvist", "Skissberg", "Utkastlund", "Fabelgren", "Fantasiström", "Diktsson",
    "Sagodal", "Mockholm", "Simulberg", "Syntesvik",
)
SAMPLE_PERSON = "[person i exempelstudien]"  # replacement of the sample's respondent names
CODEBOOKS = ("codebook.yml", "codebook.yaml", "codebook.qdc")
PARTICIPANT_COLUMNS = ("participant_id", "organisation", "role", "interview_date", "interviewer",
                       "duration_min", "language", "name")
INTERVIEWER, RESPONDENT = "I", "R"
Exchange = list[tuple[str, list[str]]]  # (INTERVIEWER or RESPONDENT, paragraphs), starting with a question


@dataclass(frozen=True)
class Template:
    """One sample interview: how it is written and what is said in it."""

    pid: str
    fmt: str  # as in build_sample.ROSTER: "docx-bold", "vtt", "txt-cp1252", ...
    name: str  # the sample respondent's (fictional) name
    interviewer_label: str
    respondent_label: str
    exchanges: list[Exchange]


@dataclass(frozen=True)
class Interview:
    """One generated interview, as written: the turns carry the speaker labels used in the file."""

    pid: str
    template: str
    path: Path
    turns: list[Turn]


def speaker_runs(path: Path) -> list[tuple[str | None, list[str]]]:
    """The transcript's turns with consecutive pieces of one speaker merged (subtitle cues, SRT continuations).

    A piece without a label continues the previous speaker; each turn keeps its paragraphs.
    """
    runs: list[tuple[str | None, list[str]]] = []
    for turn in read_transcript(path).turns:
        paragraphs = [p.strip() for p in turn.text.split("\n") if p.strip()]
        if runs and turn.speaker in (None, runs[-1][0]):
            if path.suffix.lower() in (".vtt", ".srt"):
                runs[-1][1][-1] += " " + " ".join(paragraphs)  # cues of one utterance are one paragraph
            else:
                runs[-1][1].extend(paragraphs)
        else:
            runs.append((turn.speaker, paragraphs))
    return runs


def to_exchanges(runs: list[tuple[str | None, list[str]]], interviewer_label: str) -> list[Exchange]:
    """Group turns into exchanges: an interviewer turn and the respondent turns that follow it."""
    exchanges: list[Exchange] = []
    for speaker, paragraphs in runs:
        role = INTERVIEWER if speaker == interviewer_label else RESPONDENT
        if role == INTERVIEWER or not exchanges:
            exchanges.append([])
        exchanges[-1].append((role, paragraphs))
    return exchanges


def load_templates(study: Study) -> list[Template]:
    """The sample's interviews, read with the pipeline's own readers, in participant order."""
    roster = {row[0]: row for row in ROSTER}
    templates = []
    for pid, path in zip(study.participants["participant_id"], study.participants["transcript_path"]):
        _, _, _, name, _, _, fmt, i_label, r_label = roster[pid]
        exchanges = to_exchanges(speaker_runs(Path(path)), i_label)
        templates.append(Template(pid, fmt, name, i_label, r_label, exchanges))
    return templates


def invented_name(index: int) -> str:
    """The ``index``-th invented full name (first names vary fastest)."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = SURNAMES[(index // len(FIRST_NAMES)) % len(SURNAMES)]
    return f"{first} {last}"


def respondent_label(template: Template, name: str) -> str:
    """The label the template gives its respondent, with the invented name in place of the sample's."""
    if template.respondent_label == template.name:
        return name
    if template.respondent_label == template.name.split()[0]:
        return name.split()[0]
    return template.respondent_label  # a code such as "R"


def recombine(template: Template, pool: list[Exchange], rng: random.Random) -> Exchange:
    """Opening and closing of the template, with as many exchanges drawn from ``pool`` in between."""
    middle = [turn for _ in template.exchanges[1:-1] for turn in rng.choice(pool)]
    return [*template.exchanges[0], *middle, *template.exchanges[-1]]


def label(turns: Exchange, template: Template, name: str) -> list[Turn]:
    """The turns with the speaker labels the file will show: the template's interviewer, the new respondent."""
    labels = {INTERVIEWER: template.interviewer_label, RESPONDENT: respondent_label(template, name)}
    return [(labels[role], list(paragraphs)) for role, paragraphs in turns]


def participant_row(pid: str, template: Template, turns: list[Turn], organisation: str, role: str,
                    date: dt.date, name: str) -> dict[str, str]:
    words = sum(len(p.split()) for _, paragraphs in turns for p in paragraphs)
    interviewer = "" if template.pid in INFER_ROLES else template.interviewer_label
    return {"participant_id": pid, "organisation": organisation, "role": role, "interview_date": date.isoformat(),
            "interviewer": interviewer, "duration_min": str(round(words / 2.4 / 60 + 1)), "language": "sv",
            "name": name}


def write_csv(rows: list[dict[str, str]], path: Path, columns: tuple[str, ...]) -> None:
    """Semicolon CSV, UTF-8 with BOM, CRLF: as Swedish Excel writes it."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def write_study_yml(sample: Path, out: Path, n: int) -> None:
    config = yaml.safe_load((sample / "study.yml").read_text(encoding="utf-8-sig")) or {}
    config["title"] = f"GENERATED benchmark study: {n} interviews recombined from the fictional sample"
    config["fictional"] = True
    config["description"] = (f"GENERATED for benchmarking by bench/generate.py: {n} interviews recombined from the "
                             f"turns of the fictional sample study. {config.get('description', '')}").strip()
    (out / "study.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_pseudonyms(study: Study, out: Path, templates: list[Template]) -> None:
    """The sample's pseudonyms plus its respondents' names, which the recombined text still mentions."""
    rows = [{"original": o, "replacement": r} for o, r in zip(study.pseudonyms["original"],
                                                                study.pseudonyms["replacement"])]
    listed = {row["original"] for row in rows}
    rows += [{"original": t.name, "replacement": SAMPLE_PERSON} for t in templates if t.name not in listed]
    write_csv(rows, out / "pseudonyms.csv", ("original", "replacement"))


def copy_study_files(sample: Path, out: Path) -> None:
    """The codebook (whichever form the sample has) and the workshop folder, unchanged."""
    for name in CODEBOOKS:
        if (sample / name).exists():
            shutil.copy2(sample / name, out / name)
    if (sample / "workshop").is_dir():
        shutil.copytree(sample / "workshop", out / "workshop")


def generate(n: int, out: Path, seed: int = 0, sample: Path = SAMPLE) -> list[Interview]:
    """Write a study folder of ``n`` generated interviews to ``out`` (which must not exist or be empty)."""
    if n < 1:
        raise ValueError("--interviews must be at least 1")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder")
    rng = random.Random(seed)
    study = load_study(sample)
    templates = load_templates(study)
    members, roles = study.organisations, list(study.participants["role"])
    first_date = min(dt.date.fromisoformat(d) for d in study.participants["interview_date"])
    pool = [ex for t in templates for ex in t.exchanges[1:-1]]
    (out / "interviews").mkdir(parents=True, exist_ok=True)
    width = max(4, len(str(n)))
    interviews, rows = [], []
    for i in range(n):
        template, pid, name = templates[i % len(templates)], f"P{i + 1:0{width}d}", invented_name(i)
        turns = label(recombine(template, pool, rng), template, name)
        path = write_interview(turns, out / "interviews", pid, template.fmt)
        date = first_date + dt.timedelta(days=i * 365 // n)
        rows.append(participant_row(pid, template, turns, members[i % len(members)], rng.choice(roles), date, name))
        interviews.append(Interview(pid, template.pid, path, turns))
    write_csv(rows, out / "participants.csv", PARTICIPANT_COLUMNS)
    write_pseudonyms(study, out, templates)
    write_study_yml(sample, out, n)
    copy_study_files(sample, out)
    (out / "README.md").write_text(f"# GENERATED benchmark study ({n} interviews)\n\nMade by `bench/generate.py "
                                   f"--interviews {n} --seed {seed}` from the FICTIONAL sample study: every "
                                   "person and organisation is invented. Not research data.\n", encoding="utf-8")
    return interviews


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, required=True, help="how many interviews to generate")
    parser.add_argument("--out", type=Path, required=True, help="the new study folder (must not exist or be empty)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same folder)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        generate(args.interviews, args.out, args.seed)
    except (ValueError, FileExistsError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(f"Generated {args.interviews} interviews in {args.out} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
