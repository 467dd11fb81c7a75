"""Captions typed the Word way (transforms/captions.py): printed as the same chapter written
the Markdown way is, and each warned at its line with what to write."""

from __future__ import annotations

import re

from helpers import docx_texts, pdf_pages
from thesis import scaffold
from thesis.build import Options, build
from thesis.diagnostics import Reporter

def _table(*cells: str) -> str:
    """A two-column pipe table: its header cells, then one row."""
    return f"| {cells[0]} | {cells[1]} |\n|---|---|\n| {cells[2]} | {cells[3]} |\n"


# The same chapter twice: captions typed the Word way, and written the Markdown way.
WORD_WAY = f"""# Третья глава

![Рисунок 3.1 – Схема процесса](images/figure.png)

Таблица 3.1 – Показатели

{_table("А", "Б", "1", "2")}
Текст между таблицами.

{_table("А", "Б", "1", "2")}
: Таблица 3.2 — Основные показатели

![](images/figure.png){{width=50%}}

Рис. 3.3. Подпись под *рисунком*

Табл. 3.4: Последняя

{_table("В", "Г", "3", "4")}
Таблица показателей без номера остаётся текстом.

{_table("Д", "Е", "5", "6")}"""
MARKDOWN_WAY = f"""# Третья глава

![Схема процесса](images/figure.png)

: Показатели

{_table("А", "Б", "1", "2")}
Текст между таблицами.

{_table("А", "Б", "1", "2")}
: Основные показатели

![Подпись под *рисунком*](images/figure.png){{width=50%}}

: Последняя

{_table("В", "Г", "3", "4")}
Таблица показателей без номера остаётся текстом.

{_table("Д", "Е", "5", "6")}"""


def _built(tmp_path, chapter: str, name: str):
    root = tmp_path / name
    scaffold.create(root, "kz-diploma", "ru")
    (root / "content" / "05-captions.md").write_text(chapter, encoding="utf-8")
    reporter = Reporter(quiet=True)
    result = build(root, Options(), reporter)
    pdf = re.sub(r"\s+", " ", " ".join(pdf_pages(result.outputs["pdf"])))
    docx = " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))
    return (pdf, docx), reporter


def test_word_way_captions_print_as_markdown_ones(tmp_path):
    word, reporter = _built(tmp_path, WORD_WAY, "word")
    markdown, clean = _built(tmp_path, MARKDOWN_WAY, "markdown")
    assert word == markdown
    pdf = word[0]
    for caption in ("Рисунок 2 — Схема процесса", "Таблица 2 — Показатели", "Таблица 3 — Основные показатели",
                    "Рисунок 3 — Подпись под рисунком", "Таблица 4 — Последняя"):
        assert caption in pdf
    assert "3.1" not in pdf and "Таблица показателей без номера" in pdf
    typed = sorted(d.line for d in reporter.warnings if d.code == "caption.typed")
    assert typed == [3, 5, 17, 21, 23]
    assert not [d for d in clean.warnings if d.code == "caption.typed"]
