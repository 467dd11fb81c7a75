"""The DOCX reference document, generated from the profile by python-docx (never hand-edited).

Starts from pandoc's own default reference document (so every style pandoc uses
exists) and sets page, margins, footer page numbers, fonts, sizes, spacing,
indents, heading rules and the thesis language from the profile. Cached by
`docx_reference.reference_docx`.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .. import pandoc
from ..config import Profile
from ..pandoc import LANG_TAGS
from ..units import PAPER_MM
from .ooxml import EQUATION_STYLE, FLUSH_STYLE, GROUP_STYLE, STRUCTURAL_STYLE, TABLE_TEXT_STYLE, WHERE_STYLE

ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
         "indent": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _pandoc_default() -> bytes:
    stdout, _ = pandoc.run(["--print-default-data-file", "reference.docx"], b"", Path.cwd(),
                           "printing its reference document")
    return stdout


def build_reference(profile: Profile, language: str) -> bytes:
    """The reference document's bytes."""
    document = docx.Document(io.BytesIO(_pandoc_default()))
    _page(document, profile)
    _footer_page_number(document, profile)
    font = profile.fonts.body[0]
    _defaults(document, font, profile, LANG_TAGS[language])
    _body_styles(document, profile)
    _heading_styles(document, profile)
    _footnote_styles(document, profile)
    _flush_style(document, profile)
    _table_text(document, profile)
    _caption_styles(document, profile)
    _toc_styles(document, profile)
    _equation_styles(document, profile)
    _table_style(document)
    _settings(document, profile, language)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document, profile: Profile) -> None:
    width, height = PAPER_MM[profile.page.size]
    for section in document.sections:
        section.page_width, section.page_height = Mm(width), Mm(height)
        m = profile.page.margins
        section.left_margin, section.right_margin = Mm(m.left.mm), Mm(m.right.mm)
        section.top_margin, section.bottom_margin = Mm(m.top.mm), Mm(m.bottom.mm)
        section.header_distance = Mm(min(12.5, m.top.mm / 2))
        section.footer_distance = Mm(min(12.5, m.bottom.mm / 2))
        section.start_type = WD_SECTION.NEW_PAGE
        # The title page counts as page 1 and shows no number: a different first page.
        section.different_first_page_header_footer = profile.page_numbers.first_printed > 1
        _footnote_numbering(section, profile)


FOOTNOTE_RESTART = {"continuous": "continuous", "per-page": "eachPage", "per-chapter": "eachSect"}


def _footnote_numbering(section, profile: Profile) -> None:
    """The section's footnote numbering. Pandoc's default document restarts it in each
    section, which LibreOffice reads as each chapter: the profile says which."""
    sect = section._sectPr
    props = sect.find(qn("w:footnotePr"))
    if props is None:
        props = OxmlElement("w:footnotePr")
        later = [el for el in sect if el.tag not in (qn("w:headerReference"), qn("w:footerReference"))]
        later[0].addprevious(props) if later else sect.append(props)
    for child in list(props):
        if child.tag in (qn("w:numRestart"), qn("w:numStart")):
            props.remove(child)
    restart = OxmlElement("w:numRestart")
    restart.set(qn("w:val"), FOOTNOTE_RESTART[profile.footnotes.numbering])
    start = OxmlElement("w:numStart")
    start.set(qn("w:val"), "1")
    props.append(start)
    props.append(restart)


def _footer_page_number(document, profile: Profile) -> None:
    section = document.sections[0]
    top = profile.page_numbers.position.startswith("top")
    part = section.header if top else section.footer
    part.is_linked_to_previous = False
    paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
    # python-docx's header/footer part names the paragraph style "Header"/"Footer", which
    # pandoc's reference document lacks: define it (plain Normal text), or Word repairs the file.
    name = "Header" if top else "Footer"
    if name not in [s.name for s in document.styles]:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.element.set(qn("w:styleId"), name)  # python-docx would write "footer"; the part says "Footer"
    paragraph.alignment = (WD_ALIGN_PARAGRAPH.CENTER if profile.page_numbers.position.endswith("center")
                           else WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph.paragraph_format.first_line_indent = Mm(0)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    run.font.size = Pt(profile.sizes.body.pt)


def _set_fonts(rpr_parent, font: str) -> None:
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # drop theme fonts (Aptos): they override explicit names
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)


def _set_lang(rpr_parent, tag: str) -> None:
    rpr = rpr_parent.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), tag)


def _defaults(document, font: str, profile: Profile, lang: str) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    for child in list(rpr):
        if child.tag in (qn("w:rFonts"), qn("w:lang"), qn("w:sz"), qn("w:szCs")):
            rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    rpr.insert(0, fonts)
    half_points = str(round(profile.sizes.body.pt * 2))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), half_points)
        rpr.append(el)
    lang_el = OxmlElement("w:lang")
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang_el.set(qn(attr), lang)
    rpr.append(lang_el)
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            _set_fonts(style.element, font)
            _set_lang(style.element, lang)
            if style.font.color is not None and style.font.color.rgb is not None:
                style.font.color.rgb = None
            theme_color = style.element.rPr.find(qn("w:color")) if style.element.rPr is not None else None
            if theme_color is not None and style.name != "Hyperlink":
                style.element.rPr.remove(theme_color)


