"""GOST descriptions: what the CSL style cannot do itself, done to its input and its output.

The style (styles/gost-r-7.0.5-note.csl) lays out every description. This module
- reads the BibLaTeX with biblatex's inheritance (`crossref`, `xdata`): `inherited`;
- converts the BibLaTeX to CSL JSON through pandoc without pandoc's English title-casing
  (GOST prints titles as written): `bibtex_to_csl`;
- mends each CSL item for GOST (`mend_item`): the title proper, subtitle and volume title
  kept apart, compilers, the translation and dissertation statements in the entry's language;
- writes the profile's variant of the style (`style_for`): GOST 7.1-2003 or GOST R 7.0.100-2018,
  "–" or "—" between areas, a space before ":" and ";" or not;
- turns a page-less repeat of the source of the note just before into "Там же." (`fix_ibid`);
- lists the fields a kind of source needs for a complete description (`missing_fields`).
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import bibmend, pandoc
from .ast import walk
from .files import hit, write_atomic

CSL_NS = "http://purl.org/net/xbiblio/csl"
STANDARDS = ("gost-7.1-2003", "gost-r-7.0.100-2018")

# biblatex `langid` → language codes the style has words for.
LANGIDS = {"russian": "ru", "kazakh": "kk", "english": "en", "american": "en", "british": "en",
           "australian": "en", "canadian": "en", "german": "de", "ngerman": "de", "austrian": "de",
           "naustrian": "de", "swissgerman": "de", "french": "fr",
           "ru": "ru", "kk": "kk", "en": "en", "de": "de", "fr": "fr"}

# "пер. с нем.": the translation statement, by the entry's language and `origlanguage`.
_TRANSLATED = {"ru": "пер.", "kk": "ауд.", "en": "transl.", "de": "übers.", "fr": "trad."}
_FROM = {
    "ru": {"en": "с англ.", "de": "с нем.", "fr": "с фр.", "ru": "с рус.", "kk": "с каз.",
           "it": "с итал.", "es": "с исп.", "la": "с лат.", "pl": "с пол.", "zh": "с кит."},
    "kk": {"en": "ағылшын тілінен", "de": "неміс тілінен", "fr": "француз тілінен",
           "ru": "орыс тілінен", "kk": "қазақ тілінен"},
    "en": {"en": "from English", "de": "from German", "fr": "from French", "ru": "from Russian",
           "kk": "from Kazakh"},
    "de": {"en": "aus dem Engl.", "de": "aus dem Dt.", "fr": "aus dem Franz.", "ru": "aus dem Russ.",
           "kk": "aus dem Kasach."},
    "fr": {"en": "de l'anglais", "de": "de l'allemand", "fr": "du français", "ru": "du russe",
           "kk": "du kazakh"},
}
_BY = {"en": "by", "de": "von", "fr": "par"}  # after the statement: "transl. from German by"
# Dissertation statements for biblatex's type keys (a `type` written out is printed as written).
_THESES = {
    "ru": {"phdthesis": "дис. … канд. наук", "candthesis": "дис. … канд. наук",
           "docthesis": "дис. … д-ра наук", "candautoref": "автореф. дис. … канд. наук",
           "docautoref": "автореф. дис. … д-ра наук", "mathesis": "магистерская дис.",
           "mastersthesis": "магистерская дис."},
    "kk": {"phdthesis": "PhD ... дис.", "candthesis": "... ғыл. канд. дис.",
           "docthesis": "... ғыл. д-ры дис.", "candautoref": "... ғыл. канд. дис. автореф.",
           "docautoref": "... ғыл. д-ры дис. автореф.", "mathesis": "магистрлік дис.",
           "mastersthesis": "магистрлік дис."},
    "en": {"phdthesis": "PhD thesis", "candthesis": "Cand. Sci. thesis", "docthesis": "Dr. Sci. thesis",
           "candautoref": "Cand. Sci. thesis abstract", "docautoref": "Dr. Sci. thesis abstract",
           "mathesis": "Master's thesis", "mastersthesis": "Master's thesis"},
    "de": {"phdthesis": "Diss.", "candthesis": "Diss.", "docthesis": "Habil.-Schr.",
           "candautoref": "Autoref. Diss.", "docautoref": "Autoref. Habil.-Schr.",
           "mathesis": "Masterarb.", "mastersthesis": "Masterarb."},
    "fr": {"phdthesis": "thèse de doctorat", "candthesis": "thèse de doctorat",
           "docthesis": "thèse d'État", "candautoref": "résumé de thèse", "docautoref": "résumé de thèse",
           "mathesis": "mémoire de master", "mastersthesis": "mémoire de master"},
}
_THESIS_TYPES = {"thesis", "phdthesis", "mastersthesis"}
_PARENT_TITLE = {  # biblatex's crossref mapping of the parent's title, by child type
    "incollection": "booktitle", "inbook": "booktitle", "inproceedings": "booktitle",
    "inreference": "booktitle", "book": "maintitle", "collection": "maintitle",
    "proceedings": "maintitle", "article": "journaltitle",
}
_TITLES = {"title", "subtitle", "titleaddon", "shorttitle", "sorttitle", "indextitle"}
_NEVER_INHERITED = {"ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label",
                    "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
                    "shorthand", "shorthandintro", "sortkey", "group"}

# Fields a GOST description of each kind shows; absent in a cited entry: a warning, nothing invented.
DESCRIBED = {
    "book": ["location", "publisher", "pagetotal"],
    "mvbook": ["location", "publisher", "volumes"],
    "collection": ["editor", "location", "publisher"],
    "mvcollection": ["editor", "location", "publisher", "volumes"],
    "incollection": ["location", "pages"],
    "inbook": ["location", "pages"],
    "inproceedings": ["location", "pages"],
    "article": ["pages"],
    "thesis": ["type", "location", "pagetotal"],
    "phdthesis": ["location", "pagetotal"],
    "mastersthesis": ["location", "pagetotal"],
    "standard": ["number", "location", "publisher"],
    "online": ["urldate"],
}


# ---------------------------------------------------------------- biblatex inheritance

def inherited(entry, entries: dict) -> dict[str, str]:
    """The entry's fields with those it inherits (`xdata`, then `crossref` as biblatex maps it);
    its own fields always win (a volume's own year over the set's range)."""
    fields = dict(entry.fields)
    for key in filter(None, (k.strip() for k in entry.fields.get("xdata", "").split(","))):
        parent = entries.get(key)
        for name, value in (parent.fields.items() if parent else ()):
            if name not in _NEVER_INHERITED:
                fields.setdefault(name, value)
    parent = entries.get(entry.fields.get("crossref", "").strip())
    if parent is not None and parent is not entry:
        pfields = inherited(parent, {k: v for k, v in entries.items() if k != entry.key})
        target = _PARENT_TITLE.get(entry.type)
        if target == "maintitle" and not parent.type.startswith("mv"):
            target = None
        for suffix in ("title", "subtitle", "titleaddon") if target else ():
            if pfields.get(suffix):
                fields.setdefault(target.replace("title", suffix), pfields[suffix])
        for name, value in pfields.items():
            if name not in _NEVER_INHERITED and name not in _TITLES:
                fields.setdefault(name, value)
    return fields


# ---------------------------------------------------------------- BibLaTeX → CSL JSON

_ENTRY_START = re.compile(r"(@(?!string|comment|preamble)\w+\s*\{\s*[^,\s={}]+\s*,)", re.I)


# Fields biblatex splits at "and" that exports fill with one name: "European Design and
# Automation Association" is one publisher (Zotero, Scholar), so their "and" is protected.
_ONE_NAME = re.compile(r"(?im)^(\s*(?:publisher|organization|institution|school|location|address)\s*=\s*\{)"
                       r"([^{}\n]*\band\b[^{}\n]*)(\}\s*,?\s*)$")


def without_title_casing(text: str) -> str:
    """BibLaTeX text that pandoc converts without sentence-casing English titles: pandoc does it
    for entries in English or with no `langid`; the real language is restored by `mend_item`.
    A literal field's "and" is kept as a word (see _ONE_NAME)."""
    text = _ONE_NAME.sub(lambda m: m[1] + re.sub(r"\band\b", "{and}", m[2]) + m[3], text)
    text = re.sub(r"(?i)\blangid(\s*=)", r"gostlangid\1", text)
    return _ENTRY_START.sub(r"\1 langid = {russian},", text)


