"""Pandoc's docx writer section by section: the DOCX package of a whole-document run, made
from the OpenXML of each section (cached by content) stitched together.

A watch rebuild after an edit in one chapter converts that chapter's sections only. The
body is split before every chapter and section heading (as the PDF writer's sections);
a section's pandoc output depends on its AST alone, except for the ids pandoc numbers
through the whole document (docx writer state), which the stitch renumbers as one run does:

- one counter (from 18 in pandoc 3.9) for footnotes, bookmarks, hyperlink and image
  relationships and drawing ids, taken in the order pandoc converts; a hyperlink target or
  an image seen before reuses its relationship (and its media file) and takes no number;
- list numbers (`w:numId` from 1001, `w:num`), their abstract definitions in order of
  first use; tracked-change ids (`w:ins`, `w:del`, each from 1);
- footnotes, comments, hyperlink and image relationships, content types of the media.

Missing sections go through one pandoc run (split at markers) that numbers every section as
if alone: a link target two of its sections share is made unique to each section, and
sections that share an image go to separate runs. Anything the model does not account for (ids
that are not one contiguous run per section, styles pandoc adds for an unknown custom
style, example lists) makes the writer fall back to one whole-document run: the output
is the same either way, only slower. A section starts with a heading, which sets pandoc's
first-paragraph state itself, so a section's OpenXML does not depend on what precedes it.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import marshal
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import ast, pandoc
from ..files import cached_bytes, hit, load_json, store_json, write_atomic
from .ooxml import GROUP_STYLE, STRUCTURAL_STYLE
from .pdf import BATCH_BYTES, cut_after  # the same cuts and the same bound on a pandoc run as the Typst chunks

CACHE_VERSION = "1"
_MODULE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
MARK = "<!--thesis:docx-chunk-->"
_SPLIT = "\n    " + MARK  # pandoc writes each top-level block on a line of its own, indented
HEAD_MARK = "<!--thesis:docx-heading-->"
_HEAD_SPLIT = "\n    " + HEAD_MARK
_LINK_TAG = re.compile(r"#thesis-chunk-\d+@$")
_HEADING_STYLES = {STRUCTURAL_STYLE, GROUP_STYLE}
_LISTS = ("BulletList", "OrderedList")  # each takes one list number (w:num)

# Ids pandoc takes from its one counter (footnotes, bookmarks, relationships, drawings).
_COUNTER = re.compile(r'(<w:footnote(?:Reference)? w:id="|<w:bookmark(?:Start|End) w:id="'
                      r'|<wp:docPr [^>]*?\bid="|<pic:cNvPr [^>]*?\bid="|r:(?:id|embed)="rId)(\d+)"')
_CHANGE = re.compile(r'(<w:(ins|del) w:id=")(\d+)"')
_NUM_ID = re.compile(r'(<w:numId w:val="|<w:num w:numId=")(\d+)"')
_NOTE = re.compile(r'<w:footnote w:id="(\d+)">.*?</w:footnote>', re.S)
_NOTE_REF = re.compile(r'<w:footnoteReference w:id="(\d+)"')
_COMMENT = re.compile(r'<w:comment w:id="([^"]*)".*?</w:comment>', re.S)
_COMMENT_REF = re.compile(r'<w:commentRangeStart w:id="([^"]*)"')
_REL = re.compile(r'<Relationship Type="[^"]*/(hyperlink|image)" Id="rId(\d+)" Target="([^"]*)"[^>]*/>')
_PICTURE = re.compile(r'<pic:cNvPr descr="([^"]*)".*?r:embed="rId(\d+)"', re.S)
_ABSTRACT = re.compile(r'<w:abstractNum w:abstractNumId="(\d+)">.*?</w:abstractNum>', re.S)
_NUM = re.compile(r'<w:num w:numId="(\d+)">.*?</w:num>', re.S)
_MEDIA_TYPE = re.compile(r'<Override PartName="/word/media/[^"]*" ContentType="[^"]*" />')
_TOKEN = re.compile(r"⟦([cnidh])(\d+)⟧")
FIRST_LIST = 1001  # pandoc's list numbers: 1000 is its marker-less level (one per document)
REBUILT = ("word/document.xml", "word/footnotes.xml", "word/comments.xml", "word/numbering.xml",
           "word/_rels/document.xml.rels", "word/_rels/footnotes.xml.rels", "[Content_Types].xml")


class Unstitchable(Exception):
    """Pandoc's output does not fit the stitch's model: the caller runs the whole document."""


@dataclass
class Result:
    """The package's parts and how many sections pandoc converted for it."""

    parts: dict[str, bytes]
    converted: int
    chunks: int
    whole: str = ""  # why it fell back to one whole-document run ("": it did not)


