"""Files of the project: read as UTF-8 (or a clear error), kept inside the project, written atomically.

Every read of an author's file and every write of an output or cache file goes through here:
`read_text` (encoding advice), `inside` / `project_file` (containment), `write_atomic` and
`stage` (temporary file + rename: a reader sees the old file or the new one).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import orjson

from .diagnostics import UserError

TOOL_ROOT = Path(__file__).resolve().parent.parent  # the tool's own profiles/, styles/, templates/


def inside(root: Path, path: Path) -> bool:
    """Whether `path` (symlinks resolved) lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def read_text(path: Path) -> str:
    """A UTF-8 text file (BOM tolerated); anything else is a UserError naming the file,
    the line of the first bad byte and how to convert it."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        name = path.name
        convert = "convert it with `iconv -f {} -t utf-8 " + f"{name} -o {name}.utf8`"
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = "; it is UTF-16: " + convert.format("utf-16")
        elif _mostly_utf8(raw):
            hint = "; the rest of the file is UTF-8: retype the character on that line (or delete the stray byte)"
        else:
            try:
                raw.decode("cp1251")
                hint = "; it looks like CP1251: " + convert.format("cp1251")
            except UnicodeDecodeError:
                hint = "; save it as UTF-8 in your editor, or " + convert.format("<its encoding>")
        raise UserError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}){hint}",
                        path, line, "source.encoding") from None


def _mostly_utf8(raw: bytes) -> bool:
    """Whether valid multi-byte UTF-8 characters outnumber the bad bytes many times over."""
    text = raw.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return good >= 8 * bad


def project_file(root: Path, name: str, what: str, origin: Path, line: int | None = None) -> Path:
    """`name` as a file inside the project at `root`; a UserError at `origin:line` if it
    escapes or is missing."""
    candidate = Path(name)
    path = candidate if candidate.is_absolute() else root / candidate
    if candidate.is_absolute() or not inside(root, path):
        raise UserError(f"{what} {name!r} is outside the project", origin, line, "source.outside")
    if not path.is_file():
        raise UserError(f"{what} {name!r} does not exist", origin, line, "source.missing")
    return path


def stage(path: Path, data: bytes, durable: bool = True) -> str:
    """`data` in a temporary file beside `path` (mode 0644), ready to be renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        unlink_quietly(tmp)
        raise
    return tmp


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never half of one."""
    tmp = stage(path, data, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        unlink_quietly(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def unlink_quietly(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def load_json(path: Path):
    """A cache file's JSON value, or None where it is missing or unreadable (orjson: ~3× faster
    than the standard library on the build's caches, ~20 ms a watch rebuild); marked used."""
    data = cached_bytes(path)
    try:
        return None if data is None else orjson.loads(data)
    except ValueError:  # not JSON (an entry changed by hand, say): a miss
        return None


# A build cache (`build/.cache`) is pruned after each successful build (`prune_cache`): an entry's
# modification time is when a build last used it (`hit` sets it), so what a build uses is
# kept, and of the rest only the most recently used, as many as the build used or KEEP_UNUSED
# (an undone edit, a branch switched back, still find theirs). Every reader takes a missing
# entry for a miss, so pruning can only cost time, never a wrong output.
KEEP_UNUSED = 64


def hit(path: Path) -> bool:
    """Whether the cache entry `path` exists, marking it used by this build."""
    try:
        os.utime(path)
        return True
    except FileNotFoundError:
        return False
    except OSError:  # an entry this user may not change: present, just not marked
        return path.is_file()


def cached_bytes(path: Path) -> bytes | None:
    """A cache entry's bytes (marked used), or None where it is missing."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    hit(path)
    return data


def stamp(path: Path) -> float:
    """`path` touched (made if need be) and its new modification time: now, by the clock the
    file system stamps entries with (coarser than `time.time()`, so compared with this)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return path.stat().st_mtime


def prune_cache(folder: Path, since: float, keep: int | None = None) -> int:
    """The entries of each folder of the cache `folder` not used since `since` (a build's start)
    removed, except the most recently used of them: as many as that folder's entries the
    build used, and at least `keep` (KEEP_UNUSED). The number removed."""
    keep = KEEP_UNUSED if keep is None else keep
    removed = 0
    for top, _, names in os.walk(folder):
        used, unused = 0, []
        for name in names:
            path = os.path.join(top, name)
            try:
                changed = os.stat(path).st_mtime
            except OSError:
                continue
            if changed >= since:
                used += 1
            else:
                unused.append((changed, path))
        unused.sort(reverse=True)
        for _, path in unused[max(keep, used):]:
            unlink_quietly(path)
            removed += 1
    return removed


def json_bytes(value) -> bytes:
    """Compact UTF-8 JSON (orjson: ~10× faster than the standard library on the AST: ~2 ms for
    the thesis where `json.dumps` takes ~25); a text with a lone surrogate, which UTF-8 cannot
    carry, escaped as JSON allows. Also pandoc's input: not ASCII-escaped, since every Cyrillic
    letter as `\\uXXXX` made it 1.5× as long and pandoc's reader slower and larger (the 5×
    thesis: ~130 MiB of pandoc's heap against ~100)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value).encode()


def store_json(path: Path, value) -> None:
    """A cache file written atomically (not synced: a cache can always be made again)."""
    write_atomic(path, json_bytes(value), durable=False)
