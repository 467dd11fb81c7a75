"""Checks on what the author wrote: raw output blocks and image paths."""

from __future__ import annotations

from pathlib import Path

from .. import ast
from ..context import BuildContext
from ..diagnostics import UserError
from ..sources import inside

RAW_FORMATS_REFUSED = {"typst", "openxml", "latex", "tex", "html", "html5"}


def refuse_raw(doc: dict, ctx: BuildContext) -> None:
    """Raw Typst/OpenXML in a chapter bypasses every escaper: only where the profile allows it."""
    if ctx.project.profile.raw_blocks:
        return
    for node in ast.walk(doc["blocks"]):
        if node["t"] in ("RawBlock", "RawInline") and node["c"][0] in RAW_FORMATS_REFUSED:
            fmt, text = node["c"]
            path, line = ctx.locate("{=" + fmt + "}") or ctx.locate(text.strip()[:40]) or (None, None)
            raise UserError(f"raw {fmt} block: not allowed by profile {ctx.project.profile.name!r} "
                            "(set raw_blocks: true in the profile to allow it)", path, line, "source.raw")


def resolve_images(doc: dict, ctx: BuildContext) -> None:
    """Image targets become project-relative paths; outside or missing images are errors."""
    root = ctx.project.root
    for node in ast.walk(doc["blocks"]):
        if node["t"] != "Image":
            continue
        target = node["c"][2][0]
        path, line = ctx.locate(f"]({target}") or ctx.locate(target) or (None, None)
        if "://" in target or target.startswith("data:"):
            raise UserError(f"image {target!r}: remote images are not fetched; save the file "
                            "into the project", path, line, "image.remote")
        candidates = []
        if not Path(target).is_absolute():
            if path:
                candidates.append((root / path).parent / target)
            candidates.append(root / target)
        resolved = next((c for c in candidates if inside(root, c) and c.is_file()), None)
        if resolved is None:
            outside = Path(target).is_absolute() or not any(inside(root, c) for c in candidates)
            problem = "is outside the project" if outside else "does not exist"
            raise UserError(f"image {target!r} {problem}", path, line,
                            "image.outside" if outside else "image.missing")
        node["c"][2][0] = resolved.resolve().relative_to(root.resolve()).as_posix()
