"""Time the workbench's retrieve and keyword in context on a generated study (issue 15: at most 0.3 s a query).

    python bench/workbench.py [--interviews 1200] [--output-dir DIR] [--keep]

Generates a study of ``--interviews`` interviews (bench/generate.py), runs the pipeline on it once
(``--no-pdf``), loads the workbench from its ``data/processed/`` and times 20 varied :func:`retrieve` queries
(themes and codes, with and without selections by member, role and coder) and 20 :func:`kwic` queries (stems,
prefixes, phrases, exact words, acronyms, regular expressions, with selections, the interviewer's turns, another
language), each once, after a first query of each kind (timed on its own: it also works out what the workbench
keeps for later queries, such as every segment's words). Prints the time to load and of the first queries and,
per kind, the median and the slowest query, and each query's time and rows.

``--output-dir DIR`` reuses the pipeline's outputs in DIR (from an earlier ``--keep``), so only the queries run.
Temporary folders are made outside the repository and removed unless ``--keep``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from helpers.workbench.explore import Workbench, kwic, load_workbench, retrieve

import generate

TARGET_SECONDS = 0.3  # per query, once loaded (issue 15, item 5)
SEED = 2026


def build(interviews: int, work: Path) -> Path:
    """A generated study of ``interviews`` interviews in ``work``, run through the pipeline; its output folder."""
    study, out = work / "study", work / "out"
    generate.generate(interviews, study, seed=SEED)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "helpers.pipeline", "--data-dir", str(study), "--output-dir", str(out),
                    "--no-pdf"], check=True)
    print(f"Pipeline on {interviews} interviews: {time.perf_counter() - started:.1f} s")
    return out


Query = tuple[str, Callable[[], pd.DataFrame]]


def retrieve_queries(wb: Workbench) -> list[Query]:
    """20 retrieve queries: every theme, codes, and selections by member, role, participant and coder."""
    book = wb.codebook
    themes = list(book.loc[pd.to_numeric(book["level"]) == 0, "code_id"])
    codes = list(book.loc[pd.to_numeric(book["level"]) > 0, "code_id"])
    members = list(dict.fromkeys(wb.participants["organisation"]))
    roles = list(dict.fromkeys(wb.participants["role"]))
    participant = str(wb.participants["participant_id"].iloc[0])
    queries: list[Query] = [(f"theme={t}", lambda t=t: retrieve(wb, theme=t)) for t in themes[:8]]
    queries += [(f"code={c}", lambda c=c: retrieve(wb, code=c)) for c in codes[:4]]
    queries += [(f"theme={t}, organisation={m}", lambda t=t, m=m: retrieve(wb, theme=t, organisation=m))
                for t, m in zip(themes[:3], members)]
    queries += [(f"code={c}, role={r}", lambda c=c, r=r: retrieve(wb, code=c, role=r)) for c, r in zip(codes[4:7], roles)]
    queries += [(f"theme={themes[0]}, coder=rules", lambda: retrieve(wb, theme=themes[0], coder="rules")),
                (f"theme={themes[1]}, participant={participant}",
                 lambda: retrieve(wb, theme=themes[1], participant=participant))]
    return queries[:20]


def kwic_queries(wb: Workbench) -> list[Query]:
    """20 keyword-in-context queries of every kind."""
    member = str(wb.participants["organisation"].iloc[0])
    role = str(wb.participants["role"].iloc[0])
    asked = [("mandat", {}), ("digitali*", {}), ("gemensam* plattform*", {}), ("samverkan", {}), ("IT", {}),
             ("budget", {}), ("verksamheten", {"match": "word"}), ("kommun", {"match": "word"}),
             (r"vem (som )?bestämmer", {"match": "regex"}), (r"\bIT ska (fixa|sköta|lösa)", {"match": "regex"}),
             ("ansvar", {"include_interviewer": True}), ("förändring*", {"organisation": member}),
             ("prioriter*", {"role": role}), ("system", {"window": 3}), ("AI*", {}), ("beslut", {"window": 15}),
             ("leverantör*", {"include_interviewer": True, "organisation": member}), ("data", {"language": "en"}),
             ("nytta", {}), (r"\d+ (procent|kronor)", {"match": "regex"})]
    return [(f"{q!r} {options or ''}".strip(), lambda q=q, o=options: kwic(wb, q, **o)) for q, options in asked]


def timed(queries: list[Query]) -> list[tuple[str, float, int]]:
    """(query, seconds, rows) of each query, run once."""
    results = []
    for name, run in queries:
        started = time.perf_counter()
        rows = len(run())
        results.append((name, time.perf_counter() - started, rows))
    return results


def report(kind: str, results: list[tuple[str, float, int]]) -> bool:
    """Print each query's time and the median and maximum; True when the slowest is within the target."""
    seconds = [s for _, s, _ in results]
    for name, s, rows in results:
        print(f"  {s:6.3f} s  {rows:6d} rows  {kind}({name})")
    slowest = max(seconds)
    verdict = "ok" if slowest <= TARGET_SECONDS else f"over the target of {TARGET_SECONDS} s"
    print(f"{kind}: median {statistics.median(seconds):.3f} s, max {slowest:.3f} s over {len(seconds)} queries "
          f"({verdict})")
    return slowest <= TARGET_SECONDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=1200, help="how many interviews to generate")
    parser.add_argument("--output-dir", type=Path, help="reuse the pipeline's outputs in this folder")
    parser.add_argument("--keep", action="store_true", help="keep the generated study and outputs")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-workbench-"))
    try:
        out = args.output_dir or build(args.interviews, work)
        started = time.perf_counter()
        wb = load_workbench(out)
        print(f"Workbench of {wb.participants['participant_id'].nunique()} interviews, {len(wb.segments)} segments "
              f"loaded in {time.perf_counter() - started:.2f} s")
        fine = True
        for kind, queries in (("retrieve", retrieve_queries(wb)), ("kwic", kwic_queries(wb))):
            (name, seconds, _), = timed(queries[:1])  # the first works out what the workbench keeps for the rest
            print(f"First {kind}({name}), which also works out what later queries reuse: {seconds:.2f} s")
            fine &= report(kind, timed(queries))
        return 0 if fine else 1
    finally:
        if args.keep and not args.output_dir:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
