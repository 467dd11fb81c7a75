"""Release artefacts CI can trust: the same sources give the same PDF and DOCX bytes in any
folder, dated by SOURCE_DATE_EPOCH (else the last commit, else 2015-01-01), with no
absolute path or machine name inside and a deterministic PDF identifier."""

from __future__ import annotations

import io
import re
import socket
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest

from helpers import copy_project
from thesis.build import DEFAULT_EPOCH, Options, build
from thesis.diagnostics import Reporter


def build_in(folder: Path, name: str = "minimal") -> tuple[Path, bytes, bytes]:
    root = copy_project(name, folder)
    result = build(root, Options(targets=("pdf", "docx")), Reporter(quiet=True))
    return root, result.outputs["pdf"].read_bytes(), result.outputs["docx"].read_bytes()


def pdf_streams(data: bytes) -> list[bytes]:
    """Every stream of the PDF, decoded (content, fonts, XMP, object streams)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    streams = []
    for num in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(num)
        if isinstance(obj, pypdf.generic.StreamObject):
            streams.append(obj.get_data())
    return streams


def pdf_texts(data: bytes) -> str:
    """What a reader of the PDF sees as text: pages, Info dictionary, XMP metadata."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(v) for v in (reader.metadata or {}).values()]
    parts += [s.decode("utf-8", "replace") for s in pdf_streams(data) if b"xmpmeta" in s]
    return "\n".join(parts)


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def assert_no_machine_traces(pdf: bytes, docx: bytes, paths: list[Path]) -> None:
    """No folder of the build in any byte (raw or decoded) of either file; no host name in
    any text either holds (word-bounded: a short name like 'vm' is in 'vml')."""
    blobs = [pdf, *pdf_streams(pdf), docx, *docx_parts(docx).values()]
    for path in paths:
        needle = str(path).encode()
        assert len(needle) > 8
        assert not any(needle in blob for blob in blobs), f"{path} found in an output"
    host = socket.gethostname()
    word = re.compile(rf"(?<![\w.-]){re.escape(host)}(?![\w-])")
    texts = [pdf_texts(pdf)] + [b.decode("utf-8", "replace") for n, b in docx_parts(docx).items()
                                if n.endswith((".xml", ".rels"))]
    assert not any(word.search(text) for text in texts), f"host name {host!r} found in an output"


def pdf_id(data: bytes) -> list[bytes]:
    return [bytes(x.original_bytes) for x in pypdf.PdfReader(io.BytesIO(data)).trailer["/ID"]]


def pdf_date(data: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(data)).metadata["/CreationDate"]


def docx_date(data: bytes) -> str:
    core = docx_parts(data)["docProps/core.xml"].decode()
    return re.search(r"<dcterms:created[^>]*>([^<]+)<", core).group(1)


def test_two_folders_give_identical_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root_a, pdf_a, docx_a = build_in(tmp_path / "a")
    root_b, pdf_b, docx_b = build_in(tmp_path / "checkout-in-a-longer-folder" / "b")
    assert pdf_a == pdf_b
    assert docx_a == docx_b
    again = build(root_a, Options(targets=("pdf", "docx")), Reporter(quiet=True))  # warm cache
    assert again.outputs["pdf"].read_bytes() == pdf_a and again.outputs["docx"].read_bytes() == docx_a
    # Neither folder is a git checkout and no SOURCE_DATE_EPOCH: the fixed date.
    assert pdf_date(pdf_a) == "D:20150101000000Z" and DEFAULT_EPOCH == 1420070400
    assert docx_date(docx_a) == "2015-01-01T00:00:00Z"
    assert_no_machine_traces(pdf_a, docx_a, [root_a, tmp_path])
    assert_no_machine_traces(pdf_b, docx_b, [root_b, tmp_path])


def test_source_date_epoch_dates_both_files(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    _, pdf_a, docx_a = build_in(tmp_path / "a")
    _, pdf_b, docx_b = build_in(tmp_path / "b")
    assert (pdf_a, docx_a) == (pdf_b, docx_b)
    assert pdf_date(pdf_a) == "D:20231114221320Z"
    assert docx_date(docx_a) == "2023-11-14T22:13:20Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700086400")  # a day later: only the dates differ
    _, pdf_c, docx_c = build_in(tmp_path / "c")
    assert pdf_date(pdf_c) == "D:20231115221320Z" and pdf_c != pdf_a
    assert docx_date(docx_c) == "2023-11-15T22:13:20Z" and docx_c != docx_a


def test_docx_zip_has_fixed_order_and_timestamps(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _, _, docx = build_in(tmp_path)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}


def test_last_commit_time_is_the_default_date(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = copy_project("minimal", tmp_path)
    env = {"GIT_AUTHOR_DATE": "2021-06-01T12:00:00Z", "GIT_COMMITTER_DATE": "2021-06-01T12:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path)}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "thesis"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)
    result = build(root, Options(targets=("pdf", "docx")), Reporter(quiet=True))
    assert pdf_date(result.outputs["pdf"].read_bytes()) == "D:20210601120000Z"
    assert docx_date(result.outputs["docx"].read_bytes()) == "2021-06-01T12:00:00Z"


def test_pdf_identifier_is_deterministic(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _, pdf_a, _ = build_in(tmp_path / "a")
    _, pdf_b, _ = build_in(tmp_path / "b")
    ident = pdf_id(pdf_a)
    assert len(ident) == 2 and all(len(part) >= 16 for part in ident)
    assert pdf_id(pdf_b) == ident
    # Typst derives it from the document, not from a clock or a random source: the first
    # half from the title and author (the `long` sample has the same ones), the second
    # from the content.
    _, pdf_c, _ = build_in(tmp_path / "c", "long")
    assert pdf_id(pdf_c)[0] == ident[0] and pdf_id(pdf_c)[1] != ident[1]


@pytest.mark.parametrize("value", ["1e9", "-5", "", "1700000000.5"])
def test_source_date_epoch_must_be_whole_seconds(tmp_path, monkeypatch, value):
    """(`SOURCE_DATE_EPOCH=garbage` itself is in test_errors.py.)"""
    from thesis.diagnostics import UserError
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    root = copy_project("minimal", tmp_path)
    with pytest.raises(UserError) as exc:
        build(root, Options(targets=("docx",)), Reporter(quiet=True))
    assert str(exc.value.diagnostic) == ("error: SOURCE_DATE_EPOCH must be a whole number of seconds, "
                                         f"not {value!r} [env.source-date-epoch]")
    assert not (root / "build" / "thesis.docx").exists()