def chunk_blocks(blocks: list[dict]) -> list[list[dict]]:
    """The docx AST's body split before every chapter and section heading (a level-1/2
    Header, or a heading pandoc gets as a styled Div: structural and source-group ones), and
    after the paragraphs the Typst chunks are cut after (`pdf.cut_after`: content-defined, an
    edit moves no other cut), the chunk then starting with `_AFTER_PARAGRAPH`."""
    chunks: list[list[dict]] = [[]]
    for block in blocks:
        if _is_heading(block) and chunks[-1]:
            chunks.append([])
        chunks[-1].append(block)
        if cut_after(block):
            chunks.append([_AFTER_PARAGRAPH])
    return [chunk for chunk in chunks if chunk and chunk != [_AFTER_PARAGRAPH]]


# A chunk cut after a paragraph starts with this one: pandoc gives the first paragraph of a run
# the "First Paragraph" style, which the paragraph after a paragraph does not have in one run;
# this paragraph takes it, and is taken out of pandoc's OpenXML again (`_Output.segments`).
_DUMMY_TEXT = "thesis-docx-dummy-paragraph"
_AFTER_PARAGRAPH = {"t": "Para", "c": [{"t": "Str", "c": _DUMMY_TEXT}]}
_DUMMY = re.compile(r"\n    <w:p>(?:(?!</w:p>).)*?" + _DUMMY_TEXT + r"(?:(?!</w:p>).)*?</w:p>", re.S)


def _is_heading(block: dict) -> bool:
    if block["t"] == "Header":
        return block["c"][0] <= 2
    return block["t"] == "Div" and any(k == "custom-style" and v in _HEADING_STYLES for k, v in block["c"][0][2])


def package(doc: dict, cwd: Path, args: list[str], cache: Path | None) -> Result:
    """The parts of pandoc's DOCX for `doc` (the docx writer's AST; `args` name the reference
    document): sections from the cache in `cache`, the missing ones converted and cached."""
    chunks = chunk_blocks(doc["blocks"])
    if cache is None:
        return _whole(doc, cwd, args, len(chunks), "no cache")
    salt = json.dumps([pandoc.version(), CACHE_VERSION, _MODULE_HASH, args, doc["meta"]]).encode()
    # marshal (version 2: no back-references) is exact and 4× faster than JSON here
    data = [marshal.dumps(chunk, 2) for chunk in chunks]
    keys = [hashlib.sha256(salt + d).hexdigest()[:24] for d in data]
    sizes = dict(zip(keys, map(len, data)))
    records = {k: record for k in set(keys) if (record := _load(cache / f"{k}.json")) is not None
               and all(hit(cache / "media" / image[3]) for image in record["images"].values())}
    missing = {k: chunk for k, chunk in zip(keys, chunks) if k not in records}
    scans = {k: _scan(chunk) for k, chunk in missing.items()}
    if any(scan.lists is None for scan in scans.values()):
        return _whole(doc, cwd, args, len(chunks), "example lists")  # numbered across the document
    frame_path = cache / f"frame-{hashlib.sha256(salt).hexdigest()[:24]}.json"
    frame = _load(frame_path)
    try:
        for batch in _batches(list(missing), scans, sizes):
            made, batch_frame = _convert(doc, [missing[key] for key in batch], [scans[key] for key in batch],
                                         cwd, args, cache)
            for key, record in zip(batch, made):
                records[key] = record
                store_json(cache / f"{key}.json", record)
            if frame is None:
                frame = batch_frame
                store_json(frame_path, frame)
        parts = stitch([records[k] for k in keys], frame, cache)
    except Unstitchable as exc:
        return _whole(doc, cwd, args, len(chunks), str(exc))
    return Result(parts, len(missing), len(chunks))


