"""The one module that runs pandoc (from the pypandoc-binary wheel).

Pandoc runs as a child process under a time and memory limit (some inputs make
its parser run for minutes); its stderr becomes diagnostics.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import resource
import signal
import subprocess
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import orjson

from .diagnostics import Reporter, UserError
from .files import json_bytes
from .outputs import Interrupted

# Backstop for inputs the guards (thesis/guards.py) do not know: one pandoc run may take this
# long. The real thesis parses in under a second; a 1 MB paragraph in ~4 s (measured).
TIMEOUT_S = 30
MEMORY_LIMIT = 4 * 1024**3

# Raw HTML/TeX are read as raw elements (never printed as text): `rawmarkup` decides what
# each means (comments dropped, \newpage a page break, equations math); typst/openxml checked.
READER = "markdown+mark"  # ==highlighted== (Obsidian's, Typora's) as a highlight, not text with "=="
LANG_TAGS = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US", "de": "de-DE", "fr": "fr-FR"}


@lru_cache(maxsize=1)
def executable() -> str:
    """Path of the bundled pandoc binary: the wheel's own file, found without importing
    pypandoc (its import pulls in urllib and http.client: ~40 ms of a cold build's critical
    path, several times that while the source lint holds the GIL). pypandoc decides only when
    $PYPANDOC_PANDOC names another pandoc or the wheel's file is missing."""
    if not os.environ.get("PYPANDOC_PANDOC"):
        spec = importlib.util.find_spec("pypandoc")
        for folder in (spec.submodule_search_locations or []) if spec else []:
            bundled = Path(folder) / "files" / "pandoc"
            if os.access(bundled, os.X_OK):
                return str(bundled)
    try:
        import pypandoc
        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:  # pragma: no cover - environment problem
        raise UserError(f"pandoc not found ({exc}); install the 'pypandoc-binary' wheel",
                        code="tool.pandoc") from None
    return path