def bibtex_to_csl(paths: list[Path], cwd: Path, entries: dict) -> list[dict]:
    """The BibLaTeX files as CSL JSON (pandoc's mapping, titles as written), and the title parts
    of each entry converted apart (`gost-parts`: {field: text}) for `mend_item`."""
    def convert(path: Path) -> list[dict]:
        text = without_title_casing(path.read_text(encoding="utf-8", errors="replace"))
        with pandoc.bibtex_errors_at(path):
            stdout, _ = pandoc.run(["--from", "biblatex", "--to", "csljson"], text.encode(), cwd,
                                   f"reading {path.name}")
        return json.loads(stdout)

    with ThreadPoolExecutor(max_workers=1 + len(paths)) as pool:  # the pandoc runs side by side
        titles = pool.submit(_title_parts, entries, cwd)
        items = [item for converted in pool.map(convert, paths) for item in converted]
        parts = titles.result()
    for item in items:
        item["gost-parts"] = parts.get(item.get("id", ""), {})
    return items


_PART_FIELDS = ("title", "subtitle", "titleaddon", "maintitle", "mainsubtitle", "maintitleaddon",
                "origlanguage", "type")


def _title_parts(entries: dict, cwd: Path) -> dict[str, dict[str, str]]:
    """Each entry's title fields (inherited ones included) converted from LaTeX one by one."""
    blocks, names = [], []
    for key, entry in entries.items():
        fields = inherited(entry, entries)
        for name in _PART_FIELDS:
            if fields.get(name):
                names.append((key, name))
                blocks.append(f"@misc{{p{len(names)}, title = {{{fields[name]}}}, langid = {{russian}}}}")
    if not blocks:
        return {}
    stdout, _ = pandoc.run(["--from", "biblatex", "--to", "csljson"], "\n".join(blocks).encode(), cwd,
                           "reading the titles")
    out: dict[str, dict[str, str]] = {}
    for item in json.loads(stdout):
        key, name = names[int(item["id"][1:]) - 1]
        out.setdefault(key, {})[name] = item.get("title", "")
    return out


