#!/usr/bin/env python3
"""Benchmark the build: median wall time per stage over repeated runs, and peak memory.

    python bench/bench.py                 # the thesis in this repository, 7 runs
    python bench/bench.py --runs 15 --project tests/projects/minimal
    python bench/bench.py --edit          # change one chapter before each run (the author's loop)
    python bench/bench.py --baseline      # also time the naive tools (separate pandoc runs)

Stages overlap: the PDF and DOCX writers run in parallel, so `total` is less than the
sum of the stages. The first run warms caches (the DOCX reference document) and is
reported separately.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thesis.build import Options, build  # noqa: E402
from thesis.diagnostics import Reporter  # noqa: E402


def one_run(project: Path, out: Path, edit: int | None = None) -> tuple[dict[str, float], int | None]:
    if edit is not None:  # the author's loop: one word changed in one chapter
        chapter = sorted((project / "content").glob("*.md"))[1]
        chapter.write_text(chapter.read_text() + f"\n\nӨзгеріс {edit}.\n")
    start = time.perf_counter()
    result = build(project, Options(out=out), Reporter(quiet=True))
    timings = dict(result.timings)
    timings["total"] = time.perf_counter() - start
    return timings, result.pages


def one_cli_build(project: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of the command as an author runs it, caches warm."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, str(ROOT / "build.py"), "--quiet", "--project", str(project), "--out", out]
        subprocess.run(cmd, check=True)  # warm the caches of this output folder
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def baseline(project: Path) -> dict[str, float]:
    """The naive way: pandoc → Typst source, typst CLI-equivalent compile, pandoc → DOCX, each alone."""
    import pypandoc
    import typst
    pandoc = pypandoc.get_pandoc_path()
    chapters = sorted(str(p) for p in (project / "content").glob("*.md"))
    bibs = [f"--bibliography={p}" for p in sorted((project / "bibliography").glob("*.bib"))]
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run([pandoc, *chapters, "--citeproc", *bibs, "-s", "-t", "typst",
                        "-o", f"{tmp}/t.typ"], check=True, capture_output=True)
        times["naive pandoc→typst"] = time.perf_counter() - t
        t = time.perf_counter()
        typst.compile(f"{tmp}/t.typ", output=f"{tmp}/t.pdf")
        times["naive typst.compile"] = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([pandoc, *chapters, "--citeproc", *bibs, "-o", f"{tmp}/t.docx"],
                       check=True, capture_output=True)
        times["naive pandoc→docx"] = time.perf_counter() - t
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--edit", action="store_true",
                        help="change one chapter before every run (a copy of the project), as an author does")
    args = parser.parse_args()
    project = args.project.resolve()
    # First, while this process is small: a forked child's peak RSS starts at its parent's.
    wall, peak = one_cli_build(project)
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as copy:
        if args.edit:
            shutil.copytree(project, Path(copy) / "p", ignore=shutil.ignore_patterns("build", ".git"))
            project = Path(copy) / "p"
        first, pages = one_run(project, Path(out))
        runs = [one_run(project, Path(out), i if args.edit else None)[0] for i in range(args.runs)]
    stages = list(runs[0])
    mode = "one chapter edited before each run" if args.edit else "no edits (warm caches)"
    print(f"project: {args.project} ({pages} PDF pages), {args.runs} runs after 1 warm-up, {mode}")
    print(f"{'stage':<22}{'median ms':>10}{'min ms':>9}{'max ms':>9}")
    for stage in stages:
        values = [r[stage] * 1000 for r in runs]
        print(f"{stage:<22}{statistics.median(values):>10.0f}{min(values):>9.0f}{max(values):>9.0f}")
    print(f"{'first run (cold)':<22}{first['total'] * 1000:>10.0f}")
    print(f"peak memory of this benchmark process (all runs): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"one `python build.py` as a separate process: {wall * 1000:.0f} ms wall, "
          f"peak RSS {peak / 1024:.0f} MiB (the largest of the build and its pandoc children)")
    if args.baseline:
        for name, value in baseline(project).items():
            print(f"{name:<22}{value * 1000:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
