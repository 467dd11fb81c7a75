"""Archive-grade outputs: PDF/A-2b/3b/2a/3a and PDF/UA-1 properties, tagged structure with alt
text, the sources' problems these standards refuse named at their lines, and DOCX files that
validate against the OOXML schemas and Word's semantic rules (openxml-audit)."""

from __future__ import annotations

import io
import re
import zipfile

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject

from helpers import build_copy, copy_project
from thesis.build import Options, build
from thesis.diagnostics import Reporter, UserError, display_path


def _struct(reader: pypdf.PdfReader) -> list[DictionaryObject]:
    """Every structure element of the tagged PDF."""
    out, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                out.append(node)
            if "/K" in node:
                stack.append(node["/K"])
    return out


def _fonts(reader: pypdf.PdfReader):
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            for leaf in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                yield leaf


@pytest.fixture(scope="module", params=["a-2b", "a-3b", "a-2a", "a-3a+ua-1"])
def archived(request, tmp_path_factory):
    root, result, _ = build_copy("rendered", tmp_path_factory.mktemp(request.param), pdf_standard=request.param)
    return request.param, result.outputs["pdf"].read_bytes()


def test_pdfa_identification_and_output_intent(archived):
    standard, data = archived
    reader = pypdf.PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    part, conformance = standard[2], standard[3].upper()
    assert f"<pdfaid:part>{part}</pdfaid:part>" in xmp
    assert f"<pdfaid:conformance>{conformance}</pdfaid:conformance>" in xmp
    assert ("<pdfuaid:part>1</pdfuaid:part>" in xmp) == standard.endswith("+ua-1")
    intents = reader.trailer["/Root"]["/OutputIntents"]
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    icc = intent["/DestOutputProfile"].get_object().get_data()
    assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB "  # an ICC profile of an RGB space
    assert "sRGB" in str(intent.get("/Info", "")) + str(intent.get("/OutputCondition", ""))


def test_pdfa_fonts_embedded_no_encryption_language_metadata(archived):
    _, data = archived
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert not reader.is_encrypted and "/Encrypt" not in reader.trailer
    leaves = list(_fonts(reader))
    assert leaves
    for font in leaves:
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "kk-KZ"
    info = reader.metadata
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert info.title and info.author
    assert info.title in xmp and info.author in xmp
    assert "<dc:language><rdf:Bag><rdf:li>kk-KZ</rdf:li>" in xmp


def test_tagged_pdf_headings_and_figure_alt_text(archived):
    _, data = archived
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    elements = _struct(reader)
    kinds = [str(e["/S"]) for e in elements]
    assert "/H1" in kinds and "/H2" in kinds and "/Note" in kinds
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert [str(f.get("/Alt")) for f in figures] == ["Интеграция кезеңдерінің сызбасы"]


def test_default_pdf_is_not_pdfa_but_profile_can_ask(tmp_path):
    root = copy_project("minimal", tmp_path)
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    assert b"pdfaid:part" not in result.outputs["pdf"].read_bytes()
    from thesis.config import find_profile
    source = find_profile("kz-diploma", root).read_text(encoding="utf-8")
    (root / "profiles").mkdir()
    (root / "profiles" / "archive.yaml").write_text(source.replace("name: kz-diploma", "name: archive")
                                                    + "\npdf_standard: a-3b\n", encoding="utf-8")
    result = build(root, Options(targets=("pdf",), profile="archive"), Reporter(quiet=True))
    xmp = pypdf.PdfReader(result.outputs["pdf"]).xmp_metadata.stream.get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp


def test_every_formula_has_its_tex_as_alternative_text(tmp_path):
    """PDF/UA-1 wants an alternative text for each formula (Typst refuses the file without);
    every PDF gets the formula's TeX, and PDF/UA-1 builds from a thesis with formulas."""
    _, result, _ = build_copy("crossref", tmp_path, targets=("pdf",), pdf_standard="a-2a+ua-1")
    reader = pypdf.PdfReader(result.outputs["pdf"])
    formulas = [str(e.get("/Alt")) for e in _struct(reader) if e["/S"] == "/Formula"]
    assert "E = m c^2" in formulas and "k = \\frac{p}{q}" in formulas and "m" in formulas  # display and inline
    assert "<pdfuaid:part>1</pdfuaid:part>" in reader.xmp_metadata.stream.get_data().decode()


def test_pdf_ua_alone(tmp_path):
    _, result, _ = build_copy("rendered", tmp_path, targets=("pdf",), pdf_standard="ua-1")
    xmp = pypdf.PdfReader(result.outputs["pdf"]).xmp_metadata.stream.get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "pdfaid:part" not in xmp


