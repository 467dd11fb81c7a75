"""Command line: `thesis [pdf|docx ...] [--profile P] [--out DIR] [--strict] [--debug] [--quiet]`,
`thesis check [--fix]` (source lint) and `thesis new DIR [--profile P] [--language kk|ru|en]`.

Exit codes: 0 built, 1 user error (one line per problem), 2 usage error, 3 internal
error, 128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM): nothing half-written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

# Light imports only: the build's own (Typst, Jinja, pandoc glue) are imported inside
# main() once SIGTERM/SIGINT are handled, so even an early signal ends in one line.
from . import __version__, pandoc
from .diagnostics import Reporter, UserError
from .exits import exit_code
from .outputs import SIGNALS, Interrupted
from .writers import DEFAULT_TARGETS, WRITERS


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="thesis", description="Build the thesis PDF and DOCX from Markdown and BibTeX.")
    p.add_argument("targets", nargs="*", choices=[[], *WRITERS], metavar="TARGET",
                   help="; ".join(f"{w.name}: {w.help}" for w in WRITERS.values())
                   + f" (default: {' and '.join(DEFAULT_TARGETS)})")
    p.add_argument("--profile", help="format profile (name in profiles/ or a path); overrides thesis.yaml")
    p.add_argument("--out", type=Path, help="output folder (default: build/)")
    p.add_argument("--project", type=Path, default=Path("."), help="thesis folder (default: here)")
    p.add_argument("--strict", action="store_true", help="fail on any warning (nothing is written)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="diagnostics as plain lines or GitHub annotations")
    p.add_argument("--release", action="store_true",
                   help="release mode (default when CI=true): number the DOCX contents from a LibreOffice layout")
    p.add_argument("--attach-sources", action="store_true",
                   help="attach thesis.yaml, the chapters and the .bib files inside the PDF (needs PDF/A-3b)")
    p.add_argument("--pdf-standard", type=_pdf_standard, metavar="STANDARD",
                   help="standard of the PDF: none, a-2b, a-3b, a-2a, a-3a (PDF/A), ua-1 (PDF/UA-1) or "
                        "both (a-2a+ua-1); default: the profile's pdf_standard")
    p.add_argument("--keep-typst", action="store_true", help="also write build/thesis.typ")
    p.add_argument("--version", action="version", version=f"thesis {__version__}")
    return p


def _pdf_standard(value: str) -> str:
    from .config import pdf_standard_problem
    if problem := pdf_standard_problem(value):
        raise argparse.ArgumentTypeError(problem)
    return value


def main(argv: list[str] | None = None) -> int:
    """The program (`argv` None: sys.argv; the process is expected to exit with the code:
    SIGINT/SIGTERM are left ignored) or a call from Python with `argv` (handlers restored)."""
    code = _main(argv)
    if argv is None and threading.current_thread() is threading.main_thread():
        # The process is ending with its outcome settled: a signal now is ignored, not left
        # to kill the interpreter mid-teardown (which resets Python handlers to the default).
        for sig in SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
    return code


def _main(argv: list[str] | None) -> int:
    as_program = argv is None  # then a signal after the build still ends the process in one line
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return command(argv[0], argv[1:])
    if argv and argv[0] in ("diff", "comments"):  # the supervisor's kit: its own verbs
        from .review_cli import main as review_main
        return review_main(argv, interrupts_stop_the_build)
    args = parser().parse_args(argv)
    reporter = Reporter(quiet=args.quiet, format=args.format)
    state = {"written": False}

    def run() -> int:
        # Called from Python, the caller's signal handlers come back afterwards.
        with interrupts_stop_the_build(state, restore=not as_program):
            from .build import Options, build
            options = Options(targets=tuple(dict.fromkeys(args.targets)) or DEFAULT_TARGETS,
                              profile=args.profile, out=args.out, strict=args.strict,
                              keep_typst=args.keep_typst, pdf_standard=args.pdf_standard,
                              attach_sources=args.attach_sources,
                              release=args.release or os.environ.get("CI", "").lower() == "true")
            result = build(args.project, options, reporter)
            state["written"] = True
            if not args.quiet:
                print(summary(result))
        return 0
    return exit_code(run, reporter, args.debug, state)


COMMANDS = ("check", "new", "watch", "preview", "bib")
MODULES = {"watch": "thesis.watch", "preview": "thesis.preview"}  # commands with a module of their own


def command(name: str, argv: list[str]) -> int:
    """`check`: the source lint (exit 1 while it finds something); `new`: a new thesis project;
    `bib`: another reference format as BibTeX; `watch`, `preview`: their modules' main()."""
    if name in MODULES:
        import importlib
        return importlib.import_module(MODULES[name]).main(argv)
    p = argparse.ArgumentParser(prog=f"thesis {name}")
    if name == "bib":
        p.add_argument("file", type=Path, help="a RIS, CSL JSON/YAML, EndNote XML or MEDLINE file")
        p.add_argument("-o", "--output", type=Path, help="the .bib to write (default: beside it)")
    elif name == "check":
        p.add_argument("--fix", action="store_true", help="apply the safe fixes (atomic rewrite)")
        p.add_argument("--project", type=Path, default=Path("."), help="thesis folder (default: here)")
        p.add_argument("--format", choices=["text", "github"], default="text")
    else:
        p.add_argument("dir", type=Path, help="the new project's folder (absent or empty)")
        p.add_argument("--profile", default="kz-diploma", help="format profile (default: kz-diploma)")
        p.add_argument("--language", choices=["kk", "ru", "en"], default="kk")
    args = p.parse_args(argv)
    reporter = Reporter(format=getattr(args, "format", "text"))
    try:
        if name == "bib":
            from .bibmend import convert_bibliography
            written = convert_bibliography(args.file, args.output)
            print(f"wrote {written}: list it under `bibliography:` in thesis.yaml")
            return 0
        if name == "new":
            from .scaffold import create
            create(args.dir, args.profile, args.language)
            print(f"created {args.dir}: build it with `python build.py --project {args.dir}`")
            return 0
        from .lint import fix_project, lint_project
        if args.fix:
            fixed = fix_project(args.project)
            print(f"fixed {sum(fixed.values())} finding(s) in {len(fixed)} file(s)")
        found = lint_project(args.project)
        for diag in found:
            print(reporter.render(diag))
        print(f"{len(found)} finding(s)", file=sys.stderr)
        return 1 if found else 0
    except UserError as exc:
        for diag in exc.diagnostics:
            print(reporter.render(diag), file=sys.stderr)
        return 1


