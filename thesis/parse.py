"""The parse stage: the chapters read by pandoc, citations resolved by citeproc.

The chapters are read in parts (parts.py), each kept by its text, so an edit reads one part
again; citeproc then runs only on the parts whose result can have changed (citeproc.py).
With `repeat_terms: source` the citations also go through citeproc in each other language
their sources are in (a Russian book cited in a Kazakh thesis says "Там же. С. 32.").
No pandoc run happens after this stage.
"""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import ast, bibliography, citeproc, crossref, gost, guards, htmltags, latex, locators, pandoc, parts
from .ast import cited_keys
from .context import Thesis
from .diagnostics import Reporter, UserError
from .document import Document
from .files import hit, load_json, store_json, write_atomic
from .load import citation_style


def parse(thesis: Thesis, cache: Path, reporter: Reporter) -> Document:
    """The parsed thesis (with its other-language citeproc runs and an index of its elements)."""
    with ThreadPoolExecutor(max_workers=1) as pool:  # the .bib's conversion beside the chapters' reading
        inputs = pool.submit(citation_inputs, thesis, cache)
        envelope, pieces = read(thesis, cache, reporter)
        items, csl = inputs.result()
    total = sum(piece.count for piece in pieces)
    citeproc.number_notes(envelope["meta"].get("nocite"), total)  # the metadata is read last
    if not items:
        for offset, piece in zip(citeproc.number(pieces), pieces):
            citeproc.shift(piece.blocks, offset)
        blocks = [block for piece in pieces for block in piece.blocks]
        return Document({**envelope, "blocks": blocks}, index=ast.index(blocks))
    nocite = list(thesis.project.thesis.nocite)
    others = sorted(languages_needed(thesis, {"blocks": [piece.skeleton for piece in pieces]}) - {thesis.language})
    resolved = citeproc.resolve(pieces, envelope, citeproc.Settings(thesis.root, items, csl, thesis.language,
                                                                    nocite, cache), others)
    pandoc.report(resolved.stderr, reporter)
    doc = {**envelope, "meta": resolved.meta, "blocks": resolved.blocks}
    return Document(doc, citeproc_runs=resolved.others, index=ast.index(doc["blocks"]))


def citation_inputs(thesis: Thesis, cache: Path) -> tuple[list[Path], Path]:
    """What citeproc reads: the bibliography as CSL JSON (none without a .bib) and the style
    (the profile's, as its source list settings and citation kind make it)."""
    csl = citation_style(thesis.project)
    for_gost = gost.is_gost_style(csl)
    items = ([bibliography.csl_items(thesis.bibliography, list(thesis.bibliography_files), thesis.root, cache,
                                     for_gost)] if thesis.bibliography_files else [])
    if for_gost:
        settings = thesis.profile.source_list
        csl = gost.style_for(csl, settings.standard, settings.area_separator, settings.space_before_colon, cache)
    if thesis.profile.citations == "numeric":
        csl = numeric_style(csl, cache)
    return items, csl


def read(thesis: Thesis, cache: Path, reporter: Reporter) -> tuple[dict, list[citeproc.Piece]]:
    """The chapters read by pandoc (no citeproc) in parts, each kept by its text (parts.py), or
    in one piece where they do not read alike apart: the JSON envelope and the pieces."""
    cut = parts.parts(thesis)
    reading = Reading(crossrefs=any(_CROSSREF.search(c.text) for c in thesis.chapters),
                      page_labels=thesis.profile.citations == "note")
    if cut is not None:
        try:
            with ThreadPoolExecutor(max_workers=citeproc.RUNS) as pool:
                docs = list(pool.map(lambda part: _read_part(part, thesis.root, cache, reading), cut))
        except (UserError, guards.TooDeep):
            docs = None  # the whole thesis, read below, names the chapter and line
        renames = _heading_ids(docs, cut) if docs is not None and not any(d["meta"] for d in docs) else None
        if renames is not None:
            for doc in docs:
                pandoc.report(doc["stderr"], reporter)
            meta = pandoc.citeproc_meta(thesis.language, list(thesis.project.thesis.nocite), thesis.root)
            pieces = [citeproc.Piece(d["key"], d["blocks"], d["skeleton"], d["count"], d["size"]) for d in docs]
            _earlier(pieces, cache / "parts" / "last.json")
            for piece, renamed in zip(pieces, renames):
                if renamed:
                    _rename(piece, renamed)
            return {"pandoc-api-version": docs[0]["pandoc-api-version"], "meta": meta}, pieces
    doc = pandoc.parse([c.path for c in thesis.chapters], thesis.root, thesis.language,
                       list(thesis.project.thesis.nocite), reporter)
    _as_the_build_reads(doc["blocks"], "\n".join(c.text for c in thesis.chapters), thesis.root, "the chapters",
                        reading)
    piece = citeproc.Piece.of(citeproc.digest(json.dumps(doc, ensure_ascii=False)), doc["blocks"],
                              sum(len(c.text) for c in thesis.chapters))
    return {"pandoc-api-version": doc["pandoc-api-version"], "meta": doc["meta"]}, [piece]