@dataclass
class _Scan:
    """What a section holds that pandoc numbers or shares across the document."""

    lists: int | None = 0  # lists (each a w:num); None: an example list (numbered across the document)
    images: set[str] = field(default_factory=set)  # image sources
    links: set[str] = field(default_factory=set)  # external link targets
    tag: int | None = None  # set when its links must be made unique in a run (see _tag_links)


def _scan(blocks: list[dict]) -> _Scan:
    scan = _Scan()
    for node in ast.walk(blocks):
        kind = node["t"]
        if kind in _LISTS and scan.lists is not None:
            example = kind == "OrderedList" and node["c"][0][1]["t"] == "Example"
            scan.lists = None if example else scan.lists + 1
        elif kind == "Image":
            scan.images.add(node["c"][2][0])
        elif kind == "Link" and not node["c"][2][0].startswith("#"):
            scan.links.add(node["c"][2][0])
    return scan


def _whole(doc: dict, cwd: Path, args: list[str], chunks: int, why: str) -> Result:
    raw = pandoc.write(doc, "docx", cwd, args, binary=True)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return Result({name: z.read(name) for name in z.namelist()}, chunks, chunks, whole=why)


def _load(path: Path) -> dict | None:
    value = load_json(path)
    return value if isinstance(value, dict) else None


def _batches(keys: list[str], scans: dict[str, _Scan], sizes: dict[str, int]) -> list[list[str]]:
    """The missing sections in as few pandoc runs as possible: one, unless two sections show
    the same image (one run would give it one relationship, where the stitch expects one
    per section) or the run would exceed BATCH_BYTES. Sections whose link targets another
    section of the run links to too get their links tagged (one relationship each, as if alone)."""
    batches: list[tuple[list[str], set, dict[str, int], list[int]]] = []
    for key in keys:
        scan = scans[key]
        target = next((b for b in batches if not b[1] & scan.images
                       and (not b[0] or b[3][0] + sizes[key] <= BATCH_BYTES)), None)
        if target is None:
            batches.append(target := ([], set(), {}, [0]))
        target[0].append(key)
        target[1].update(scan.images)
        target[3][0] += sizes[key]
        for link in scan.links:
            target[2][link] = target[2].get(link, 0) + 1
    for items, _, links, _ in batches:
        for index, key in enumerate(items):
            if any(links[link] > 1 for link in scans[key].links):
                scans[key].tag = index
    return [items for items, _, _, _ in batches]


def _unsectioned(blocks: list[dict]) -> tuple[list[dict], list[list]]:
    """The blocks with each top-level heading's id taken off (pandoc makes a section of it
    whose bookmark spans up to the next heading of its level, numbered at its end: the
    stitch puts these bookmarks back) and a marker before it; the headings' levels and ids."""
    out, heads = [], []
    for block in blocks:
        if block["t"] == "Header":
            level, (ident, classes, kv), content = block["c"]
            heads.append([level, ident])
            block = {"t": "Header", "c": [level, ["", classes, kv], content]}
            out.append(ast.RawBlock("openxml", HEAD_MARK))
        out.append(block)
    return out, heads


def _tag_links(index: int):
    """External links made unique to section `index` (untagged again in the relationships)."""
    def tag(node: dict) -> dict | None:
        if node["t"] != "Link" or node["c"][2][0].startswith("#"):
            return None
        return {"t": "Link", "c": [node["c"][0], node["c"][1], [f"{node['c'][2][0]}#thesis-chunk-{index}@",
                                                                 node["c"][2][1]]]}
    return tag


def _convert(doc: dict, chunks: list[list[dict]], scans: list[_Scan], cwd: Path, args: list[str],
             cache: Path) -> tuple[list[dict], dict]:
    """One pandoc run over `chunks` (a marker before each): each section's record, and the
    package's frame (the parts no section changes; the body's head and tail)."""
    blocks: list[dict] = []
    heads = []
    for chunk, scan in zip(chunks, scans):
        prepared, chunk_heads = _unsectioned(chunk if scan.tag is None else ast.rewrite(chunk, _tag_links(scan.tag)))
        blocks += [ast.RawBlock("openxml", MARK), *prepared]
        heads.append(chunk_heads)
    raw = pandoc.write({**doc, "blocks": blocks}, "docx", cwd, args, binary=True)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    out = _Output.read(parts)
    cursor = _Cursor(counter=min(out.counter_ids, default=0))
    records = [_record(segment, scan.lists, h, out, cursor, cache)
               for segment, scan, h in zip(out.segments(len(chunks)), scans, heads)]
    if cursor.counter != cursor.start + len(out.counter_ids) or cursor.lists != len(out.nums) - 1:
        raise Unstitchable("ids outside the sections")
    return records, out.frame()


