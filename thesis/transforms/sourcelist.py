"""The source list: citeproc's entries regrouped, sorted and numbered the way the university asks.

Citeproc formats every entry (the CSL style's bibliography layout) but can neither group
a list nor sort Cyrillic before Latin, so the `Div#refs` it leaves in the AST is rebuilt
here: one numbered list per group (documents, periodicals, literature, websites, in the
profile's order), each sorted with `collation_key`; or, for `order: citation`, one list
in order of first citation.

`localize` implements `repeat_terms: source`: every footnote and entry in the words of
its source's language. Citeproc takes its words from one locale per run, and CSL cannot
test an item's language, so the document is run through citeproc once more for each
other language present, and each citation takes its rendering from the run in its
source's language (positions - first, ibid, subsequent - are the same in every run).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..ast import Div, Header, Node, cited_keys, inlines, stringify, walk
from .. import gost
from ..context import Thesis
from ..load import citation_style
from ..document import KIND, RULE, SOURCE_GROUP, SOURCE_LIST, Document

# Kazakh alphabetical order; Russian order is the same sequence without the Kazakh letters.
CYRILLIC = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_CYRILLIC_RANK = {letter: i for i, letter in enumerate(CYRILLIC)}
# Script ranks: digits sort before letters, Cyrillic before Latin, anything else last.
_GAP, _DIGIT, _CYR, _LATIN, _OTHER = range(5)


@lru_cache(maxsize=4096)  # the source list is sorted again each build, mostly the same entries
def collation_key(text: str) -> tuple:
    """A sort key: Cyrillic before Latin, Kazakh letters in Kazakh order, case and punctuation ignored."""
    key: list[tuple[int, int]] = []
    for char in text.casefold():
        rank = _char_rank(char)
        if rank is None:
            if key and key[-1] != (_GAP, 0):
                key.append((_GAP, 0))  # word boundary: "Ким А." before "Кимов Б."
            continue
        key.append(rank)
    return tuple(key), text


def _char_rank(char: str) -> tuple[int, int] | None:
    """The (script, position) of one case-folded character; None for spaces and punctuation."""
    if char in _CYRILLIC_RANK:
        return _CYR, _CYRILLIC_RANK[char]
    if char.isdigit():
        return _DIGIT, int(char) if char.isdecimal() else 0
    base = unicodedata.normalize("NFD", char)[0]
    if "a" <= base <= "z":
        return _LATIN, ord(base)
    if char.isalpha():
        return _OTHER, ord(char)
    return None


# ---------------------------------------------------------------- the source list

def group_source_list(document: Document, thesis: Thesis) -> None:
    """Citeproc's `Div#refs` replaced by the grouped (or citation-ordered) numbered source list."""
    found = _find_refs(document.blocks)
    if found is None:
        return
    blocks, index = found
    entries = _entries(blocks[index])
    settings = thesis.profile.source_list
    if settings.order == "citation":
        keys = _citation_order(document.ast, entries)
        replacement = [_numbered([entries[k] for k in keys], 1)] if keys else []
    else:
        replacement = _grouped(entries, thesis)
    blocks[index:index + 1] = [Div(replacement, SOURCE_LIST, ["references", "source-list"])]


def _grouped(entries: dict[str, list[Node]], thesis: Thesis) -> list[Node]:
    """A heading and a numbered list per non-empty group, in the profile's order."""
    settings = thesis.profile.source_list
    headings = thesis.labels.groups
    by_group: dict[str, list[str]] = {g: [] for g in settings.groups}
    for key in entries:
        by_group.setdefault(_group_of(key, thesis), []).append(key)
    out: list[Node] = []
    number = 1
    for group, keys in by_group.items():
        if not keys:
            continue
        keys.sort(key=lambda k: collation_key(stringify(entries[k])))
        out.append(Header(2, inlines(headings.get(group, group)), f"sources-{group}",
                          ["unnumbered", "unlisted", SOURCE_GROUP], [[RULE, "section"], [KIND, "source-group"]]))
        out.append(_numbered([entries[k] for k in keys], number))
        number = number + len(keys) if settings.numbering == "continuous" else 1
    return out


def _group_of(key: str, thesis: Thesis) -> str:
    """The group of a cited key (the profile's default group when the bibliography does not know it)."""
    bib = thesis.bibliography
    entry = bib.entries.get(key) if bib is not None else None
    return entry.group if entry is not None else thesis.profile.source_list.default_group


def _numbered(items: list[Node], start: int) -> Node:
    """An OrderedList "1." of entry Divs, starting at `start`."""
    attrs = [start, {"t": "Decimal"}, {"t": "Period"}]
    return {"t": "OrderedList", "c": [attrs, [[item] for item in items]]}


def _entries(refs: Node) -> dict[str, Node]:
    """Citeproc's entries by key, each as its `Div#ref-<key>` with paragraphs made tight."""
    out: dict[str, Node] = {}
    for key, div in _entry_divs(refs).items():
        ident, classes, attrs = div["c"][0]
        content = [{"t": "Plain", "c": b["c"]} if b["t"] == "Para" else b for b in div["c"][1]]
        out[key] = Div(content, ident, classes, attrs)
    return out


def _entry_divs(refs: Node) -> dict[str, Node]:
    """The `Div#ref-<key>` children of `Div#refs`, by key."""
    return {b["c"][0][0][len("ref-"):]: b for b in refs["c"][1]
            if b["t"] == "Div" and b["c"][0][0].startswith("ref-")}