@contextlib.contextmanager
def interrupts_stop_the_build(state: dict, restore: bool = True):
    """SIGTERM behaves like Ctrl-C: running pandoc processes are killed and the build
    stops with `Interrupted`; the outputs are replaced all together or not at all
    (see `outputs.commit`). Without `restore`, a signal after the block (the process is
    ending) prints its one line and exits at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        pandoc.stop_all(signum)  # pandoc killed; every later step raises (pandoc.checkpoint)
        if not _inside_import(frame):
            raise Interrupted(signum)

    def exit_now(signum, frame):
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            print(Interrupted(signum, state["written"]), file=sys.stderr, flush=True)
        os._exit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if restore:
                signal.signal(sig, signal.SIG_DFL if handler is None else handler)
            else:
                signal.signal(sig, exit_now)
        pandoc.resume()


def _inside_import(frame) -> bool:
    """Whether the main thread was stopped inside Python's import system. An exception raised
    there can leave the global import lock held (one raised in its weakref callback is even
    swallowed), and every thread's next import then waits forever: measured, 1 in ~50
    interrupts. The build stops at its next step instead."""
    while frame is not None:
        if "importlib" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def summary(result) -> str:
    """What was built (with each writer's detail and notes), warnings and stage times."""
    lines = []
    for name, path in result.outputs.items():
        detail = result.artefacts[name].detail
        lines.append(f"built {_show(path)}" + (f" ({detail})" if detail else ""))
    lines += [note for artefact in result.artefacts.values() for note in artefact.notes]
    hidden = f" ({result.suppressed} suppressed by thesis.yaml)" if result.suppressed else ""
    lines.append(f"warnings: {result.warnings}{hidden}")
    stages = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.timings.items())
    lines.append(f"time: {stages}")
    return "\n".join(lines)


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
