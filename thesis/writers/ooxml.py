"""Names the DOCX modules share: the paragraph styles the build adds to pandoc's.

A module of its own so that the reference document's cache (`docx_reference`) and its
builder (`docx_styles`, which imports python-docx) need not import each other.
"""

STRUCTURAL_STYLE = "Structural Heading"  # introduction, conclusion…: centred, own page, in the contents
GROUP_STYLE = "Source Group Heading"     # a source-list group: not in the contents
EQUATION_STYLE = "Equation"              # a numbered formula: centre tab, number at the right margin
WHERE_STYLE = "Equation Text"            # "где …" after a formula: from the left edge (GOST 2.105)
FLUSH_STYLE = "Flush Text"              # the реферат's key words, terms lists: left edge, unhyphenated
TABLE_TEXT_STYLE = "Table Text"          # paragraphs in table cells: single-spaced, as in the PDF