def test_what_the_accessible_standards_refuse_is_named_at_its_line(sample, run_cli):
    """An image without a description (its alternative text) and a skipped heading level:
    Typst refuses such a PDF/UA-1 (and a level-A PDF/A) without saying where; the build says
    where, all at once, and writes nothing. Other standards accept both."""
    root = sample("rendered")
    chapter = sorted((root / "content").glob("*.md"))[1]
    text = chapter.read_text(encoding="utf-8")
    image = re.search(r"!\[[^\]]*\]\(([^)]+)\)", text).group(1)
    chapter.write_text(text + f"\n\n![]({image})\n\n#### Тереңірек\n\nМәтін.\n", encoding="utf-8")
    lines = chapter.read_text(encoding="utf-8").splitlines()
    where = lines.index(f"![]({image})") + 1
    before = max(len(h) - len(h.lstrip("#")) for h in lines[:where] if h.startswith("#"))
    name = display_path(chapter)
    code, err = run_cli(root, "pdf", "--pdf-standard", "a-2a+ua-1")
    assert code == 1 and err == [
        f"{name}:{where}: error: image '{image}' has no description: PDF/A-2a and PDF/UA-1 needs one as its "
        "alternative text, ![what it shows](…) [pdf.alt-text]",
        f"{name}:{where + 2}: error: heading 'Тереңірек' skips from level {before} to 4: PDF/UA-1 allows no skipped "
        "level (chapters are '#', sections '##') [pdf.heading-level]"], err
    assert not (root / "build" / "thesis.pdf").exists()
    code, err = run_cli(root, "pdf", "--pdf-standard", "a-2a")
    assert code == 1 and [e.split(": error: ")[1].split(":")[0] for e in err] == [f"image '{image}' has no description"]
    assert run_cli(root, "pdf", "--pdf-standard", "a-2b")[0] == 0


def test_an_unknown_standard_is_refused(sample, capsys):
    from thesis.cli import main
    root = sample("minimal")
    with pytest.raises(SystemExit) as exit_:
        main(["--project", str(root), "pdf", "--pdf-standard", "a-1b"])
    assert exit_.value.code == 2
    assert "must be none, a-2b, a-3b, a-2a, a-3a, ua-1 or a PDF/A one with +ua-1" in capsys.readouterr().err
    (root / "profiles").mkdir()
    (root / "profiles" / "mine.yaml").write_text("extends: kz-diploma\nname: mine\npdf_standard: ua-2\n",
                                                 encoding="utf-8")
    with pytest.raises(UserError) as error:
        build(root, Options(profile="mine"), Reporter(quiet=True))
    assert "pdf_standard: must be none, a-2b" in str(error.value.diagnostics[0])


def test_docx_alt_text_matches_the_markdown_description(tmp_path):
    _, result, _ = build_copy("rendered", tmp_path, targets=("docx",))
    xml = zipfile.ZipFile(result.outputs["docx"]).read("word/document.xml").decode()
    assert 'descr="Интеграция кезеңдерінің сызбасы"' in xml


@pytest.mark.parametrize("release", [False, True])
def test_docx_validates_for_word(tmp_path, release):
    from openxml_audit import OpenXmlValidator
    from openxml_audit import FileFormat
    _, result, _ = build_copy("rendered", tmp_path, targets=("docx",), release=release)
    for fmt in (FileFormat.OFFICE_2016, FileFormat.MICROSOFT_365):
        report = OpenXmlValidator(file_format=fmt).validate(str(result.outputs["docx"]))
        assert report.is_valid, [str(e) for e in report.errors]


def test_sources_attached_inside_a_pdf_a_3b(sample, run_cli):
    """--attach-sources: thesis.yaml and every chapter inside the PDF, byte for byte; refused
    without PDF/A-3b (PDF/A-2b allows no attached files)."""
    root = sample("minimal")
    code, err = run_cli(root, "pdf", "--attach-sources")
    assert code == 1 and err == ["error: --attach-sources needs PDF/A-3b (--pdf-standard a-3b, or pdf_standard: "
                                 "a-3b in the profile): PDF/A-2b allows no attached files [pdf.attach]"]
    assert run_cli(root, "pdf", "--pdf-standard", "a-3a", "--attach-sources") == (0, [])  # level A too
    assert run_cli(root, "pdf", "--pdf-standard", "a-3b", "--attach-sources") == (0, [])
    attached = pypdf.PdfReader(str(root / "build" / "thesis.pdf")).attachments
    chapters = sorted(p.relative_to(root).as_posix() for p in (root / "content").glob("*.md"))
    assert sorted(attached) == sorted(chapters + ["thesis.yaml"])
    for name in attached:
        assert attached[name][0] == (root / name).read_bytes()


@pytest.mark.parametrize("standard, named", [("a-2b", "PDF/A-2b"), ("ua-1", "PDF/UA-1")])
def test_a_pdf_figure_under_a_pdf_standard_is_named_at_its_line(sample, run_cli, standard, named):
    """Typst does not embed a PDF figure in a PDF/A or PDF/UA file ('embedding PDFs is currently
    not supported in this export mode', no line): the build says which figure and what to do."""
    import typst
    root = sample("rendered")
    (root / "plot.pdf").write_bytes(typst.compile(input=b"#set page(width: 100pt, height: 50pt)\nx"))
    chapter = sorted((root / "content").glob("*.md"))[1]
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n![Сызба](plot.pdf)\n", encoding="utf-8")
    where = chapter.read_text(encoding="utf-8").splitlines().index("![Сызба](plot.pdf)") + 1
    code, err = run_cli(root, "pdf", "--pdf-standard", standard)
    assert code == 1 and err == [
        f"{display_path(chapter)}:{where}: error: image 'plot.pdf' is a PDF, which Typst does not embed in a "
        f"{named} file: save the figure as SVG (it stays a vector) or PNG [pdf.pdf-figure]"], err
    assert run_cli(root, "pdf")[0] == 0  # no standard: the figure is embedded as a vector
