"""The two configuration files: `thesis.yaml` (the thesis) and `profiles/*.yaml` (a format).

Both are declared here once, typed, with a default and a one-line doc per option.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .diagnostics import Reporter, UserError
from .files import TOOL_ROOT, inside, read_text
from .schema import build_config, deep_merge, load_yaml, option, parse_yaml
from .units import Length

LANGUAGES = ("kk", "ru", "en")
PLACEHOLDER = re.compile(r"^\s*TODO\b")


def _language(value: str) -> str | None:
    return None if value in LANGUAGES else f"must be one of {', '.join(LANGUAGES)}, not {value!r}"


UNSUPPRESSIBLE = {"thesis.placeholder"}  # --strict must refuse an unfinished title page


def _suppressible(codes: list[str]) -> str | None:
    bad = [c for c in codes if not re.fullmatch(r"[a-z]+\.[a-z-]+", c)]
    if bad:
        return f"not warning codes (like bib.incomplete): {', '.join(map(repr, bad))}"
    kept = sorted(set(codes) & UNSUPPRESSIBLE)
    return f"cannot be suppressed: {', '.join(kept)}" if kept else None


def _citation_form(value: str) -> str | None:
    return None if value in ("", "note", "numeric") else f"must be 'note' or 'numeric', not {value!r}"


# PDF standards Typst writes: a PDF/A part and level (b: the look kept; a: also tagged text with
# alternative texts), PDF/UA-1 (accessible), or a PDF/A one with PDF/UA-1 ("a-2a+ua-1").
PDF_ARCHIVE = ("a-2b", "a-3b", "a-2a", "a-3a")
PDF_STANDARD_VALUES = ("none", *PDF_ARCHIVE, "ua-1", *(f"{a}+ua-1" for a in PDF_ARCHIVE))


def pdf_standards(value: str) -> list[str]:
    """Typst's standards for a `pdf_standard` value ("none": none)."""
    return [] if value == "none" else value.split("+")


def pdf_standard_problem(value: str) -> str | None:
    return None if value in PDF_STANDARD_VALUES else (
        f"must be none, {', '.join(PDF_ARCHIVE)}, ua-1 or a PDF/A one with +ua-1 (a-2a+ua-1), not {value!r}")


def _keywords(words: list[str]) -> str | None:
    return None if not words or 5 <= len(words) <= 15 else f"GOST 7.32 asks for 5 to 15 key words, not {len(words)}"


def _year(value: int) -> str | None:
    return None if 1900 <= value <= 2100 else f"{value} is not a plausible year"


# ================================================================ thesis.yaml

@dataclass(kw_only=True)
class Supervisor:
    name: str = option(doc="Full name, as printed on the title page")
    degree: str = option("", doc="Academic degree, e.g. 'т.ғ.к.' / 'к.и.н.'")
    title: str = option("", doc="Position, e.g. 'доцент'")


@dataclass(kw_only=True)
class Specialty:
    code: str = option("", doc="Specialty code, e.g. '5B020200'")
    name: str = option(doc="Specialty name")


