"""Fuzz (hypothesis): metadata strings and Markdown fragments never crash the build and
never bring a byte from outside the project into an output.

Every example builds a fresh copy of the minimal thesis in-process (PDF + DOCX). The build
either succeeds or raises `UserError` (never a Typst error: raw blocks are refused, so
Typst sees only escaped text), nothing else. Next to the project lies a file
with a unique marker, reachable by `..`, by an absolute path, by a symlink inside the
project and by percent-encoding; the fragments point images, raw blocks, Typst calls,
metadata keys and bibliography at it. Inside the project lies a second marker file that
nothing may print unless injected Typst code read it.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pypdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import copy_project
from test_reproducible import docx_parts, pdf_streams
from thesis.build import Options, build
from thesis.diagnostics import Reporter, UserError

OUTSIDE = "OUTSIDE-" + uuid.uuid4().hex
INSIDE = "INSIDE-" + uuid.uuid4().hex
PASSWD_LINE = Path("/etc/passwd").read_text().splitlines()[0] if Path("/etc/passwd").is_file() else "root:x:0:0"

# THESIS_FUZZ_EXAMPLES=1000 python -m pytest tests/test_fuzz.py is the nightly budget (README);
# 40 keeps the normal suite fast. (FUZZ_N is the older name of the same setting.)
EXAMPLES = int(os.environ.get("THESIS_FUZZ_EXAMPLES", os.environ.get("FUZZ_N", "40")))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    (base / "outside.txt").write_text(OUTSIDE)
    (base / "outside.bib").write_text("@book{leak, author = {" + OUTSIDE + "}, title = {T}, date = {2000}}\n")
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    yield base
    if saved is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = saved


def fresh_project(base: Path) -> Path:
    root = copy_project("minimal", base / uuid.uuid4().hex[:12])
    (root / "inside-secret.txt").write_text(INSIDE)
    (root / "link-out.txt").symlink_to(base / "outside.txt")
    (root / "link-out.bib").symlink_to(base / "outside.bib")
    return root


# Texts that Markdown, YAML, Typst or OpenXML give a meaning to, letters of the thesis
# languages, right-to-left text and control characters.
SPECIAL = "#$<>&\\@[]{}()^=`\"'*_~|/!:;%-+.,?\n\t "
ALPHABET = st.sampled_from(list(SPECIAL) + list("aZ09") + list("әғқңөұүһіӘҒҚҢӨҰҮҺІ") + list("шלוםمرحبا")
                           + ["\u202e", "\u200b", "\u00a0", "\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f",
                              "\ufeff", "\ud7ff", "\U0001f600"])
TEXT = st.text(ALPHABET, max_size=40)

SNIPPETS = [
    '#read("inside-secret.txt")', '#read("/inside-secret.txt")', '#read("link-out.txt")',
    '#include "inside-secret.txt"', '#import "@preview/x:0.1.0"', '#image("link-out.txt")',
    "![x](link-out.txt)", "![x](../outside.txt)", "![x](%2E%2E/outside.txt)", "![x]({abs})",
    "![x](<../outside.txt>)", "![x](file://{abs})", "![x](https://example.com/a.png)",
    '```{=typst}\n#read("link-out.txt")\n```', '`#read("/inside-secret.txt")`{=typst}',
    "```{=openxml}\n<w:p><w:r><w:t>x</w:t></w:r></w:p>\n```", "`<w:t>x</w:t>`{=OpenXML}",
    "```{=html}\n<b>x</b>\n```", '<img src="link-out.txt">', "<!-- x -->", "<https://example.com/#read>",
    '$\\text{#read("inside-secret.txt")}$', "$x^2$", '$$\\operatorname{#read}("x")$$',
    '^[note #read("inside-secret.txt")]', "[@leak]", "[see ![x](link-out.txt) @leak, p. 3]", "@leak",
    "---\ncsl: link-out.txt\n---", "---\nbibliography: link-out.bib\n---",
    "---\nfoo:\n\t- a\ncitation-abbreviations: link-out.txt\n---",
    "# Heading {#id .appendix}", "## Sub {-}", "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Caption",
    "- item\n- item", "1. one\n2. two", "> quote", "    code block", "```\nfenced #read\n```",
    "[link](link-out.txt)", "[span]{.underline}", "*emph* **strong** ~~del~~", "\\", "\\#", "]]>",
    "{{ x }}", "{% x %}", "<w:p/>", "&amp;", "&#x0;", "// comment", "/* block", "<label>", "@ref",
    # LaTeX leftovers, read by pandoc's LaTeX reader (thesis/latex.py) or left out
    "\\textbf{x}", "\\emph{#read(\"inside-secret.txt\")}", "\\cite{leak}", "\\cite[p.~3]{leak}",
    '\\footnote{note #read("link-out.txt")}', "\\input{../outside.txt}", "\\input{{abs}}",
    "\\include{link-out}", "\\textbf{\\input{{abs}}}", "\\href{link-out.txt}{x}", "\\url{file://{abs}}",
    "\\begin{itemize}\n\\item a\n\\end{itemize}", "\\begin{quote}\n\\input{link-out.txt}\n\\end{quote}",
    "Figure~\\ref{fig:x}", "## H \\label{sec:x}", "\\textbf{", "\\footnote{\\footnote{x}}",
    # inline HTML formatting, paired (thesis/htmltags.py) or not
    '<sup>#read("inside-secret.txt")</sup>', "<b><i>x</b></i>", "<sub>", "</sup>", "<u>[@leak]</u>",
    # captions and headings typed the Word way (transforms/captions.py, structure.py)
    "Таблица 1 – Показатели\n\n| a | b |\n|---|---|\n| 1 | 2 |", "![](link-out.txt)\n\nРисунок 1 – x",
    "![Рис. 1. #read(\"inside-secret.txt\")](link-out.txt)", "# 1. Глава", "## 1.1 Раздел", "# ГЛАВА 1.",
    ": Таблица 1 — \n\n| a |\n|---|\n| 1 |", "Рисунок 1 –",
    # Quarto (crossref.quarto_labels, transforms/raw.py)
    "::: {#fig-x}\n![](link-out.txt)\n\nCap #read(\"inside-secret.txt\")\n:::", "@fig-x", "{{< pagebreak >}}",
    "{{< include link-out.txt >}}", "::: {#tbl-y}\n| a |\n|---|\n| 1 |\n\nCap\n:::", "[[x]]", "![[link-out.txt]]",
]


def snippet(base: Path) -> st.SearchStrategy[str]:
    return st.sampled_from(SNIPPETS).map(lambda s: s.replace("{abs}", str(base / "outside.txt")))


def fragments(base: Path) -> st.SearchStrategy[str]:
    part = st.one_of(TEXT, snippet(base))
    sep = st.sampled_from([" ", "\n", "\n\n"])
    return st.lists(st.tuples(part, sep), min_size=1, max_size=6).map(lambda xs: "".join(p + s for p, s in xs))


def outputs_are_clean(result) -> None:
    """No byte from outside the project, nothing injected code could have read."""
    blobs, texts = [], []
    if "pdf" in result.outputs:
        pdf = result.outputs["pdf"].read_bytes()
        reader = pypdf.PdfReader(result.outputs["pdf"])
        blobs += [pdf, *pdf_streams(pdf)]
        texts += [page.extract_text() or "" for page in reader.pages]
        texts += [str(v) for v in (reader.metadata or {}).values()]
    if "docx" in result.outputs:
        parts = docx_parts(result.outputs["docx"].read_bytes())
        blobs += list(parts.values())
        # An image naming inside-secret.txt embeds it (a project file): only text parts count.
        texts += [data.decode("utf-8", "replace") for name, data in parts.items() if name.endswith(".xml")]
    for blob in blobs:
        assert OUTSIDE.encode() not in blob
        assert PASSWD_LINE.encode() not in blob
    for text in texts:
        assert OUTSIDE not in text and INSIDE not in text and PASSWD_LINE not in text


def build_or_user_error(root: Path):
    """The build's result, or None after a UserError; anything else fails the test."""
    try:
        result = build(root, Options(targets=("pdf", "docx")), Reporter(quiet=True))
    except UserError as exc:
        assert str(exc.diagnostic).count("\n") == 0  # one line
        # Raw blocks are refused here, so Typst only ever sees what pandoc's writer escaped:
        # a Typst error would mean author text became Typst code.
        assert exc.diagnostic.code != "tool.typst", str(exc.diagnostic)
        assert OUTSIDE not in str(exc.diagnostic) and INSIDE not in str(exc.diagnostic)
        return None
    outputs_are_clean(result)
    return result


