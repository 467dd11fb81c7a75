#!/usr/bin/env python3
"""Benchmark the build against the naive tool sequence, run side by side, medians over runs.

    python bench/bench.py                  # the thesis in this repository
    python bench/bench.py --runs 9 --project tests/projects/minimal
    python bench/bench.py --scale 5        # also a 5x thesis made from content/ (bench/scale.py)
    python bench/bench.py --watch-runs 0   # without the watch rows

Reported (each a median of --runs, the naive sequence measured in the same run):
- naive: pandoc → Typst (with citeproc), typst.compile, pandoc → DOCX (with citeproc), one after another;
- cold: `python build.py` as a separate process into a fresh output folder (the user's shared
  cache of tool-only artefacts, `thesis/toolcache.py`, as a previous build left it), and once
  more with that cache empty too (the first build on a machine);
- warm: the same with the caches of the previous build;
- watch: one word edited in one chapter, rebuilt by a running watch (both outputs; from the
  save, through the file watcher, to the outputs written, and the rebuild alone), each edit
  saved --watch-pause seconds after the previous rebuild's line (the author reading it; what
  the watch does meanwhile, such as the Typst child ageing its cache, is then done), and the
  watch's memory (its process tree) after the edits;
- stages of an in-process warm build;
- peak memory summed over the whole process tree (build + pandoc + Typst children),
  sampled every 10 ms;
- CPU time (user + system) of every row, children included: on a shared 2-core machine the
  wall times move with the load, the CPU times much less.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def cpu_seconds(own: bool = True) -> float:
    """User + system time of the waited-for children so far, and of this process (`own`)."""
    usage = [resource.getrusage(resource.RUSAGE_CHILDREN)] + ([resource.getrusage(resource.RUSAGE_SELF)] if own else [])
    return sum(u.ru_utime + u.ru_stime for u in usage)


def naive(project: Path) -> tuple[float, float]:
    """The plain sequence an author could script: pandoc → Typst → PDF, then pandoc → DOCX
    (wall and CPU seconds; Typst compiles in this process)."""
    import pypandoc
    import typst
    pandoc = pypandoc.get_pandoc_path()
    chapters = sorted(str(p) for p in (project / "content").glob("*.md"))
    bibs = [f"--bibliography={p}" for p in sorted((project / "bibliography").glob("*.bib"))]
    csl = ["--csl", str(ROOT / "styles" / "gost-r-7.0.5-note.csl")]
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), cpu_seconds()
        subprocess.run([pandoc, *chapters, "--citeproc", *bibs, *csl, "-s", "-t", "typst", "-o", f"{tmp}/t.typ"],
                       check=True, capture_output=True)
        typst.compile(f"{tmp}/t.typ", output=f"{tmp}/t.pdf")
        subprocess.run([pandoc, *chapters, "--citeproc", *bibs, *csl, "-o", f"{tmp}/t.docx"],
                       check=True, capture_output=True)
        return time.perf_counter() - start, cpu_seconds() - cpu


def cli_build(project: Path, out: Path, shared_cache: Path | None = None) -> tuple[float, float, float]:
    """Wall time, peak process-tree memory and CPU time of `python build.py` as a separate
    process (`shared_cache`: the user's shared cache folder to use instead of the usual one)."""
    cmd = [sys.executable, str(ROOT / "build.py"), "--quiet", "--project", str(project), "--out", str(out)]
    env = {**os.environ, **({"THESIS_CACHE_DIR": str(shared_cache)} if shared_cache else {})}
    # Python as installed writes the bytecode of the package once; a sandbox that sets
    # PYTHONDONTWRITEBYTECODE makes every build compile it again (~200 ms, measured)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start, cpu = time.perf_counter(), cpu_seconds(own=False)  # not the sampler's own time
    proc = subprocess.Popen(cmd, env=env)
    with PeakSampler(proc.pid) as sampler:
        proc.wait()
    if proc.returncode:
        raise SystemExit(f"build failed: {cmd}")
    return time.perf_counter() - start, sampler.peak, cpu_seconds(own=False) - cpu


def watch_edits(project: Path, runs: int, pause: float) -> tuple[list[float], list[float], float, float, dict]:
    """A running watch (`Watcher.run`, its file watcher included) after one-word edits, each
    saved `pause` seconds after the last rebuild's line (the author reading it): the time from
    the save to both outputs written, the rebuild's own time, the watch's memory after the
    first build and after all."""
    from thesis.watch import Watcher
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "p"
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build", ".git"))
        built: list[tuple[float, object]] = []
        done = threading.Event()

        def on_build(outcome) -> None:  # called once both outputs are written
            built.append((time.perf_counter(), outcome))
            done.set()

        watcher = Watcher(copy, Options(), on_build=on_build)
        loop = threading.Thread(target=watcher.run, daemon=True)
        loop.start()
        if not done.wait(120):
            raise SystemExit("the watch's first build did not finish")
        first = tree_rss_mb(os.getpid())
        chapter = sorted((copy / "content").glob("*.md"))[1]
        text, saved, rebuilt, stages = chapter.read_text(encoding="utf-8"), [], [], {}
        for i in range(runs):
            time.sleep(pause)
            done.clear()
            start = time.perf_counter()
            chapter.write_text(text.replace("интеграция", f"интеграция{i}", 1), encoding="utf-8")
            if not done.wait(30):
                raise SystemExit("the watch did not rebuild after an edit")
            end, outcome = built[-1]
            if not outcome.ok:
                raise SystemExit("a rebuild failed")
            saved.append(end - start)
            rebuilt.append(outcome.seconds)
            for stage, seconds in outcome.timings.items():
                stages.setdefault(stage, []).append(seconds)
        time.sleep(pause)  # the last rebuild's collection and trim done
        last = tree_rss_mb(os.getpid())
        watcher.close()
        loop.join(10)
    return saved, rebuilt, first, last, stages


def side_by_side(project: Path, runs: int) -> dict[str, list[tuple[float, float, float]]]:
    """Each run: the naive sequence, a cold build, a warm one, a cold one with an empty shared
    cache (wall s, peak MiB, CPU s each)."""
    rows: dict[str, list] = {"naive": [], "cold": [], "warm": [], "first": []}
    for _ in range(runs):
        wall, cpu = naive(project)
        rows["naive"].append((wall, 0.0, cpu))
        with tempfile.TemporaryDirectory() as out:
            rows["cold"].append(cli_build(project, Path(out)))
            rows["warm"].append(cli_build(project, Path(out)))
        with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as shared:
            rows["first"].append(cli_build(project, Path(out), Path(shared)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--watch-runs", type=int, default=20, help="0: no watch rows")
    parser.add_argument("--watch-pause", type=float, default=0.5,
                        help="seconds between a rebuild and the next edit (0: edits back to back)")
    parser.add_argument("--scale", type=int, default=0, help="also build an N-times thesis")
    args = parser.parse_args()
    project = args.project.resolve()
    measured = side_by_side(project, args.runs)
    median = {name: [statistics.median(r[i] for r in runs) for i in range(3)] for name, runs in measured.items()}
    peak = {name: max(r[1] for r in runs) for name, runs in measured.items()}
    base = median["naive"][0]
    names = {"naive": "naive sequence (pandoc→typst→pdf, pandoc→docx)",
             "cold": "cold `python build.py` (fresh output folder)",
             "first": "cold, and the shared tool cache empty too", "warm": "warm `python build.py`"}
    print(f"project: {args.project}, medians of {args.runs} runs (watch: {args.watch_runs} edits, "
          f"{args.watch_pause:g} s apart)")
    print(f"{'':<58}{'ms':>8}{'× naive':>9}{'CPU ms':>8}{'peak MiB':>10}")
    for key, name in names.items():
        wall, _, cpu = median[key]
        print(f"{name:<58}{wall * 1000:>8.0f}{wall / base:>9.2f}{cpu * 1000:>8.0f}"
              f"{(f'{peak[key]:.0f}' if peak[key] else ''):>10}")
    if args.watch_runs:
        saved, rebuilt, first, last, stages = watch_edits(project, args.watch_runs, args.watch_pause)
        name = "watch: one-word edit saved → both outputs written"
        print(f"{name:<58}{statistics.median(saved) * 1000:>8.0f}{statistics.median(saved) / base:>9.2f}")
        name = "  of which the rebuild (the rest: the file watcher)"
        print(f"{name:<58}{statistics.median(rebuilt) * 1000:>8.0f}{statistics.median(rebuilt) / base:>9.2f}")
        print(f"watch process tree: {first:.0f} MiB after the first build, {last:.0f} MiB after "
              f"{args.watch_runs} rebuilds ({last - first:+.0f} MiB)")
        print("watch rebuild stages (medians, ms; the writers run side by side): " +
              ", ".join(f"{stage} {statistics.median(values) * 1000:.0f}" for stage, values in stages.items()))
    if args.scale:
        scaled(project, args.scale, median["cold"][0])
    return 0


def scaled(project: Path, times: int, one: float) -> None:
    """A cold build of an N-times thesis: its time against the 1× cold build, its peak memory."""
    big = Path(tempfile.mkdtemp()) / "big"
    subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), str(project), str(big), str(times)], check=True)
    with tempfile.TemporaryDirectory() as out:
        seconds, peak, cpu = cli_build(big, Path(out))
    print(f"{times}x thesis, cold: {seconds * 1000:.0f} ms = {seconds / one:.2f}× the 1x cold build, "
          f"CPU {cpu * 1000:.0f} ms, peak process tree {peak:.0f} MiB")
    shutil.rmtree(big.parent)


if __name__ == "__main__":
    sys.exit(main())
