"""The parse stage: the whole thesis through pandoc once, citations resolved by citeproc.

With `repeat_terms: source` the thesis also goes through citeproc in each other language
its sources are in (a Russian book cited in a Kazakh thesis says "Там же. С. 32."): the
languages predicted from the chapters' text run alongside the main run; any the main
run's citations show were missed run right after. No pandoc run happens after this stage.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import ast, bibliography, gost, pandoc
from .ast import cited_keys
from .context import Thesis
from .diagnostics import Reporter
from .document import Document
from .files import write_atomic
from .load import citation_style


def parse(thesis: Thesis, cache: Path, reporter: Reporter) -> Document:
    """The parsed thesis (with its other-language citeproc runs and an index of its elements)."""
    csl = citation_style(thesis.project)
    for_gost = gost.is_gost_style(csl)
    items = ([bibliography.csl_items(thesis.bibliography, list(thesis.bibliography_files), thesis.root, cache,
                                     for_gost)] if thesis.bibliography_files else [])
    if for_gost:
        settings = thesis.profile.source_list
        csl = gost.style_for(csl, settings.standard, settings.area_separator, settings.space_before_colon, cache)
    if thesis.profile.citations == "numeric":
        csl = numeric_style(csl, cache)

    crossref = any(_CROSSREF.search(c.text) for c in thesis.chapters)

    def run(language: str) -> dict:
        quiet = language != thesis.language  # the main run reports; the others repeat it
        return pandoc.parse([c.path for c in thesis.chapters], thesis.root, items, csl, language,
                            thesis.project.thesis.nocite, Reporter(quiet=True) if quiet else reporter,
                            crossref)

    others = sorted(languages_needed(thesis) - {thesis.language}) if items else []
    with ThreadPoolExecutor(max_workers=1 + len(others)) as pool:
        jobs = {lang: pool.submit(run, lang) for lang in [thesis.language, *others]}
        runs = {lang: job.result() for lang, job in jobs.items()}
        doc = runs.pop(thesis.language)
        missed = sorted(languages_needed(thesis, doc) - set(runs) - {thesis.language}) if items else []
        runs.update(zip(missed, pool.map(run, missed)))
    return Document(doc, citeproc_runs=runs, index=ast.index(doc["blocks"]))


# GOST R 7.0.5-2008 references in the text: "[12, с. 45]", "[3; 7]", numbered as the list is.
NUMERIC_CITATION = """<citation xmlns="http://purl.org/net/xbiblio/csl" collapse="citation-number">
  <sort><key variable="citation-number"/></sort>
  <layout prefix="[" suffix="]" delimiter="; ">
    <group delimiter=", "><text variable="citation-number"/><text macro="locator" text-case="lowercase"/></group>
  </layout>
</citation>"""


# A pandoc-crossref reference can only be written with one of these prefixes after "@".
_CROSSREF = re.compile(r"@(?:fig|tbl|eq|sec|Fig|Tbl|Eq|Sec):")


def numeric_style(note_style: Path, cache: Path) -> Path:
    """The note style with numeric in-text citations in place of its notes: the same source
    descriptions (its bibliography), the citation-number of each source in citation order."""
    from lxml import etree
    ns = "{http://purl.org/net/xbiblio/csl}"
    raw = note_style.read_bytes()
    target = cache / f"numeric-{hashlib.sha256(raw + NUMERIC_CITATION.encode()).hexdigest()[:16]}.csl"
    if not target.is_file():
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