@dataclass(kw_only=True)
class ThesisConfig:
    """`thesis.yaml`: what the title page says, what the thesis consists of, which format."""

    title: str = option(doc="Title of the thesis")
    language: str = option(doc="Language of the thesis: kk, ru or en", check=_language)
    author: str = option(doc="The author's full name")
    year: int = option(doc="Year of the defence", check=_year)
    work_type: str = option("", doc="Kind of work for the title page (the profile's label if empty)")
    supervisor: Supervisor | None = option(None, doc="Scientific supervisor")
    ministry: str = option("", doc="Ministry line at the top of the title page")
    university: str = option("", doc="University name")
    faculty: str = option("", doc="Faculty")
    department: str = option("", doc="Department (кафедра)")
    head_of_department: str = option("", doc="Head of department for the admission block")
    specialty: Specialty | None = option(None, doc="Specialty code and name")
    city: str = option("", doc="City printed at the foot of the title page")
    profile: str = option("kz-diploma", doc="Format profile: a name in profiles/ or a path")
    chapters: list[str] = option([], doc="Chapter files in order; empty: content/*.md by numeric prefix")
    bibliography: list[str] = option([], doc="BibTeX files")
    nocite: list[str] = option([], doc="Keys listed in the source list although never cited ('*' for all)")
    citations: str = option("", doc="'note' or 'numeric': overrides the profile's citation form", check=_citation_form)
    keywords: list[str] = option([], doc="Key words of the реферат (5 to 15): printed in capitals, and the PDF/DOCX metadata",
                                 check=_keywords)
    suppress_warnings: list[str] = option([], doc="Warning codes not reported, e.g. bib.incomplete "
                                                  "(then --strict ignores them too)", check=_suppressible)

    def placeholders(self) -> list[str]:
        """Keys whose value is still a `TODO` placeholder."""
        found = []
        for key, value in flatten(dataclasses.asdict(self)).items():
            if isinstance(value, str) and PLACEHOLDER.match(value):
                found.append(key)
        return found


def flatten(data: dict, prefix: str = "") -> dict:
    """Nested mappings as one mapping with dotted keys ('supervisor.name')."""
    out = {}
    for name, value in data.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


# ================================================================ profiles

@dataclass(kw_only=True)
class Margins:
    left: Length = option(doc="Left margin")
    right: Length = option(doc="Right margin")
    top: Length = option(doc="Top margin")
    bottom: Length = option(doc="Bottom margin")


@dataclass(kw_only=True)
class Page:
    size: Literal["a4", "a5", "us-letter"] = option("a4", doc="Paper size")
    margins: Margins = option(doc="Page margins")


@dataclass(kw_only=True)
class Fonts:
    body: list[str] = option(doc="Preferred body fonts, first installed wins")
    fallback: list[str] = option(doc="Fonts used (with a warning) when no preferred one is installed")


@dataclass(kw_only=True)
class Sizes:
    body: Length = option(Length("14pt"), doc="Body text size")
    footnote: Length = option(Length("12pt"), doc="Footnote text size")
    caption: Length = option(Length("14pt"), doc="Figure and table caption size")
    title_page: Length = option(Length("14pt"), doc="Title page text size")


@dataclass(kw_only=True)
class Text:
    line_spacing: float = option(1.0, doc="Line spacing: 1.0 single, 1.5 one and a half")
    first_line_indent: Length = option(Length("1.25cm"), doc="Paragraph first-line indent")
    alignment: Literal["justify", "left"] = option("justify", doc="Body text alignment")
    paragraph_spacing: Length = option(Length("0pt"), doc="Extra space between paragraphs")
    hyphenate: dict[str, bool] = option({"kk": False, "ru": True, "en": True},
                                        doc="Hyphenate body text, per thesis language")


@dataclass(kw_only=True)
class HeadingRule:
    numbering: str = option("", doc="Number pattern: '{1}' chapter, '{1}.{2}' section; '' unnumbered")
    case: Literal["as-is", "upper"] = option("as-is", doc="Letter case of the heading text")
    align: Literal["left", "center", "indent"] = option("indent", doc="Alignment; 'indent' starts at the paragraph indent")
    bold: bool = option(True, doc="Bold heading")
    size: Length = option(Length("14pt"), doc="Heading size")
    page_break: bool = option(False, doc="Start on a new page")
    space_before: Length = option(Length("12pt"), doc="Space above")
    space_after: Length = option(Length("12pt"), doc="Space below")


@dataclass(kw_only=True)
class Headings:
    chapter: HeadingRule = option(doc="Level 1: chapters")
    section: HeadingRule = option(doc="Level 2: sections")
    subsection: HeadingRule = option(doc="Level 3: subsections")
    structural: HeadingRule = option(doc="Introduction, conclusion, references, appendices")
    chapter_word: dict[str, str] = option({}, doc="Optional chapter word per language, '{n} тарау' / 'Глава {n}'")


