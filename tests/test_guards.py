"""Nothing hangs, nothing crashes: each pathological class fails fast with chapter:line, and the
inline-element/punctuation and TeX-math classes that once crashed Typst now build."""

from __future__ import annotations

import re
import time

import pypdf
import pytest

from helpers import REPO, copy_project
from thesis import guards
from thesis.build import Options, build
from thesis.diagnostics import Reporter, UserError

CHAPTER = "content/01-theory.md"


def _with(tmp_path, text: str):
    root = copy_project("minimal", tmp_path)
    chapter = root / CHAPTER
    before = chapter.read_text(encoding="utf-8")
    chapter.write_text(before + "\n" + text + "\n", encoding="utf-8")
    return root, before.count("\n") + 2  # the 1-based line where `text` starts


def _error(root, targets=("pdf", "docx")) -> tuple[UserError, float]:
    start = time.perf_counter()
    with pytest.raises(UserError) as info:
        build(root, Options(targets=targets), Reporter(quiet=True))
    return info.value, time.perf_counter() - start


PATHOLOGICAL = {
    "closed brackets": "[" * 12 + "a" + "]" * 12,        # pandoc: over a minute
    "unclosed brackets": "see [" + " [".join("abcdefghijklmnopqrst"),
    "spans": "[a" * 60 + "]{.x}" * 60,                     # pandoc: over 30 s
    "block quotes": ">" * 400 + " a",                      # JSON RecursionError (exit 3 before)
    "quotes Typst refuses": ">" * 17 + " a",               # Typst: show rule depth
    "lists": "\n".join("  " * i + "- a" for i in range(80)),
    "emphasis run": "*_" * 200 + "a" + "_*" * 200,         # Python RecursionError
    "emphasis with words": "*a _b " * 30 + "c" + "_ d* " * 30,
    "mixed containers": "- > " * 20 + "a",
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_nesting_fails_fast_at_the_line(tmp_path, name):
    root, line = _with(tmp_path, PATHOLOGICAL[name])
    error, seconds = _error(root)
    diag = error.diagnostic
    # The line where the limit is passed: within the text added, the first line for one-liners.
    assert diag.path.endswith("01-theory.md"), str(diag)
    assert line <= diag.line < line + PATHOLOGICAL[name].count("\n") + 1, str(diag)
    assert diag.code == "source.nesting", str(diag)
    assert seconds < 5, f"{name}: {seconds:.1f} s"


def test_limits_leave_ordinary_nesting_alone(tmp_path):
    text = ("> quote\n>\n> > nested [see [@x, p. [3]]]\n\n"
            + "\n".join("  " * i + "- level" for i in range(6))
            + "\n\n***bold italic*** _[span]{.smallcaps}_ $[0,1) \\cup [2,3)$ `[[[[[[[[`\n")
    assert guards.scan(text) is None


def test_unclosed_front_matter_names_chapter_and_line(tmp_path):
    root, line = _with(tmp_path, "\n---\ntitle: x\nfoo bar\n\nMore text")
    error, _ = _error(root)
    assert error.diagnostic.path.endswith("01-theory.md")
    assert error.diagnostic.line == line + 1  # the `---` after the blank line
    assert "never closed" in error.diagnostic.message


def test_yaml_error_names_chapter(tmp_path):
    root, line = _with(tmp_path, "\n---\ntitle: [x\n---\n\nb")
    error, _ = _error(root)
    assert error.diagnostic.path.endswith("01-theory.md") and error.diagnostic.line >= line


def test_too_deep_ast_is_located_when_the_text_scan_misses_it(tmp_path, monkeypatch):
    monkeypatch.setattr(guards, "scan", lambda text: None)  # only the AST backstop is left
    root, line = _with(tmp_path, "*a _b " * 30 + "c" + "_ d* " * 30)
    error, _ = _error(root)
    assert error.diagnostic.path.endswith("01-theory.md") and error.diagnostic.line == line
    assert "more than" in error.diagnostic.message


ELEMENTS = ["**a**", "*a*", "~~a~~", "^a^", "~a~", "[a]{.smallcaps}", "[a]{.underline}", "[a]{.x}",
            "[a](https://example.com)", "`a`", "$a$", "^[note]", '"a"', "[a]{.mark}"]
FOLLOWING = [".b", ".б", "(b)", "[b]", ".", ".5", ":b", "#b", "$", "\\.b", "..b", "{b}", "'b", "!b"]


def test_every_inline_element_before_every_punctuation_builds(tmp_path):
    lines = [f"X{i}{e}{f} Y{i}" for i, (e, f) in enumerate((e, f) for e in ELEMENTS for f in FOLLOWING)]
    root, _ = _with(tmp_path, "\n\n".join(lines))
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(result.outputs["pdf"]).pages)
    assert "strong.b" not in text
    for i in range(len(lines)):
        assert f"Y{i}" in text  # nothing swallowed