def _citation_order(doc: dict, entries: dict[str, Node]) -> list[str]:
    """Keys in order of first citation; entries never cited (nocite) after them."""
    keys = list(dict.fromkeys(cited_keys(doc)))
    ordered = [k for k in keys if k in entries]
    return ordered + [k for k in entries if k not in ordered]


def _find_refs(blocks: list[Node]) -> tuple[list[Node], int] | None:
    """The block list holding `Div#refs` and its index there, searching nested Divs too."""
    for i, block in enumerate(blocks):
        if block["t"] != "Div":
            continue
        if block["c"][0][0] == SOURCE_LIST:
            return blocks, i
        inner = _find_refs(block["c"][1])
        if inner:
            return inner
    return None


# ---------------------------------------------------------------- words in the source's language

def localize(document: Document, thesis: Thesis) -> None:
    """With `repeat_terms: source`, each citation and entry re-rendered in its source's language,
    from the parse stage's citeproc run in that language (`document.citeproc_runs`)."""
    bib = thesis.bibliography
    if thesis.profile.source_list.repeat_terms != "source" or bib is None:
        return
    cites = document.index.get("Cite", []) or _cites(document.ast)
    cite_langs = [[bib.language_of(c["citationId"], thesis.language) for c in cite["c"][0]] for cite in cites]
    refs = _ref_divs(document.ast)
    ref_langs = {key: bib.language_of(key, thesis.language) for key in refs}
    runs = {thesis.language: cites}
    for lang in sorted(({lang for langs in cite_langs for lang in langs} | set(ref_langs.values())) - {thesis.language}):
        other = document.citeproc_runs[lang]
        runs[lang] = _cites(other)
        if len(runs[lang]) != len(cites):  # cannot happen for the same input; never mix runs
            raise RuntimeError(f"citeproc run for {lang!r} has {len(runs[lang])} citations, not {len(cites)}")
        other_refs = _ref_divs(other)
        for key, ref_lang in ref_langs.items():
            if ref_lang == lang and key in other_refs:
                refs[key]["c"][1] = other_refs[key]["c"][1]
    # a style that sorts a reference's citations renders them in an order of its own, which
    # may differ between languages (Cyrillic before Latin or after): the cut pieces would not
    # match their sources ("(Иванов, 2019; Иванов, 2019)")
    cuttable = not gost.sorts_citations(citation_style(thesis.project))
    for i, (mine, langs) in enumerate(zip(cites, cite_langs)):
        mixed = (_mixed(langs, {lang: runs[lang][i]["c"][1] for lang in set(langs)})
                 if len(set(langs)) > 1 and cuttable else None)
        if mixed is not None:
            mine["c"][1] = mixed
        elif langs[0] != thesis.language:  # one language, or a note that does not cut: the first source's words
            mine["c"][1] = runs[langs[0]][i]["c"][1]


def _mixed(langs: list[str], rendered: dict[str, list]) -> list | None:
    """A note citing sources in several languages, each citation in its own source's words
    ("Барановский В. Г. Указ. соч. С. 3; Haas E. B. Op. cit. P. 442."): the note as each
    language's run renders it, cut into its citations at the style's "; ", a citation taken
    from the run of its language. None where a run does not cut into as many citations."""
    cut = {lang: _citation_texts(content, len(langs)) for lang, content in rendered.items()}
    if any(pieces is None for pieces in cut.values()):
        return None
    texts = [inline for k, lang in enumerate(langs) for inline in cut[lang][k]]
    note = rendered[langs[0]][0]
    if note["t"] != "Note":  # the citation's own text (in an author's footnote)
        return texts
    return [{**note, "c": [{**note["c"][0], "c": texts}]}]


def _citation_texts(content: list, count: int) -> list[list] | None:
    """A Cite's rendered inlines (a Note holding one paragraph, in the text; the inlines
    themselves, in an author's footnote) cut after each "…;" followed by a space into `count`
    pieces, or None if they do not cut so."""
    note = content[0] if len(content) == 1 and content[0]["t"] == "Note" else None
    if note is not None and not (len(note["c"]) == 1 and note["c"][0]["t"] in ("Para", "Plain")):
        return None
    inlines = note["c"][0]["c"] if note is not None else content
    cuts = [j for j, node in enumerate(inlines[:-1])
            if node["t"] == "Str" and node["c"].endswith(";") and inlines[j + 1]["t"] == "Space"]
    if len(cuts) != count - 1:
        return None
    bounds = [0] + [j + 1 for j in cuts] + [len(inlines)]
    return [inlines[a:b] for a, b in zip(bounds, bounds[1:])]


def ibid_without_page(document: Document, thesis: Thesis) -> None:
    """A footnote repeating, without a page, the one source of the note before: "Там же."
    in the words of the source's language (or the thesis' with `repeat_terms: thesis`)."""
    bib, style = thesis.bibliography, citation_style(thesis.project)
    if bib is None or not gost.is_gost_style(style):
        return
    by_source = thesis.profile.source_list.repeat_terms == "source"
    gost.fix_ibid(document.ast, lambda key: bib.language_of(key, thesis.language) if by_source
                  else thesis.language, gost.ibid_terms(style), document.kept("Cite"))


def _cites(doc: dict) -> list[Node]:
    """The Cite elements of a document, in document order."""
    return [el for el in walk(doc["blocks"]) if el["t"] == "Cite"]


def _ref_divs(doc: dict) -> dict[str, Node]:
    """Citeproc's `Div#ref-<key>` entries of a document, by key."""
    found = _find_refs(doc["blocks"])
    return _entry_divs(found[0][found[1]]) if found else {}