_PARTS_VERSION = "3"  # bump when what `_read_part` keeps changes
# The code that makes pandoc's reading of a part the build's (`_as_the_build_reads`) is part of
# the key too: a changed LaTeX, HTML or crossref reading never meets a part read the old way.
_READING_CODE = hashlib.sha256(b"".join(Path(m).read_bytes() for m in (
    __file__, ast.__file__, crossref.__file__, guards.__file__, htmltags.__file__, latex.__file__,
    locators.__file__))).hexdigest()[:16]


@dataclass(frozen=True)
class Reading:
    """What the thesis as a whole decides about reading each part (part of a part's key)."""

    crossrefs: bool = False    # pandoc-crossref or Quarto references somewhere: taken out of citeproc's way
    page_labels: bool = False  # notes: "с. 17" made the "p. 17" citeproc reads (numeric "[1, с. 17]" as typed)


def _read_part(part: parts.Part, cwd: Path, cache: Path, reading: Reading) -> dict:
    """One part as pandoc reads it (its blocks, metadata, warnings, skeleton and note count),
    from the cache if read before."""
    key = citeproc.digest(_PARTS_VERSION, _READING_CODE, pandoc.version(), pandoc.READER, repr(reading), part.text)
    path = cache / "parts" / f"{key}.json"
    if (kept := load_json(path)) is not None:
        return kept
    doc, stderr = pandoc.read(part.text, cwd, f"reading {part.chapter.name} from line {part.first}")
    _as_the_build_reads(doc["blocks"], part.text, cwd, f"{part.chapter.name} from line {part.first}", reading)
    piece = citeproc.Piece.of(key, doc["blocks"], len(part.text))
    ids = [b["c"][1][0] for b in ast.walk(doc["blocks"]) if b["t"] == "Header" and b["c"][1][0]]
    doc.update(stderr=stderr, key=key, skeleton=piece.skeleton, count=piece.count, size=piece.size, ids=ids)
    store_json(path, doc)
    return doc


def _as_the_build_reads(blocks: list, text: str, cwd: Path, what: str, reading: Reading) -> None:
    """Pandoc's reading of `text` (a part, or the whole thesis) made the build's, in place and
    before citeproc: LaTeX leftovers read as LaTeX, paired HTML tags as Markdown's elements,
    Quarto's references as pandoc-crossref's, and those out of citeproc's way; in notes, page
    labels as Kazakh and Russian authors write them ("с. 17", "17-б.") as the "p." citeproc
    reads (a numeric reference "[1, с. 17]" keeps the label as typed, in the thesis' language)."""
    if "\\" in text:
        latex.read_leftovers(blocks, cwd, what)
    if "<" in text:
        htmltags.read_tags(blocks)
    if reading.crossrefs:
        crossref.quarto_labels(blocks)
        crossref.take_out(blocks)
    if reading.page_labels and "@" in text:
        locators.english_page_labels(blocks)


def _earlier(pieces: list[citeproc.Piece], last: Path) -> None:
    """Each piece whose text changed since the last build told what it was (citeproc patches
    an edit without citations in); the keys of this build kept for the next."""
    before = load_json(last) or []
    if len(before) == len(pieces):
        for piece, key in zip(pieces, before):
            if key != piece.key and isinstance(earlier := load_json(last.parent / f"{key}.json"), dict):
                piece.earlier = earlier.get("blocks")
    store_json(last, [piece.key for piece in pieces])