@dataclass(kw_only=True)
class Labels:
    contents: str = option(doc="Contents title")
    introduction: str = option(doc="Introduction")
    conclusion: str = option(doc="Conclusion")
    references: str = option(doc="Source list title")
    abbreviations: str = option(doc="Abbreviations list title")
    appendix: str = option(doc="Appendix word")
    figure: str = option(doc="Figure caption word")
    table: str = option(doc="Table caption word")
    list_of_figures: str = option("List of Figures", doc="Title of the list of figures (\\listoffigures)")
    list_of_tables: str = option("List of Tables", doc="Title of the list of tables (\\listoftables)")
    figure_ref: str = option("", doc="A reference to a figure, '{n}' its number: 'рис. {n}' (empty: the caption word)")
    table_ref: str = option("", doc="A reference to a table: 'табл. {n}' (empty: the caption word)")
    equation_ref: str = option("({n})", doc="A reference to a formula: '({n})'")
    section_ref: str = option("{n}", doc="A reference to a chapter or section: '{n}', 'раздел {n}'")
    table_continued: str = option(doc="Line above a continued table's repeated header; {n} is the table number")
    abstract: str = option("", doc="Реферат / abstract title (a structural element, never numbered)")
    terms: str = option("", doc="Terms and definitions title (a structural element)")
    abstract_stats: str = option("{pages} p., {figures} fig., {tables} tab., {sources} ref., {appendices} app.",
                                 doc="Реферат statistics line (GOST 7.32 5.3.2); parts counting 0 are left out")
    appendix_status: dict[str, str] = option({}, doc="Appendix status words by id: mandatory, recommended, informative")
    groups: dict[str, str] = option(doc="Source list group headings by group id")
    aliases: dict[str, list[str]] = option({}, doc="Other headings recognised as a structural element")
    title_page: dict[str, str] = option({}, doc="Fixed words of the title page")


@dataclass(kw_only=True)
class Footnotes:
    rule_length: Length = option(Length("50mm"), doc="Length of the rule above the notes")
    numbering: Literal["continuous", "per-page", "per-chapter"] = option("continuous", doc="Footnote numbering")
    line_spacing: float = option(1.0, doc="Line spacing inside notes")


@dataclass(kw_only=True)
class PageNumbers:
    position: Literal["bottom-center", "bottom-right", "top-center", "top-right"] = option(
        "bottom-center", doc="Where the page number goes")
    first_printed: int = option(2, doc="First page that shows its number (the title page is 1)")


@dataclass(kw_only=True)
class Contents:
    depth: int = option(2, doc="Heading levels listed in the contents")


@dataclass(kw_only=True)
class SourceList:
    order: Literal["grouped", "citation"] = option("grouped", doc="Grouped and alphabetical, or one list in order of first citation")
    groups: list[str] = option(["documents", "periodicals", "literature", "websites"], doc="Group ids in order (their headings: labels.groups)")
    group_of_type: dict[str, str] = option({"legislation": "documents", "legal": "documents", "article": "periodicals",
                                            "periodical": "periodicals", "online": "websites"},
                                           doc="Group of an entry that names none, by BibTeX type")
    default_group: str = option("literature", doc="Group of an entry whose type group_of_type does not list")
    numbering: Literal["restart", "continuous"] = option("restart", doc="Entry numbers restart in each group or run on")
    repeat_terms: Literal["source", "thesis"] = option("source", doc="Language of the words in each footnote and list entry (Там же, С., ред., URL…): the cited source's (langid) or the thesis'")
    standard: Literal["gost-7.1-2003", "gost-r-7.0.100-2018"] = option("gost-7.1-2003", doc="Description rules: GOST 7.1-2003 ('[Электронный ресурс]' after the title) or GOST R 7.0.100-2018 ('– Текст : непосредственный' / '– Текст : электронный' last, four authors all named)")
    area_separator: Literal["–", "—"] = option("–", doc="The dash between the areas of a list entry ('. – ' or '. — '); footnotes use '. '")
    space_before_colon: bool = option(False, doc="A space before the prescribed ':' and ';' ('Москва : Наука', '(Серия ; 5)') as the standards print them, or none ('Москва: Наука')")