TEX = r"""\cap \sqcap \ominus \otimes \odot \bigcap \bigodot \bigotimes \circleddash \llbracket
\rrbracket \bigsqcap \Cap \cup \oplus \times \sum_{i=1}^n \int_0^1 \mathbb{R} \frac{a}{b} \sqrt[3]{x}
\left( x \right) \langle x \rangle \varnothing \nabla \partial \infty \leq \geq \neq \to \mapsto""".split()


def test_tex_math_commands_compile_through_typst(tmp_path):
    root, _ = _with(tmp_path, "\n\n".join(f"M{i} $a {c} b$ and $$x_{{{c}}}$$" for i, c in enumerate(TEX)))
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    text = pypdf.PdfReader(result.outputs["pdf"]).pages
    assert any("∩" in p.extract_text() for p in text)


def test_a_reference_number_never_starts_a_typst_line_as_a_list_item(tmp_path):
    """pandoc wraps its Typst at 72 columns and escapes a line's first Str when it reads as
    markup ("2015." would number a list), but a resolved reference is Span "1" then Str ".":
    wrapped before it, the line began with "1." and the PDF showed a list item "1." alone.
    One paragraph per prefix length puts the wrap before the number in some of them."""
    from thesis import pandoc
    from thesis.build import prepare
    from thesis.writers.pdf import body_ast
    figure = "![Сызба](images/scheme.png){#fig:a}\n\n"
    lines = [f"W{n} " + "ж" * n + " [-@fig:a]." for n in range(40, 80)]
    root, _ = _with(tmp_path, figure + "\n\n".join(lines))
    (root / "images").mkdir(exist_ok=True)
    (root / "images" / "scheme.png").write_bytes((REPO / "tests/projects/crossref/images/scheme.png").read_bytes())
    _, document = prepare(root, Options(), Reporter(quiet=True))
    typst = pandoc.write(body_ast(document.ast), "typst", root).decode()
    assert not [line for line in typst.splitlines() if re.match(r"\d+\.(\s|$)", line)]
    assert any(line.startswith("\\1") for line in typst.splitlines())  # the wrap fell there
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(result.outputs["pdf"]).pages))
    for n in range(40, 80):
        assert re.search(rf"W{n} ж+ 1\. ", text)  # the text whole


def test_the_typst_writer_keeps_a_highlight_while_joining_bare_text(tmp_path):
    """Runs of bare text are joined for the Typst writer (the reference-number fix above), but
    a Span of class `mark` is pandoc's `#highlight[…]`, not bare: it stays."""
    from thesis import pandoc
    from thesis.writers.pdf import body_ast
    para = {"t": "Para", "c": [{"t": "Str", "c": "a"}, {"t": "Span", "c": [["", ["mark"], []], [{"t": "Str", "c": "b"}]]},
                               {"t": "Span", "c": [["", ["x"], []], [{"t": "Str", "c": "c"}]]}]}
    doc = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [para]}
    assert pandoc.write(body_ast(doc), "typst", tmp_path).decode().strip() == "a#highlight[b]c"