def _line_spacing(fmt, spacing: float) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE if spacing != 1.0 else WD_LINE_SPACING.SINGLE
    if spacing != 1.0:
        fmt.line_spacing = spacing


def _body_styles(document, profile: Profile) -> None:
    size = Pt(profile.sizes.body.pt)
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Block Text", "Bibliography"):
        style = document.styles[name]
        fmt = style.paragraph_format
        style.font.size = size
        _line_spacing(fmt, profile.text.line_spacing)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(profile.text.paragraph_spacing.pt)
        if name != "Normal":
            fmt.alignment = ALIGN[profile.text.alignment]
            fmt.first_line_indent = Mm(profile.text.first_line_indent.mm)
    document.styles["Compact"].paragraph_format.first_line_indent = Mm(0)
    document.styles["Bibliography"].paragraph_format.first_line_indent = Mm(0)


def _heading_style(style, rule, profile: Profile) -> None:
    fmt = style.paragraph_format
    style.font.bold = rule.bold
    style.font.italic = False
    style.font.size = Pt(rule.size.pt)
    style.font.all_caps = False  # the build already upper-cases where the profile says so
    fmt.alignment = ALIGN[rule.align]
    # 'indent': the whole heading starts at the paragraph indent, wrapped lines too (as in the PDF).
    fmt.first_line_indent = Mm(0)
    fmt.left_indent = Mm(profile.text.first_line_indent.mm) if rule.align == "indent" else Mm(0)
    fmt.space_before = Pt(rule.space_before.pt)
    fmt.space_after = Pt(rule.space_after.pt)
    fmt.keep_with_next = True
    fmt.page_break_before = rule.page_break
    _line_spacing(fmt, profile.text.line_spacing)
    _no_hyphens(style)


