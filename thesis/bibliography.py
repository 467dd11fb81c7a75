"""The author's BibLaTeX files: loaded with bibtexparser 2.x, checked, and checked against the citations.

Pandoc reads the same `.bib` files itself for citeproc; this module only knows what
the project needs on top: where each entry is (file and line, for diagnostics), its
source-list group and its language (which words its footnotes use).

Every finding says where, as `bibliography/x.bib:LINE: level: message [code]`.
Warnings go to the reporter; errors are collected over all files and raised as one
`UserError` carrying all of them.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from . import bibmend, gost, pandoc
from .diagnostics import Diagnostic, Reporter, UserError, display_path
from .files import hit, inside, read_text, write_atomic

# biblatex `langid` → the language codes the style has words for (kk, ru, en, de, fr).
LANGIDS = gost.LANGIDS

# Fields an entry cannot do without, by biblatex type ("a|b": one of them).
REQUIRED = {
    "book": ["author|editor", "title", "date|year"],
    "collection": ["title", "date|year"],
    "incollection": ["title", "booktitle", "date|year"],
    "inbook": ["title", "booktitle", "date|year"],
    "inproceedings": ["title", "booktitle", "date|year"],
    "article": ["title", "journaltitle|journal", "date|year"],
    "thesis": ["author", "title", "date|year"],
    "phdthesis": ["author", "title", "date|year"],
    "mastersthesis": ["author", "title", "date|year"],
    "legislation": ["title", "date|year"],
    "legal": ["title", "date|year"],
    "online": ["title", "url"],
}
FIRST_YEAR = 1450  # printing; anything earlier in a thesis' sources is a typo
_KAZAKH = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
_CYRILLIC = re.compile("[А-Яа-яЁё]")
_LATIN = re.compile("[A-Za-z]")

# bibtexparser logs each failed block itself; the failures are reported here, with their file.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


@dataclass
class Entry:
    """One source: its key, biblatex type, raw fields, and where it is written."""

    key: str
    type: str
    fields: dict[str, str]
    path: Path
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)
    group: str = ""  # the source-list group: the `group` field, else the profile's for the type

    @property
    def langid(self) -> str:
        """The biblatex `langid` as written (lower case), '' if none."""
        return self.fields.get("langid", "").strip().lower()

    @property
    def language(self) -> str | None:
        """The entry's language as kk, ru, en, de or fr: its `langid` (or `language`), else the
        letters of its title (None: neither tells)."""
        return (LANGIDS.get(self.langid) or LANGIDS.get(self.fields.get("language", "").strip().lower())
                or self.inferred_language)

    @property
    def inferred_language(self) -> str | None:
        """The language the title's letters show: Kazakh letters kk, other Cyrillic ru, Latin en."""
        title = self.fields.get("title", "")
        if _KAZAKH.search(title):
            return "kk"
        if _CYRILLIC.search(title):
            return "ru"
        return "en" if _LATIN.search(title) else None

    def line_of(self, name: str) -> int:
        """The line of a field, or of the entry when the field is absent."""
        return self.field_lines.get(name, self.line)


@dataclass
class Bibliography:
    """All entries of all files, by key."""

    entries: dict[str, Entry] = field(default_factory=dict)
    # Entries lacking a field their type needs: an error if cited, else a warning (decided
    # by `check_citations`, which knows what the chapters cite).
    incomplete: dict[str, list[Diagnostic]] = field(default_factory=dict)
    # Keys of entries written but not readable (a syntax error): reported there, so a citation
    # of one is not also an "unknown key".
    unread: set[str] = field(default_factory=set)

    def language_of(self, key: str, default: str) -> str:
        """The language of a source (kk, ru, en), `default` when it has none."""
        entry = self.entries.get(key)
        return (entry.language if entry else None) or default


# ---------------------------------------------------------------- CSL items for citeproc



