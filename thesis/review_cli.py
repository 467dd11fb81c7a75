"""The supervisor's commands that are not one build's outputs: `thesis diff OLD [NEW]` and
`thesis comments FILE` (`thesis review` is a target of the build: writers/review.py).

Same conventions as the build (cli.py): one line per user error (exit 1), usage errors
exit 2, a bug exits 3 (traceback with --debug), Ctrl-C/SIGTERM 128+N.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .diagnostics import Reporter, UserError
from .exits import exit_code

COMMANDS = ("diff", "comments")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="thesis", description="The supervisor's review kit.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", type=Path, default=Path("."), help="thesis folder (default: here)")
    common.add_argument("--out", type=Path, help="output folder (default: build/)")
    common.add_argument("--profile", help="format profile; overrides thesis.yaml")
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    common.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("diff", parents=[common],
                       help="build/thesis-diff.pdf and .docx: what changed between two versions")
    d.add_argument("old", help="git revision (tag, branch, commit) or folder of another copy")
    d.add_argument("new", nargs="?", help="the same; default: the working tree")
    c = sub.add_parser("comments", parents=[common],
                       help="a commented DOCX or annotated PDF back to chapter lines")
    c.add_argument("file", type=Path, help="the DOCX or PDF the supervisor sent back")
    c.add_argument("--format", choices=["text", "github"], default="text", help="plain lines or GitHub annotations")
    return p


def main(argv: list[str], guard) -> int:
    """Run a command; `guard(state)` is the build's interrupt handling (cli.interrupts_stop_the_build)."""
    args = parser().parse_args(argv)
    reporter = Reporter(quiet=args.quiet)
    def command() -> int:
        with guard({"written": False}):
            return run(args)
    return exit_code(command, reporter, args.debug)


def run(args) -> int:
    root = args.project
    out = args.out or root / "build"
    if args.command == "diff":
        from .compare import diff
        written, summary = diff(root, args.old, args.new, out, args.profile)
        for path in written:
            _say(args, f"built {path}")
        _say(args, f"words: +{summary.words_added} −{summary.words_removed}; footnotes: "
                   f"+{summary.notes_added} −{summary.notes_removed} ~{summary.notes_changed}; sources: "
                   f"+{len(summary.sources_added)} −{len(summary.sources_removed)}")
    else:
        from .comments import comments, github
        if not args.file.is_file():
            raise UserError(f"{args.file}: no such file", code="comments.file")
        remarks, path = comments(root, args.file, out, args.profile)
        for remark in remarks:
            print(github(remark) if args.format == "github" else remark.line())
        found = sum(1 for r in remarks if r.where)
        _say(args, f"{len(remarks)} remark(s), {found} found in the chapters; checklist: {path}", err=True)
    return 0


def _say(args, text: str, err: bool = False) -> None:
    if not args.quiet:
        print(text, file=sys.stderr if err else sys.stdout)
