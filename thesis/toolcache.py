"""The cache shared by every build of this user: what depends only on the tool's own code and
the profile (a writer's reference document, compiled Jinja templates), never on the author's
text, so a fresh output folder still finds it. What depends on the thesis stays in the build
folder's `.cache`.

Where: $THESIS_CACHE_DIR (empty: no shared cache), else $XDG_CACHE_HOME/thesis, else
~/.cache/thesis. A folder that cannot be made means no shared cache, never a failed build.
Every entry is named by a hash of everything it is made from and written atomically, so
builds running at once share it safely.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def _folder(setting: str | None, xdg: str | None, home: str | None) -> Path | None:
    if setting is not None:
        base = Path(setting) if setting else None
    elif xdg:
        base = Path(xdg) / "thesis"
    else:
        base = Path(home) / ".cache" / "thesis" if home else None
    if base is None:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base if os.access(base, os.W_OK) else None


def folder() -> Path | None:
    """The shared cache folder (made if missing), or None when there is none."""
    return _folder(os.environ.get("THESIS_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME"),
                   os.environ.get("HOME"))
