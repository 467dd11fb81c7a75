"""Checks on what the author wrote: raw output blocks and image paths."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import re

from ..context import BuildContext
from ..diagnostics import UserError, _rel
from ..schema import inside
from ..sources import FORBIDDEN_META

# What the build itself gives pandoc as metadata (stdin block and --bibliography/--csl).
OWN_META = {"lang", "nocite", "link-citations", "suppress-bibliography", "notes-after-punctuation"}

# Pandoc compares format names case-insensitively: `{=OpenXML}` reaches the DOCX as much
# as `{=openxml}` does (measured with pandoc 3.9). Other formats are dropped by both
# writers, silently: they are refused too, so no text of the author vanishes unseen.
RAW_FORMATS_PASSED = {"typst", "openxml"}


def refuse_chapter_metadata(doc: dict, ctx: BuildContext) -> None:
    """A key pandoc acts on (a file it reads, a format it changes) that reached the parsed
    metadata from a chapter. `sources.check_metadata_blocks` refuses the blocks it can read;
    this catches what only pandoc's own YAML reader understood (tabs, escaped keys)."""
    ours = OWN_META | ({"bibliography", "csl"} if ctx.project.thesis.bibliography else set())
    for key in sorted(set(doc["meta"]) & FORBIDDEN_META - ours):
        path, line = ctx.locate(re.compile(rf"^[ \t]*[\"']?{re.escape(key[:4])}[^\n:]*:", re.M)) or (None, None)
        raise UserError(f"metadata key {key!r} is not allowed in a chapter; set it in thesis.yaml",
                        path, line, "source.metadata")


def refuse_raw(doc: dict, ctx: BuildContext) -> None:
    """Raw Typst/OpenXML in a chapter bypasses every escaper: only where the profile allows
    it (and then only those two formats; any other raw block would silently vanish)."""
    allowed = RAW_FORMATS_PASSED if ctx.project.profile.raw_blocks else set()
    for node in ctx.index.get("RawBlock", []) + ctx.index.get("RawInline", []):
        if node["c"][0].lower() not in allowed:
            fmt, text = node["c"]
            path, line = ctx.locate("{=" + fmt + "}") or ctx.locate(text.strip()[:40]) or (None, None)
            kind = "block" if node["t"] == "RawBlock" else "inline"
            if fmt.lower() in RAW_FORMATS_PASSED:
                raise UserError(f"raw {fmt} {kind}: not allowed by profile {ctx.project.profile.name!r} "
                                "(set raw_blocks: true in the profile to allow it)", path, line, "source.raw")
            raise UserError(f"raw {fmt} {kind}: neither output can show it (only typst and openxml "
                            "pass, where the profile allows raw blocks)", path, line, "source.raw")


def resolve_images(doc: dict, ctx: BuildContext) -> None:
    """Image targets become project-relative paths; outside or missing images are errors.

    Pandoc's writers percent-decode an image target before they read the file (`%2E%2E/x`
    is `../x`, measured), and its DOCX writer embeds whatever file that names, or fetches a
    URL: the decoded path is what is checked, and what is written back is escaped so that
    the writers decode it to exactly the checked file.
    """
    root = ctx.project.root
    for node in ctx.index.get("Image", []):
        target = node["c"][2][0]
        name = unquote(target)
        path, line = (ctx.locate(f"]({target}") or ctx.locate(f"](<{name}>") or ctx.locate(target)
                      or ctx.locate(name) or (None, None))
        if "://" in name or name.startswith("data:") or name.startswith("//"):
            raise UserError(f"image {name!r}: remote images are not fetched; save the file "
                            "into the project", path, line, "image.remote")
        candidates = []
        if not Path(name).is_absolute():
            chapter = next((c.path for c in ctx.sources if path and _rel(c.path) == path), None)
            if chapter is not None:
                candidates.append(chapter.parent / name)
            candidates.append(root / name)
        existing = [c for c in candidates if c.is_file()]  # symlinks followed
        resolved = next((c for c in existing if inside(root, c)), None)
        if resolved is None:
            # Absolute, `..` out of the project, or a file that exists only through a link out.
            outside = (Path(name).is_absolute() or bool(existing)
                       or not any(inside(root, c) for c in candidates))
            problem = "is outside the project" if outside else "does not exist"
            raise UserError(f"image {name!r} {problem}", path, line,
                            "image.outside" if outside else "image.missing")
        node["c"][2][0] = resolved.resolve().relative_to(root.resolve()).as_posix().replace("%", "%25")