def _outline_level(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    el = ppr.find(qn("w:outlineLvl"))
    if el is None:
        el = OxmlElement("w:outlineLvl")
        ppr.append(el)
    el.set(qn("w:val"), str(level))


def _heading_styles(document, profile: Profile) -> None:
    rules = profile.headings
    for level, rule in ((1, rules.chapter), (2, rules.section), (3, rules.subsection)):
        _heading_style(document.styles[f"Heading {level}"], rule, profile)
    structural = document.styles.add_style(STRUCTURAL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    structural.base_style = document.styles["Heading 1"]
    structural.next_paragraph_style = document.styles["Body Text"]
    _heading_style(structural, rules.structural, profile)
    _outline_level(structural, 0)
    group = document.styles.add_style(GROUP_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    group.base_style = document.styles["Normal"]
    _heading_style(group, rules.section, profile)
    group.paragraph_format.page_break_before = False
    for name in ("TOC Heading",):
        _heading_style(document.styles[name], rules.structural, profile)


# CT_PPrBase children after suppressAutoHyphens (schema order), for insert_element_before.
PPR_AFTER_HYPHENS = ("w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                     "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                     "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                     "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                     "w:rPr", "w:sectPr", "w:pPrChange")


def _flush_style(document, profile: Profile) -> None:
    """Paragraphs from the left edge, unhyphenated: the реферат's key words, terms lists."""
    style = document.styles.add_style(FLUSH_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Body Text"]
    style.paragraph_format.first_line_indent = Mm(0)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _no_hyphens(style)


# Cell margins as the PDF's table inset: 4 pt left and right, 2 pt above and below (Typst's
# inset adds the difference between its text edges and Word's single line, 0.12 em, itself).
CELL_MARGINS_TWIPS = {"top": 40, "left": 80, "bottom": 40, "right": 80}


def _table_text(document, profile: Profile) -> None:
    """Table cells single-spaced from the left edge (GOST 2.105 allows it; the PDF does the same)."""
    style = document.styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Compact"]
    style.paragraph_format.first_line_indent = Mm(0)
    _line_spacing(style.paragraph_format, 1.0)


def _cell_margins(tblpr) -> None:
    margins = tblpr.find(qn("w:tblCellMar"))
    if margins is None:
        return
    for side, twips in CELL_MARGINS_TWIPS.items():
        element = margins.find(qn(f"w:{side}"))
        if element is not None:
            element.set(qn("w:w"), str(twips))


def _no_hyphens(style) -> None:
    """Never hyphenated: headings, contents entries, captions, key words (as in the PDF)."""
    ppr = style.element.get_or_add_pPr()
    if ppr.find(qn("w:suppressAutoHyphens")) is None:
        ppr.insert_element_before(OxmlElement("w:suppressAutoHyphens"), *PPR_AFTER_HYPHENS)


def _footnote_styles(document, profile: Profile) -> None:
    text = document.styles["Footnote Text"]
    text.font.size = Pt(profile.sizes.footnote.pt)
    fmt = text.paragraph_format
    _line_spacing(fmt, profile.footnotes.line_spacing)
    fmt.first_line_indent = Mm(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.styles["Footnote Reference"].font.superscript = True


def _style(document, name: str):
    """A style by display name, matched case-insensitively (Word's built-ins are lower-case)."""
    return next(s for s in document.styles if s.name.casefold() == name.casefold())


def _caption_styles(document, profile: Profile) -> None:
    size = Pt(profile.sizes.caption.pt)
    for name, align in (("Caption", WD_ALIGN_PARAGRAPH.CENTER), ("Image Caption", WD_ALIGN_PARAGRAPH.CENTER),
                        ("Table Caption", WD_ALIGN_PARAGRAPH.LEFT)):
        style = _style(document, name)
        style.font.size = size
        style.font.italic = False
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Mm(0)
        _line_spacing(fmt, 1.0)  # a caption of two lines is single-spaced (as in the PDF)
        _no_hyphens(style)
    document.styles["Figure"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.styles["Figure"].paragraph_format.first_line_indent = Mm(0)


NUMBER_COLUMN_MM = 10  # room kept free for the page numbers: long entries wrap before it


def _toc_styles(document, profile: Profile) -> None:
    """TOC 1–3: left aligned, page numbers flush right behind dot leaders; a long entry
    wraps before the number column (a right indent; the tab stop lies beyond it)."""
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    for level in (1, 2, 3):
        name = f"toc {level}"  # Word's built-in name; its style id is TOC1
        style = next((s for s in document.styles if s.name.casefold() == name), None)
        if style is None:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            style.next_paragraph_style = document.styles["Normal"]
        # The built-in style, as Word names it: a refreshed contents keeps these settings.
        element = style.element
        element.set(qn("w:styleId"), f"TOC{level}")
        if element.get(qn("w:customStyle")) is not None:
            del element.attrib[qn("w:customStyle")]
        style.priority = 39
        style.unhide_when_used = True
        fmt = style.paragraph_format
        fmt.left_indent = Mm(profile.text.first_line_indent.mm * (level - 1) * 0.8)
        fmt.right_indent = Mm(NUMBER_COLUMN_MM)
        fmt.first_line_indent = Mm(0)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _line_spacing(fmt, profile.text.line_spacing)
        fmt.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        style.font.size = Pt(profile.sizes.body.pt)
        style.font.bold = False
        _no_hyphens(style)


def _equation_styles(document, profile: Profile) -> None:
    """A numbered formula's paragraph: the formula on a centre tab stop, its number on a
    right tab stop at the margin (GOST 7.32 6.8); the "где" lines after it from the left edge."""
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    equation = document.styles.add_style(EQUATION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    equation.base_style = document.styles["Normal"]
    fmt = equation.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.first_line_indent = fmt.left_indent = fmt.right_indent = Mm(0)
    fmt.space_before = fmt.space_after = Pt(profile.text.paragraph_spacing.pt)
    _line_spacing(fmt, profile.text.line_spacing)
    fmt.tab_stops.add_tab_stop(text_width // 2, WD_TAB_ALIGNMENT.CENTER)
    fmt.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    where = document.styles.add_style(WHERE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    where.base_style = document.styles["Body Text"]
    where.paragraph_format.first_line_indent = Mm(0)


def _table_style(document) -> None:
    """Pandoc's "Table" style with a full grid (GOST tables are ruled, as in the PDF)."""
    style = document.styles["Table"]
    # Pandoc's reference document bases it on "TableNormal", a style it does not define (Word
    # repairs such a document; openxml-audit reports it): the table style stands on its own.
    for based in style.element.findall(qn("w:basedOn")):
        style.element.remove(based)
    tblpr = style.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        style.element.append(tblpr)
    for old in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            line.set(qn(key), value)
        borders.append(line)
    # CT_TblPr order: tblStyle…tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    later = [el for el in tblpr if el.tag in (qn("w:shd"), qn("w:tblLayout"), qn("w:tblCellMar"),
                                               qn("w:tblLook"), qn("w:tblCaption"), qn("w:tblDescription"))]
    later[0].addprevious(borders) if later else tblpr.append(borders)
    _cell_margins(tblpr)



def _settings(document, profile: Profile, language: str) -> None:
    """Document settings pandoc carries over from the reference: hyphenation where the
    profile hyphenates the thesis language (as the PDF does).

    No `w:compat` mode is set: Word opens the file in compatibility mode, whose tab rules
    the contents relies on (a right tab stop beyond the right indent, the page numbers'
    column). In mode 15 LibreOffice (following Word 2013's layout rules) drops such a
    stop and the numbers vanish: seen in the rendering tests."""
    settings = document.settings.element
    for old in settings.findall(qn("w:autoHyphenation")):
        settings.remove(old)
    if profile.text.hyphenate.get(language, False):
        settings.find(qn("w:defaultTabStop")).addnext(OxmlElement("w:autoHyphenation"))
