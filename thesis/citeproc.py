"""Citeproc over a thesis read in parts (parts.py), part by part, each result kept.

What citeproc makes of a part depends on the part's own blocks and on the document's sequence
of citations with their note numbers (first or repeated citation, "Там же", the source list):
the *skeleton*, every citation on its own (a citation in the author's footnote: that note
whole). So a part is resolved inside a document made of the other parts' skeletons and itself
whole, and a part whose blocks and skeleton are unchanged keeps its last result: after a
one-word edit citeproc runs on one part. Parts to resolve are shared between two pandoc runs
(two cores); the other languages' runs (localize: a Russian source's words in a Kazakh
thesis) need only the skeleton.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import ast, pandoc
from .files import load_json, store_json

MARK = "thesis-part-"  # id prefix of the empty Div that starts a part in a citeproc run
RUNS = 2  # pandoc runs to share the parts between (the machines this runs on have 2+ cores)
_VERSION = "1"  # bump when what a cache entry holds changes


@dataclass
class Settings:
    """What every citeproc run of one build shares."""

    cwd: Path
    bibliography: list[Path]
    csl: Path | None
    language: str
    nocite: list[str]
    cache: Path

    def key(self, language: str) -> str:
        """What a run's result depends on besides its blocks: the inputs' bytes, the language."""
        return digest(self._inputs, _VERSION, pandoc.version(), language, json.dumps(self.nocite))

    @cached_property
    def _inputs(self) -> str:  # read once a build, however many runs ask
        return digest(*(hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in [*self.bibliography, *([self.csl] if self.csl else [])]))


@dataclass
class Piece:
    """A part as read (parse.py), its note numbers counted from 0: its blocks, its skeleton,
    the note numbers it takes, its key (its text's) and size."""

    key: str
    blocks: list
    skeleton: list
    count: int
    size: int
    earlier: list | None = None  # the blocks this part had in the last build, if its text changed

    @classmethod
    def of(cls, key: str, blocks: list, size: int) -> "Piece":
        count = number_notes(blocks)
        outline = json.loads(json.dumps(skeleton(blocks)))  # its own copy: numbers move apart
        return cls(key, blocks, outline, count, size)


def number_notes(blocks, start: int = 0) -> int:
    """Note numbers as pandoc's reader gives them (in place), from `start`; the last one given.
    One counter for footnotes and for citations outside footnotes; a citation in a footnote
    takes the footnote's number."""
    counter = start

    def visit(node, note: int | None) -> None:
        nonlocal counter
        if isinstance(node, list):
            for item in node:
                visit(item, note)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "Note":
                counter += 1
                visit(node["c"], counter)
            elif kind == "Cite":
                if note is None:
                    counter += 1
                for citation in node["c"][0]:
                    citation["citationNoteNum"] = note if note is not None else counter
                visit(node["c"][1], note)
            elif isinstance(node.get("c"), list):
                visit(node["c"], note)
    visit(blocks, None)
    return counter


def shift(node, offset: int) -> None:
    """Every citation's note number moved by `offset` (in place)."""
    if offset:
        for cite in (n for n in ast.walk(node) if n["t"] == "Cite"):
            for citation in cite["c"][0]:
                citation["citationNoteNum"] += offset


def skeleton(blocks: list) -> list:
    """The blocks' citations alone, in order (an author's footnote with a citation: the note
    whole), and an empty Div#refs where the source list is placed."""
    out: list = []

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "Cite":
                out.append({"t": "Para", "c": [{"t": "Cite", "c": [node["c"][0], []]}]})
            elif kind == "Note":
                if any(n["t"] == "Cite" for n in ast.walk(node["c"])):
                    out.append({"t": "Para", "c": [node]})
            elif kind == "Div" and node["c"][0][0] == "refs":
                out.append({"t": "Div", "c": [node["c"][0], []]})
            elif isinstance(node.get("c"), list):
                visit(node["c"])
    visit(blocks)
    return out


@dataclass
class Resolved:
    """The thesis with its citations resolved: blocks, metadata, pandoc's warnings, and the
    other languages' runs (skeleton documents: their citations and source list, in order)."""

    blocks: list
    meta: dict
    stderr: str
    others: dict[str, dict]


def resolve(pieces: list[Piece], envelope: dict, settings: Settings, languages: list[str]) -> Resolved:
    """Every part resolved (from the cache where its blocks and the skeleton are unchanged),
    with the runs in the `languages` besides the thesis's own (`envelope`: the pandoc JSON's
    version and metadata, its notes numbered)."""
    offsets = number(pieces)
    skeletons = [piece.skeleton for piece in pieces]
    outline = json.dumps(skeletons, ensure_ascii=False)
    sig = digest(settings.key(settings.language), outline)
    keys = [digest(sig, piece.key, str(i == len(pieces) - 1)) for i, piece in enumerate(pieces)]
    store = settings.cache / "citeproc"
    post = {i: load_json(store / f"{key}.json") for i, key in enumerate(keys)}
    common = load_json(store / f"{sig}.json")
    others = {lang: load_json(store / f"{digest(settings.key(lang), outline)}.json") for lang in languages}
    if common is not None:  # the citations are as they were: an edit without one is patched in
        for i in _patch_edits(pieces, post, store):
            store_json(store / f"{keys[i]}.json", post[i])
    store_json(store / "last.json", keys)
    need = [i for i, blocks in post.items() if blocks is None]
    if need or common is None or None in others.values():
        groups = _groups(need or [len(pieces) - 1], pieces)
        for i in (i for group in groups for i in group):
            shift(pieces[i].blocks, offsets[i])
        # RUNS at a time: a citeproc run takes ~170 MB whatever its size (pandoc's runtime and
        # citeproc's data), and the cores are busy with RUNS of them already
        with ThreadPoolExecutor(max_workers=RUNS) as pool:
            runs = [pool.submit(_run_group, group, pieces, envelope, settings) for group in groups]
            late = {lang: pool.submit(_run_other, lang, skeletons, envelope, settings) for lang in languages
                    if others[lang] is None}
            for made, run_common in (job.result() for job in runs):
                for i, blocks in made.items():
                    post[i] = blocks
                    store_json(store / f"{keys[i]}.json", blocks)
                common = common or run_common
            store_json(store / f"{sig}.json", common)
            for lang, job in late.items():
                others[lang] = job.result()
                store_json(store / f"{digest(settings.key(lang), outline)}.json", others[lang])
    blocks = [block for i in range(len(pieces)) for block in post[i]]
    if common["refs"] is not None:
        blocks.append(common["refs"])
    return Resolved(blocks, common["meta"], common["stderr"], others)


def _patch_edits(pieces: list[Piece], post: dict[int, list | None], store: Path) -> list[int]:
    """Parts edited since the last build, their citations unchanged (the skeleton is), where the
    edit is out of citeproc's reach: the last result with the edit made in it (citeproc changes
    nothing else; tests/test_incremental_parse.py). The parts patched."""
    last = load_json(store / "last.json") or []
    patched = []
    for i, piece in enumerate(pieces):
        if post[i] is not None or piece.earlier is None or len(last) != len(pieces):
            continue
        before = load_json(store / f"{last[i]}.json")
        if before is not None:
            post[i] = _patched(piece.earlier, before, piece.blocks, final=i == len(pieces) - 1)
            patched += [i] if post[i] is not None else []
    return patched


def _patched(old: list, old_post: list, new: list, final: bool) -> list | None:
    """`old_post` (citeproc's result for the blocks `old`) made the result for `new`, where the
    edit from `old` to `new` is out of citeproc's reach; None where it is not."""
    if len(old) != len(old_post):
        return None
    head, tail = _common_ends(old, new)
    if final and tail == 0:  # citeproc may number the last heading and put the list after it
        return None
    edited = old[head:len(old) - tail] + new[head:len(new) - tail]
    if not _touches_citeproc(edited):
        return old_post[:head] + new[head:len(new) - tail] + old_post[len(old_post) - tail:]
    if len(old) != len(new) or len(edited) != 2:
        return None
    block = _patch_within(old[head], old_post[head], new[head])  # one block edited beside a citation
    return None if block is None else old_post[:head] + [block] + old_post[head + 1:]


# Citeproc changes the inlines around a citation or a footnote (a space before a note mark, the
# punctuation after it, the case of a note's first letter): an edit this many inlines away from
# every citation and note is out of its reach.
MARGIN = 3


def _patch_within(old: dict, post: dict, new: dict) -> dict | None:
    """The edited block's result: the inlines the author changed (with MARGIN unchanged ones
    each side, none of them a citation or a note) found once in `post` and replaced."""
    lists = _differing_lists(old, new)
    if lists is None:
        return None
    before, after = lists
    head, tail = _common_ends(before, after)
    low, high = max(head - MARGIN, 0), len(before) - max(tail - MARGIN, 0)
    window, replacement = before[low:high], after[low:len(after) - (len(before) - high)]
    if not window or _touches_citeproc(window) or _touches_citeproc(replacement):
        return None
    spots = [(found, i) for found in _lists(post) for i in range(len(found) - len(window) + 1)
             if found[i:i + len(window)] == window]
    if len(spots) != 1:
        return None
    found, i = spots[0]
    found[i:i + len(window)] = replacement
    return post


def _common_ends(old: list, new: list) -> tuple[int, int]:
    """How many items `old` and `new` share at the start, and then at the end."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def _differing_lists(old, new) -> tuple[list, list] | None:
    """The innermost lists where two elements of one shape differ (in one item only above them)."""
    while True:
        if isinstance(old, dict) and isinstance(new, dict) and old.get("t") == new.get("t"):
            old, new = old.get("c"), new.get("c")
        elif isinstance(old, list) and isinstance(new, list):
            differ = [i for i, (a, b) in enumerate(zip(old, new)) if a != b] if len(old) == len(new) else []
            if len(differ) == 1 and _container(old[differ[0]]) and _container(new[differ[0]]):
                old, new = old[differ[0]], new[differ[0]]
            else:
                return old, new
        else:
            return None


def _container(node) -> bool:
    return isinstance(node, list) or (isinstance(node, dict) and isinstance(node.get("c"), list))


def _lists(node):
    """Every list inside `node`."""
    if isinstance(node, list):
        yield node
        for item in node:
            yield from _lists(item)
    elif isinstance(node, dict):
        yield from _lists(node.get("c"))


def _touches_citeproc(node) -> bool:
    """Whether blocks hold what citeproc changes: a citation, a footnote, the source list's Div."""
    return any(n["t"] in ("Cite", "Note") or (n["t"] == "Div" and n["c"][0][0] == "refs") for n in ast.walk(node))


def number(pieces: list[Piece]) -> list[int]:
    """The pieces' skeletons numbered as in the whole thesis (in place); each piece's offset."""
    offsets, total = [], 0
    for piece in pieces:
        offsets.append(total)
        shift(piece.skeleton, total)
        total += piece.count
    return offsets


def _groups(need: list[int], pieces: list[Piece]) -> list[list[int]]:
    """The parts to resolve in up to RUNS runs of about the same size (consecutive parts)."""
    sizes = [pieces[i].size for i in need]
    total, groups, filled = sum(sizes), [[]], 0
    for i, size in zip(need, sizes):
        if groups[-1] and len(groups) < RUNS and filled >= total / RUNS:
            groups.append([])
            filled = 0
        groups[-1].append(i)
        filled += size
    return groups


def _run_group(group: list[int], pieces: list[Piece], envelope: dict,
               settings: Settings) -> tuple[dict[int, list], dict]:
    """One citeproc run: the parts in `group` whole, the others as skeletons."""
    blocks: list = []
    for i, piece in enumerate(pieces):
        blocks += [{"t": "Div", "c": [[f"{MARK}{i}", [], []], []]}, *(piece.blocks if i in group else piece.skeleton)]
    skeletons = [piece.skeleton for piece in pieces]
    out, stderr = pandoc.citeproc({**envelope, "blocks": blocks}, settings.cwd,
                                  settings.bibliography, settings.csl)
    made, refs = _split(out["blocks"], placeholder=any(_is_refs(b) for s in skeletons for b in s))
    return {i: made[i] for i in group}, {"meta": out["meta"], "refs": refs, "stderr": stderr}


def _run_other(language: str, skeletons: list[list], envelope: dict, settings: Settings) -> dict:
    """The skeleton resolved in another language (its citations and source list only)."""
    meta = {**envelope["meta"], **pandoc.citeproc_meta(language, settings.nocite, settings.cwd)}
    out, _ = pandoc.citeproc({**envelope, "meta": meta, "blocks": [b for s in skeletons for b in s]},
                             settings.cwd, settings.bibliography, settings.csl)
    return out


def _split(blocks: list, placeholder: bool) -> tuple[dict[int, list], dict | None]:
    """A run's blocks by part (after each part's mark), and the source list citeproc appended."""
    refs = blocks.pop() if not placeholder and blocks and _is_refs(blocks[-1]) else None
    made: dict[int, list] = {}
    current: list = []
    for block in blocks:
        if block["t"] == "Div" and block["c"][0][0].startswith(MARK) and not block["c"][1]:
            current = made.setdefault(int(block["c"][0][0][len(MARK):]), [])
        else:
            current.append(block)
    return made, refs


def _is_refs(block: dict) -> bool:
    return block.get("t") == "Div" and block["c"][0][0] == "refs"


def digest(*texts: str) -> str:
    """A short key for texts (each ended by a NUL, so no two lists of texts run together)."""
    sha = hashlib.sha256()
    for text in texts:
        sha.update(text.encode())
        sha.update(b"\0")
    return sha.hexdigest()[:24]

