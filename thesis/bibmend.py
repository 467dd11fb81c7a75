"""What exported and hand-typed BibTeX gets wrong, mended in the CSL items citeproc reads;
other reference formats told apart from BibTeX and converted (`python build.py bib FILE`).

Reference managers (Zotero, Better BibTeX, Google Scholar, Mendeley, JabRef) and authors typing
a .bib by hand the GOST way write things pandoc reads literally: names listed with commas,
surnames before initials without a comma, labels inside number fields ("Т. 3"), a year with
its letter ("2019г."), a DOI as its link, TeX math in titles. `bibliography.mend_csl_item`
calls these on each item; the checks warn where the author should write it otherwise.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from . import pandoc
from .diagnostics import UserError
from .files import write_atomic

_DOI_LINK = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
# TeX math as pandoc's Markdown reads it: no space inside the dollars, no digit after ("$5 and $6")
_TEX_MATH = re.compile(r"\$(?=\S)[^$\n]*?(?<=\S)\$(?!\d)")
_NOT_PROSE = {"id", "DOI", "URL", "ISBN", "ISSN", "language", "type"}


def math_as_text(items: list[dict], cwd: Path) -> None:
    """TeX math in the sources' text ('On the {$\\alpha$}-conjecture') as the characters it
    stands for ('α'), in place: pandoc's CSL JSON keeps it as TeX, which citeproc printed
    dollars and all. One pandoc run for all of it; what has no plain-text form stays as written."""
    fields = [(item, key) for item in items for key, value in item.items()
              if key not in _NOT_PROSE and isinstance(value, str) and "$" in value]
    segments = sorted({m.group(0) for item, key in fields for m in _TEX_MATH.finditer(item[key])})
    if not segments:
        return
    text = "\n\n".join(f"M{i}: {segment}" for i, segment in enumerate(segments))
    out, _ = pandoc.run(["--sandbox", "--from", "markdown", "--to", "plain", "--wrap=none"], text.encode(), cwd,
                        "reading the sources' math")
    plain = {}
    for line in out.decode().splitlines():
        number, _, value = line.partition(": ")
        if number[:1] == "M" and number[1:].isdigit() and int(number[1:]) < len(segments):
            if value and "\\" not in value and "$" not in value and "^(" not in value:
                plain[segments[int(number[1:])]] = value
    for item, key in fields:
        item[key] = _TEX_MATH.sub(lambda m: plain.get(m.group(0), m.group(0)), item[key])


# What reference managers write (Zotero, Better BibTeX, Google Scholar, Mendeley, JabRef).
ET_AL = {"ru": "[и др.]", "kk": "[т.б.]", "en": "et al.", "de": "u. a.", "fr": "et al."}
_UPPER_LETTERS = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_RUN_TOGETHER = re.compile(f"^[{_UPPER_LETTERS}]{{2,3}}$")  # Scholar's "Бокерия, ЛА": two initials
_ACCESSED = re.compile(r"(?i)(?:accessed|last accessed|viewed|дата обращения|қаралған күні)\s*:?\s*"
                       r"(\d{1,4})[-./](\d{1,2})[-./](\d{1,4})\.?")


_INITIAL = f"[{_UPPER_LETTERS}][a-zа-яё]{{0,2}}\\.(?:-[{_UPPER_LETTERS}][a-zа-яё]{{0,2}}\\.)?"  # И. Дж. Ж.-П.
_INITIALS = re.compile(f"(?:{_INITIAL}\\s*)+")


def _surname_first(name: dict) -> None:
    """"Иванов И.И." written without a comma, read by BibTeX's rule (the last word is the
    surname) as given "Иванов И.", family "И.", printed "И. И. И.": the surname first and
    the initials after it, as a Russian or Kazakh author writes every name, made so."""
    family, given = name.get("family", ""), name.get("given", "")
    words = given.split()
    if not (_INITIALS.fullmatch(family) and words and not _INITIALS.fullmatch(words[0])):
        return
    surname = [w for w in itertools.takewhile(lambda w: not _INITIALS.fullmatch(w), words)]
    initials = words[len(surname):]
    if any("." in w for w in surname) or not all(_INITIALS.fullmatch(w) for w in initials):
        return
    letters = re.findall(_INITIAL, " ".join(initials + [family]))
    name["family"], name["given"] = " ".join(surname), " ".join(letters)


# A patronymic ends a Russian or Kazakh full name ("Иванов Иван Иванович", "Нұрланов Ерлан Серікұлы")
_PATRONYMIC = re.compile(r"(?:ич|[оеё]вна|ична|[ұу]лы|[қк]ызы|[оө][гғ]лы)$", re.I)


def _surname_before_names(name: dict) -> None:
    """"Иванов Иван Иванович" without a comma (CyberLeninka's and eLibrary's exports), read by
    BibTeX's rule as given "Иванов Иван", surname "Иванович", printed "Иванович И. И.": the
    first word is the surname when the last is a patronymic. "Иван Иванович Иванов" (the
    patronymic in the middle) is left as read."""
    family, given = name.get("family", ""), name.get("given", "").split()
    if len(given) >= 2 and _PATRONYMIC.search(family) and not _PATRONYMIC.search(given[-1]) \
            and not any("." in w for w in given):
        name["family"], name["given"] = given[0], " ".join(given[1:] + [family])


NAME_ROLES = ("author", "editor", "translator")
_AND = re.compile(r"\s+and\s+", re.I)


def names_and_links(item: dict, fields: dict[str, str]) -> None:
    """Names listed with commas or semicolons as the names they are (warned as bib.names), and
    a DOI written as its link as the DOI (the style prints "DOI: 10.…"); `fields`: the entry's
    BibTeX fields as written."""
    for role in NAME_ROLES:
        if (names := listed_names(fields.get(role, ""))) is not None:
            item[role] = [_name(n) for n in names]
    if isinstance(item.get("DOI"), str):
        item["DOI"] = _DOI_LINK.sub("", item["DOI"].strip())


def listed_names(value: str) -> list[str] | None:
    """The names of a name field written as a list ("Иванов И. И., Петров П. П." or with ";")
    where BibTeX wants 'and' between them, None where it is not such a list ("Иванов, Иван" and
    "Smith, J." are one name each; a {protected} name is left as written)."""
    if not value or _AND.search(value) or "{" in value or "\\" in value:  # TeX: pandoc reads it
        return None
    if ";" in value:
        names = [p.strip() for p in value.split(";") if p.strip()]
        return names if len(names) > 1 else None
    names = [p.strip() for p in value.split(",") if p.strip()]
    if len(names) > 1 and all(_a_whole_name(n) for n in names):
        return names
    return None


def _a_whole_name(text: str) -> bool:
    """A surname with its initials ("Иванов И. И.") or a full name ending with its patronymic
    ("Иванов Иван Иванович"): a name on its own, not the half of "Surname, Given"."""
    words = text.split()
    with_initials = re.search(_INITIAL, text) and any(not _INITIALS.fullmatch(w) for w in words)
    return bool(with_initials or (len(words) >= 3 and _PATRONYMIC.search(words[-1])))


def _name(text: str) -> dict:
    """One name of such a list as CSL: "Фамилия И. О.", "И. О. Фамилия", "Last, First"."""
    if "," in text:
        family, _, given = text.partition(",")
        return {"family": family.strip(), "given": given.strip()}
    words = text.split()
    initials = [w for w in words if _INITIALS.fullmatch(w)]
    surname = [w for w in words if not _INITIALS.fullmatch(w)]
    if not initials:
        return {"family": words[0], "given": " ".join(words[1:])} if len(words) > 1 else {"family": text}
    return {"family": " ".join(surname), "given": " ".join(re.findall(_INITIAL, " ".join(initials)))}


def as_exported(item: dict, language: str, for_gost: bool = True) -> None:
    """A CSL item from an exported .bib made right: `and others` as "[и др.]"/"et al.", initials
    run together split ("ЛА" → "Л. А."), `note = {Accessed: …}` an access date, a URL in
    `howpublished` a URL (not a publisher), a publisher named twice (organization too) once,
    a whole work's single `pages` number its number of pages; `for_gost`: an organisation as
    the author ends with its period (GOST's heading element; other styles punctuate it)."""
    for role in NAME_ROLES:
        for name in item.get(role, []):
            if name.get("literal", "").strip().lower() == "others":
                name["literal"] = ET_AL.get(language, "et al.")
            elif for_gost and role == "author" and name.get("literal") and name["literal"][-1:].isalnum():
                name["literal"] += "."  # an organisation as the heading: "American Heart Association."
            given = name.get("given", "")
            if _RUN_TOGETHER.match(given):
                name["given"] = " ".join(f"{letter}." for letter in given)
    for value in item.values():  # every role's names: author, editor, original-author (GOST's), …
        if isinstance(value, list):
            for name in value:
                if isinstance(name, dict) and "family" in name:
                    _surname_first(name)
                    _surname_before_names(name)
    publisher = item.get("publisher", "")
    if publisher.startswith(("http://", "https://")) and "URL" not in item:
        item["URL"] = item.pop("publisher")
        publisher = ""
    elif publisher:
        item["publisher"] = "; ".join(dict.fromkeys(p.strip() for p in publisher.split(";")))
    note = item.get("note", "")
    if (found := _ACCESSED.search(note)) and "accessed" not in item:
        a, b, c = found.groups()
        year, month, day = (int(a), int(b), int(c)) if len(a) == 4 else (int(c), int(b), int(a))
        if item.get("URL"):  # GOST gives an access date with the address it belongs to
            item["accessed"] = {"date-parts": [[year, month, day]]}
        rest = (note[:found.start()] + note[found.end():]).strip(" .;,")
        item.pop("note") if not rest else item.update(note=rest)
    if item.get("type") in _WHOLE_WORKS and item.get("page", "").isdigit() and "number-of-pages" not in item:
        item["number-of-pages"] = item.pop("page")  # a whole work's `pages = {120}`: its extent, "120 с."
    if not item.get("type"):
        item["type"] = "webpage" if item.get("URL") else "document"


# A label typed into a number field, which the style prints itself: "Т. 3", "№ 5", "С. 10-20"
_TYPED_LABEL = {"volume": re.compile(r"^\s*(?:т|том|vol|v|b)\.?\s*(?=[\dIVXLC])", re.I),
                "issue": re.compile(r"^\s*(?:№|no|nr|n°|вып|iss)\.?\s*(?=[\dIVXLC])", re.I),
                "page": re.compile(r"^\s*(?:с|стр|б|p|pp|s)\.?\s*(?=[\dIVXLC])", re.I)}
PAGE_COUNT = re.compile(r"^\s*(\d+)\s*(?:(?:с|стр|б|p|pp|pages|S)\.?)?\s*$", re.I)  # "240", "240 с.": an extent
_A_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def hand_written(item: dict, fields: dict[str, str]) -> None:
    """What a .bib typed by hand says the GOST way, which pandoc keeps as text: a label in a
    number ("Т. 3" printed "Т. Т. 3"; "№ 5", "С. 10-20" alike), a book's pages with their unit
    ("240 с.", then no extent at all), a year with its letter ("2019г.", then no year at all);
    `fields`: the entry's BibTeX fields as written."""
    for field, label in _TYPED_LABEL.items():
        if isinstance(item.get(field), str):
            item[field] = label.sub("", item[field])
    if isinstance(item.get("page"), str) and (count := PAGE_COUNT.match(item["page"])):
        item["page"] = count.group(1)
    if not (item.get("issued") or {}).get("date-parts") and "literal" not in (item.get("issued") or {}):
        written = fields.get("date") or fields.get("year") or ""
        if (year := _A_YEAR.search(written)) is not None:
            item["issued"] = {"date-parts": [[int(year.group(1))]]}


_WHOLE_WORKS = {"book", "report", "thesis"}  # CSL types with no page range of their own (a Zotero
# report's or book's "Pages" is exported as `pages`)


# What reference managers export besides BibTeX, by suffix, then by the first characters;
# pandoc's reader for each (None: pandoc reads none of it)
_OTHER_FORMATS = {".ris": "RIS", ".nbib": "MEDLINE (nbib)", ".enw": "EndNote tagged text", ".xml": "EndNote XML",
                  ".json": "CSL JSON", ".yaml": "CSL YAML", ".yml": "CSL YAML", ".rdf": "Zotero RDF"}
_READERS = {"RIS": "ris", "EndNote XML": "endnotexml", "CSL JSON": "csljson", "CSL YAML": "markdown"}


def convert_bibliography(source: Path, target: Path | None = None) -> Path:
    """A RIS, EndNote XML or CSL JSON/YAML file written as BibLaTeX by pandoc (`bib` command),
    atomically, beside it unless `target` says where; a format pandoc cannot read is an error."""
    if not source.is_file():
        raise UserError(f"no file {str(source)!r}", code="source.missing")
    if (kind := not_bibtex(source)) is None:
        raise UserError(f"{str(source)!r} is BibTeX already: list it under `bibliography:` in thesis.yaml",
                        source, code="source.bibliography")
    reader = _READERS.get(kind)
    if reader is None:
        raise UserError(f"{str(source)!r} is {kind}, which pandoc does not read: export the references as BibTeX "
                        "(or RIS) from the reference manager", source, code="source.bibliography")
    target = target or source.with_suffix(".bib")
    if target.exists() and target.resolve() == source.resolve():
        raise UserError(f"{str(target)!r} would replace its own source", target, code="source.bibliography")
    # pandoc title-cases the titles of a document in English ("Статья о Данных"): a language
    # other than English keeps them as written, as the GOST style prints them
    args = ["--from", reader, "--to", "biblatex", "--sandbox", "--metadata", "lang=ru"]
    if reader == "markdown":  # CSL YAML: a metadata block of `references`
        args += ["--standalone"]
    text = source.read_bytes()
    if reader == "markdown" and not text.lstrip().startswith(b"---"):
        text = b"---\n" + text + b"\n...\n"
    out, _ = pandoc.run(args, text, source.resolve().parent, f"converting {source.name}")
    if not out.strip():
        raise UserError(f"{str(source)!r} holds no references pandoc could read", source, code="source.bibliography")
    write_atomic(target, out)
    return target


def not_bibtex(path: Path) -> str | None:
    """The format of a bibliography file that is not BibTeX (None: it is, or may be)."""
    if (kind := _OTHER_FORMATS.get(path.suffix.lower())) is not None:
        return kind
    try:
        with path.open("rb") as file:
            head = file.read(2048).decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    except OSError:
        return None
    if head.startswith("TY  - "):
        return "RIS"
    if head[:1] in "[{" and '"type"' in head:
        return "CSL JSON"
    return None
