"""The format as a reader sees it (issue 15), on tests/projects/format — a Russian diploma with
a реферат, terms, abbreviations, a 60-row and a 12-column (landscape) table, figures and two
appendices — in the PDF and in LibreOffice's rendering of the DOCX."""

from __future__ import annotations

import io
import re
import zipfile

import pypdf
import pytest

from helpers import build_copy, copy_project
from thesis.build import Options, build
from thesis.diagnostics import Reporter
from thesis.writers import libreoffice

HEADER = "№ Узел Задержка, мс Отказы"
STATS = re.compile(r"(\d+) с\., (\d+) рис\., (\d+) табл\., (\d+) источн\., (\d+) прил\.")


def _pages(pdf: bytes) -> list[tuple[str, bool]]:
    """(text with whitespace folded, landscape?) of each page."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [(re.sub(r"\s+", " ", page.extract_text() or "").strip(), page.mediabox.width > page.mediabox.height)
            for page in reader.pages]


def _raw(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _body(pages):
    """Pages after the contents (the contents repeats headings and captions' headings)."""
    start = next(i for i, (text, _) in enumerate(pages) if text.startswith("РЕФЕРАТ"))
    return pages[start:]


def _check_layout(pages, raw_texts, continuation: bool) -> None:
    """`pages` as _pages gives them; `raw_texts` each page's text with its line breaks."""
    body = _body(pages)
    texts = [text for text, _ in body]
    # The long table: every page its rows continue on starts with the repeated header
    # (and, where the output has it, the continuation line above it).
    with_rows = [text for text in texts if re.search(r"Узел\d+стенда", text)]
    assert len(with_rows) >= 2
    assert "Таблица 1 — Результаты измерений по узлам" in with_rows[0]
    assert "Продолжение таблицы" not in with_rows[0]
    for text in with_rows[1:]:
        lead = "Продолжение таблицы 1 " + HEADER if continuation else HEADER
        assert text.startswith(lead), text[:80]
    rows = [int(n) for text in with_rows for n in re.findall(r"Узел(\d+)стенда", text)]
    assert rows == list(range(1, 61)), "every row once, in order"
    # The реферат's statistics line: the real counts of this output.
    stats = STATS.search(texts[0])
    assert stats, texts[0][:200]
    everything = " ".join(texts)
    figures = len(set(re.findall(r"Рисунок ([\dА-Я.]+) —", everything)))
    tables = len(set(re.findall(r"Таблица ([\dА-Я.]+) —", everything)))
    appendices = len(re.findall(r"ПРИЛОЖЕНИЕ [А-Я] \(", everything))
    sources = sum(len(re.findall(r"^\d+\. ", raw, re.M)) for raw in raw_texts if raw.lstrip().startswith("СПИСОК"))
    assert [int(g) for g in stats.groups()] == [len(pages), figures, tables, sources, appendices]
    assert (figures, tables, sources, appendices) == (4, 3, 4, 2)
    assert "РАСПРЕДЕЛЁННЫЕ СИСТЕМЫ, ХРАНЕНИЕ ДАННЫХ, РЕПЛИКАЦИЯ, ОТКАЗОУСТОЙЧИВОСТЬ, КОНСЕНСУС" in texts[0]
    # Structural elements, not chapters: the first chapter is chapter 1.
    assert not any(t.startswith(("1 Реферат", "1 РЕФЕРАТ", "2 Термины")) for t in texts)
    assert any(t.startswith("1 Модель распределённой системы") for t in texts)
    # The wide table on a landscape page, its number printed: numbering continuous.
    landscape = [i for i, (text, wide) in enumerate(pages) if wide]
    assert len(landscape) == 1 and "Таблица 2 — Сводные показатели" in pages[landscape[0]][0]
    assert pages[landscape[0]][0].endswith(str(landscape[0] + 1))
    # Appendices: status under the word, title, sections "А.1".
    assert any(t.startswith("ПРИЛОЖЕНИЕ А (обязательное) Анкета опроса администраторов А.1 Вопросы анкеты")
               for t in texts)
    assert any(t.startswith("ПРИЛОЖЕНИЕ Б (справочное) Исходные данные измерений Б.1 Описание данных")
               for t in texts)
    assert "Таблица А.1 — Вопросы анкеты" in everything and "Рисунок Б.1 — Исходные данные" in everything
    # Page 1 holds the whole title page, page 2 is the contents (and lists the status).
    assert pages[0][0].endswith("Алматы 2024")
    assert pages[1][0].startswith("СОДЕРЖАНИЕ") and "ПРИЛОЖЕНИЕ А (обязательное)" in pages[1][0]


@pytest.mark.parametrize("profile", ["gost-7.32", "kz-diploma"])
def test_pdf_continued_tables_statistics_landscape_appendices(tmp_path, profile):
    root, result, reporter = build_copy("format", tmp_path, targets=("pdf",), profile=profile)
    pdf = result.outputs["pdf"].read_bytes()
    _check_layout(_pages(pdf), _raw(pdf), continuation=True)
    assert reporter.warnings == []
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.get("/Keywords", "").startswith("распределённые системы")


@pytest.mark.skipif(libreoffice.soffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("profile", ["gost-7.32", "kz-diploma"])
def test_docx_as_libreoffice_lays_it_out(tmp_path, profile):
    """Release mode: the реферат's page count is the layout's; the table is cut where
    LibreOffice breaks it, the continuation line and the header repeated on every later page."""
    root, result, _ = build_copy("format", tmp_path, targets=("docx",), profile=profile, release=True)
    data = result.outputs["docx"].read_bytes()
    layout = libreoffice.docx_to_pdf(data)
    _check_layout(_pages(layout), _raw(layout), continuation=True)
    assert "1 table(s) continued" in result.artefacts["docx"].detail
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
        document = z.read("word/document.xml").decode()
    assert "<cp:keywords>распределённые системы, хранение данных" in core
    assert document.count("<w:tblHeader") >= 3 and "<w:cantSplit/>" in document
    assert 'w:orient="landscape"' in document


def test_a_draft_docx_says_it_leaves_the_continuation_line_out(tmp_path):
    root, result, _ = build_copy("format", tmp_path, targets=("docx",))
    assert "continued tables without their line" in result.artefacts["docx"].detail
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        assert "Продолжение таблицы" not in z.read("word/document.xml").decode()


def test_a_typed_statistics_line_is_replaced_with_a_warning(tmp_path):
    root = copy_project("format", tmp_path)
    chapter = root / "content" / "00-referat.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "# Реферат\n", "# Реферат\n\n99 с., 9 рис., 9 табл., 99 источн., 9 прил.\n"), encoding="utf-8")
    reporter = Reporter(quiet=True)
    result = build(root, Options(targets=("pdf",)), reporter)
    assert [w.code for w in reporter.warnings] == ["abstract.typed"]
    assert "content/00-referat.md:3" in str(reporter.warnings[0]) or reporter.warnings[0].line == 3
    text = _pages(result.outputs["pdf"].read_bytes())
    referat = _body(text)[0][0]
    assert "99 с." not in referat and STATS.search(referat)


def test_sections_of_an_appendix_and_a_typed_appendix_heading(transformed):
    document = transformed("# Глава\n\nТекст.\n\n# Приложение к главе\n\n# Приложение А. Анкета\n\n(рекомендуемое)\n\n## Вопросы\n\n"
                           "### Первый\n\n# Данные {.appendix status=справочное}\n\n## Описание\n", language="ru")
    texts = [(h.level, h.text) for h in document.outline]
    assert texts == [(1, "1 Глава"), (1, "2 Приложение к главе"), (1, "ПРИЛОЖЕНИЕ А (рекомендуемое) Анкета"), (2, "А.1 Вопросы"),
                     (3, "А.1.1 Первый"), (1, "ПРИЛОЖЕНИЕ Б (справочное) Данные"), (2, "Б.1 Описание")]


def test_terms_and_abbreviations_are_entries_from_the_left_edge(tmp_path):
    root, result, _ = build_copy("format", tmp_path, targets=("pdf", "docx"))
    reader = pypdf.PdfReader(str(result.outputs["pdf"]))
    starts: dict[str, float] = {}
    for page in reader.pages:
        def visit(text, cm, tm, font, size):
            for word in ("Репликация", "СХД"):
                if text.startswith(word):
                    starts[word] = tm[4] * cm[0] + cm[4]
        page.extract_text(visitor_text=visit)
    left = 30 / 25.4 * 72  # gost-7.32's left margin: no first-line indent
    assert starts and all(abs(x - left) < 1 for x in starts.values()), starts
    pages = _pages(result.outputs["pdf"].read_bytes())
    text = " ".join(t for t, _ in pages)
    assert "Репликация — создание и поддержание копий данных на нескольких узлах" in text
    assert "СХД — система хранения данных" in text and "Сокращение Расшифровка" not in text
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        document = z.read("word/document.xml").decode()
    assert re.search(r'<w:pStyle w:val="FlushText"\s*/>.{0,400}?Репликация', document, re.S)


def test_a_typed_heading_number_or_final_period_is_warned(tmp_path):
    root = copy_project("format", tmp_path)
    (root / "content" / "06-extra.md").write_text("# 3 Третья глава\n\n## Раздел с точкой.\n\nТекст.\n",
                                                  encoding="utf-8")
    reporter = Reporter(quiet=True)
    build(root, Options(targets=("pdf",)), reporter)
    found = sorted((w.code, w.line) for w in reporter.warnings)
    assert found == [("heading.number", 1), ("heading.period", 3)]


def test_code_blocks_are_black_in_both_outputs(tmp_path):
    root, result, _ = build_copy("format", tmp_path, targets=("pdf", "docx"))
    reader = pypdf.PdfReader(str(result.outputs["pdf"]))
    page = next(p for p in reader.pages if "def quorum" in p.extract_text())
    colours = set(re.findall(rb"([\d. ]+) (?:sc|scn|rg)\b", page.get_contents().get_data()))
    assert {c.strip() for c in colours} <= {b"0", b"0 0 0"}, colours
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        document = z.read("word/document.xml").decode()
    assert "def quorum" in document and "Tok\"" not in document  # no highlighter token styles


def test_pipe_table_columns_are_as_wide_as_their_longest_word(transformed):
    document = transformed("# Глава\n\n| № | Исследование | Год |\n|---|---|---|\n| 1 | Исследование | 2015 |\n\n"
                           ": Таблица\n", language="ru")
    table = next(b for b in document.blocks if b["t"] == "Table")
    widths = [spec[1]["c"] for spec in table["c"][2]]
    assert widths[1] > widths[2] > widths[0]  # by content, not three equal thirds
    text_pt = (210 - 30 - 10) / 25.4 * 72     # kz-diploma's text width
    assert widths[1] * text_pt >= len("Исследование") * 14 * 0.5 + 8  # the word fits, with the insets


@pytest.mark.parametrize("language, heading, expected", [
    ("kk", "# Аңдатпа", "б., 1 сурет, 1 кесте"),
    ("ru", "# Реферат", "с., 1 рис., 1 табл."),
    ("en", "# Abstract", "p., 1 fig., 1 tab."),
])
def test_the_statistics_line_speaks_the_thesis_language(tmp_path, language, heading, expected):
    import shutil
    import yaml
    from thesis import ast
    from thesis.build import prepare
    root = copy_project("minimal", tmp_path)
    for chapter in (root / "content").glob("*.md"):
        chapter.unlink()
    (root / "figures").mkdir()
    shutil.copy(copy_project("format", tmp_path / "f") / "figures" / "form.png",
                root / "figures" / "a.png")
    (root / "content" / "01-text.md").write_text(
        f"{heading}\n\nText.\n\n# Глава\n\n![Схема](figures/a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Caption\n",
        encoding="utf-8")
    config = yaml.safe_load((root / "thesis.yaml").read_text(encoding="utf-8"))
    config.update(language=language, keywords=["один", "два", "три", "четыре", "пять"])
    (root / "thesis.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    blocks = prepare(root, Options(), Reporter(quiet=True))[1].blocks
    assert blocks[0]["t"] == "Header" and dict(blocks[0]["c"][1][2])["kind"] == "abstract"
    line = ast.stringify(blocks[1]["c"])
    assert line.startswith("0 " + expected), line  # the page count is the writers' (a field)
    assert ast.stringify(blocks[2]["c"][1]) == "ОДИН, ДВА, ТРИ, ЧЕТЫРЕ, ПЯТЬ"


def test_a_typed_heading_number_equal_to_the_builds_prints_once(transformed):
    """"2.1 Анализ" under the second chapter prints "2.1 Анализ", not "2.1 2.1 Анализ"; "ГЛАВА 2."
    and "2 тарау" too; a typed number unlike the build's stays as written (and warned)."""
    document = transformed("# Бірінші\n\nМәтін.\n\n# 2 тарау. Екінші\n\n## 2.1 Талдау\n\nМәтін.\n\n"
                           "## 2.2. Нәтижелер\n\n### 2.2.1 Бөлім\n\nМәтін.\n\n## 5.7 Басқа\n\nМәтін.\n\n"
                           "# ГЛАВА 3. Үшінші\n\nМәтін.\n\n## §3.1 Параграф\n\nМәтін.\n\n## Раздел 3.2 Бөлімше\n\n"
                           "Мәтін.\n")
    printed = [(h.number, h.text) for h in document.outline if h.number]
    assert printed == [("1", "1 Бірінші"), ("2", "2 Екінші"), ("2.1", "2.1 Талдау"), ("2.2", "2.2 Нәтижелер"),
                       ("2.2.1", "2.2.1 Бөлім"), ("2.3", "2.3 5.7 Басқа"), ("3", "3 Үшінші"),
                       ("3.1", "3.1 Параграф"), ("3.2", "3.2 Бөлімше")]
