"""thesis: Markdown chapters + BibTeX → a university-format thesis PDF and DOCX.

Pipeline (see `thesis.build.build`): load config → read sources → pandoc parses once
(with citeproc) into a JSON AST → transforms → writers (Typst → PDF, DOCX) → checks.
"""

__version__ = "0.1.0"