def mend_item(item: dict, entry, entries: dict, language: str | None) -> dict:
    """One CSL item with what pandoc's mapping does not give GOST put right (see module doc)."""
    parts = item.pop("gost-parts", {})
    if entry is None:
        return item
    fields = inherited(entry, entries)
    _titles(item, parts)
    if fields.get("editortype", "").strip().lower() == "compiler" and "editor" in item:
        item["compiler"] = item.pop("editor")
    if item.get("translator"):
        item["gost-translated"] = translation_statement(language or "ru", parts.get("origlanguage", ""))
    if entry.type in _THESIS_TYPES or item.get("type") == "thesis":
        key = (parts.get("type") or fields.get("type") or entry.type).strip()
        words = _THESES.get(language or "ru", _THESES["ru"])
        item["genre"] = words.get(key.lower(), key) if key.lower() != "thesis" else ""
        if not item["genre"]:
            item.pop("genre")
    if entry.type == "periodical":  # a whole issue is described like a newspaper's: "– 2001. – 15 апреля."
        item["type"] = "article-newspaper"
    if entry.type == "standard":
        item["type"] = "standard"
        if item.get("number"):
            item["title-short"] = item["number"]
    if len(item.get("author", [])) >= 4:
        item["original-author"] = item.pop("author")
    return item