def csl_items(bib: Bibliography, paths: list[Path], cwd: Path, cache: Path, for_gost: bool = True) -> Path:
    """A CSL JSON file of the bibliography for citeproc, pandoc's mapping mended; cached
    by the files' content, so the conversion runs only when the BibTeX changes.
    `for_gost`: mended for the project's GOST style (titles as written, `gost-*` variables);
    otherwise pandoc's own mapping (sentence-cased English titles, as other CSL styles expect)."""
    digest = hashlib.sha256(f"{CSL_ITEMS_VERSION}{for_gost}{_CODE_HASH}".encode())
    for path in paths:
        digest.update(path.read_bytes())
    target = cache / f"bibliography-{digest.hexdigest()[:16]}.json"
    if not hit(target):
        converted = gost.bibtex_to_csl(paths, cwd, bib.entries) if for_gost else pandoc.bibtex_to_csl(paths, cwd)
        items = [mend_csl_item(item, bib.entries.get(item.get("id", "")), bib.entries if for_gost else None)
                 for item in converted]
        bibmend.math_as_text(items, cwd)
        write_atomic(target, json.dumps(items, ensure_ascii=False, indent=1).encode(), durable=False)
    return target


CSL_ITEMS_VERSION = "8"  # bump when mend_csl_item changes (the code below and gost.py's are part
# of the key too, so an edit never meets stale items)
_CODE_HASH = hashlib.sha256(b"".join(Path(m).read_bytes() for m in (__file__, gost.__file__, bibmend.__file__))
                            ).hexdigest()[:16]


def mend_csl_item(item: dict, entry: "Entry | None", entries: dict | None = None) -> dict:
    """One CSL item with what pandoc's biblatex mapping gets wrong for GOST put right.

    - `@periodical` (a whole issue of a newspaper or journal) becomes an article whose title
      is also its container: GOST describes the issue by its title alone, so the container
      goes ("Казахстанская правда. – 2001. – 15 апреля", not "… // Казахстанская правда").
    - `langid = kazakh` is left as "kazakh" by pandoc: it becomes the tag kk-KZ, like
      russian → ru-RU.
    - the rest (titles as written, compilers, translation and dissertation statements,
      four or more authors after the title): `gost.mend_item`; what exported and hand-typed
      .bib files get wrong: `bibmend`.
    `entries` None: for another CSL style, which gets pandoc's mapping with only what an
    exported .bib gets wrong mended (no GOST rule: four authors stay authors).
    """
    bibmend.names_and_links(item, entry.fields if entry is not None else {})
    if entries is not None:
        item = gost.mend_item(item, entry, entries, entry.language if entry else None)
    if entry is None:
        return item
    bibmend.hand_written(item, entry.fields)
    bibmend.as_exported(item, entry.language or "ru", for_gost=entries is not None)
    if entries is not None and len(item.get("author", [])) >= 4:  # GOST 7.1: the title first
        item["original-author"] = item.pop("author")
    if entry.type == "periodical" and item.get("container-title") == item.get("title"):
        item.pop("container-title", None)
    if entry.language:
        item["language"] = pandoc.LANG_TAGS[entry.language]
    return item


# ---------------------------------------------------------------- loading

def load_bibliography(paths: list[Path], reporter: Reporter, source_list=None) -> Bibliography:
    """Every entry of `paths`, checked; all errors at once as one UserError.

    `source_list` is the profile's source-list settings (`config.SourceList`): its groups
    (an entry naming another group is an error), the group of each entry type and the
    default group. Without it entries get only the group they name.
    """
    bib = Bibliography()
    findings: list[Diagnostic] = []
    for path in paths:
        try:
            text = read_text(path)
        except UserError as exc:
            findings.extend(exc.diagnostics)
            continue
        for entry in _parse(text, path, findings, bib.unread):
            entry.group = entry.fields.get("group", "").strip()
            if source_list is not None and not entry.group:
                entry.group = source_list.group_of_type.get(entry.type, source_list.default_group)
            _add(bib, entry, findings)
    for entry in bib.entries.values():  # after all files: a `crossref` parent may come later
        findings.extend(_check_entry(entry, source_list.groups if source_list is not None else None,
                                     bib.entries))
        if missing := missing_required(entry, bib.entries):
            bib.incomplete[entry.key] = missing
    order = {display_path(path): i for i, path in enumerate(paths)}
    findings.sort(key=lambda d: order.get(d.path, len(order)))  # file by file, as written
    findings = collapsed(findings, "bib.langid", lambda notes: (
        f"{len(notes)} entries of this file have no langid: the words of each come from the letters of its "
        "title (write langid = {russian}, {kazakh} or {english} where that is wrong)"))
    for diag in findings:
        if diag.level != "error":
            reporter.emit(diag)
    errors = [d for d in findings if d.level == "error"]
    if errors:
        exc = UserError.from_diagnostics(errors)
        exc.bibliography = bib  # what could be read: the build goes on to find the other problems
        raise exc
    return bib


