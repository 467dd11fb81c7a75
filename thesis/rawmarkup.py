"""Raw LaTeX and HTML in Markdown written for other tools: what each piece means here.

Pandoc's Markdown reader passes `\\newpage`, `\\begin{equation}…`, `<!-- … -->` through as
raw TeX/HTML, which neither writer prints. `meaning(node)` says what the build does with
one raw element: the check stage warns (at file:line) about what it leaves out and why,
the transform stage (`transforms.raw`) replaces the rest by what the author meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TEX_FORMATS = {"tex", "latex"}
HTML_FORMATS = {"html", "html4", "html5"}

PAGE_BREAKS = {r"\newpage", r"\clearpage", r"\pagebreak", r"\cleardoublepage"}
GENERATED = {r"\tableofcontents": "contents", r"\listoffigures": "figures", r"\listoftables": "tables"}
MATH_ENVIRONMENTS = {"equation": None, "displaymath": None, "align": "aligned", "gather": "gathered",
                     "multline": "gathered", "eqnarray": "aligned", "flalign": "aligned", "alignat": "aligned"}
_ENV = re.compile(r"^\s*\\begin\{(\w+)(\*?)\}(?:\{\d+\})?(.*)\\end\{\1\2\}\s*$", re.S)
_LABEL = re.compile(r"\\label\{([^}]*)\}")
_REF = re.compile(r"^\\(ref|eqref|autoref|cref|Cref)\{([^}]*)\}$")
_NO_NUMBER = re.compile(r"\\(nonumber|notag)\b")
SHORTCODE = re.compile(r"\{\{<\s*([\w-]+)[^>]*>\}\}")  # Quarto's `{{< pagebreak >}}`, `{{< include f >}}`
ADVICE = {
    r"\pagenumbering": "the profile sets page numbering",
    r"\maketitle": "the build makes the title page from thesis.yaml",
    r"\chapter": "write a Markdown heading '# Title'",
    r"\section": "write a Markdown heading '## Title'",
    r"\cite": "write [@key]",
    r"\footnote": "write ^[note text]",
    r"\includegraphics": "write ![Caption](file.png)",
    r"\textbf": "write **bold**",
    r"\emph": "write *emphasis*",
    r"\textit": "write *emphasis*",
    r"\usepackage": "the profile sets the format",
    r"\documentclass": "the profile sets the format",
    r"\bibliography": "list the .bib files in thesis.yaml",
    r"\vspace": "the profile sets spacing",
    r"\hspace": "the profile sets spacing",
}


@dataclass(frozen=True)
class Meaning:
    """What a raw element becomes: `kind` is one of pagebreak, generated, math, ref, linebreak,
    drop (silently: a comment), or unknown (left out with a warning saying `advice`)."""

    kind: str
    value: str = ""          # the list (contents/figures/tables), the TeX of the math, the label
    label: str = ""          # the equation's label
    numbered: bool = True
    advice: str = ""


def meaning(fmt: str, text: str) -> Meaning | None:
    """What the build does with a raw element of format `fmt`; None for formats it passes on
    (typst, openxml: the profile's raw_blocks decides)."""
    fmt = fmt.lower()
    if fmt in HTML_FORMATS:
        return _html(text.strip())
    if fmt in TEX_FORMATS:
        return _tex(text.strip())
    return None


def _html(text: str) -> Meaning:
    if text.startswith("<!--") and text.endswith("-->"):
        return Meaning("drop")
    if re.fullmatch(r"<br\s*/?>", text, re.I):
        return Meaning("linebreak")
    return Meaning("unknown", advice="write Markdown instead of HTML")


def _tex(text: str) -> Meaning:
    commands = [line.strip() for line in text.splitlines() if line.strip()]
    if commands and all(c in PAGE_BREAKS for c in commands):
        return Meaning("pagebreak")
    if text in GENERATED:
        return Meaning("generated", GENERATED[text])
    if text.startswith("%"):
        return Meaning("drop")
    env = _ENV.match(text)
    if env and env.group(1) in MATH_ENVIRONMENTS:
        return _math(env.group(1), bool(env.group(2)), env.group(3))
    ref = _REF.match(text)
    if ref:
        return Meaning("ref", ref.group(2), numbered=ref.group(1) != "eqref")
    command = re.match(r"\\[A-Za-z]+", text)
    name = command.group(0) if command else text[:20]
    advice = ADVICE.get(name, "write it in Markdown")
    return Meaning("unknown", advice=f"{name} is not supported: {advice}")


def _math(environment: str, starred: bool, body: str) -> Meaning:
    labels = _LABEL.findall(body)
    numbered = not starred and not _NO_NUMBER.search(body)
    body = _NO_NUMBER.sub("", _LABEL.sub("", body)).strip()
    inner = MATH_ENVIRONMENTS[environment]
    tex = f"\\begin{{{inner}}}{body}\\end{{{inner}}}" if inner else body
    return Meaning("math", tex, labels[0] if labels else "", numbered)


def meanings(fmt: str, text: str) -> list[Meaning] | None:
    """`meaning` of each command of a raw element: a raw TeX block of several one-line
    commands (`\\tableofcontents` and `\\listoffigures` on two lines) is several."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if fmt.lower() in TEX_FORMATS and len(lines) > 1 and "\\begin{" not in text:
        if all(line in PAGE_BREAKS for line in lines):
            return [Meaning("pagebreak")]
        return [meaning(fmt, line) for line in lines]
    found = meaning(fmt, text)
    return None if found is None else [found]