def _heading_ids(docs: list[dict], cut: list[parts.Part]) -> list[dict[int, str]] | None:
    """The heading ids pandoc gives reading the thesis in one piece, where a part's own differ:
    for each part, {n: id} of its n-th heading with an id. An id written out (`{#x}`) stays; a
    made one repeated takes the first free "-1", "-2"… of its base (pandoc's rule). None where
    a written id repeats (the one-piece read reports it)."""
    used: set[str] = set()
    renames = []
    for doc, part in zip(docs, cut):
        renamed, earlier = {}, set()
        for n, ident in enumerate(doc["ids"]):
            written = re.search(r"\{[^}\n]*#" + re.escape(ident) + r"(?=[\s}])", part.text) is not None
            if written and ident in used:
                return None
            base = ident
            if not written and (m := re.fullmatch(r"(.+)-\d+", ident)) and m.group(1) in earlier:
                base = m.group(1)  # the part's own "-N" of a heading before it in the part
            new, number = base, 0
            while not written and new in used:
                number += 1
                new = f"{base}-{number}"
            earlier.add(ident)
            used.add(new)
            if new != ident:
                renamed[n] = new
        renames.append(renamed)
    return renames


def _rename(piece: citeproc.Piece, renamed: dict[int, str]) -> None:
    """A piece's headings given the ids of the one-piece read (its key tells them apart)."""
    headers = [b for b in ast.walk(piece.blocks) if b["t"] == "Header" and b["c"][1][0]]
    for n, ident in renamed.items():
        headers[n]["c"][1][0] = ident
    piece.key = citeproc.digest(piece.key, json.dumps(sorted(renamed.items())))


# GOST R 7.0.5-2008 references in the text: "[12, с. 45]", "[3; 7]", numbered as the list is.
NUMERIC_CITATION = """<citation xmlns="http://purl.org/net/xbiblio/csl" collapse="citation-number">
  <sort><key variable="citation-number"/></sort>
  <layout prefix="[" suffix="]" delimiter="; ">
    <group delimiter=", "><text variable="citation-number"/><text macro="locator" text-case="lowercase"/></group>
  </layout>
</citation>"""


# A pandoc-crossref reference can only be written with one of these prefixes after "@".
# A reference ("@fig:x" pandoc-crossref's, "@fig-x" Quarto's) or a Quarto label ("{#fig-x}": its
# figure and table divs are made figures and tables even when nothing refers to them).
_CROSSREF = re.compile(r"@(?:fig|tbl|eq|sec|Fig|Tbl|Eq|Sec)[:-]|\{#(?:fig|tbl|eq|sec)-")


def numeric_style(note_style: Path, cache: Path) -> Path:
    """The note style with numeric in-text citations in place of its notes: the same source
    descriptions (its bibliography), the citation-number of each source in citation order."""
    from lxml import etree
    ns = "{http://purl.org/net/xbiblio/csl}"
    raw = note_style.read_bytes()
    target = cache / f"numeric-{hashlib.sha256(raw + NUMERIC_CITATION.encode()).hexdigest()[:16]}.csl"
    if not hit(target):
        root = etree.fromstring(raw)
        root.set("class", "in-text")
        old = root.find(f"{ns}citation")
        old.getparent().replace(old, etree.fromstring(NUMERIC_CITATION))
        sort = root.find(f"{ns}bibliography/{ns}sort")
        if sort is not None:  # numbers follow the order of first citation
            sort.getparent().remove(sort)
        write_atomic(target, etree.tostring(root, xml_declaration=True, encoding="utf-8"), durable=False)
    return target


def languages_needed(thesis: Thesis, doc: dict | None = None) -> set[str]:
    """Languages `localize` needs citeproc runs in: those of the sources cited (in `doc`, the
    main run's AST; without it, guessed from the chapters' text before pandoc runs, so the
    likely runs go in parallel with the main one) or kept by `nocite`."""
    bib = thesis.bibliography
    if thesis.profile.source_list.repeat_terms != "source" or bib is None:
        return {thesis.language}
    keep = set(thesis.project.thesis.nocite)
    if doc is not None:
        cited = set(cited_keys(doc))
        wanted = (lambda key: "*" in keep or key in keep or key in cited)
    else:
        text = "\n".join(chapter.text for chapter in thesis.chapters)
        wanted = (lambda key: "*" in keep or key in keep or "@" + key in text)
    return {thesis.language} | {bib.language_of(key, thesis.language) for key in bib.entries if wanted(key)}
