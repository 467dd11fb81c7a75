"""PNG fallbacks for SVG figures in the DOCX.

Pandoc's docx writer embeds an SVG as Word 2016's `asvg:svgBlip` and leaves the ordinary
picture (`a:blip r:embed`) empty unless `rsvg-convert` is installed: LibreOffice and older
Word then show nothing. Here Typst (already in the build, in-process) renders each SVG to
a PNG at print resolution, which becomes the picture; the SVG stays for Word versions that
prefer it.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

PPI = 300
_SVG_BLIP = re.compile(r'<a:blip(?P<attrs>(?:(?!r:embed)[^>])*)>(?P<inner>(?:(?!</a:blip>).)*?'
                       r'<asvg:svgBlip [^>]*r:embed="(?P<rid>[^"]+)")', re.S)
_REL = re.compile(r'<Relationship [^>]*Id="(?P<id>[^"]+)"[^>]*Target="(?P<target>[^"]+)"')


def png_of(svg: bytes) -> bytes:
    """The SVG drawn at its own size and PPI dots per inch (Typst's renderer)."""
    import typst
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "figure.svg").write_bytes(svg)
        source = '#set page(width: auto, height: auto, margin: 0pt)\n#image("figure.svg")\n'
        return typst.compile(input=source.encode(), root=tmp, format="png", ppi=PPI)


def add_fallbacks(parts: dict[str, bytes]) -> dict[str, bytes]:
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
        changed[f"word/{png_name}"] = png_of(parts[f"word/{targets[rid]}"])
        fallback[rid] = f"{rid}png"
        rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}png" Type="http://schemas.'
                            'openxmlformats.org/officeDocument/2006/relationships/image" '
                            f'Target="{png_name}" /></Relationships>')
    if not fallback:
        return {}
    document = _SVG_BLIP.sub(lambda m: f'<a:blip r:embed="{fallback.get(m["rid"], "")}"{m["attrs"]}>{m["inner"]}'
                             if m["rid"] in fallback else m.group(0), document)
    types = parts["[Content_Types].xml"].decode()
    if 'Extension="png"' not in types:
        types = types.replace("</Types>", '<Default Extension="png" ContentType="image/png" /></Types>')
    return {**changed, "word/document.xml": document.encode(), "word/_rels/document.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode()}
