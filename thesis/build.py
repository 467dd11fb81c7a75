"""The pipeline: load → parse → check → transform → write → commit.

Everything is gathered in memory first; files are written last, atomically, so a failed
build leaves the previous outputs untouched. Which module owns each stage: README,
"Architecture".
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_sources, run_checks
from .context import Options, Run, Stopwatch, Thesis
from .diagnostics import Reporter, UserError
from .document import Document
from .files import prune_cache, stamp
from .load import DEFAULT_EPOCH, load  # noqa: F401  (DEFAULT_EPOCH: part of the package face)
from .outputs import Interrupted, build_lock, commit
from .pandoc import checkpoint
from .parse import parse
from .transforms import transform
from .writers import WRITERS, Artefact

LEAD_WAIT_S = 5.0  # the other writers' wait for the leading one (writers.Writer.leads), bounded


@dataclass
class BuildResult:
    """What a build made (by writer name) and how long each stage took."""

    outputs: dict[str, Path] = field(default_factory=dict)    # writer → its main file
    artefacts: dict[str, Artefact] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    suppressed: int = 0  # warnings thesis.yaml's suppress_warnings kept out
    document: Document | None = None
    thesis: Thesis | None = None


def build(root: Path, options: Options, reporter: Reporter, session: dict | None = None) -> BuildResult:
    """Build the requested outputs of the thesis at `root` (`session`: what the writers keep
    between the builds of a watch)."""
    root = root.resolve()
    out_dir = (options.out or root / "build").resolve()
    run = Run(options, reporter, Stopwatch(), out_dir / ".cache", session if session is not None else {})
    try:
        with build_lock(out_dir, quiet=reporter.quiet), _collector_paused():  # builds in one folder share its .cache
            started = stamp(out_dir / ".cache" / "started")
            result = _build(root, out_dir, options, run)
            # what this build used kept, with a recent history; a failed build prunes nothing
            prune_cache(out_dir / ".cache", started)
    except Interrupted as exc:  # after the outputs were replaced (pruning the cache, say), it says so
        exc.written = exc.written or run.written
        raise
    return result


@contextmanager
def _collector_paused():
    """Python's cycle collector off for the build: the AST is ~10^5 acyclic dicts and lists,
    which the collector would walk again and again (~40 ms a watch rebuild); a watch collects
    between builds."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _build(root: Path, out_dir: Path, options: Options, run: Run) -> BuildResult:
    reporter = run.reporter
    writers = {name: WRITERS[name].load() for name in options.targets}
    warm_ups = [threading.Thread(target=w.warm_up, args=(options,), daemon=True)
                for w in writers.values() if hasattr(w, "warm_up")]
    for thread in warm_ups:  # e.g. the PDF writer's font scan, while pandoc parses
        thread.start()
    thesis, document = prepare(root, options, reporter, run.clock, run.cache)
    for thread in warm_ups:
        thread.join()
    checkpoint()
    leader = next((name for name in writers if WRITERS[name].leads), None) if len(writers) > 1 else None
    if leader is None:
        run.lead.set()

    def write(name: str, writer) -> Artefact:
        if name != leader:
            run.lead.wait(LEAD_WAIT_S)
        try:
            return writer.write(document, thesis, run)
        finally:
            run.lead.set()  # also when the leader failed: the others are not kept waiting

    with ThreadPoolExecutor(max_workers=len(writers) or 1) as pool:
        jobs = {name: pool.submit(write, name, w) for name, w in writers.items()}
        artefacts = {name: job.result() for name, job in jobs.items()}
    checkpoint()  # an interrupt whose handler could not raise stops the build before the outputs
    result = BuildResult(artefacts=artefacts, warnings=len(reporter.warnings), suppressed=reporter.suppressed,
                         document=document, thesis=thesis)
    if options.strict and result.warnings:
        raise UserError(f"{result.warnings} warning(s) and --strict: nothing written", code="build.strict")
    with run.clock.stage("write"):
        commit({out_dir / name: data for a in artefacts.values() for name, data in a.files.items()})
        run.written = True
    result.outputs = {name: out_dir / a.main for name, a in artefacts.items()}
    result.timings = run.clock.timings
    return result


def prepare(root: Path, options: Options, reporter: Reporter, clock: Stopwatch | None = None,
            cache: Path | None = None) -> tuple[Thesis, Document]:
    """The thesis loaded, parsed once, checked and transformed: what every writer starts from."""
    clock = clock or Stopwatch()
    cache = cache or (options.out or root / "build").resolve() / ".cache"
    with clock.stage("load"):
        thesis = load(root.resolve(), options, reporter)
    checkpoint()
    with ThreadPoolExecutor(max_workers=1) as pool:
        early = pool.submit(check_sources, thesis, cache)  # the sources' typography, while pandoc parses
        with clock.stage("parse"):
            document = parse(thesis, cache, reporter)
        checkpoint()
        with clock.stage("check"):
            run_checks(document, thesis, reporter, early.result())
    checkpoint()
    with clock.stage("transform"):
        transform(document, thesis)
    return thesis, document