def _parse(text: str, path: Path, errors: list[Diagnostic], unread: set[str]) -> list[Entry]:
    """The entries of one file; its syntax errors and in-file duplicates appended to `errors`."""
    library = _library(text)
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            errors.append(_duplicate(block.key, path, line, path, block.previous_block.start_line + 1,
                                     _same(block.previous_block, block.ignore_error_block)))
        elif isinstance(block, ParsingFailedBlock):
            key = re.match(r"\s*@\w+\s*\{\s*([^,\s{}]+)\s*,", block.raw or "")
            entry = f" (entry {key.group(1)!r})" if key else ""
            errors.append(_error(path, line, f"syntax error: {_reason(block)}{entry}", "bib.syntax"))
            if key:
                unread.add(key.group(1))
    entries = []
    for raw in library.entries:
        fields = {f.key.lower(): str(f.value).strip() for f in raw.fields}
        lines = {f.key.lower(): f.start_line + 1 for f in raw.fields}
        entries.append(Entry(raw.key, raw.entry_type.lower(), fields, path, raw.start_line + 1, lines))
    return entries


@lru_cache(maxsize=8)
def _library(text: str):
    """bibtexparser's reading of a .bib text, remembered (a watch reads the .bib every rebuild;
    ~5 ms for the thesis's): only read here, never changed."""
    return bibtexparser.parse_string(text)


def _reason(block: ParsingFailedBlock) -> str:
    """bibtexparser's reason for a failed block, e.g. "unexpected block start: `@book`"."""
    reason = str(getattr(block.error, "abort_reason", "") or "").strip().rstrip(".")
    return (reason[:1].lower() + reason[1:]) if reason else "this entry cannot be read"


def _add(bib: Bibliography, entry: Entry, errors: list[Diagnostic]) -> None:
    """`entry` added, unless its key is taken (a warning for the same entry again, an error
    for another one under the same key)."""
    first = bib.entries.get(entry.key)
    if first is None:
        bib.entries[entry.key] = entry
        return
    same = (first.type, first.fields) == (entry.type, entry.fields)
    errors.append(_duplicate(entry.key, entry.path, entry.line, first.path, first.line, same))


def _same(a, b) -> bool:
    """Whether two bibtexparser entries are the same source written twice."""
    fields = lambda e: (e.entry_type.lower(), {f.key.lower(): str(f.value).strip() for f in e.fields})
    return fields(a) == fields(b)


def _duplicate(key: str, path: Path, line: int, first_path: Path, first_line: int, same: bool) -> Diagnostic:
    where = f"{display_path(first_path)}:{first_line}"
    if same:  # Zotero and Scholar exports repeat entries: harmless, the first is used
        return Diagnostic("warning", f"{key!r} is written twice, the same both times (first at {where}): "
                          "the second is ignored", display_path(path), line, "bib.duplicate")
    return _error(path, line, f"duplicate key {key!r} for a different entry (first defined at {where})",
                  "bib.duplicate")


def collapsed(found: list[Diagnostic], code: str, say: Callable[[list[Diagnostic]], str]) -> list[Diagnostic]:
    """`found` with more than MANY_UNCITED findings of `code` in one file (a reference manager's
    whole library exported) as one, the first of them, saying `say(all of them)`: one line, not
    thousands. The order of `found` is kept."""
    by_file: dict[str | None, list[Diagnostic]] = {}
    for d in found:
        if d.code == code:
            by_file.setdefault(d.path, []).append(d)
    many = [group for group in by_file.values() if len(group) > MANY_UNCITED]
    if not many:
        return found
    first = {id(group[0]): say(group) for group in many}
    dropped = {id(d) for group in many for d in group[1:]}
    return [dataclasses.replace(d, message=first[id(d)]) if id(d) in first else d for d in found if id(d) not in dropped]