def _titles(item: dict, parts: dict[str, str]) -> None:
    """Title proper, other title information and volume title from the converted fields."""
    title, other = parts.get("title"), [parts.get("subtitle"), parts.get("titleaddon")]
    if parts.get("maintitle") and item.get("type") not in ("chapter", "paper-conference"):
        item["volume-title"] = ": ".join(filter(None, [title, *other]))
        title, other = parts["maintitle"], [parts.get("mainsubtitle"), parts.get("maintitleaddon")]
    if title:
        item["title"] = title
    if any(other):
        item["gost-subtitle"] = ": ".join(filter(None, other))
        item.setdefault("title-short", title)


def translation_statement(language: str, origlanguage: str) -> str:
    """ "пер. с нем." / "transl. from German by": the words before the translators' names."""
    words = [_TRANSLATED.get(language, "пер.")]
    source = LANGIDS.get(origlanguage.strip().lower())
    if source and source in _FROM.get(language, {}):
        words.append(_FROM[language][source])
    if language in _BY:
        words.append(_BY[language])
    return " ".join(words)


def missing_fields(entry, entries: dict) -> list[str]:
    """The fields a complete GOST description of this kind needs that the entry lacks."""
    fields = inherited(entry, entries)
    need = DESCRIBED.get(entry.type, [])
    if entry.type == "book" and fields.get("maintitle") and "volume" not in fields:
        need = need + ["volume"]
    if entry.type in ("online",) or fields.get("url"):
        need = need + (["urldate"] if "urldate" not in need else [])
    aliases = {"location": ("address",), "urldate": ("note",), "journaltitle": ("journal",),
               "publisher": ("institution", "school", "organization"),
               "pagetotal": ("pages",)}  # what exports write instead (a whole work's one number)
    return [name for name in dict.fromkeys(need) if not fields.get(name)
            and not any(_stands_for(name, alias, fields.get(alias, "")) for alias in aliases.get(name, ()))]


def _stands_for(name: str, alias: str, value: str) -> bool:
    """Whether an exported field gives what `name` would: `note = {Accessed: 12-02-2026}` an urldate."""
    if name == "urldate":
        return bool(re.search(r"(?i)accessed|дата обращения|қаралған", value))
    if name == "pagetotal":  # "240" or "240 с.", not a range of the pages cited
        return bool(bibmend.PAGE_COUNT.match(value))
    return bool(value)


# ---------------------------------------------------------------- the profile's variant of the style

def is_gost_style(style: Path) -> bool:
    """True for the project's GOST style (or a copy of it): the one this module's items and
    variants are made for; other CSL styles get pandoc's own items."""
    try:
        root = ET.parse(style).getroot()
    except (OSError, ET.ParseError):
        return False
    return root.find(f"{{{CSL_NS}}}macro[@name='designation']") is not None


def sorts_citations(style: Path) -> bool:
    """Whether the style orders the citations of one reference itself (`<citation><sort>`):
    its rendering then need not follow the order the author wrote them in."""
    try:
        root = ET.parse(style).getroot()
    except (OSError, ET.ParseError):
        return False
    return root.find(f"{{{CSL_NS}}}citation/{{{CSL_NS}}}sort") is not None


def style_for(base: Path, standard: str, separator: str, space_before_colon: bool, cache: Path) -> Path:
    """The CSL style as the profile asks: `base` itself for GOST 7.1-2003 with "–" and no space
    before ":", else a variant written once into `cache`."""
    if (standard, separator, space_before_colon) == (STANDARDS[0], "–", False):
        return base
    text = base.read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{text}\0{standard}\0{separator}\0{space_before_colon}".encode()).hexdigest()[:16]
    target = cache / f"style-{digest}.csl"
    if hit(target):
        return target
    ET.register_namespace("", CSL_NS)
    root = ET.fromstring(text.encode("utf-8"))
    for el in root.iter():
        delimiter = el.get("delimiter")
        if delimiter == ". – ":
            el.set("delimiter", f". {separator} ")
        elif space_before_colon and delimiter in (": ", "; "):
            el.set("delimiter", " " + delimiter)
    if standard == "gost-r-7.0.100-2018":
        _gost_2018(root)
    write_atomic(target, b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8"),
                 durable=False)
    return target