def test_markdown_fragments(arena):
    @FUZZ
    @given(text=fragments(arena))
    def check(text):
        root = fresh_project(arena)
        chapter = root / "content" / "01-theory.md"
        chapter.write_text(chapter.read_text() + "\n" + text + "\n")
        build_or_user_error(root)

    check()


def _yaml_value(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10_000, default_style='"').strip()


def test_metadata_strings(arena):
    @FUZZ
    @given(title=st.one_of(TEXT, snippet(arena), fragments(arena)).filter(lambda s: s.strip()),
           author=st.one_of(TEXT, snippet(arena)).filter(lambda s: s.strip()),
           city=st.one_of(TEXT, snippet(arena)))
    def check(title, author, city):
        root = fresh_project(arena)
        thesis = root / "thesis.yaml"
        text = thesis.read_text()
        for key, value in (("title", title), ("author", author), ("city", city)):
            line = next(ln for ln in text.splitlines() if ln.startswith(f"{key}: "))
            text = text.replace(line, f"{key}: {_yaml_value(value)}")
        thesis.write_text(text)
        result = build_or_user_error(root)
        if result is not None and not any(c in title for c in "\x00\x01\x07\x0b\x1b\ufeff\u200b\u202e"):
            # What the title says is what the title page and the DOCX properties say.
            import docx
            assert docx.Document(str(result.outputs["docx"])).core_properties.title == title

    check()