@lru_cache(maxsize=1)
def version() -> str:
    """Pandoc's version, e.g. '3.9'."""
    out = subprocess.run([executable(), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    # `resource` is imported at module level: an import here, in a child forked while
    # another thread holds the import lock, would never return.
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


_SHELL = "/bin/sh"


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    """Pandoc started under its memory limit. A POSIX shell sets the limit and becomes pandoc
    (`ulimit -v`, then `exec`): without a `preexec_fn`, Python starts the child by vfork
    instead of copying the whole build process first (measured: 11 ms against 4 ms for a
    short pandoc run from a 150 MiB process, more as the process grows; a build runs pandoc up
    to 8 times). GHC's runtime must meet the limit at its start (it reserves its address space
    then), so the limit cannot be set on the running child from outside."""
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    pipes = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
    if os.access(_SHELL, os.X_OK):
        limit_kib = str(MEMORY_LIMIT // 1024)
        return subprocess.Popen([_SHELL, "-c", 'ulimit -v "$0" && exec "$@"', limit_kib, executable(), *args], **pipes)
    return subprocess.Popen([executable(), *args], preexec_fn=_limit_memory, **pipes)  # pragma: no cover


# Pandoc processes running now (the writers run in threads): an interrupt kills them,
# so Ctrl-C or SIGTERM stops the build at once instead of after pandoc has finished.
_running: set[subprocess.Popen] = set()
_stopped = 0  # the signal that stopped the build (0: none)


def stop_all(signum: int = signal.SIGINT) -> None:
    """Kill every running pandoc and refuse to start new ones (called on an interrupt)."""
    global _stopped
    _stopped = signum
    for proc in list(_running):  # list(): a signal handler may run while a thread adds one
        try:
            proc.kill()
        except OSError:
            pass


def checkpoint() -> None:
    """Raise the interrupt that stopped the build, if one did (its handler may not raise where
    the signal lands: see cli.interrupts_stop_the_build); called between the build's steps."""
    if _stopped:
        raise Interrupted(_stopped)


def resume() -> None:
    """Allow pandoc to run again (after an interrupted build, in the same process)."""
    global _stopped
    _stopped = 0


def run(args: list[str], stdin: bytes, cwd: Path, what: str) -> tuple[bytes, str]:
    """Pandoc's stdout and stderr for `args`; a failure or a time-out is a UserError."""
    if _stopped:  # the interrupt itself, even where its first raise got lost (a finalizer ran it)
        raise Interrupted(_stopped)
    proc = _start(args, cwd)
    _running.add(proc)
    try:
        with proc:
            try:
                stdout, raw_err = proc.communicate(stdin, timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise UserError(f"pandoc took longer than {TIMEOUT_S} s {what}; the input probably "
                                "has a pathological construct (simplify it or split the chapter)",
                                code="tool.timeout") from None
            except BaseException:  # an interrupt: never leave pandoc running
                proc.kill()
                raise
    finally:
        _running.discard(proc)
    stderr = raw_err.decode("utf-8", "replace")
    if proc.returncode != 0:
        if _stopped:
            raise Interrupted(_stopped)
        if "out of memory" in stderr.lower() or "heap overflow" in stderr.lower():
            limit = f"{MEMORY_LIMIT / 1024**3:g} GiB" if MEMORY_LIMIT >= 1024**3 else f"{MEMORY_LIMIT // 1024**2} MiB"
            raise UserError(f"pandoc ran out of memory ({limit}) {what}; the input "
                            "probably has a pathological construct", code="tool.memory")
        message = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"
        error = UserError(f"pandoc failed {what}: {message}", code="tool.pandoc")
        error.stderr = stderr  # the whole of it: `locate` reads the file and line pandoc names
        raise error
    return stdout, stderr


def metadata_block(meta: dict) -> bytes:
    """A YAML metadata block for pandoc's stdin (values are JSON strings: valid YAML)."""
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return ("\n".join(lines + ["...", ""])).encode()


def parse(chapters: list[Path], cwd: Path, language: str, nocite: list[str], reporter: Reporter) -> dict:
    """The whole thesis as one pandoc JSON AST in one run, no citeproc (the parse stage reads the
    thesis in parts, parse.py, and uses this where they would not read alike), a failure named
    at its chapter and line."""
    args = ["--from", READER, "--to", "json", *[str(p) for p in chapters], "-"]
    from . import guards
    try:
        stdout, stderr = run(args, metadata_block(_citeproc_settings(language, nocite)), cwd, "reading the chapters")
        doc = guards.decode(stdout)
    except UserError as exc:
        if exc.diagnostic.code != "tool.pandoc":
            raise
        raise locate(chapters, cwd, exc) from None
    except guards.TooDeep as exc:
        raise locate_too_deep(chapters, cwd, exc) from None
    report(stderr, reporter)
    return doc


def read(text: str, cwd: Path, what: str) -> tuple[dict, str]:
    """One part of a chapter as pandoc JSON (no citeproc) and pandoc's stderr."""
    from . import guards
    stdout, stderr = run(["--from", READER, "--to", "json"], text.encode(), cwd, what)
    return guards.decode(stdout), stderr


def citeproc(doc: dict, cwd: Path, bibliography: list[Path], csl: Path | None) -> tuple[dict, str]:
    """`doc` (pandoc JSON) with its citations resolved by citeproc, and pandoc's stderr."""
    args = ["--from", "json", "--to", "json", "--citeproc", *[f"--bibliography={p}" for p in bibliography]]
    if csl:
        args.append(f"--csl={csl}")
    stdout, stderr = run(args, json_bytes(doc), cwd, "resolving the citations")
    return orjson.loads(stdout), stderr  # the parts it reads passed the nesting guard (guards.decode)


@lru_cache(maxsize=8)
def _meta(block: bytes, cwd: Path) -> str:
    stdout, _ = run(["--from", READER, "--to", "json"], block, cwd, "reading the metadata")
    return json.dumps(json.loads(stdout)["meta"])


def citeproc_meta(language: str, nocite: list[str], cwd: Path) -> dict:
    """The metadata a citeproc run reads (as `parse` gives it through its YAML block)."""
    return json.loads(_meta(metadata_block(_citeproc_settings(language, nocite)), cwd))


def _citeproc_settings(language: str, nocite: list[str]) -> dict:
    return {"lang": LANG_TAGS[language],
            "nocite": ", ".join("@" + key for key in nocite),
            "link-citations": True, "suppress-bibliography": False,
            # GOST: the note mark stands right after the word, before the punctuation.
            "notes-after-punctuation": False}


def _parse_alone(chapter: Path, cwd: Path) -> bytes:
    stdout, _ = run(["--from", READER, "--to", "json", str(chapter)], b"", cwd, f"reading {chapter.name}")
    return stdout


def locate(chapters: list[Path], cwd: Path, error: UserError) -> UserError:
    """The combined parse failed: the same error at the chapter and line that caused it (pandoc's
    own position, else the chapter that fails alone, else a metadata block never closed)."""
    from . import guards
    from .files import read_text
    message = error.diagnostic.message.replace("pandoc failed reading the chapters: ", "")
    by_name = {str(p): p for p in chapters} | {p.name: p for p in chapters}
    position = guards.pandoc_position(getattr(error, "stderr", ""))
    if position and position[0] in by_name:
        path = by_name[position[0]]
        opened = guards.unclosed_metadata(read_text(path))
        if opened is not None:
            return _unclosed(path, opened, message)
        return UserError(f"pandoc: {message}", path, position[1], "tool.pandoc")
    for path in chapters:
        try:
            _parse_alone(path, cwd)
        except UserError as alone:
            if alone.diagnostic.code != "tool.pandoc":
                raise
            where = guards.pandoc_position(getattr(alone, "stderr", ""))
            text = alone.diagnostic.message.split(": ", 1)[-1]
            return UserError(f"pandoc: {text}", path, where[1] if where else None, "tool.pandoc")
    for path in chapters:
        opened = guards.unclosed_metadata(read_text(path))
        if opened is not None:
            return _unclosed(path, opened, message)
    return error


def _unclosed(path: Path, line: int, message: str) -> UserError:
    return UserError(f"a metadata block opens here and is never closed, so pandoc reads on into the "
                     f"next chapter ({message}): close it with '---' or '...', or leave a blank line "
                     "after '---' if it is a horizontal rule", path, line, "source.metadata")


def locate_too_deep(chapters: list[Path], cwd: Path, error) -> UserError:
    """The combined AST nests too deep: the chapter (parsed alone) and line where it does."""
    from . import guards
    from .files import read_text
    for path in chapters:
        try:
            guards.decode(_parse_alone(path, cwd))
        except guards.TooDeep as exc:
            return guards.too_deep_error(exc, path, read_text(path))
    return guards.too_deep_error(error, None)


def bibtex_to_csl(paths: list[Path], cwd: Path) -> list[dict]:
    """The BibLaTeX files as CSL JSON items (pandoc's own field mapping)."""
    items: list[dict] = []
    for path in paths:
        with bibtex_errors_at(path):
            stdout, _ = run(["--from", "biblatex", "--to", "csljson", str(path)], b"", cwd,
                            f"reading {path.name}")
        items += json.loads(stdout)
    return items


_BIBTEX_AT = re.compile(r'Error at (?:"[^"]*" )?\(line (?P<line>\d+), column (?P<column>\d+)\):\n(?P<reason>[^\n]*)')


@contextmanager
def bibtex_errors_at(path: Path):
    """Pandoc's refusal of a .bib (the build's own reading let it pass) as an error at the file,
    line and column pandoc names, with its reason: its message ends with the line's text and a
    caret, which alone told nothing."""
    try:
        yield
    except UserError as error:
        found = _BIBTEX_AT.search(getattr(error, "stderr", ""))
        if error.diagnostic.code != "tool.pandoc" or found is None:
            raise
        located = UserError(f"pandoc cannot read this BibTeX: {found['reason'].strip()}", path, int(found["line"]),
                            "bib.syntax")
        located.diagnostic = dataclasses.replace(located.diagnostic, column=int(found["column"]))
        located.diagnostics = [located.diagnostic]
        raise located from None


def write(doc: dict, to: str, cwd: Path, extra: list[str] = (), binary: bool = False) -> bytes:
    """The AST rendered by one of pandoc's writers; `binary` for a zipped format (pandoc
    writes those to stdout only when told to)."""
    args = ["--from", "json", "--to", to, *extra]
    if binary:
        args += ["--output", "-"]
    stdout, _ = run(args, json_bytes(doc), cwd, f"writing {to}")
    return stdout


_WARNING = re.compile(r"^\[WARNING\]\s*(.*)$")
_NOT_FOUND = re.compile(r"^Citeproc: citation \S+ not found")  # crossref keys never reach citeproc


def report(stderr: str, reporter: Reporter) -> None:
    """Pandoc's own warnings, but for unknown citation keys: the build's citation check
    reports those with their chapter file and line."""
    for line in stderr.splitlines():
        match = _WARNING.match(line.strip())
        if match and not _NOT_FOUND.match(match.group(1)):
            reporter.warn(f"pandoc: {match.group(1)}", code="pandoc.warning")