@dataclass
class _Cursor:
    """Where the next section's numbers start in a run (counter ids, lists, changes)."""

    counter: int
    lists: int = 0
    ins: int = 1
    dels: int = 1
    start: int = field(init=False)

    def __post_init__(self) -> None:
        self.start = self.counter


@dataclass
class _Output:
    """A pandoc run's package, read for the stitch."""

    parts: dict[str, bytes]
    text: dict[str, str]
    notes: dict[str, str]
    comments: dict[str, str]
    rels: dict[int, tuple[str, str]]
    nums: list[tuple[int, str]]
    abstracts: dict[str, str]
    counter_ids: set[int]

    @classmethod
    def read(cls, parts: dict[str, bytes]) -> "_Output":
        text = {name: parts[name].decode() for name in REBUILT if name in parts}
        notes = {m.group(1): m.group(0) for m in _NOTE.finditer(text["word/footnotes.xml"])}
        comments = {m.group(1): m.group(0) for m in _COMMENT.finditer(text.get("word/comments.xml", ""))}
        rels = {int(m.group(2)): (m.group(1), m.group(3)) for m in _REL.finditer(text["word/_rels/document.xml.rels"])}
        numbering = text.get("word/numbering.xml", "")
        nums = [(int(m.group(1)), m.group(0)) for m in _NUM.finditer(numbering)]
        abstracts = {m.group(1): m.group(0) for m in _ABSTRACT.finditer(numbering)}
        ids = {int(m.group(2)) for name in ("word/document.xml", "word/footnotes.xml", "word/comments.xml")
               for m in _COUNTER.finditer(text.get(name, "")) if not m.group(0).startswith("r:id=\"rId") or
               int(m.group(2)) in rels}
        return cls(parts, text, notes, comments, rels, nums, abstracts, ids)

    def segments(self, count: int) -> list[str]:
        """The body's text of each section (pandoc's, between the markers)."""
        body = self._body()
        pieces = body.split(_SPLIT)
        if len(pieces) != count + 1 or pieces[0]:
            raise Unstitchable("markers")
        return [_DUMMY.sub("", piece, count=1) for piece in pieces[1:]]

    def _body(self) -> str:
        xml = self.text["word/document.xml"]
        return xml[xml.index("<w:body>") + len("<w:body>"):xml.rindex("\n    <w:sectPr")]

    def frame(self) -> dict:
        xml = self.text["word/document.xml"]
        notes = self.text["word/footnotes.xml"]
        first_note = min((notes.index(n) for n in self.notes.values()), default=notes.rindex("</w:footnotes>"))
        kept = {name: data.decode() for name, data in self.parts.items()
                if name not in REBUILT and not name.startswith("word/media/")}
        kept.update({name: self.text[name] for name in REBUILT[2:] if name in self.text})
        return {"parts": kept, "doc_head": xml[:xml.index("<w:body>") + len("<w:body>")],
                "doc_tail": xml[xml.rindex("\n    <w:sectPr"):], "notes_head": notes[:first_note],
                "styles": _sha(self.parts["word/styles.xml"])}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def _record(segment: str, lists: int, heads: list[list], out: _Output, cursor: _Cursor, cache: Path) -> dict:
    """A section's OpenXML with its numbers as tokens counted from 0 (⟦c…⟧ counter ids,
    ⟦n…⟧ lists, ⟦i…⟧/⟦d…⟧ changes, ⟦h…⟧ where a heading's section starts), what it refers
    to, and its footnotes and comments."""
    heads = [[level, ident, before] for (level, ident), before in zip(heads, _heads_at(segment, len(heads), out))]
    segment = "".join(piece if j == 0 else f"⟦h{j - 1}⟧{piece}" for j, piece in enumerate(segment.split(_HEAD_SPLIT)))
    try:
        notes = "".join(out.notes[i] for i in _NOTE_REF.findall(segment))
        comments = "".join(out.comments[i] for i in _COMMENT_REF.findall(segment + notes))
    except KeyError:
        raise Unstitchable("a footnote or comment elsewhere") from None
    both = segment + notes + comments
    ids = sorted({int(m.group(2)) for m in _COUNTER.finditer(both)})
    if ids != list(range(cursor.counter, cursor.counter + len(ids))):
        raise Unstitchable("counter ids not one run")
    changes = {kind: sorted({int(m.group(3)) for m in _CHANGE.finditer(both) if m.group(2) == kind})
               for kind in ("ins", "del")}
    if (changes["ins"] != list(range(cursor.ins, cursor.ins + len(changes["ins"])))
            or changes["del"] != list(range(cursor.dels, cursor.dels + len(changes["del"])))):
        raise Unstitchable("change ids not one run")
    nums = out.nums[1 + cursor.lists:1 + cursor.lists + lists]
    if [n for n, _ in nums] != list(range(FIRST_LIST + cursor.lists, FIRST_LIST + cursor.lists + lists)):
        raise Unstitchable("list numbers")
    tokens = _tokeniser(cursor)
    record = {"body": tokens(segment), "notes": tokens(notes), "comments": tokens(comments), "n": len(ids), "heads": heads,
              "base": cursor.start, "nums": [tokens(t) for _, t in nums], "ins": len(changes["ins"]),
              "del": len(changes["del"]), "styles": _sha(out.parts["word/styles.xml"]),
              "abstract": {a: out.abstracts[a] for _, t in nums for a in re.findall(r'abstractNumId w:val="(\d+)"', t)},
              **_resources(both, ids, out, cursor, cache)}
    if any(m.group(1) == "n" and not 0 <= int(m.group(2)) < lists for m in _TOKEN.finditer(record["body"] + record["notes"])):
        raise Unstitchable("a list number outside its section")
    cursor.counter += len(ids)
    cursor.lists += lists
    cursor.ins += len(changes["ins"])
    cursor.dels += len(changes["del"])
    return record