def _check_entry(entry: Entry, groups: list[str] | None, entries: dict[str, Entry]) -> list[Diagnostic]:
    """The problems of one entry: missing fields (those inherited through `crossref` and
    `xdata` count, as in biblatex), unknown parents, group, year, language."""
    found = []
    for name in ("crossref", "xdata"):
        for key in filter(None, (k.strip() for k in entry.fields.get(name, "").split(","))):
            if key not in entries:
                found.append(_error(entry.path, entry.line_of(name),
                                    f"{name} {key!r} of {entry.key!r} is not in the bibliography",
                                    "bib.crossref"))
    if groups is not None and entry.group not in groups:
        found.append(_error(entry.path, entry.line_of("group"),
                            f"unknown group {entry.group!r} in {entry.key!r} (known: {', '.join(groups)})",
                            "bib.group"))
    found += _check_year(entry)
    if re.search(r"\s", entry.key):
        found.append(_error(entry.path, entry.line, f"key {entry.key!r} has a space in it: a key is one word "
                            "(pandoc cannot read the entry)", "bib.syntax"))
    for role in bibmend.NAME_ROLES:
        if (names := bibmend.listed_names(entry.fields.get(role, ""))) is not None:
            found.append(Diagnostic("warning", f"{role} of {entry.key!r} lists its names with commas or semicolons: "
                                    f"BibTeX separates names with 'and' (read here as {len(names)} names: "
                                    f"{' and '.join(names)})", display_path(entry.path), entry.line_of(role),
                                    "bib.names"))
    if not entry.langid and not entry.fields.get("language") and entry.inferred_language:
        found.append(Diagnostic("note", f"{entry.key!r} has no langid: its words are "
                                f"{entry.inferred_language!r}, from the letters of its title",
                                display_path(entry.path), entry.line, "bib.langid"))
    if entry.langid and entry.language is None:
        found.append(Diagnostic("warning", f"langid {entry.langid!r} of {entry.key!r} is not "
                                f"one of {', '.join(sorted(k for k in LANGIDS if len(k) > 2))}",
                                display_path(entry.path), entry.line_of("langid"), "bib.langid"))
    return found


def missing_required(entry: Entry, entries: dict[str, Entry]) -> list[Diagnostic]:
    """The fields an entry of its type cannot do without (inherited ones count, as in biblatex)."""
    fields = gost.inherited(entry, entries)
    found = []
    for need in REQUIRED.get(entry.type, ["title"]) if entry.type != "xdata" else []:
        if not any(fields.get(name) for name in need.split("|")):
            names = " or ".join(f"'{n}'" for n in need.split("|"))
            found.append(_error(entry.path, entry.line, f"@{entry.type}{{{entry.key}}} needs {names}",
                                "bib.missing-field"))
    return found


_YEAR = re.compile(r"^\s*(-?\d{1,5})")


def _check_year(entry: Entry) -> list[Diagnostic]:
    """An error if the year of `date`/`year` is not a year a source can have."""
    name = "date" if "date" in entry.fields else "year"
    value = entry.fields.get(name)
    if not value:
        return []
    match = _YEAR.match(value)
    last = datetime.date.today().year + 1
    if match and FIRST_YEAR <= int(match.group(1)) <= last:
        return []
    return [_error(entry.path, entry.line_of(name),
                   f"impossible {name} {value!r} in {entry.key!r}: not a year from {FIRST_YEAR} to next year",
                   "bib.year")]


def _error(path: Path, line: int, message: str, code: str) -> Diagnostic:
    return Diagnostic("error", message, display_path(path), line, code)


# ---------------------------------------------------------------- citations

_ENTRY_KEY = re.compile(r"^[ \t]*@[ \t]*(?!(?:comment|string|preamble)\b)[A-Za-z]+[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,",
                        re.M | re.I)
_UNLISTED_DEPTH = 2  # the project's folder and the folders in it: where a .bib is kept


