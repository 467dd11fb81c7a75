#!/usr/bin/env python3
"""Benchmark the build against the naive tool sequence, run side by side, medians over runs.

    python bench/bench.py                  # the thesis in this repository
    python bench/bench.py --runs 9 --project tests/projects/minimal
    python bench/bench.py --scale 5        # also a 5x thesis made from content/ (bench/scale.py)

Reported (each a median of --runs, the naive sequence measured in the same run):
- naive: pandoc → Typst (with citeproc), typst.compile, pandoc → DOCX (with citeproc), one after another;
- cold: `python build.py` as a separate process into a fresh output folder;
- warm: the same with the caches of the previous build;
- watch: one word edited in one chapter, rebuilt by a running watch (both outputs), and the
  watch's memory (its process tree) after the edits;
- stages of an in-process warm build;
- peak memory summed over the whole process tree (build + pandoc + Typst children),
  sampled every 10 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thesis.context import Options  # noqa: E402
from thesis.diagnostics import Reporter  # noqa: E402


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MiB), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total / 2**20


class PeakSampler:
    """The largest process-tree RSS of `pid` while the block runs."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def __enter__(self):
        def sample():
            while not self._stop.is_set():
                self.peak = max(self.peak, tree_rss_mb(self.pid))
                time.sleep(0.01)
        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def naive(project: Path) -> float:
    """The plain sequence an author could script: pandoc → Typst → PDF, then pandoc → DOCX."""
    import pypandoc
    import typst
    pandoc = pypandoc.get_pandoc_path()
    chapters = sorted(str(p) for p in (project / "content").glob("*.md"))
    bibs = [f"--bibliography={p}" for p in sorted((project / "bibliography").glob("*.bib"))]
    csl = ["--csl", str(ROOT / "styles" / "gost-r-7.0.5-note.csl")]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([pandoc, *chapters, "--citeproc", *bibs, *csl, "-s", "-t", "typst", "-o", f"{tmp}/t.typ"],
                       check=True, capture_output=True)
        typst.compile(f"{tmp}/t.typ", output=f"{tmp}/t.pdf")
        subprocess.run([pandoc, *chapters, "--citeproc", *bibs, *csl, "-o", f"{tmp}/t.docx"],
                       check=True, capture_output=True)
        return time.perf_counter() - start


def cli_build(project: Path, out: Path) -> tuple[float, float]:
    """Wall time and peak process-tree memory of `python build.py` as a separate process."""
    cmd = [sys.executable, str(ROOT / "build.py"), "--quiet", "--project", str(project), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    with PeakSampler(proc.pid) as sampler:
        proc.wait()
    if proc.returncode:
        raise SystemExit(f"build failed: {cmd}")
    return time.perf_counter() - start, sampler.peak


def watch_edits(project: Path, runs: int) -> tuple[list[float], float, float, dict]:
    """Rebuild times of a watch after one-word edits; its memory after the first build and after all."""
    from thesis.watch import Watcher
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "p"
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build", ".git"))
        watcher = Watcher(copy, Options(), on_build=lambda outcome: None)
        watcher.build_once()
        first = tree_rss_mb(os.getpid())
        chapter = sorted((copy / "content").glob("*.md"))[1]
        text, times, stages = chapter.read_text(encoding="utf-8"), [], {}
        for i in range(runs):
            chapter.write_text(text.replace("интеграция", f"интеграция{i}", 1), encoding="utf-8")
            outcome = watcher.build_once()
            times.append(outcome.seconds)
            for stage, seconds in outcome.timings.items():
                stages.setdefault(stage, []).append(seconds)
        last = tree_rss_mb(os.getpid())
        watcher.close()
    return times, first, last, stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--watch-runs", type=int, default=20)
    parser.add_argument("--scale", type=int, default=0, help="also build an N-times thesis")
    args = parser.parse_args()
    project = args.project.resolve()
    rows = []
    naive_times, cold, warm = [], [], []
    for _ in range(args.runs):
        naive_times.append(naive(project))
        with tempfile.TemporaryDirectory() as out:
            cold.append(cli_build(project, Path(out)))
            warm.append(cli_build(project, Path(out)))
    base = statistics.median(naive_times)
    rows.append(("naive sequence (pandoc→typst→pdf, pandoc→docx)", base, None))
    rows.append(("cold `python build.py` (fresh output folder)", statistics.median(t for t, _ in cold),
                 max(m for _, m in cold)))
    rows.append(("warm `python build.py`", statistics.median(t for t, _ in warm), max(m for _, m in warm)))
    times, first, last, stages = watch_edits(project, args.watch_runs)
    rows.append((f"watch: one-word edit → both outputs ({args.watch_runs} edits)", statistics.median(times), None))
    print(f"project: {args.project}, medians of {args.runs} runs (watch: {args.watch_runs} edits)")
    print(f"{'':<58}{'ms':>8}{'× naive':>9}{'peak MiB':>10}")
    for name, seconds, peak in rows:
        print(f"{name:<58}{seconds * 1000:>8.0f}{seconds / base:>9.2f}{(f'{peak:.0f}' if peak else ''):>10}")
    print(f"watch process tree: {first:.0f} MiB after the first build, {last:.0f} MiB after "
          f"{args.watch_runs} rebuilds ({last - first:+.0f} MiB)")
    print("watch rebuild stages (medians, ms; the writers run side by side): " +
          ", ".join(f"{stage} {statistics.median(values) * 1000:.0f}" for stage, values in stages.items()))
    if args.scale:
        big = Path(tempfile.mkdtemp()) / "big"
        subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), str(project), str(big), str(args.scale)],
                       check=True)
        one = statistics.median(t for t, _ in cold)
        with tempfile.TemporaryDirectory() as out:
            seconds, peak = cli_build(big, Path(out))
        print(f"{args.scale}x thesis, cold: {seconds * 1000:.0f} ms = {seconds / one:.2f}× the 1x cold build, "
              f"peak process tree {peak:.0f} MiB")
        shutil.rmtree(big.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