def _heads_at(segment: str, count: int, out: _Output) -> list[int]:
    """How many counter ids the section takes before each of its top-level headings (its
    ids go in block order: the pieces between headings take consecutive runs)."""
    pieces = segment.split(_HEAD_SPLIT)
    if len(pieces) != count + 1:
        raise Unstitchable("heading markers")
    runs = []
    for piece in pieces:
        notes = "".join(out.notes.get(i, "") for i in _NOTE_REF.findall(piece))
        comments = "".join(out.comments.get(i, "") for i in _COMMENT_REF.findall(piece + notes))
        runs.append(sorted({int(m.group(2)) for m in _COUNTER.finditer(piece + notes + comments)}))
    flat = [i for run in runs for i in run]
    if flat != sorted(flat):
        raise Unstitchable("ids across headings")
    return [sum(len(run) for run in runs[:j + 1]) for j in range(count)]


def _tokeniser(cursor: _Cursor):
    """A function that writes a run's numbers as a section's tokens."""
    def counter(m: re.Match) -> str:
        return f'{m.group(1)}⟦c{int(m.group(2)) - cursor.counter}⟧"'

    def num(m: re.Match) -> str:
        n = int(m.group(2))
        return m.group(0) if n < FIRST_LIST else f'{m.group(1)}⟦n{n - FIRST_LIST - cursor.lists}⟧"'

    def change(m: re.Match) -> str:
        start = cursor.ins if m.group(2) == "ins" else cursor.dels
        return f'{m.group(1)}⟦{m.group(2)[0]}{int(m.group(3)) - start}⟧"'

    return lambda text: _CHANGE.sub(change, _NUM_ID.sub(num, _COUNTER.sub(counter, text)))