def _macro(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"{{{CSL_NS}}}macro[@name='{name}']")
    if found is None:
        raise ValueError(f"the CSL style has no macro {name!r}")
    return found


def _gost_2018(root: ET.Element) -> None:
    """GOST R 7.0.100-2018: no "[Электронный ресурс]"; the content and media area last
    ("Текст : непосредственный" / "Текст : электронный"); four authors all named, five or
    more as the first three "[и др.]"; "Патент № 2187888", not "Пат. 2187888"."""
    gmd = _macro(root, "gmd")
    gmd[:] = [ET.Element(f"{{{CSL_NS}}}group")]
    designation = _macro(root, "designation")
    choose = ET.fromstring(
        f'<choose xmlns="{CSL_NS}"><if variable="URL"><text term="gost-text-electronic"/></if>'
        f'<else><text term="gost-text-direct"/></else></choose>')
    designation[:] = [choose]
    for name in _macro(root, "many-authors").iter(f"{{{CSL_NS}}}name"):
        name.set("et-al-min", "5")
        name.set("et-al-use-first", "3")
    for term in _macro(root, "patent-number").iter(f"{{{CSL_NS}}}text"):  # "Патент № 2187888"
        if term.get("term") == "gost-patent":
            term.set("term", "gost-patent-2018")


# ---------------------------------------------------------------- "Там же." without a page

def ibid_terms(style: Path) -> dict[str, str]:
    """The long `ibid` term of each locale of the style ("Там же", "Ibid."), by language."""
    root = ET.parse(style).getroot()
    out = {}
    for locale in root.findall(f"{{{CSL_NS}}}locale"):
        lang = locale.get("{http://www.w3.org/XML/1998/namespace}lang", "")[:2]
        for term in locale.iter(f"{{{CSL_NS}}}term"):
            if term.get("name") == "ibid" and term.get("form") is None:
                out[lang] = term.text or ""
    return out


def fix_ibid(doc: dict, language_of, terms: dict[str, str], cites: list[dict] | None = None) -> int:
    """A footnote made from a citation of only the source that the note just before cited only,
    with no page of its own, is "Там же." even when the note before gave a page (GOST R 7.0.5-2008;
    citeproc calls it 'subsequent'). `language_of(key)` gives the words' language. Returns the
    number of notes changed. `cites`: the document's Cite elements in order, if known."""
    by_note: dict[int, list[dict]] = {}
    for cite in cites if cites is not None else (el for el in walk(doc["blocks"]) if el["t"] == "Cite"):
        by_note.setdefault(cite["c"][0][0].get("citationNoteNum", 0), []).append(cite)
    changed = 0
    for number, cites in sorted(by_note.items()):
        before = by_note.get(number - 1, [])
        if len(cites) != 1 or len(cites[0]["c"][0]) != 1 or len(before) != 1 or len(before[0]["c"][0]) != 1:
            continue
        item = cites[0]["c"][0][0]
        if item["citationId"] != before[0]["c"][0][0]["citationId"] or item["citationSuffix"] \
                or item["citationPrefix"]:
            continue
        notes = [el for el in cites[0]["c"][1] if el["t"] == "Note"]  # a note citeproc made
        word = terms.get(language_of(item["citationId"]), "").rstrip(".")
        if len(notes) == 1 and word:
            notes[0]["c"] = [{"t": "Para", "c": [{"t": "Str", "c": word + "."}]}]
            changed += 1
    return changed
