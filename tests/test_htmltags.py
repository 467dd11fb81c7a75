"""Inline HTML formatting read as Markdown's own (thesis/htmltags.py): the AST pandoc makes of the
same text written in Markdown; anything unpaired or unknown stays raw, warned at its line."""

from __future__ import annotations

import re
import zipfile

import pytest

from helpers import copy_project
from thesis import htmltags, pandoc
from thesis.build import Options, build
from thesis.diagnostics import Reporter

TWINS = [
    ("H<sub>2</sub>O and м<sup>2</sup>.", "H~2~O and м^2^."),
    ("<b>bold <i>both</i></b> and <strong>strong</strong>.", "**bold *both*** and **strong**."),
    ("<em>a</em>, <u>under</u>, <s>gone</s>, <del>too</del>.", "*a*, [under]{.underline}, ~~gone~~, ~~too~~."),
    ("*Emph with <sup>a</sup> inside* and [a link <b>x</b>](https://example.org).",
     "*Emph with ^a^ inside* and [a link **x**](https://example.org)."),
    ("<B>Upper</B> case.", "**Upper** case."),
    # Typora's and web pages' sized figure: alone in its paragraph a figure, in a line an image
    ('<img src="images/a.png" alt="The chart" width="50%">', "![The chart](images/a.png){width=50%}"),
    ("<img src='images/a.png' alt='Chart' width=300 height=\"200\"/>", "![Chart](images/a.png){width=300px height=200px}"),
    ('See <img src="a.png" alt="icon"> here.', "See ![icon](a.png) here."),
    ('<img src="images/a.png">', "![](images/a.png)"),
]


@pytest.mark.parametrize("html, markdown", TWINS)
def test_a_tag_pair_reads_as_its_markdown(tmp_path, html, markdown):
    made = htmltags.read_tags(pandoc.read(html, tmp_path, "test")[0]["blocks"])
    assert made == pandoc.read(markdown, tmp_path, "test")[0]["blocks"]


@pytest.mark.parametrize("html", ["a <b>never closed.", "a </b> stray", '<span class="x">a</span>', '<img alt="no src">',
                                  "<b>across\n\nparagraphs</b>", "<font>a</font>", "<b>a</strong>"])
def test_what_does_not_pair_stays_raw(tmp_path, html):
    read = pandoc.read(html, tmp_path, "test")[0]["blocks"]
    assert htmltags.read_tags(read) == pandoc.read(html, tmp_path, "test")[0]["blocks"]


def test_a_built_superscript_is_word_superscript_and_not_warned(tmp_path):
    root = copy_project("minimal", tmp_path)
    (root / "content" / "05-area.md").write_text("# Аудан\n\nАуданы 5 км<sup>2</sup>, H<sub>2</sub>O.\n",
                                                 encoding="utf-8")
    reporter = Reporter(quiet=True)
    result = build(root, Options(), reporter)
    assert not [d for d in reporter.diagnostics if d.code == "source.raw-html"]
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        xml = z.read("word/document.xml").decode()
    area = xml[xml.index("км"):]
    assert re.match(r'км</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript" ?/></w:rPr><w:t[^>]*>2</w:t>', area), area[:200]
    assert 'w:val="subscript"' in area


def test_nested_pairs_nest(tmp_path):
    made = htmltags.read_tags(pandoc.read("<sup>1<sup>2</sup></sup>", tmp_path, "test")[0]["blocks"])
    assert made == [{"t": "Para", "c": [{"t": "Superscript", "c": [
        {"t": "Str", "c": "1"}, {"t": "Superscript", "c": [{"t": "Str", "c": "2"}]}]}]}]


def test_many_tags_take_one_pass_and_nest_boundedly(monkeypatch):
    """20 000 unclosed tags, or 20 000 nested pairs: each tag looked at a bounded number of
    times (a search for each one's partner took 160 s), the nesting cut at MAX_DEPTH."""
    calls = 0
    tag = htmltags._tag

    def counted(node):
        nonlocal calls
        calls += 1
        return tag(node)
    monkeypatch.setattr(htmltags, "_tag", counted)
    raw = lambda text: {"t": "RawInline", "c": ["html", text]}  # noqa: E731
    unclosed = [raw("<b>"), {"t": "Str", "c": "x"}] * 20000
    htmltags.read_tags([{"t": "Para", "c": unclosed}])
    assert calls <= 3 * len(unclosed)
    made = htmltags.read_tags([{"t": "Para", "c": [raw("<b>")] * 20000 + [raw("</b>")] * 20000}])
    depth, node = 0, made[0]["c"]
    while node and node[0]["t"] == "Strong":
        depth, node = depth + 1, node[0]["c"]
    assert depth == htmltags.MAX_DEPTH


def test_highlight_and_a_contents_marker_from_obsidian_or_typora(tmp_path):
    """'==text==' printed with its equals signs: it is a highlight now (pandoc's `mark`), in the
    PDF as in the DOCX; '[TOC]' alone is warned (the build makes the contents page)."""
    root = copy_project("minimal", tmp_path)
    (root / "content" / "05-marks.md").write_text("# Белгілер\n\nМәтін ==маңызды сөз== бар.\n\n[TOC]\n",
                                                  encoding="utf-8")
    reporter = Reporter(quiet=True)
    result = build(root, Options(), reporter)
    assert [(d.code, d.line) for d in reporter.warnings if d.code == "source.contents"] == [("source.contents", 5)]
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        xml = z.read("word/document.xml").decode()
    assert "==" not in xml and re.search(r'<w:highlight w:val="yellow" ?/>.{0,200}маңызды', xml, re.S)
    from helpers import pdf_pages
    assert "Мәтін маңызды сөз бар." in " ".join(" ".join(pdf_pages(result.outputs["pdf"])).split())
