"""Writing artefacts: atomically (temporary file + rename), under a build lock, and
without being cut in half by Ctrl-C or SIGTERM.

Neither pandoc nor Typst writes its output atomically (the build takes their bytes and
writes them itself). A build holds `<out>/.lock` from start to end, so a second build
in the same folder waits (its cache and outputs are shared) and never interleaves.
Signals that arrive while the outputs are being renamed into place are handled right
after: the PDF and DOCX are replaced together or not at all.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .diagnostics import UserError, display_path
from .files import fsync_dir, stage, unlink_quietly

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the build; `written` says whether the outputs were
    already replaced when it came."""

    def __init__(self, signum: int = signal.SIGINT, written: bool = False):
        super().__init__(signum, written)
        self.signum, self.written = signum, written

    def __str__(self) -> str:
        name = signal.Signals(self.signum).name
        if self.written:
            return f"interrupted by {name} after the outputs were written"
        return f"interrupted by {name}: nothing written, previous outputs left as they were"


def commit(files: dict[Path, bytes]) -> None:
    """Write every file atomically, as one step: SIGINT/SIGTERM arriving meanwhile are
    handled once all are in place (it takes milliseconds), so the outputs are always a
    matching set and no temporary file is left behind."""
    with signals_held(), contextlib.ExitStack() as cleanup:
        staged: list[tuple[str, Path]] = []
        for path, data in files.items():
            tmp = stage(path, data)
            cleanup.callback(unlink_quietly, tmp)  # a no-op once renamed
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
        for folder in {path.parent for path in files}:
            fsync_dir(folder)


@contextlib.contextmanager
def signals_held():
    """SIGINT and SIGTERM wait until the block is done; then the build stops
    (`Interrupted(written=True)`). Outside the main thread signals cannot arrive here."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signum)) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
    if received and previous[received[0]] is not signal.SIG_IGN:
        raise Interrupted(received[0], written=True)


@contextlib.contextmanager
def build_lock(out_dir: Path, wait_s: float | None = None, quiet: bool = False):
    """Hold `out_dir/.lock` for the build; a concurrent build waits, then gives up clearly.

    The wait is `wait_s` seconds, else $THESIS_LOCK_WAIT, else 300 s. The lock is the
    kernel's (flock): a build that dies, however it dies, releases it.
    """
    if wait_s is None:
        value = os.environ.get("THESIS_LOCK_WAIT", "300")
        try:
            wait_s = float(value)
        except ValueError:
            raise UserError(f"THESIS_LOCK_WAIT must be a number of seconds, not {value!r}",
                            code="env.lock-wait") from None
    out_dir.mkdir(parents=True, exist_ok=True)
    lock_path = out_dir / ".lock"
    handle = open(lock_path, "a+")
    try:
        deadline = time.monotonic() + wait_s
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UserError(f"another build is running in {display_path(out_dir)}/ (it holds {display_path(lock_path)}; "
                                    f"waited {wait_s:g} s): let it finish or use --out for another folder",
                                    code="build.locked") from None
                if not announced and not quiet:
                    print(f"waiting for another build in {display_path(out_dir)}/ to finish…", file=sys.stderr)
                    announced = True
                time.sleep(0.05)
        yield
    finally:
        handle.close()