@dataclass(kw_only=True)
class Captions:
    numbering: Literal["continuous", "chapter"] = option("continuous", doc="Figure/table numbers: 1, 2… or 1.1, 1.2…")


@dataclass(kw_only=True)
class Equations:
    numbering: Literal["captions", "continuous", "chapter"] = option(
        "captions", doc="Formula numbers (1), (2)… or (1.1), (1.2)…; 'captions': as captions.numbering says")
    numbered: Literal["all", "labelled"] = option(
        "all", doc="Which display formulas get a number: all (GOST 7.32 6.8.3) or those with an {#eq:…} label")


@dataclass(kw_only=True)
class Tables:
    cell_align: Literal["left", "center", "right"] = option("left", doc="Body cells (columns the author left at the default)")
    header_align: Literal["left", "center", "right"] = option("center", doc="Header cells")


@dataclass(kw_only=True)
class Profile:
    """A university format, as data (`profiles/<name>.yaml`)."""

    name: str = option(doc="Profile id")
    description: str = option("", doc="What this format is")
    page: Page = option(doc="Paper and margins")
    fonts: Fonts = option(doc="Font preference lists")
    sizes: Sizes = option(doc="Type sizes")
    text: Text = option(doc="Body text")
    headings: Headings = option(doc="Heading rules")
    labels: dict[str, Labels] = option(doc="Labels per language (kk, ru, en)")
    footnotes: Footnotes = option(doc="Footnotes")
    page_numbers: PageNumbers = option(doc="Page numbers")
    contents: Contents = option(doc="Table of contents")
    source_list: SourceList = option(doc="The source list")
    captions: Captions = option(doc="Figure and table captions")
    equations: Equations = option(doc="Display formulas", default_factory=Equations)
    tables: Tables = option(doc="Table cell alignment", default_factory=Tables)
    title_page: str = option("kz-diploma", doc="Title page template: templates/{typst,docx}/title-<name>.* "
                                                "(the project's own templates/ first, then the tool's)")
    citation_style: str = option("gost-r-7.0.5-note", doc="CSL style: a file in styles/ (the project's first, "
                                                          "then the tool's), '.csl' optional")
    citations: Literal["note", "numeric"] = option(
        "note", doc="Footnotes (GOST R 7.0.5 notes) or numeric references in the text, '[12, с. 45]', "
                    "numbered in the source list's order (thesis.yaml's `citations` overrides)")
    raw_blocks: bool = option(False, doc="Allow raw Typst/OpenXML blocks in chapters")
    pdf_standard: str = option(
        "none", doc="Standard of the PDF: none, a-2b or a-3b (PDF/A-2b/3b; 3b allows attached files), a-2a or "
                    "a-3a (level A: every image needs its description), ua-1 (PDF/UA-1, accessible: also "
                    "no skipped heading level), or a PDF/A one with +ua-1; `--pdf-standard` overrides it",
        check=pdf_standard_problem)


# ================================================================ loading

@dataclass
class Project:
    """Where a thesis lives, and its two configurations."""

    root: Path
    thesis: ThesisConfig
    profile: Profile
    thesis_path: Path
    profile_path: Path
    thesis_lines: dict = field(default_factory=dict)  # key path → line in thesis.yaml
    tool_root: Path = field(default=TOOL_ROOT)

    @property
    def labels(self) -> Labels:
        return self.profile.labels[self.thesis.language]


def find_profile(name: str, root: Path) -> Path:
    """The profile file for a name (project's `profiles/` first, then the tool's)."""
    candidates = [root / name] if name.endswith((".yaml", ".yml")) else []
    tool = TOOL_ROOT
    candidates += [root / "profiles" / f"{name}.yaml", tool / "profiles" / f"{name}.yaml"]
    for path in candidates:
        if path.is_file():
            return path
    known = sorted({p.stem for d in (root / "profiles", tool / "profiles") if d.is_dir()
                    for p in d.glob("*.yaml")})
    raise UserError(f"unknown profile {name!r} (known: {', '.join(known) or 'none'})",
                    code="config.profile")


