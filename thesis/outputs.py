"""Writing artefacts: atomically (temporary file + rename) and under a build lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import tempfile
import time
from pathlib import Path

from .diagnostics import UserError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def build_lock(out_dir: Path, wait_s: float = 300.0, quiet: bool = False):
    """Hold `out_dir/.lock` for the build; a concurrent build waits, then gives up clearly."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = open(out_dir / ".lock", "a+")
    try:
        deadline = time.monotonic() + wait_s
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UserError(f"another build holds {out_dir / '.lock'} (waited {wait_s:.0f} s)",
                                    code="build.locked") from None
                if not announced and not quiet:
                    print(f"waiting for another build in {out_dir} to finish…", file=sys.stderr)
                    announced = True
                time.sleep(0.1)
        yield
    finally:
        handle.close()