def test_bibliography_cannot_be_pointed_outside(arena):
    """thesis.yaml's bibliography: the symlink and `..` both stop the build."""
    for name in ("link-out.bib", "../outside.bib", str(arena / "outside.bib")):
        root = fresh_project(arena)
        (root / "thesis.yaml").write_text((root / "thesis.yaml").read_text() + f"bibliography: [{name!r}]\n")
        with pytest.raises(UserError, match="outside the project"):
            build(root, Options(targets=("pdf", "docx")), Reporter(quiet=True))


# --- shapes that once hung or crashed the build (issue 13) ------------------------------

NEST_OPEN = ["[", "> ", "- ", "*", "_", "**", "~~", "^", "[a ", "^[", "1. ", "  - "]
NEST_CLOSE = {"[": "]", "*": "*", "_": "_", "**": "**", "~~": "~~", "^": "^", "[a ": "]{.x}", "^[": "]"}
INLINE = ["**a**", "*a*", "~~a~~", "^a^", "~a~", "[a]{.smallcaps}", "[a](https://x.org)", "`a`", "$a$",
          "^[n]", '"a"', "[a]{.underline}", "a~b", "В.~И.~Ленин", "H~2~O"]
PUNCT = list(".,;:!?()[]{}#$*_\\'\"-/") + [".b", ".б", "(b)", "[b]", "..", ".5"]
TEX = [r"\cap", r"\otimes", r"\odot", r"\llbracket", r"\bigcap", r"\frac{a}{b}", r"\sum_{i}^{n}", r"\sqrt{x}",
       r"\mathbb{R}", r"\left(", r"\right)", r"\text{#a}", r"\operatorname{f}", r"\\", "{", "}", "^", "_",
       r"\begin{matrix} a & b \end{matrix}", r"\unknowncmd", "&", "#", '"']


def nesting() -> st.SearchStrategy[str]:
    """Containers inside one another, closed or not, up to far past every limit."""
    return st.tuples(st.lists(st.sampled_from(NEST_OPEN), min_size=1, max_size=300), st.booleans()).map(
        lambda x: "".join(x[0]) + "a" + ("".join(NEST_CLOSE.get(o, "") for o in reversed(x[0])) if x[1] else ""))


def bracket_runs() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(["[", "]", "a", " ", "\\[", "`[`", "$[0,1)$", "[@x]", "\n"]),
                    max_size=60).map("".join)


def front_matter() -> st.SearchStrategy[str]:
    line = st.sampled_from(["title: x", "foo", "a: [b", "- a", "\t- b", "key: 'v", "", "...", "---", "x: |"])
    return st.tuples(st.sampled_from(["---", "...", "***"]), st.lists(line, max_size=5),
                     st.sampled_from(["", "---", "..."])).map(
        lambda x: "\n" + "\n".join([x[0], *x[1], x[2]]) + "\n")


def adjacency() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(INLINE), st.sampled_from(PUNCT), st.just(" ")),
                    min_size=1, max_size=12).map("".join)


def tex_math() -> st.SearchStrategy[str]:
    return st.tuples(st.lists(st.sampled_from(TEX + ["a", " ", "1"]), min_size=1, max_size=10),
                     st.booleans()).map(lambda x: ("$$" if x[1] else "$") + " ".join(x[0]) + ("$$" if x[1] else "$"))


def long_lines() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["word ", "a", "[a] ", "**a** ", "$x$ ", "слово "]),
                     st.integers(1, 5000)).map(lambda x: x[0] * x[1])


@pytest.mark.parametrize("shape", ["nesting", "bracket_runs", "front_matter", "adjacency", "tex_math", "long_lines"])
def test_pathological_shapes(arena, shape):
    """Never exit 3 (an exception other than UserError), never a Typst error, never a hang (a 5000-
    element paragraph builds in ~6 s alone; the bound leaves room for a busy shared machine)."""
    import time
    strategy = globals()[shape]()

    # A quarter of the budget per shape (10 in the normal run: ~1 min for all six).
    @settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
    @given(text=strategy)
    def check(text):
        root = fresh_project(arena)
        chapter = root / "content" / "01-theory.md"
        chapter.write_text(chapter.read_text() + "\n" + text + "\n")
        start = time.perf_counter()
        build_or_user_error(root)
        assert time.perf_counter() - start < 120

    check()
