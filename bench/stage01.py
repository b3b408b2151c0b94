"""Measure stage 01 and the time before the first notebook, cold and after changing one transcript.

    python bench/stage01.py [--interviews 1200] [--study DIR] [--src OTHER/src] [--keep]

Generates a study (``bench/generate.py``) or copies ``--study``, then runs the pipeline's validation and stage 01
(``--only clean_interviews --no-pdf --jobs 1``) twice into one new output folder: *cold* (no cache) and after a line
was added to one transcript (*one changed*). It prints, from the runner's ``.pipeline-cache/timings.json``, the time
before the first notebook (``steps.before_first_job``: mostly the validation, which reads every transcript), stage
01's wall and CPU time and its setup cell, and how many cache entries each run wrote. ``--src`` measures another
checkout's code (its ``src`` folder goes first on PYTHONPATH, for the runner and the notebook's kernel), e.g. the
main branch for a before-and-after. A measurement, not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CACHE = Path(".pipeline-cache") / "interviews"
LINE = "Och en sak till om samarbetet, som jag glömde."


def change_one_transcript(study: Path) -> Path:
    """Add a line to the first text transcript in UTF-8 or a one-byte encoding (the text is ASCII and Swedish)."""
    for path in sorted((study / "interviews").glob("*.txt")):
        data = path.read_bytes()
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: an appended line would need its encoding
            continue
        newline = b"\r\n" if b"\r\n" in data else b"\n"
        try:
            data.decode("utf-8")
            line = LINE.encode("utf-8")
        except UnicodeDecodeError:
            line = LINE.encode("cp1252")
        path.write_bytes(data + newline + line + newline)
        return path
    raise SystemExit(f"no text transcript to change in {study}")


def run(study: Path, out: Path, src: Path | None) -> dict:
    """One run of validation and stage 01; what timings.json says about it and the cache entries it wrote."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    command = [sys.executable, "-m", "helpers.pipeline", "--data-dir", str(study), "--output-dir", str(out),
               "--only", "clean_interviews", "--no-pdf", "--jobs", "1"]
    started = time.time()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    timings = json.loads((out / ".pipeline-cache" / "timings.json").read_text(encoding="utf-8"))
    [job] = [j for j in timings["jobs"] if j["label"].startswith("01_")]
    written = {kind: sum(1 for p in (out / CACHE / kind).glob("*.json") if p.stat().st_mtime >= started)
               for kind in ("transcripts", "segments")}
    return {"before_first_job": timings["steps"]["before_first_job"], "stage01_seconds": job["seconds"],
            "stage01_cpu_seconds": job["cpu_seconds"], "stage01_setup_cell": job["phases"]["setup_cell"],
            "run_seconds": timings["seconds"], "entries_written": written}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=1200, help="size of the generated study (default 1200)")
    parser.add_argument("--study", type=Path, help="measure a copy of this study folder instead of generating one")
    parser.add_argument("--src", type=Path, help="another checkout's src folder, to measure its code")
    parser.add_argument("--results", type=Path, help="also write the numbers to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary study and output folders")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-stage01-"))
    study, out = work / "study", work / "out"
    try:
        if args.study:
            shutil.copytree(args.study, study)
        else:
            subprocess.run([sys.executable, str(BENCH / "generate.py"), "--interviews", str(args.interviews),
                            "--out", str(study)], check=True, capture_output=True)
        n = sum(1 for _ in (study / "interviews").iterdir())
        results = {"interviews": n, "code": str(args.src or "this checkout"), "cold": run(study, out, args.src)}
        changed = change_one_transcript(study)
        results["one_changed"] = dict(run(study, out, args.src), transcript=changed.name)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{n} interviews, code: {results['code']}" + (f" (kept in {work})" if args.keep else ""))
    print(f"{'':>12} {'before 1st notebook':>20} {'stage 01 wall':>14} {'cpu':>7} {'setup cell':>11}  entries written")
    for name in ("cold", "one_changed"):
        r = results[name]
        print(f"{name:>12} {r['before_first_job']:>18.1f} s {r['stage01_seconds']:>12.1f} s "
              f"{r['stage01_cpu_seconds']:>5.1f} s {r['stage01_setup_cell']:>9.1f} s  "
              f"{r['entries_written']['transcripts']} transcripts, {r['entries_written']['segments']} segments")
    if args.results:
        args.results.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