def keys_elsewhere(root: Path, listed: tuple[Path, ...] | list[Path]) -> dict[str, Path]:
    """Keys written in the project's .bib files that thesis.yaml does not list (a file added
    to bibliography/ and not named under `bibliography:`), each with its first file. Only files
    inside the project are read (a link out is not followed), the output folder's not at all."""
    known = {p.resolve() for p in listed}
    found: dict[str, Path] = {}
    for depth in range(_UNLISTED_DEPTH):
        for path in sorted(root.glob("/".join(["*"] * depth + ["*.bib"]))):
            if (path.resolve() in known or not path.is_file() or not inside(root, path)
                    or any(part.startswith(".") or part == "build" for part in path.relative_to(root).parts[:-1])):
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for key in _ENTRY_KEY.findall(text):
                found.setdefault(key, path)
    return found


def _unknown(key: str, bib: Bibliography, unlisted: dict[str, Path]) -> str:
    """What to change for a key the bibliography lacks: the unlisted file that has it, the key
    written in another case, or the nearest key ('' when none is near)."""
    if key in unlisted:
        return (f": {display_path(unlisted[key])} has it, but thesis.yaml's 'bibliography' does not list "
                "that file: add it there")
    if (same := next((k for k in bib.entries if k.lower() == key.lower()), None)) is not None:
        return f": the bibliography has {same!r} (keys are case-sensitive)"
    if near := difflib.get_close_matches(key, list(bib.entries), n=1, cutoff=0.8):
        return f": did you mean {near[0]!r}?"
    return ""


MANY_UNCITED = 20  # more uncited entries (or entries without langid) in one file: one line (`collapsed`)
_NEVER_CITED = " is never cited"


def check_citations(bib: Bibliography, cited: dict[str, list[tuple[Path | str, int | None]]],
                    nocite: list[str], unlisted: dict[str, Path] | None = None,
                    nocite_at: tuple[Path | str | None, int | None] = (None, None)) -> list[Diagnostic]:
    """Cited keys against the bibliography: undefined keys are errors, unused or thin entries
    warnings. `cited` maps each cited key to where it is cited (chapter file, line);
    `unlisted`: keys of the project's .bib files thesis.yaml does not list (`keys_elsewhere`);
    `nocite_at`: where thesis.yaml lists the `nocite` keys."""
    unlisted = unlisted or {}
    found = []
    keep_all = "*" in nocite
    parents = {k.strip() for key in cited if key in bib.entries
               for name in ("crossref", "xdata") for k in bib.entries[key].fields.get(name, "").split(",")}
    for key, entry in bib.entries.items():
        if key not in cited and not keep_all and key not in nocite and key not in parents:
            found.append(Diagnostic("warning", f"{key!r}{_NEVER_CITED} (cite it, or list it in thesis.yaml 'nocite')",
                                    display_path(entry.path), entry.line, "cite.unused"))
    found = collapsed(found, "cite.unused", lambda unused: (
        f"{len(unused)} entries of this file are never cited "
        f"({', '.join(d.message.split(_NEVER_CITED)[0] for d in unused[:3])}, …): cite them, list them in "
        "thesis.yaml 'nocite', or export only the thesis' sources"))
    for key in cited:
        entry = bib.entries.get(key)
        missing = gost.missing_fields(entry, bib.entries) if entry else []
        if missing:
            found.append(Diagnostic("warning", f"{key!r} has no {', '.join(missing)}: its reference will "
                                    "be incomplete", display_path(entry.path), entry.line, "bib.incomplete"))
    keep = set(nocite)
    for key, problems in bib.incomplete.items():  # needed where it prints; else only said
        used = key in cited or key in keep or keep_all
        found += [d if used else Diagnostic("warning", f"{d.message} (not cited, so not printed)", d.path,
                                            d.line, d.code) for d in problems]
    found += [Diagnostic("error", f"unknown citation key {key!r}{_unknown(key, bib, unlisted)}", display_path(path),
                         line, "cite.undefined")
              for key, places in cited.items() if key not in bib.entries and key not in bib.unread
              for path, line in places[:1]]
    found += [Diagnostic("error", f"nocite key {key!r} is not in the bibliography{_unknown(key, bib, unlisted)}",
                         display_path(nocite_at[0]), nocite_at[1], "cite.undefined")
              for key in nocite if key != "*" and key not in bib.entries and key not in bib.unread]
    return found