def _profile_inside(path: Path, root: Path, name: str, origin: Path, line: int | None) -> None:
    """A profile named in a file of the project is one of the tool's or lies in the project."""
    tool = TOOL_ROOT / "profiles"
    if inside(root, path) or inside(tool, path):
        return
    raise UserError(f"profile {name!r} is outside the project (put it in profiles/)", origin, line,
                    "source.outside")


MAX_PROFILE_DEPTH = 10


def profile_chain(path: Path, root: Path | None = None) -> list[Path]:
    """The profile file and the files it `extends`, each extending the next (a watcher reads
    them all). A project profile named as the tool's one it extends (`profiles/generic.yaml`
    with `extends: generic`) extends the tool's; a circle or a chain deeper than
    MAX_PROFILE_DEPTH is an error at the `extends` line."""
    chain = [path]
    while True:
        here = chain[-1]
        data, lines = parse_yaml(read_text(here), here)
        if not (isinstance(data, dict) and "extends" in data):
            return chain
        name, line = str(data["extends"]), lines.get(("extends",))
        base = find_profile(name, here.parent.parent)
        seen = {p.resolve() for p in chain}
        if base.resolve() in seen:
            base = TOOL_ROOT / "profiles" / f"{name}.yaml"
            if not base.is_file() or base.resolve() in seen:
                raise UserError(f"profile {name!r} extends itself, through {' → '.join(p.stem for p in chain)}",
                                here, line, "config.profile")
        _profile_inside(base, here.parent.parent, name, here, line)
        chain.append(base)
        if len(chain) > MAX_PROFILE_DEPTH:
            raise UserError(f"profiles extend each other more than {MAX_PROFILE_DEPTH} deep", here, line,
                            "config.profile")


def load_profile(path: Path, reporter: Reporter) -> Profile:
    """A validated profile; `extends: other` merges this file over another profile (which may
    extend a third: the project's own profile over `generic` over `kz-diploma`)."""
    merged: dict = {}
    for file in reversed(profile_chain(path)):
        data, lines = parse_yaml(read_text(file), file)
        merged = deep_merge(merged, {k: v for k, v in data.items() if k != "extends"}) if isinstance(data, dict) \
            else data
    return build_config(Profile, merged, path, lines, reporter)


def load_project(root: Path, reporter: Reporter, profile: str | None = None) -> Project:
    """The thesis and its profile, validated; `profile` overrides thesis.yaml's choice."""
    thesis_path = root / "thesis.yaml"
    if not thesis_path.is_file():
        raise UserError("no thesis.yaml here (is this a thesis project?)", thesis_path,
                        code="config.missing")
    thesis, lines = load_yaml(thesis_path, ThesisConfig, reporter)
    reporter.suppress = frozenset(thesis.suppress_warnings)
    profile_path = find_profile(profile or thesis.profile, root)
    if profile is None:  # named by thesis.yaml (the command line may name any file)
        _profile_inside(profile_path, root, thesis.profile, thesis_path, lines.get(("profile",)))
    prof = load_profile(profile_path, reporter)
    missing = [lang for lang in LANGUAGES if lang not in prof.labels]
    if thesis.language not in prof.labels:
        raise UserError(f"profile {prof.name!r} has no labels for language {thesis.language!r}",
                        profile_path, code="config.invalid")
    for lang in missing:
        reporter.warn(f"profile has no labels for {lang!r}", profile_path, code="config.labels")
    if thesis.citations:
        prof.citations = thesis.citations
    if prof.citations == "numeric":  # a reference's number is its place in one citation-ordered list
        prof.source_list.order = "citation"
    for key in thesis.placeholders():
        reporter.warn(f"{key} is a placeholder: fill it in before submitting", thesis_path,
                      lines.get(tuple(key.split("."))), code="thesis.placeholder")
    return Project(root, thesis, prof, thesis_path, profile_path, lines)