def _resources(both: str, ids: list[int], out: _Output, cursor: _Cursor, cache: Path) -> dict:
    """A section's hyperlink targets and images by their local ids (the keys that one whole
    run shares between sections: a target or an image source seen before)."""
    sources = {int(rid): src for src, rid in _PICTURE.findall(both)}
    keys, links, images = {}, {}, {}
    for rid in ids:
        if rid not in out.rels:
            continue
        kind, target = out.rels[rid]
        local = str(rid - cursor.counter)
        if kind == "hyperlink":
            target = _LINK_TAG.sub("", target)
            keys[local], links[local] = "L" + target, target
        else:
            data = out.parts["word/" + target]
            sha = _sha(data)
            write_atomic(cache / "media" / sha, data, durable=False)
            ext = target[target.rindex("."):] if "." in target else ""
            mime = re.search(rf'PartName="/word/{re.escape(target)}" ContentType="([^"]*)"',
                             out.text["[Content_Types].xml"])
            keys[local] = "I" + sources.get(rid, target)
            images[local] = [sources.get(rid, target), ext, mime.group(1) if mime else None, sha]
    return {"keys": keys, "links": links, "images": images}


@dataclass
class _Section:
    """A top-level heading's section: pandoc bookmarks it from the heading to the next heading
    of its level or above, and numbers the bookmark when the section ends."""

    level: int
    name: str  # "" for a heading without an id: no bookmark
    id: int = 0


@dataclass
class _Numbers:
    """The whole document's numbering while sections are stitched in order."""

    base: int
    counter: int = 0
    shared: dict[str, int] = field(default_factory=dict)  # link target / image source → id
    links: dict[str, int] = field(default_factory=dict)
    images: dict[str, tuple[int, list]] = field(default_factory=dict)
    open: list[_Section] = field(default_factory=list)

    def next(self) -> int:
        self.counter += 1
        return self.base + self.counter - 1

    def place(self, record: dict) -> tuple[dict[int, int], list[tuple[list[_Section], _Section]]]:
        """Local counter ids of `record` → the document's, as one pandoc run numbers them;
        at each heading, the sections it ends and the one it starts."""
        ids, events, heads = {}, [], record["heads"]
        for local in range(record["n"] + 1):
            while len(events) < len(heads) and heads[len(events)][2] == local:
                level, ident, _ = heads[len(events)]
                events.append((self.close(level), _Section(level, bookmark_name(ident) if ident else "")))
                self.open.append(events[-1][1])
            if local < record["n"]:
                ids[local] = self._take(record, str(local))
        return ids, events

    def _take(self, record: dict, local: str) -> int:
        key = record["keys"].get(local)
        if key is not None and key in self.shared:
            return self.shared[key]
        number = self.next()
        if key is not None:
            self.shared[key] = number
            if key[0] == "L":
                self.links[record["links"][local]] = number
            else:
                self.images[key[1:]] = (number, record["images"][local])
        return number

    def close(self, level: int = 0) -> list[_Section]:
        """The open sections a heading of `level` ends (0: the document's end), innermost first."""
        closed = []
        while self.open and self.open[-1].level >= level:
            closed.append(self.open.pop())
            if closed[-1].name:
                closed[-1].id = self.next()
        return closed


def bookmark_name(ident: str) -> str:
    """The bookmark pandoc's docx writer gives a heading id: Word allows 40 characters
    starting with a letter, so longer or other ids become 'X' and 39 hex digits of a SHA-1."""
    if ident[:1].isalpha() and len(ident) <= 40:
        return ident
    return "X" + hashlib.sha1(ident.encode()).hexdigest()[1:]


def _bookmarks(closed: list[_Section], opened: _Section | None) -> str:
    """The lines pandoc writes where sections end and one starts."""
    ends = "".join(f'\n    <w:bookmarkEnd w:id="{s.id}" />' for s in closed if s.name)
    if opened is None or not opened.name:
        return ends
    return ends + f'\n    <w:bookmarkStart w:id="{opened.id}" w:name="{_attr(opened.name)}" />'


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def stitch(records: list[dict], frame: dict, cache: Path) -> dict[str, bytes]:
    """The package of one whole-document run, from its sections' records and the frame."""
    if any(r["styles"] != frame["styles"] for r in records):
        raise Unstitchable("pandoc added styles")
    numbers = _Numbers(base=next((r["base"] for r in records if r["n"]), 0))
    placed = [numbers.place(record) for record in records]
    end = _bookmarks(numbers.close(), None)
    texts: dict[str, list[str]] = {"body": [], "notes": [], "comments": [], "nums": []}
    abstracts: dict[str, str] = {}
    offsets = {"n": FIRST_LIST, "i": 1, "d": 1}
    for record, (ids, events) in zip(records, placed):
        def value(m: re.Match) -> str:
            kind, n = m.group(1), int(m.group(2))
            if kind == "h":
                return _bookmarks(*events[n])
            return str(ids[n] if kind == "c" else offsets[kind] + n)
        for name in ("body", "notes", "comments"):
            texts[name].append(_TOKEN.sub(value, record[name]))
        texts["nums"] += [_TOKEN.sub(value, t) for t in record["nums"]]
        abstracts.update(record["abstract"])
        offsets = {"n": offsets["n"] + len(record["nums"]), "i": offsets["i"] + record["ins"],
                   "d": offsets["d"] + record["del"]}
    return _package(frame, numbers, "".join(texts["body"]) + end, "".join(texts["notes"]),
                    "".join(texts["comments"]), texts["nums"], abstracts, cache)


