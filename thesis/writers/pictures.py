"""PNG pictures for the DOCX's SVG and PDF figures.

Pandoc's docx writer embeds an SVG as Word 2016's `asvg:svgBlip` and leaves the ordinary
picture (`a:blip r:embed`) empty unless `rsvg-convert` is installed: LibreOffice and older
Word then show nothing. Here Typst (already in the build, in-process) renders each SVG to
a PNG at print resolution, which becomes the picture; the SVG stays for Word versions that
prefer it. A PDF figure (a plot saved from matplotlib or R, as LaTeX authors keep them) is
embedded by pandoc as it is, which no Word version draws: its PNG replaces it.
Renderings are kept in the build cache by the figure's bytes.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from ..files import cached_bytes, write_atomic

PPI = 300
_SVG_BLIP = re.compile(r'<a:blip(?P<attrs>(?:(?!r:embed)[^>])*)>(?P<inner>(?:(?!</a:blip>).)*?'
                       r'<asvg:svgBlip [^>]*r:embed="(?P<rid>[^"]+)")', re.S)
_REL = re.compile(r'<Relationship [^>]*Id="(?P<id>[^"]+)"[^>]*Target="(?P<target>[^"]+)"')


def png_of(figure: bytes, suffix: str = ".svg", cache: Path | None = None) -> bytes:
    """The figure (SVG, or a PDF's first page) drawn at its own size and PPI dots per inch
    (Typst's renderer), from `cache` when drawn before."""
    key = hashlib.sha256(f"{PPI}{suffix}\0".encode() + figure).hexdigest()[:24]
    kept = cache / "pictures" / f"{key}.png" if cache is not None else None
    if kept is not None and (png := cached_bytes(kept)) is not None:
        return png
    import typst
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / f"figure{suffix}").write_bytes(figure)
        source = f'#set page(width: auto, height: auto, margin: 0pt)\n#image("figure{suffix}")\n'
        png = typst.compile(input=source.encode(), root=tmp, format="png", ppi=PPI)
    if kept is not None:
        write_atomic(kept, png, durable=False)
    return png


def pdf_pictures(parts: dict[str, bytes], cache: Path | None = None) -> dict[str, bytes]:
    """The package with every PDF picture a PNG (same relationship, part renamed)."""
    pdfs = [name for name in parts if name.startswith("word/media/") and name.endswith(".pdf")]
    if not pdfs:
        return parts
    out = dict(parts)
    rels = out["word/_rels/document.xml.rels"].decode()
    for name in pdfs:
        png_name = name[:-4] + ".png"
        out[png_name] = png_of(out.pop(name), ".pdf", cache)
        rels = rels.replace(f'Target="{name[len("word/"):]}"', f'Target="{png_name[len("word/"):]}"')
    out["word/_rels/document.xml.rels"] = rels.encode()
    types = _with_png_type(out["[Content_Types].xml"].decode())
    if not any(name.endswith(".pdf") for name in out):
        types = re.sub(r'<Default Extension="pdf" [^>]*/>', "", types)
    out["[Content_Types].xml"] = types.encode()
    return out


def add_fallbacks(parts: dict[str, bytes], cache: Path | None = None) -> dict[str, bytes]:
    """The changed and added parts ({name: bytes}) that give every SVG picture its PNG."""
    document = parts["word/document.xml"].decode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    targets = {m["id"]: m["target"] for m in _REL.finditer(rels)}
    changed: dict[str, bytes] = {}
    fallback: dict[str, str] = {}  # SVG relationship → PNG relationship
    for match in _SVG_BLIP.finditer(document):
        rid = match["rid"]
        if rid in fallback or not targets.get(rid, "").endswith(".svg"):
            continue
        png_name = targets[rid][:-4] + ".png"
        changed[f"word/{png_name}"] = png_of(parts[f"word/{targets[rid]}"], ".svg", cache)
        fallback[rid] = f"{rid}png"
        rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}png" Type="http://schemas.'
                            'openxmlformats.org/officeDocument/2006/relationships/image" '
                            f'Target="{png_name}" /></Relationships>')
    if not fallback:
        return {}
    document = _SVG_BLIP.sub(lambda m: f'<a:blip r:embed="{fallback.get(m["rid"], "")}"{m["attrs"]}>{m["inner"]}'
                             if m["rid"] in fallback else m.group(0), document)
    types = _with_png_type(parts["[Content_Types].xml"].decode())
    return {**changed, "word/document.xml": document.encode(), "word/_rels/document.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode()}


def _with_png_type(types: str) -> str:
    """[Content_Types].xml declaring PNG parts (once)."""
    if 'Extension="png"' in types:
        return types
    return types.replace("</Types>", '<Default Extension="png" ContentType="image/png" /></Types>')