def _package(frame: dict, numbers: _Numbers, body: str, notes: str, comments: str, nums: list[str],
             abstracts: dict[str, str], cache: Path) -> dict[str, bytes]:
    parts = {name: text.encode() for name, text in frame["parts"].items()}
    parts["word/document.xml"] = (frame["doc_head"] + body + frame["doc_tail"]).encode()
    parts["word/footnotes.xml"] = (frame["notes_head"] + notes + "</w:footnotes>").encode()
    if "word/comments.xml" in parts:
        parts["word/comments.xml"] = _comments(frame["parts"]["word/comments.xml"], comments).encode()
    if "word/numbering.xml" in parts:
        parts["word/numbering.xml"] = _numbering(frame["parts"]["word/numbering.xml"], nums, abstracts).encode()
    images = sorted(numbers.images.items(), key=lambda item: html.unescape(item[0]))
    links = sorted(numbers.links.items(), key=lambda item: html.unescape(item[0]))
    link_rels = "".join(f'<Relationship Type="{_RELS}/hyperlink" Id="rId{i}" Target="{url}" TargetMode="External" />'
                        for url, i in links)
    image_rels = "".join(f'<Relationship Type="{_RELS}/image" Id="rId{i}" Target="media/rId{i}{ext}" />'
                         for _, (i, (_, ext, _, _)) in images)
    rels = _REL.sub("", frame["parts"]["word/_rels/document.xml.rels"])
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", image_rels + link_rels + "</Relationships>").encode()
    head = frame["parts"]["word/_rels/footnotes.xml.rels"].split("<Relationships")[0]
    parts["word/_rels/footnotes.xml.rels"] = (head + f'<Relationships xmlns="{_PACKAGE_RELS}"' + (
        f">{link_rels}</Relationships>" if links else " />")).encode()
    types = _MEDIA_TYPE.sub("", frame["parts"]["[Content_Types].xml"])
    overrides = "".join(f'<Override PartName="/word/media/rId{i}{ext}" ContentType="{mime}" />'
                        for _, (i, (_, ext, mime, _)) in images)
    parts["[Content_Types].xml"] = types.replace("</Types>", overrides + "</Types>").encode()
    for _, (i, (_, ext, _, sha)) in images:
        if (data := cached_bytes(cache / "media" / sha)) is None:
            raise Unstitchable(f"image {sha} gone from the cache")
        parts[f"word/media/rId{i}{ext}"] = data
    return parts


_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _comments(frame: str, comments: str) -> str:
    head = re.match(r"(.*?<w:comments[^>]*?)\s*/?>", frame, re.S).group(1)
    return head + (f">{comments}</w:comments>" if comments else " />")


def _numbering(frame: str, nums: list[str], abstracts: dict[str, str]) -> str:
    """numbering.xml: the frame's marker-less level, then each list's abstract definition in
    order of first use and the lists' numbers."""
    head = frame[:frame.index("<w:abstractNum")]
    first = _NUM.search(frame).group(0)
    order = [_ABSTRACT.search(frame).group(1)]
    for num in nums:
        for a in re.findall(r'abstractNumId w:val="(\d+)"', num):
            if a not in order:
                order.append(a)
    known = {m.group(1): m.group(0) for m in _ABSTRACT.finditer(frame)} | abstracts
    return head + "".join(known[a] for a in order) + first + "".join(nums) + "</w:numbering>"
